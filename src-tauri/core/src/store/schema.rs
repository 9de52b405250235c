//! The library file's schema, as ordered, append-only migrations. Never edit
//! a migration that has shipped: add a new one. `user_version` records how
//! many have been applied; `application_id` marks the file as Watchlog's.

use rusqlite_migration::{Migrations, M};

/// "WTLG": lets `open` tell a Watchlog library from another program's SQLite file.
pub const APPLICATION_ID: i32 = 0x5754_4C47;

const V1: &str = r#"
PRAGMA application_id = 1465142343;

CREATE TABLE platforms (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    subscribed  INTEGER NOT NULL DEFAULT 0 CHECK (subscribed IN (0, 1)),
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE titles (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('series', 'miniseries', 'film', 'special')),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- Lower-cased, accents and leading articles removed: the title sort key.
    sort_name       TEXT NOT NULL,
    original_name   TEXT,
    year            INTEGER CHECK (year BETWEEN 1800 AND 2200),
    country         TEXT,
    language        TEXT,
    network         TEXT,
    seasons         INTEGER CHECK (seasons >= 0),
    episodes        INTEGER CHECK (episodes >= 0),
    runtime_minutes INTEGER CHECK (runtime_minutes >= 0),
    airing          TEXT CHECK (airing IN ('running', 'ended', 'upcoming')),
    synopsis        TEXT,
    poster_url      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE title_genres (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    genre    TEXT NOT NULL,
    PRIMARY KEY (title_id, position),
    UNIQUE (title_id, genre)
) WITHOUT ROWID;
CREATE INDEX title_genres_genre ON title_genres(genre);

CREATE TABLE title_people (
    title_id  INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('writer', 'director', 'cast')),
    name      TEXT NOT NULL,
    character TEXT,
    PRIMARY KEY (title_id, position)
) WITHOUT ROWID;

CREATE TABLE external_ids (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('tvmaze', 'tmdb', 'imdb', 'tvdb', 'mydramalist')),
    value    TEXT NOT NULL,
    PRIMARY KEY (title_id, provider),
    UNIQUE (provider, value)
);

CREATE TABLE episodes (
    title_id        INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    season          INTEGER NOT NULL,
    number          INTEGER NOT NULL,
    name            TEXT,
    airdate         TEXT,
    runtime_minutes INTEGER,
    PRIMARY KEY (title_id, season, number)
) WITHOUT ROWID;

