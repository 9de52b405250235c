//! `watchlog lists`: the user's lists — show them, make them, put entries
//! on them and take them off. A list is named by its id or its name.

use std::path::Path;

use clap::{Args, Subcommand};
use watchlog_core::{Library, ListDetail, ListPatch, ListSummary, NewList, RatingScale};

use crate::commands::{creating, existing};
use crate::error::CliError;
use crate::output::{emit, json, rating, title_with_original, truncate, Align, Out, Table};

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Args)]
pub struct ListsArgs {
    #[command(subcommand)]
    pub command: Option<ListsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Make a list; prints its id.
    Add {
        name: String,
        /// Number the items: their order is a ranking.
        #[arg(long)]
        ranked: bool,
        /// What the list is about (Markdown).
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
    /// Put an entry on a list (at the end, or at --position); with
    /// --position or --note, an entry already on it moves or gets the note.
    Put {
        /// The list's id or name.
        list: String,
        /// The entry's id.
        id: i64,
        /// A note about the entry's place on the list ("" removes it).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// 1 is the top.
        #[arg(long, value_name = "N")]
        position: Option<u32>,
    },
    /// Take an entry off a list; the entry stays in the library.
    Take {
        /// The list's id or name.
        list: String,
        /// The entry's id.
        id: i64,
    },
    /// A list's entries in order.
    Show {
        /// The list's id or name.
        list: String,
    },
    /// Rename a list, change its description or whether it is ranked.
    Edit {
        /// The list's id or name.
        list: String,
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Markdown; "" removes it.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        #[arg(long, value_name = "BOOL", value_parser = clap::builder::BoolishValueParser::new())]
        ranked: Option<bool>,
    },
    /// Delete a list; its entries stay in the library.
    Delete {
        /// The list's id or name.
        list: String,
    },
}

pub fn run(db: &Path, out: &Out, a: ListsArgs) -> Result {
    let find = |lib: &Library, list: &str| -> Result<i64> { Ok(lib.find_list(list)?.id) };
    match a.command {
        None => existing(db, |lib| lists(out, &lib.lists()?)),
        Some(ListsCommand::Add {
            name,
            ranked,
            description,
        }) => creating(db, |lib| {
            let l = lib.create_list(&NewList {
                name,
                description,
                ranked: Some(ranked),
            })?;
            summary(out, &l)
        }),
        Some(ListsCommand::Put {
            list,
            id,
            note,
            position,
        }) => existing(db, |lib| {
            let l = find(lib, &list)?;
            let d = lib.put_on_list(l, id, note.map(Some), position)?;
            if out.json {
                return json(&d);
            }
            let at = d.items.iter().find(|i| i.entry.id == id);
            emit(&format!(
                "{} is at {} of {} on '{}'\n",
                at.map_or_else(|| id.to_string(), |i| i.entry.name.clone()),
                at.map_or(0, |i| i.position),
                d.items.len(),
                d.list.name
            ))
        }),
        Some(ListsCommand::Take { list, id }) => existing(db, |lib| {
            let l = find(lib, &list)?;
            let d = lib.take_from_list(l, id)?;
            if out.json {
                return json(&d);
            }
            emit(&format!(
                "Took entry {id} off '{}' ({} left)\n",
                d.list.name,
                d.items.len()
            ))
        }),
        Some(ListsCommand::Show { list }) => existing(db, |lib| {
            let l = find(lib, &list)?;
            detail(out, &lib.list_detail(l)?, lib.settings()?.rating_scale)
        }),
        Some(ListsCommand::Edit {
            list,
            name,
            description,
            ranked,
        }) => {
            if name.is_none() && description.is_none() && ranked.is_none() {
                return Err(CliError::bad_input(
                    "nothing to change: give --name, --description or --ranked",
                ));
            }
            existing(db, |lib| {
                let l = find(lib, &list)?;
                let patch = ListPatch {
                    name,
                    description: description.map(|d| Some(d).filter(|d| !d.trim().is_empty())),
                    ranked,
                };
                summary(out, &lib.update_list(l, &patch)?)
            })
        }
        Some(ListsCommand::Delete { list }) => existing(db, |lib| {
            let l = lib.find_list(&list)?;
            lib.delete_list(l.id)?;
            if out.json {
                return json(&serde_json::json!({ "deleted": l.id }));
            }
            emit(&format!(
                "Deleted list {} ({}); its entries stay\n",
                l.id, l.name
            ))
        }),
    }
}

fn lists(out: &Out, all: &[ListSummary]) -> Result {
    if out.json {
        return json(all);
    }
    if all.is_empty() {
        return emit("No lists yet. Make one with `watchlog lists add NAME`.\n");
    }
    let mut t = Table::new(&[
        ("ID", Align::Right),
        ("NAME", Align::Left),
        ("ENTRIES", Align::Right),
        ("RANKED", Align::Left),
    ]);
    for l in all {
        t.row(vec![
            l.id.to_string(),
            truncate(&l.name, 56),
            l.items.to_string(),
            if l.ranked { "yes" } else { "" }.into(),
        ]);
    }
    emit(&t.render())
}

fn summary(out: &Out, l: &ListSummary) -> Result {
    if out.json {
        return json(l);
    }
    emit(&format!("{}\n", l.id))
}

fn detail(out: &Out, d: &ListDetail, scale: RatingScale) -> Result {
    if out.json {
        return json(d);
    }
    let l = &d.list;
    let mut text = format!(
        "{} ({}{})\n",
        l.name,
        match l.items {
            1 => "1 entry".to_string(),
            n => format!("{n} entries"),
        },
        if l.ranked { ", ranked" } else { "" }
    );
    if let Some(desc) = &l.description {
        text.push_str(desc.trim());
        text.push('\n');
    }
    if d.items.is_empty() {
        text.push_str("No entries on this list yet. Add one with `watchlog lists put LIST ID`.\n");
        return emit(&text);
    }
    text.push('\n');
    let mut t = Table::new(&[
        ("#", Align::Right),
        ("ID", Align::Right),
        ("TITLE", Align::Left),
        ("YEAR", Align::Left),
        (&format!("/{}", scale.max()), Align::Right),
        ("NOTE", Align::Left),
    ]);
    for it in &d.items {
        let e = &it.entry;
        t.row(vec![
            it.position.to_string(),
            e.id.to_string(),
            truncate(
                &title_with_original(&e.name, e.original_name.as_deref()),
                48,
            ),
            e.year.map(|y| y.to_string()).unwrap_or_default(),
            rating(e.rating, scale),
            truncate(
                it.note
                    .as_deref()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or(""),
                40,
            ),
        ]);
    }
    text.push_str(&t.render());
    emit(&text)
}
