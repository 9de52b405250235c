//! The user's list of platforms (streaming services and other ways of
//! watching), each with an "I subscribe" flag.

use rusqlite::{params, OptionalExtension};

use super::Library;
use crate::error::{Error, Result};
use crate::model::Platform;

impl Library {
    /// Every platform, in the user's order.
    pub fn platforms(&self) -> Result<Vec<Platform>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.subscribed,
                    (SELECT count(*) FROM entries e WHERE e.platform_id = p.id)
             FROM platforms p ORDER BY p.position, p.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Platform {
                id: r.get(0)?,
                name: r.get(1)?,
                subscribed: r.get(2)?,
                entries: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a platform at the end of the list.
    pub fn add_platform(&mut self, name: &str, subscribed: bool) -> Result<Platform> {
        let name = platform_name(name)?;
        if self.platform_by_name(&name)?.is_some() {
            return Err(Error::Conflict(format!(
                "there is already a platform called '{name}'"
            )));
        }
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO platforms (name, subscribed, position)
             VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM platforms))",
            params![name, subscribed],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        self.platform(id)
    }

    /// Renames a platform and sets its "I subscribe" flag.
    pub fn update_platform(&mut self, id: i64, name: &str, subscribed: bool) -> Result<Platform> {
        let name = platform_name(name)?;
        self.platform(id)?;
        if let Some(other) = self.platform_by_name(&name)?.filter(|&o| o != id) {
            return Err(Error::Conflict(format!(
                "there is already a platform called '{name}' (id {other})"
            )));
        }
        let tx = self.write()?;
        tx.execute(
            "UPDATE platforms SET name = ?2, subscribed = ?3 WHERE id = ?1",
            params![id, name, subscribed],
        )?;
        tx.commit()?;
        self.platform(id)
    }

    /// Removes a platform; entries that named it keep no platform.
    pub fn delete_platform(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM platforms WHERE id = ?1", [id])?;
        tx.commit()?;
        if n == 0 {
            return Err(Error::NotFound {
                what: "platform",
                id,
            });
        }
        Ok(())
    }

    fn platform(&self, id: i64) -> Result<Platform> {
        self.platforms()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(Error::NotFound {
                what: "platform",
                id,
            })
    }

    fn platform_by_name(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM platforms WHERE name = ?1 COLLATE NOCASE",
                [name],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn platform_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a platform needs a name"));
    }
    if name.chars().count() > 60 {
        return Err(Error::invalid(
            "a platform name may be at most 60 characters",
        ));
    }
    Ok(name.to_string())
}
