//! One list as a PNG card to post where a file cannot go (a chat, a
//! social feed): the list's name, how many titles, and its first ten with
//! their posters, ranks on a ranked list, drawn by `card::list_card`.

use std::path::Path;

use crate::card::{self, CardItem};
use crate::error::Result;
use crate::store::Library;
use crate::transfer::export::facts_line;
use crate::transfer::{save_to_path, PosterSource};

/// The file name a save dialog suggests: `top-10-of-2023.png`.
pub fn file_name(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "watchlog-list.png".into()
    } else {
        format!("{slug}.png")
    }
}

/// The list's card. `title` defaults to the list's name.
pub fn render_card(
    lib: &Library,
    list: i64,
    title: Option<&str>,
    posters: &dyn PosterSource,
) -> Result<Vec<u8>> {
    // One snapshot for the list and its entries.
    let _snapshot = lib.snapshot()?;
    let detail = lib.list_detail(list)?;
    let l = &detail.list;
    let mut items = Vec::with_capacity(detail.items.len().min(10));
    for it in detail.items.iter().take(10) {
        let e = lib.entry(it.entry.id)?;
        items.push(CardItem {
            rank: l.ranked.then_some(it.position),
            name: e.title.facts.name.clone(),
            line: facts_line(&e),
            poster: posters.poster(&e),
        });
    }
    let count = match l.items {
        0 => "No titles yet".to_string(),
        1 => "1 title".to_string(),
        n => format!("{n} titles"),
    };
    let subtitle = if l.ranked {
        format!("{count}, ranked")
    } else {
        count
    };
    card::list_card(title.unwrap_or(&l.name), &subtitle, &items)
}

/// Writes the list's card to `path`, atomically.
pub fn export_card(
    lib: &Library,
    list: i64,
    title: Option<&str>,
    posters: &dyn PosterSource,
    path: &Path,
) -> Result<()> {
    lib.refuse_own_files(path, "the list's card")?;
    let png = render_card(lib, list, title, posters)?;
    save_to_path(lib, path, "the list's card", &png)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain() {
        assert_eq!(super::file_name("Top 10 of 2023"), "top-10-of-2023.png");
        assert_eq!(super::file_name("나의 아저씨 & co."), "나의-아저씨-co.png");
        assert_eq!(super::file_name("❦"), "watchlog-list.png");
    }
}