CREATE TABLE entries (
    id             INTEGER PRIMARY KEY,
    title_id       INTEGER NOT NULL UNIQUE REFERENCES titles(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('plan_to_watch', 'watching', 'completed', 'on_hold', 'dropped')),
    rating         INTEGER CHECK (rating BETWEEN 0 AND 100),
    score_story    INTEGER CHECK (score_story BETWEEN 0 AND 100),
    score_acting   INTEGER CHECK (score_acting BETWEEN 0 AND 100),
    score_music    INTEGER CHECK (score_music BETWEEN 0 AND 100),
    score_rewatch  INTEGER CHECK (score_rewatch BETWEEN 0 AND 100),
    review         TEXT,
    review_spoiler INTEGER NOT NULL DEFAULT 0 CHECK (review_spoiler IN (0, 1)),
    notes          TEXT,
    platform_id    INTEGER REFERENCES platforms(id) ON DELETE SET NULL,
    progress       INTEGER NOT NULL DEFAULT 0 CHECK (progress >= 0),
    favorite       INTEGER NOT NULL DEFAULT 0 CHECK (favorite IN (0, 1)),
    started_on     TEXT,
    finished_on    TEXT,
    added_at       TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX entries_status ON entries(status);
CREATE INDEX entries_platform ON entries(platform_id);

CREATE TABLE viewings (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    started_on  TEXT,
    finished_on TEXT,
    platform_id INTEGER REFERENCES platforms(id) ON DELETE SET NULL,
    progress    INTEGER NOT NULL DEFAULT 0 CHECK (progress >= 0)
);
CREATE INDEX viewings_entry ON viewings(entry_id);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE entry_tags (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX entry_tags_tag ON entry_tags(tag_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Full-text index of each entry, kept in step by the store in the same
-- transaction as every write. The trigram tokenizer gives substring search
-- in every script (Hangul, kana and hanzi have no spaces to split on) and
-- folds case and accents.
CREATE VIRTUAL TABLE entry_search USING fts5(
    name, original_name, people, review, notes,
    tokenize = 'trigram remove_diacritics 1'
);

INSERT INTO platforms (name, subscribed, position) VALUES
    ('Netflix', 0, 1),
    ('Disney+', 0, 2),
    ('Prime Video', 0, 3),
    ('Apple TV+', 0, 4),
    ('Viki', 0, 5),
    ('Wavve', 0, 6),
    ('TVING', 0, 7),
    ('Coupang Play', 0, 8),
    ('iQIYI', 0, 9),
    ('WeTV', 0, 10),
    ('Youku', 0, 11),
    ('Crunchyroll', 0, 12),
    ('Max', 0, 13),
    ('Hulu', 0, 14),
    ('Paramount+', 0, 15),
    ('Kocowa', 0, 16),
    ('U-NEXT', 0, 17),
    ('Cinema', 0, 18),
    ('TV broadcast', 0, 19),
    ('Blu-ray / DVD', 0, 20);
"#;

/// The poster cache's index: one row per title that has a poster address.
/// The image files live in the cache folder, named by `hash` (BLAKE3 of the
/// downloaded bytes), so titles sharing a poster share the files. `error`
/// holds the reason the last fetch failed, for the user; `hash` is NULL
/// until a fetch succeeds or after the files were pruned.
const V2: &str = r#"
CREATE TABLE posters (
    title_id      INTEGER PRIMARY KEY REFERENCES titles(id) ON DELETE CASCADE,
    source_url    TEXT NOT NULL,
    hash          TEXT,
    width         INTEGER,
    height        INTEGER,
    sizes         TEXT,
    bytes         INTEGER NOT NULL DEFAULT 0,
    fetched_at    TEXT,
    last_used_at  TEXT,
    etag          TEXT,
    last_modified TEXT,
    error         TEXT,
    attempted_at  TEXT
);
CREATE INDEX posters_hash ON posters(hash);
"#;

/// Indexes for the library view at 100,000 titles: one per sort order,
/// shaped exactly like its ORDER BY (the "is it missing" flag first, so
/// titles without a year or rating stay last), and one per filter that
/// would otherwise scan. Orders on title columns end with the title's id,
/// which every index on `titles` carries.
const V3: &str = r#"
CREATE INDEX titles_sort_name ON titles(sort_name);
CREATE INDEX titles_year_order ON titles(year IS NULL, year DESC, sort_name);
CREATE INDEX titles_country ON titles(country);
CREATE INDEX title_genres_genre_nocase ON title_genres(genre COLLATE NOCASE);
CREATE INDEX entries_added ON entries(added_at);
CREATE INDEX entries_rating_order ON entries(rating IS NULL, rating DESC);
CREATE INDEX entries_finished_order ON entries(finished_on IS NULL, finished_on DESC);
CREATE INDEX entries_favorite ON entries(favorite) WHERE favorite = 1;
"#;

/// Search and filter-chip counts at 100,000 titles.
///
/// `entry_words` is a second full-text index over the same five fields as
/// `entry_search`, with the unicode61 tokenizer (case and accents folded):
/// it answers words of Latin, Greek and Cyrillic text as word prefixes
/// (`lov` → "Love", "Lovely") from one short list per word, where the
/// trigram index has to intersect long trigram lists and rank many more
/// rows. The prefix index serves the shortest words it answers (three
/// characters). It keeps no copy of the text (`content = ''`), and
/// `contentless_delete` lets a row be dropped by its id. It is filled from
/// the trigram index's rows, so both say the same thing from the start; the
/// store keeps both in step in every write's transaction.
///
/// `entries_status_cover` lets the chip counts under a status filter (a
/// status tab) read the platform and title of each kept entry from the
/// index alone, without visiting the table's rows.
const V4: &str = r#"
CREATE VIRTUAL TABLE entry_words USING fts5(
    name, original_name, people, review, notes,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3',
    content = '',
    contentless_delete = 1
);
INSERT INTO entry_words (rowid, name, original_name, people, review, notes)
    SELECT rowid, name, original_name, people, review, notes FROM entry_search;
INSERT INTO entry_words (entry_words) VALUES ('optimize');

CREATE INDEX entries_status_cover ON entries(status, platform_id, title_id);
"#;

/// Letterboxd film addresses as external ids. SQLite cannot change a
/// CHECK constraint in place, so the table is rebuilt with the new one.
const V5: &str = r#"
CREATE TABLE external_ids_v5 (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('tvmaze', 'tmdb', 'imdb', 'tvdb', 'mydramalist', 'letterboxd')),
    value    TEXT NOT NULL,
    PRIMARY KEY (title_id, provider),
    UNIQUE (provider, value)
);
INSERT INTO external_ids_v5 (title_id, provider, value)
    SELECT title_id, provider, value FROM external_ids;
DROP TABLE external_ids;
ALTER TABLE external_ids_v5 RENAME TO external_ids;
"#;

/// Every episode watched, and when episodes air.
///
/// `episode_watches` holds one row per episode per viewing (`viewing_id`
/// NULL is the current one; a rewatch has its own rows). It is keyed by
/// season and number, not by the `episodes` row, so a catalogue that
/// renumbers or drops an episode never deletes what the user watched.
/// `watched_on` is the viewer's calendar day, `watched_at` the instant when
/// known; both NULL is "watched, day unknown".
///
/// Existing progress counts become "the first N episodes in airing order,
/// day unknown" where the title has an episode list (specials, season 0,
/// never count); past the end of the list the numbering goes on in the
/// last season, so no count is lowered. Without a list the count stays as
/// it is.
///
/// `episodes.airstamp` is the instant an episode airs (UTC, RFC 3339);
/// `notified_at` when the viewer was told it aired. `titles.catalog_updated`
/// is the catalogue's own change stamp, so a refresh of airing shows can
/// skip the unchanged ones.
const V6: &str = r#"
ALTER TABLE episodes ADD COLUMN airstamp TEXT;
ALTER TABLE episodes ADD COLUMN notified_at TEXT;
CREATE INDEX episodes_airstamp ON episodes(airstamp) WHERE airstamp IS NOT NULL;
CREATE INDEX episodes_airdate ON episodes(airdate) WHERE airdate IS NOT NULL;
ALTER TABLE titles ADD COLUMN catalog_updated INTEGER;

CREATE TABLE episode_watches (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    viewing_id  INTEGER REFERENCES viewings(id) ON DELETE CASCADE,
    season      INTEGER NOT NULL CHECK (season >= 0),
    number      INTEGER NOT NULL CHECK (number >= 1),
    watched_on  TEXT,
    watched_at  TEXT,
    platform_id INTEGER REFERENCES platforms(id) ON DELETE SET NULL,
    rating      INTEGER CHECK (rating BETWEEN 0 AND 100),
    note        TEXT,
    recorded_at TEXT NOT NULL
);
CREATE UNIQUE INDEX episode_watches_one
    ON episode_watches(entry_id, coalesce(viewing_id, 0), season, number);
CREATE INDEX episode_watches_latest ON episode_watches(entry_id, watched_at, watched_on);

INSERT INTO episode_watches (entry_id, season, number, recorded_at)
SELECT e.id, ep.season, ep.number, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM entries e
JOIN (SELECT title_id, season, number,
             row_number() OVER (PARTITION BY title_id ORDER BY season, number) AS n
      FROM episodes WHERE season > 0) ep
  ON ep.title_id = e.title_id AND ep.n <= e.progress
WHERE e.progress > 0;

WITH RECURSIVE
  listed AS (
    SELECT title_id, count(*) AS n, max(season) AS last_season
    FROM episodes WHERE season > 0 GROUP BY title_id),
  ends AS (
    SELECT l.title_id, l.n, l.last_season,
           (SELECT max(number) FROM episodes x
            WHERE x.title_id = l.title_id AND x.season = l.last_season) AS last_number
    FROM listed l),
  extra(entry_id, season, number, remaining) AS (
    SELECT e.id, ends.last_season, ends.last_number + 1, e.progress - ends.n - 1
    FROM entries e JOIN ends ON ends.title_id = e.title_id
    WHERE e.progress > ends.n
    UNION ALL
    SELECT entry_id, season, number + 1, remaining - 1 FROM extra WHERE remaining > 0)
INSERT INTO episode_watches (entry_id, season, number, recorded_at)
SELECT entry_id, season, number, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM extra;
"#;

/// `match_state` remembers, for an entry with no catalogue id, how the last
/// try to match it ended (several shows fit: their candidates; none; or
/// the viewer keeps it as it is), so matching resumes where it stopped
/// and asks nothing twice. An entry matched gets the catalogue's ids and
/// leaves the table.
///
/// `pending_watches` keeps the watched episodes a file named without a
/// number (Netflix gives an episode's name, TV Time a TVDB episode id) until
/// the title's episode list tells which episode each is; then they move to
/// `episode_watches`. Nothing a file recorded is dropped for want of a
/// number.
const V7: &str = r#"
CREATE TABLE pending_watches (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    viewing_id  INTEGER REFERENCES viewings(id) ON DELETE CASCADE,
    season      INTEGER CHECK (season >= 0),
    name        TEXT,
    provider    TEXT,
    external_id TEXT,
    watched_on  TEXT,
    watched_at  TEXT,
    rating      INTEGER CHECK (rating BETWEEN 0 AND 100),
    note        TEXT,
    recorded_at TEXT NOT NULL,
    CHECK (name IS NOT NULL OR (provider IS NOT NULL AND external_id IS NOT NULL))
);
CREATE UNIQUE INDEX pending_watches_one ON pending_watches(
    entry_id, coalesce(viewing_id, 0), coalesce(season, -1),
    coalesce(name, ''), coalesce(provider, ''), coalesce(external_id, ''));

CREATE TABLE match_state (
    entry_id   INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    state      TEXT NOT NULL CHECK (state IN ('ambiguous', 'not_found', 'kept')),
    candidates TEXT,
    note       TEXT,
    tried_at   TEXT NOT NULL
);
"#;

/// What Up next, the calendar and the library cards read per show, kept
/// so that each reads one row where it computed it from the history and
/// the whole episode list.
///
/// Per episode, set whenever a title's list is written
/// (`episodes::number_episodes`): `ord`, its place among the title's
/// regular episodes in (season, number) order (NULL for specials), so the
/// count of new episodes is a difference of two places found by one index
/// seek each; `premiere`, whether it opens its season; `season_end`, 0
/// unless it closes its season, 1 when a later season is listed (a finale
/// whatever the show's status), 2 when it closes the last season (a
/// finale once the show has ended, which the calendar reads from the
/// title, so a status change needs no rewrite).
///
/// Per entry, set whenever its history or its title's list changes
/// (`history::refresh_next`): `next_season`/`next_number`, the first
/// listed regular episode after the last one watched in the current
/// viewing (NULL when none is), `next_airs`, when that episode airs (its
/// instant, else its day), and `last_watched`, the latest watch of any
/// viewing (an instant, or a day when only that is known).
/// `entries_next_airs` finds the planned shows whose next episode airs
/// soon without reading every planned show.
///
/// `episodes_aired_at` and `episodes_aired_on` find a title's latest
/// episode aired by an instant, and by a day (or with no date at all),
/// each in one seek. `episodes_day_only` replaces `episodes_airdate`:
/// the episodes known only by their day are the ones read by day (most
/// episodes have a day beside their instant, and the old index made a
/// month's range visit every one of them to look at its instant).
const V8: &str = r#"
ALTER TABLE episodes ADD COLUMN ord INTEGER;
ALTER TABLE episodes ADD COLUMN premiere INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN season_end INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN next_season INTEGER;
ALTER TABLE entries ADD COLUMN next_number INTEGER;
ALTER TABLE entries ADD COLUMN next_airs TEXT;
ALTER TABLE entries ADD COLUMN last_watched TEXT;

UPDATE episodes SET ord = f.ord, premiere = f.premiere, season_end = f.season_end
FROM (SELECT title_id, season, number,
             CASE WHEN season > 0 THEN
                 row_number() OVER (PARTITION BY title_id, season > 0 ORDER BY season, number)
             END AS ord,
             number = min(number) OVER (PARTITION BY title_id, season) AS premiere,
             CASE WHEN number < max(number) OVER (PARTITION BY title_id, season) THEN 0
                  WHEN season < max(season) OVER (PARTITION BY title_id) THEN 1
                  ELSE 2 END AS season_end
      FROM episodes) f
WHERE episodes.title_id = f.title_id AND episodes.season = f.season
  AND episodes.number = f.number;

CREATE INDEX episodes_aired_at ON episodes(title_id, airstamp, ord)
    WHERE ord IS NOT NULL AND airstamp IS NOT NULL;
CREATE INDEX episodes_aired_on ON episodes(title_id, coalesce(airdate, ''), ord)
    WHERE ord IS NOT NULL AND airstamp IS NULL;
DROP INDEX episodes_airdate;
CREATE INDEX episodes_day_only ON episodes(airdate)
    WHERE airstamp IS NULL AND airdate IS NOT NULL;

UPDATE entries SET
    last_watched = (SELECT max(coalesce(x.watched_at, x.watched_on)) FROM episode_watches x
                    WHERE x.entry_id = entries.id),
    (next_season, next_number, next_airs) = (
        SELECT y.season, y.number, coalesce(y.airstamp, y.airdate)
        FROM episodes y,
             (SELECT coalesce((SELECT x.season * 1000000 + x.number FROM episode_watches x
                               WHERE x.entry_id = entries.id AND coalesce(x.viewing_id, 0) = 0
                                 AND x.season > 0
                               ORDER BY x.season DESC, x.number DESC LIMIT 1), 0) AS k) l
        WHERE y.title_id = entries.title_id AND y.season > 0
          AND (y.season, y.number) > (l.k / 1000000, l.k % 1000000)
        ORDER BY y.season, y.number LIMIT 1)
WHERE title_id IN (SELECT title_id FROM episodes)
   OR id IN (SELECT entry_id FROM episode_watches);
CREATE INDEX entries_next_airs ON entries(status, next_airs);
"#;

/// `loose_watches` keeps the watched episodes a file names by a
/// catalogue's episode id alone, with no show (TV Time's oldest exports
/// write only TVDB episode ids): nothing says which entry they belong to
/// until a catalogue is asked, so they wait here, and matching moves each
/// into its show's history. `rewatch` is 0 for the first time through, N
/// for the Nth rewatch; `tried_at` is when a catalogue last could not
/// place it (the same for the watches `pending_watches` keeps by a
/// catalogue id under a known entry); `placed_at` when it went into a
/// history: the row stays, so importing the same file again does not
/// bring it back as waiting.
const V9: &str = r#"
ALTER TABLE pending_watches ADD COLUMN tried_at TEXT;
CREATE TABLE loose_watches (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    rewatch     INTEGER NOT NULL DEFAULT 0 CHECK (rewatch >= 0),
    watched_on  TEXT,
    watched_at  TEXT,
    recorded_at TEXT NOT NULL,
    tried_at    TEXT,
    placed_at   TEXT,
    UNIQUE (provider, external_id, rewatch)
);
"#;

/// The stats screen at 100,000 titles.
///
/// Covering indexes for the stats, so each figure reads a narrow index
/// instead of the wide entry and title rows (reviews and synopses live in
/// them): `entries_tally` counts entries by favourite, status, platform and
/// rating and sums their episodes in one pass (it leads with the favourite
/// flag, not the status: without statistics for a new index SQLite would
/// take it for a status lookup, where `entries_status_cover` carries the
/// title and this one does not); `entries_watched` gives each
/// entry's title, progress and finish day; `entries_reviewed` holds only
/// the entries with a review; `titles_kind_country` counts titles by kind
/// and country in one pass; `titles_runtime` lists the runtimes that are
/// known.
const V10: &str = r#"
CREATE INDEX entries_tally ON entries(favorite, status, platform_id, rating, progress);
CREATE INDEX entries_watched ON entries(title_id, progress, finished_on);
CREATE INDEX entries_reviewed ON entries(status) WHERE review IS NOT NULL;
CREATE INDEX titles_kind_country ON titles(kind, country);
CREATE INDEX titles_runtime ON titles(runtime_minutes) WHERE runtime_minutes IS NOT NULL;
"#;

/// Lists ("Top 10 of 2023"): a name unique in any case (`name_key` is its
/// folded form), a Markdown description, ranked or not, and ordered items.
/// An item's `position` orders the list; positions are rewritten 1..n on
/// every change, and a deleted entry leaves its lists by the cascade (the
/// gap it leaves is closed when the list is next read in order or written).
/// `list_items_entry` answers "which lists is this entry on" and the
/// library's list filter.
const V11: &str = r#"
CREATE TABLE lists (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    description TEXT,
    ranked      INTEGER NOT NULL DEFAULT 0 CHECK (ranked IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE list_items (
    list_id  INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),
    note     TEXT,
    added_at TEXT NOT NULL,
    PRIMARY KEY (list_id, entry_id)
) WITHOUT ROWID;
CREATE INDEX list_items_order ON list_items(list_id, position);
CREATE INDEX list_items_entry ON list_items(entry_id);
"#;

/// Sync between devices (docs/ARCHITECTURE.md § "Sync between devices").
///
/// `sync_ids` gives each synced row an id two devices cannot both hand out
/// (a UUIDv7) beside its integer id, which stays what the CLI shows.
/// `key` is the row's id in `sync_clock`: its own uuid, or for a row first
/// known on this device under another device's uuid (the same title added
/// on both before they were linked) the uuid it had here. `local` is NULL
/// once the row is deleted, so a reused integer id never inherits it.
///
/// `sync_clock` holds, per synced row and field, the hybrid logical clock
/// of the change that set it and the device that made it; field `-` is a
/// deletion, `+` the row's creation. A field without a row here was set
/// before this device was linked, at `sync_state.init_hlc`.
///
/// `sync_peers` is how far this device has applied each other device's
/// numbered change files; `sync_log` the merge decisions shown to the user.
/// `sync_parked` holds rows from other devices whose parent is not here
/// (an episode ticked there on an entry deleted here), retried after each
/// file until the parent comes back.
const V12: &str = r#"
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value ANY
) WITHOUT ROWID, STRICT;
CREATE TABLE sync_ids (
    tbl   TEXT NOT NULL,
    uuid  TEXT NOT NULL,
    local INTEGER,
    key   TEXT NOT NULL,
    PRIMARY KEY (tbl, uuid)
) WITHOUT ROWID;
CREATE INDEX sync_ids_local ON sync_ids(tbl, local) WHERE local IS NOT NULL;
CREATE TABLE sync_clock (
    tbl    TEXT NOT NULL,
    key    TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (tbl, key, field)
) WITHOUT ROWID;
CREATE INDEX sync_clock_mine ON sync_clock(origin, hlc);
CREATE TABLE sync_peers (
    device     TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    applied    INTEGER NOT NULL DEFAULT 0,
    hlc        INTEGER NOT NULL DEFAULT 0,
    changed_at TEXT,
    problem    TEXT
);
CREATE TABLE sync_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    device  TEXT NOT NULL,
    what    TEXT NOT NULL,
    field   TEXT NOT NULL,
    kept    TEXT,
    other   TEXT,
    outcome TEXT NOT NULL,
    -- 0: decided here, not yet in a change file; 1: written; NULL: read
    -- from another device's file.
    shared  INTEGER
);
CREATE TABLE sync_parked (
    id     INTEGER PRIMARY KEY,
    header TEXT NOT NULL,
    row    TEXT NOT NULL
);
"#;

/// Counts kept on write, for the Stats screen and the filter chips
/// (docs/ARCHITECTURE.md § "Counts kept on write").
///
/// `tally_rows` says once what each entry counts for: its title's kind and
/// country, each genre, each tag (by id), its rating (as text, so every
/// label has one type), whether it is a favourite or reviewed, and its
/// episodes and minutes in the month it was finished (`''` when
/// unfinished), and each rewatch's; each under the entry's status and
/// platform (0 for none).
/// `tally` holds those rows grouped. Every change to a row the view reads
/// is bracketed by triggers: the entry's rows are taken out of `tally`
/// before the change and put back after it, so `tally` equals the view
/// grouped after every statement, cascades and undo included, and each
/// rule lives in the view alone. A change that keeps the entry's status
/// and platform brackets only the dimensions it touches (an episode ticked
/// moves its `watched` row alone; a genre added, that genre): the others
/// would come out as they went in. The title's own dimensions (kind,
/// country, and the minutes by its runtime) join the title and are moved
/// by the title's triggers: a title deleted takes them out before its
/// row goes (the entry's cascade, which runs after, no longer finds them),
/// and a title inserted after its entry (an undo) puts them in.
///
/// A bulk import that builds its indexes at the end pauses the triggers
/// (a row in `tally_paused`, inside its transaction) and rebuilds `tally`
/// from the view when it restores them.
const V13: &str = r#"
CREATE VIEW tally_rows AS
    -- What the entry's title says (its kind and country), and the entry's
    -- episodes and minutes (by its title's runtime) in the month it was
    -- finished: one seek of the title for the three.
    SELECT e.id AS entry, t.id AS title, d.column1 AS dim, e.status,
           coalesce(e.platform_id, 0) AS platform,
           CASE d.column1 WHEN 'kind' THEN t.kind WHEN 'country' THEN t.country
               ELSE coalesce(substr(e.finished_on, 1, 7), '') END AS label,
           CASE d.column1 WHEN 'watched' THEN e.progress ELSE 0 END AS episodes,
           CASE d.column1 WHEN 'watched' THEN e.progress * coalesce(t.runtime_minutes, 0)
               ELSE 0 END AS minutes
    FROM entries e CROSS JOIN titles t CROSS JOIN (VALUES ('kind'), ('country'), ('watched')) d
    WHERE t.id = e.title_id AND (d.column1 <> 'country' OR t.country IS NOT NULL)
    UNION ALL
    -- Each rewatch: its episodes, and minutes by the title's runtime, in
    -- the month it was finished.
    SELECT e.id, t.id, 'rewatch', e.status, coalesce(e.platform_id, 0),
           coalesce(substr(v.finished_on, 1, 7), ''),
           v.progress, v.progress * coalesce(t.runtime_minutes, 0)
    FROM entries e CROSS JOIN titles t CROSS JOIN viewings v
    WHERE t.id = e.title_id AND v.entry_id = e.id
    UNION ALL
    -- What the entry alone says.
    SELECT e.id, e.title_id, d.column1, e.status, coalesce(e.platform_id, 0),
           CASE d.column1 WHEN 'rating' THEN CAST(e.rating AS TEXT) ELSE '' END, 0, 0
    FROM entries e CROSS JOIN (VALUES ('rating'), ('favorite'), ('review')) d
    WHERE CASE d.column1 WHEN 'rating' THEN e.rating IS NOT NULL
        WHEN 'favorite' THEN e.favorite = 1 ELSE e.review IS NOT NULL END
    UNION ALL
    SELECT e.id, e.title_id, 'genre', e.status, coalesce(e.platform_id, 0), g.genre, 0, 0
    FROM entries e JOIN title_genres g ON g.title_id = e.title_id
    UNION ALL
    SELECT e.id, e.title_id, 'tag', e.status, coalesce(e.platform_id, 0),
           CAST(et.tag_id AS TEXT), 0, 0
    FROM entries e JOIN entry_tags et ON et.entry_id = e.id;

CREATE TABLE tally (
    dim      TEXT NOT NULL,
    status   TEXT NOT NULL,
    platform INTEGER NOT NULL,
    label    TEXT NOT NULL,
    n        INTEGER NOT NULL,
    episodes INTEGER NOT NULL,
    minutes  INTEGER NOT NULL,
    PRIMARY KEY (dim, status, platform, label)
) WITHOUT ROWID;

CREATE TABLE tally_paused (id INTEGER PRIMARY KEY CHECK (id = 1));

INSERT INTO tally
    SELECT dim, status, platform, label, count(*), sum(episodes), sum(minutes)
    FROM tally_rows GROUP BY dim, status, platform, label;

CREATE TRIGGER tally_entry_insert AFTER INSERT ON entries
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE entry = NEW.id
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_entry_delete BEFORE DELETE ON entries
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE entry = OLD.id
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_entry_update_before BEFORE UPDATE OF
    id, title_id, status, platform_id, rating, favorite, review, progress, finished_on ON entries
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.id IS NOT NEW.id OR OLD.title_id IS NOT NEW.title_id OR OLD.status IS NOT NEW.status
    OR OLD.platform_id IS NOT NEW.platform_id OR OLD.rating IS NOT NEW.rating
    OR OLD.favorite IS NOT NEW.favorite OR (OLD.review IS NULL) IS NOT (NEW.review IS NULL)
    OR OLD.progress IS NOT NEW.progress OR OLD.finished_on IS NOT NEW.finished_on) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE entry = OLD.id
        AND (OLD.id IS NOT NEW.id OR OLD.title_id IS NOT NEW.title_id
        OR OLD.status IS NOT NEW.status OR OLD.platform_id IS NOT NEW.platform_id
        OR dim = 'rating' AND OLD.rating IS NOT NEW.rating
        OR dim = 'favorite' AND OLD.favorite IS NOT NEW.favorite
        OR dim = 'review' AND (OLD.review IS NULL) IS NOT (NEW.review IS NULL)
        OR dim = 'watched' AND (OLD.progress IS NOT NEW.progress
            OR OLD.finished_on IS NOT NEW.finished_on))
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_entry_update_after AFTER UPDATE OF
    id, title_id, status, platform_id, rating, favorite, review, progress, finished_on ON entries
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.id IS NOT NEW.id OR OLD.title_id IS NOT NEW.title_id OR OLD.status IS NOT NEW.status
    OR OLD.platform_id IS NOT NEW.platform_id OR OLD.rating IS NOT NEW.rating
    OR OLD.favorite IS NOT NEW.favorite OR (OLD.review IS NULL) IS NOT (NEW.review IS NULL)
    OR OLD.progress IS NOT NEW.progress OR OLD.finished_on IS NOT NEW.finished_on) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE entry = NEW.id
        AND (OLD.id IS NOT NEW.id OR OLD.title_id IS NOT NEW.title_id
        OR OLD.status IS NOT NEW.status OR OLD.platform_id IS NOT NEW.platform_id
        OR dim = 'rating' AND OLD.rating IS NOT NEW.rating
        OR dim = 'favorite' AND OLD.favorite IS NOT NEW.favorite
        OR dim = 'review' AND (OLD.review IS NULL) IS NOT (NEW.review IS NULL)
        OR dim = 'watched' AND (OLD.progress IS NOT NEW.progress
            OR OLD.finished_on IS NOT NEW.finished_on))
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_entry_tags_insert AFTER INSERT ON entry_tags
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE entry = NEW.entry_id
        AND (dim = 'tag' AND label = CAST(NEW.tag_id AS TEXT))
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_entry_tags_delete BEFORE DELETE ON entry_tags
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE entry = OLD.entry_id
        AND (dim = 'tag' AND label = CAST(OLD.tag_id AS TEXT))
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_entry_tags_update_before BEFORE UPDATE OF entry_id, tag_id ON entry_tags
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.entry_id IS NOT NEW.entry_id OR OLD.tag_id IS NOT NEW.tag_id) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE entry = OLD.entry_id
        AND (dim = 'tag' AND label = CAST(OLD.tag_id AS TEXT))
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_entry_tags_update_after AFTER UPDATE OF entry_id, tag_id ON entry_tags
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.entry_id IS NOT NEW.entry_id OR OLD.tag_id IS NOT NEW.tag_id) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE entry = NEW.entry_id
        AND (dim = 'tag' AND label = CAST(NEW.tag_id AS TEXT))
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_viewings_insert_before BEFORE INSERT ON viewings
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE entry = NEW.entry_id AND dim = 'rewatch'
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_viewings_insert_after AFTER INSERT ON viewings
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE entry = NEW.entry_id AND dim = 'rewatch'
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_viewings_delete_before BEFORE DELETE ON viewings
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE entry = OLD.entry_id AND dim = 'rewatch'
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_viewings_delete_after AFTER DELETE ON viewings
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE entry = OLD.entry_id AND dim = 'rewatch'
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_viewings_update_before BEFORE UPDATE OF entry_id, finished_on, progress ON viewings
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.entry_id IS NOT NEW.entry_id OR OLD.finished_on IS NOT NEW.finished_on
    OR OLD.progress IS NOT NEW.progress) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE entry IN (OLD.entry_id, NEW.entry_id) AND dim = 'rewatch'
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_viewings_update_after AFTER UPDATE OF entry_id, finished_on, progress ON viewings
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.entry_id IS NOT NEW.entry_id OR OLD.finished_on IS NOT NEW.finished_on
    OR OLD.progress IS NOT NEW.progress) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE entry IN (OLD.entry_id, NEW.entry_id) AND dim = 'rewatch'
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_title_genres_insert AFTER INSERT ON title_genres
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE title = NEW.title_id
        AND (dim = 'genre' AND label = NEW.genre)
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_title_genres_delete BEFORE DELETE ON title_genres
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE title = OLD.title_id
        AND (dim = 'genre' AND label = OLD.genre)
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_title_genres_update_before BEFORE UPDATE OF title_id, genre ON title_genres
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.title_id IS NOT NEW.title_id OR OLD.genre IS NOT NEW.genre) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE title = OLD.title_id
        AND (dim = 'genre' AND label = OLD.genre)
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_title_genres_update_after AFTER UPDATE OF title_id, genre ON title_genres
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.title_id IS NOT NEW.title_id OR OLD.genre IS NOT NEW.genre) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE title = NEW.title_id
        AND (dim = 'genre' AND label = NEW.genre)
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_titles_insert AFTER INSERT ON titles
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE title = NEW.id AND dim IN ('kind', 'country', 'watched', 'rewatch')
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_titles_delete BEFORE DELETE ON titles
WHEN NOT EXISTS (SELECT 1 FROM tally_paused) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE title = OLD.id AND dim IN ('kind', 'country', 'watched', 'rewatch')
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_titles_update_before BEFORE UPDATE OF id, kind, country, runtime_minutes ON titles
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.id IS NOT NEW.id OR OLD.kind IS NOT NEW.kind OR OLD.country IS NOT NEW.country
    OR OLD.runtime_minutes IS NOT NEW.runtime_minutes) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, -1, -episodes, -minutes
        FROM tally_rows WHERE title = OLD.id
        AND dim IN ('kind', 'country', 'watched', 'rewatch')
        AND (OLD.id IS NOT NEW.id OR dim = 'kind' AND OLD.kind IS NOT NEW.kind
        OR dim = 'country' AND OLD.country IS NOT NEW.country
        OR dim IN ('watched', 'rewatch') AND OLD.runtime_minutes IS NOT NEW.runtime_minutes)
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
CREATE TRIGGER tally_titles_update_after AFTER UPDATE OF id, kind, country, runtime_minutes ON titles
WHEN NOT EXISTS (SELECT 1 FROM tally_paused)
    AND (OLD.id IS NOT NEW.id OR OLD.kind IS NOT NEW.kind OR OLD.country IS NOT NEW.country
    OR OLD.runtime_minutes IS NOT NEW.runtime_minutes) BEGIN
    INSERT INTO tally SELECT dim, status, platform, label, 1, episodes, minutes
        FROM tally_rows WHERE title = NEW.id
        AND dim IN ('kind', 'country', 'watched', 'rewatch')
        AND (OLD.id IS NOT NEW.id OR dim = 'kind' AND OLD.kind IS NOT NEW.kind
        OR dim = 'country' AND OLD.country IS NOT NEW.country
        OR dim IN ('watched', 'rewatch') AND OLD.runtime_minutes IS NOT NEW.runtime_minutes)
        ON CONFLICT DO UPDATE SET n = n + excluded.n,
            episodes = episodes + excluded.episodes, minutes = minutes + excluded.minutes;
