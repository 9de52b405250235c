//! Which tables and fields sync, how each row is named across devices, and
//! how a row first seen from another device is recognised as one this
//! library already holds. Every other part of sync reads these specs; no
//! table name is written anywhere else in it.
//!
//! Not synced, on purpose: the catalogue's facts (genres, people, episode
//! lists, synopsis, air dates), posters, match state, settings and keys.
//! Each device fetches and caches its own; a title carries only what names
//! it (kind, name, original name, year) so a device that has never seen it
//! can hold its entry until its own catalogue refresh fills in the rest.

/// A synced column: `refs` names the synced table an id in it points at,
/// which crosses devices as that row's uuid.
pub(super) struct Field {
    pub col: &'static str,
    pub refs: Option<&'static str>,
    /// The row it points at owns this one (deleting it deletes this): a
    /// change here keeps that row alive, see [`CHILD`].
    pub owner: bool,
}

const fn f(col: &'static str) -> Field {
    Field {
        col,
        refs: None,
        owner: false,
    }
}

const fn fk(col: &'static str, table: &'static str) -> Field {
    Field {
        col,
        refs: Some(table),
        owner: false,
    }
}

/// A reference to the row that owns this one.
const fn owned_by(col: &'static str, table: &'static str) -> Field {
    Field {
        col,
        refs: Some(table),
        owner: true,
    }
}