END;
"#;

/// `sync_ids_local` holds each row's key too: finding a local row's key
/// (every captured write, every row a change file carries) then reads the
/// index alone. Without it the planner, choosing between this index and
/// the primary key's `tbl` prefix with no statistics, walked every id of
/// the table. `sync_ids_key` finds the uuids that go by one key, for a row
/// another device sent that is new here: without it each such row read
/// every id of its table, and a first sync of 20,000 titles took minutes.
const V14: &str = r#"
DROP INDEX sync_ids_local;
CREATE INDEX sync_ids_local ON sync_ids(tbl, local, key) WHERE local IS NOT NULL;
CREATE INDEX sync_ids_key ON sync_ids(tbl, key);
"#;

/// Every migration, oldest first.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9),
        M::up(V10),
        M::up(V11),
        M::up(V12),
        M::up(V13),
        M::up(V14),
    ])
}

/// The schema version this build writes: the number of migrations.
pub const LATEST_VERSION: i64 = 14;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    #[test]
    fn migrations_are_valid() {
        super::migrations()
            .validate()
            .expect("migrations apply cleanly");
        assert_eq!(super::APPLICATION_ID, 1_465_142_343);
        let fresh = Connection::open_in_memory().unwrap();
        assert_eq!(
            super::migrations().pending_migrations(&fresh).unwrap(),
            i32::try_from(super::LATEST_VERSION).unwrap(),
            "LATEST_VERSION counts the migrations"
        );
    }

    /// A library written before Letterboxd ids keeps its ids, still one
    /// per provider and title, and takes Letterboxd's as well.
    #[test]
    fn external_ids_survive_the_rebuild_and_take_letterboxd() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::migrations().to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO titles (id, kind, name, sort_name, created_at, updated_at)
                 VALUES (7, 'film', 'Veronica', 'veronica', 'x', 'x');
             INSERT INTO external_ids (title_id, provider, value) VALUES (7, 'imdb', 'tt6835252');",
        )
        .unwrap();
        super::migrations().to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO external_ids (title_id, provider, value) VALUES (7, 'letterboxd', 'https://boxd.it/f1a')",
            [],
        )
        .unwrap();
        let ids: Vec<(String, String)> = conn
            .prepare(
                "SELECT provider, value FROM external_ids WHERE title_id = 7 ORDER BY provider",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            ids,
            [
                ("imdb".to_string(), "tt6835252".to_string()),
                ("letterboxd".to_string(), "https://boxd.it/f1a".to_string())
            ]
        );
        assert!(
            conn.execute(
                "INSERT INTO external_ids (title_id, provider, value) VALUES (7, 'imdb', 'tt1')",
                [],
            )
            .is_err(),
            "still one id per provider and title"
        );
    }

    /// A library written before the word index gets one built from its
    /// existing rows, accents folded and prefixes answered.
    #[test]
    fn the_word_index_is_built_for_existing_entries() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::migrations().to_version(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO titles (id, kind, name, sort_name, original_name, created_at, updated_at)
                 VALUES (7, 'series', 'Pokémon Lovely Days', 'pokemon lovely days', '사운드트랙 #2', 'x', 'x');
             INSERT INTO entries (id, title_id, status, review, added_at, updated_at)
                 VALUES (3, 7, 'completed', 'A masterclass in pacing.', 'x', 'x');
             INSERT INTO entry_search (rowid, name, original_name, people, review, notes)
                 VALUES (3, 'Pokémon Lovely Days', '사운드트랙 #2', '', 'A masterclass in pacing.', '');",
        )
        .unwrap();
        super::migrations().to_latest(&mut conn).unwrap();
        let hits = |q: &str| -> Vec<i64> {
            let mut stmt = conn
                .prepare("SELECT rowid FROM entry_words WHERE entry_words MATCH ?1")
                .unwrap();
            stmt.query_map([q], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(hits("\"pokemon\"*"), [3]);
        assert_eq!(hits("\"lov\"*"), [3]);
        assert_eq!(hits("\"master\"* AND \"pac\"*"), [3]);
        assert!(hits("\"ovely\"*").is_empty(), "prefixes, not substrings");
        // Removing a row by its id works on the contentless index.
        conn.execute("DELETE FROM entry_words WHERE rowid = 3", [])
            .unwrap();
        assert!(hits("\"lov\"*").is_empty());
    }
}

#[cfg(test)]
mod history_migration {
    use rusqlite::Connection;

    /// Progress counts become the first N episodes in airing order (specials
    /// skipped), going on in the last season past the end of the list; a
    /// title without a list keeps its count and gets no rows.
    #[test]
    fn counts_become_the_first_episodes_and_none_is_lowered() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::migrations().to_version(&mut conn, 5).unwrap();
        conn.execute_batch(
            "INSERT INTO titles (id, kind, name, sort_name, created_at, updated_at) VALUES
                 (1, 'series', 'Listed', 'listed', 'x', 'x'),
                 (2, 'series', 'Short list', 'short list', 'x', 'x'),
                 (3, 'series', 'Counted', 'counted', 'x', 'x');
             INSERT INTO episodes (title_id, season, number) VALUES
                 (1, 0, 1), (1, 1, 1), (1, 1, 2), (1, 2, 1), (1, 2, 2),
                 (2, 1, 1), (2, 1, 2);
             INSERT INTO entries (id, title_id, status, progress, added_at, updated_at) VALUES
                 (10, 1, 'watching', 3, 'x', 'x'),
                 (20, 2, 'watching', 4, 'x', 'x'),
                 (30, 3, 'watching', 7, 'x', 'x');",
        )
        .unwrap();
        super::migrations().to_latest(&mut conn).unwrap();
        let rows = |entry: i64| -> Vec<(u32, u32)> {
            conn.prepare(
                "SELECT season, number FROM episode_watches WHERE entry_id = ?1
                 AND watched_on IS NULL AND watched_at IS NULL ORDER BY season, number",
            )
            .unwrap()
            .query_map([entry], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        assert_eq!(rows(10), [(1, 1), (1, 2), (2, 1)]);
        assert_eq!(rows(20), [(1, 1), (1, 2), (1, 3), (1, 4)]);
        assert!(rows(30).is_empty());
    }
}