/// How a row is named.
pub(super) enum Key {
    /// An `id INTEGER PRIMARY KEY` row, named by its uuid in `sync_ids`.
    Row,
    /// A row named by its primary-key columns (a tag on an entry): each is
    /// a synced field, and the key joins their cross-device values.
    Columns(&'static [Field]),
}

/// Whether a row's deletion crosses devices.
pub(super) enum Lives {
    /// Deleted by the user: the deletion syncs, and wins over older edits.
    Own,
    /// Exists while rows point at it (a title while its entry does, a tag
    /// while an entry carries it): its deletion does not sync. Every device
    /// deletes the rows this statement finds after applying others'
    /// changes, as the store does after its own deletes: those this
    /// condition finds.
    WithChildren(&'static str),
    /// Goes with the row it belongs to (a title's catalogue ids).
    WithParent,
}

pub(super) struct Spec {
    pub table: &'static str,
    pub key: Key,
    /// The synced columns besides the key.
    pub fields: &'static [Field],
    /// For a `Row` table: finds the local row another device's new row is
    /// (`?n` the n-th field, ids already local), so two devices that both
    /// had "Goblin" hold one entry for it, not two.
    pub natural: Option<&'static str>,
    /// Columns that are not synced but that a row made here from another
    /// device's needs: each copied from a synced field.
    pub copies: &'static [(&'static str, &'static str)],
    pub lives: Lives,
    /// What makes a row the same thing on every device, for its key
    /// (docs/ARCHITECTURE.md § "Sync between devices"); empty for rows
    /// that are only themselves (a viewing), which get a UUIDv7.
    pub identity: &'static [Field],
}

/// Parents before children: a row is applied after the rows it points at.
pub(super) const SPECS: &[Spec] = &[
    Spec {
        table: "platforms",
        key: Key::Row,
        fields: &[f("name"), f("subscribed"), f("position")],
        natural: Some("SELECT id FROM platforms WHERE name = ?1"),
        copies: &[],
        lives: Lives::Own,
        identity: &[f("name")],
    },
    Spec {
        table: "titles",
        key: Key::Row,
        fields: &[
            f("kind"),
            f("name"),
            f("sort_name"),
            f("original_name"),
            f("year"),
            f("created_at"),
        ],
        // By a catalogue id first (see `external_ids` in the row), then by
        // name and year among titles that have none.
        natural: Some(
            "SELECT id FROM titles t WHERE kind = ?1 AND sort_name = ?3 AND year IS ?5
               AND NOT EXISTS (SELECT 1 FROM external_ids x WHERE x.title_id = t.id)",
        ),
        // A title's catalogue refresh time starts as its creation.
        copies: &[("updated_at", "created_at")],
        lives: Lives::WithChildren("id NOT IN (SELECT title_id FROM entries)"),
        identity: &[f("kind"), f("year"), f("sort_name")],
    },
    Spec {
        table: "external_ids",
        key: Key::Columns(&[fk("title_id", "titles"), f("provider")]),
        fields: &[f("value")],
        natural: None,
        copies: &[],
        lives: Lives::WithParent,
        identity: &[],
    },
    Spec {
        table: "tags",
        key: Key::Row,
        fields: &[f("name")],
        natural: Some("SELECT id FROM tags WHERE name = ?1"),
        copies: &[],
        lives: Lives::WithChildren("id NOT IN (SELECT tag_id FROM entry_tags)"),
        identity: &[f("name")],
    },
    Spec {
        table: "lists",
        key: Key::Row,
        fields: &[
            f("name"),
            f("name_key"),
            f("description"),
            f("ranked"),
            f("created_at"),
            f("updated_at"),
        ],
        natural: Some("SELECT id FROM lists WHERE name_key = ?2"),
        copies: &[],
        lives: Lives::Own,
        identity: &[f("name_key")],
    },
    Spec {
        table: "entries",
        key: Key::Row,
        fields: &[
            fk("title_id", "titles"),
            f("status"),
            f("rating"),
            f("score_story"),
            f("score_acting"),
            f("score_music"),
            f("score_rewatch"),
            f("review"),
            f("review_spoiler"),
            f("notes"),
            fk("platform_id", "platforms"),
            f("progress"),
            f("favorite"),
            f("started_on"),
            f("finished_on"),
            f("added_at"),
            f("updated_at"),
        ],
        natural: Some("SELECT id FROM entries WHERE title_id = ?1"),
        copies: &[],
        lives: Lives::Own,
        identity: &[fk("title_id", "titles")],
    },
    Spec {
        table: "viewings",
        key: Key::Row,
        fields: &[
            owned_by("entry_id", "entries"),
            f("started_on"),
            f("finished_on"),
            fk("platform_id", "platforms"),
            f("progress"),
        ],
        natural: None,
        copies: &[],
        lives: Lives::Own,
        identity: &[],
    },
    Spec {
        table: "episode_watches",
        key: Key::Row,
        fields: &[
            owned_by("entry_id", "entries"),
            owned_by("viewing_id", "viewings"),
            f("season"),
            f("number"),
            f("watched_on"),
            f("watched_at"),
            fk("platform_id", "platforms"),
            f("rating"),
            f("note"),
            f("recorded_at"),
        ],
        natural: Some(
            "SELECT id FROM episode_watches WHERE entry_id = ?1
               AND coalesce(viewing_id, 0) = coalesce(?2, 0) AND season = ?3 AND number = ?4",
        ),
        copies: &[],
        lives: Lives::Own,
        identity: &[
            fk("entry_id", "entries"),
            fk("viewing_id", "viewings"),
            f("season"),
            f("number"),
        ],
    },
    Spec {
        table: "entry_tags",
        key: Key::Columns(&[owned_by("entry_id", "entries"), fk("tag_id", "tags")]),
        fields: &[],
        natural: None,
        copies: &[],
        lives: Lives::Own,
        identity: &[],
    },
    Spec {
        table: "list_items",
        key: Key::Columns(&[
            owned_by("list_id", "lists"),
            owned_by("entry_id", "entries"),
        ]),
        fields: &[f("position"), f("note"), f("added_at")],
        natural: None,
        copies: &[],
        lives: Lives::Own,
        identity: &[],
    },
];

/// Fields kept by the same rules but left out of the conflict log: when a
/// row was last touched is bookkeeping, not something a person decided.
pub(super) const UNLOGGED: &[&str] = &["updated_at", "recorded_at"];

/// The clock field of a row's deletion.
pub(super) const DELETED: &str = "-";
/// The clock field of the latest change to a row it owns (an episode
/// ticked, a tag added): an entry deleted on one device and given a tag
/// on another after that comes back, with the tag, as a newer edit of the
/// entry itself would bring it.
pub(super) const CHILD: &str = "~";
/// The clock field of a row's creation: what keeps a keyed row with no
/// other fields (a tag on an entry) alive against an older deletion.
pub(super) const CREATED: &str = "+";

pub(super) fn spec(table: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.table == table)
}
