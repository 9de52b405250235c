//! The user's catalogue keys (today: the TMDB API key or read-access token),
//! kept in the library's `settings` table but deliberately *not* part of
//! [`crate::model::Settings`]. `Settings` is printed by `watchlog settings`,
//! sent to the UI on every load and may end up in exports and bug reports;
//! a secret has no business in any of those. The key is written through
//! its own call and read back only by the code that talks to TMDB; the UI
//! learns only whether one is set.

use rusqlite::{params, OptionalExtension};

use super::Library;
use crate::error::{Error, Result};

const TMDB_KEY: &str = "tmdb_key";

impl Library {
    /// The saved TMDB key, if any.
    pub fn tmdb_key(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [TMDB_KEY],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .filter(|k| !k.trim().is_empty()))
    }

    /// The key as it would be saved (trimmed; `None` when blank), or why it
    /// cannot be: lets a caller refuse a bad key before writing anything.
    pub fn check_tmdb_key(key: Option<&str>) -> Result<Option<&str>> {
        match key.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) if k.len() > 1024 || !k.chars().all(|c| c.is_ascii_graphic()) => {
                Err(Error::invalid(
                    "that does not look like a TMDB API key or read-access token (copy it again from your TMDB account's API settings)",
                ))
            }
            k => Ok(k),
        }
    }

    /// Saves the TMDB key; `None` or blank removes it. Only printable ASCII
    /// without spaces is accepted (v3 keys are 32 hex digits, v4 tokens a
    /// JWT): anything else is a paste gone wrong, and would end up in a URL
    /// or an HTTP header.
    pub fn set_tmdb_key(&mut self, key: Option<&str>) -> Result<()> {
        match Library::check_tmdb_key(key)? {
            Some(k) => {
                self.conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![TMDB_KEY, k],
                )?;
            }
            None => {
                self.conn
                    .execute("DELETE FROM settings WHERE key = ?1", [TMDB_KEY])?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Library;

    #[test]
    fn the_key_is_stored_apart_from_the_settings() {
        let mut lib = Library::open_in_memory().unwrap();
        assert_eq!(lib.tmdb_key().unwrap(), None);
        lib.set_tmdb_key(Some("  0123456789abcdef0123456789abcdef "))
            .unwrap();
        assert_eq!(
            lib.tmdb_key().unwrap().as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        let shown = serde_json::to_string(&lib.settings().unwrap()).unwrap();
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        // Saving the other settings leaves the key alone.
        let s = lib.settings().unwrap();
        lib.save_settings(&s).unwrap();
        assert!(lib.tmdb_key().unwrap().is_some());
        assert!(lib.set_tmdb_key(Some("my key")).is_err());
        assert!(
            lib.tmdb_key().unwrap().is_some(),
            "a refused key changes nothing"
        );
        lib.set_tmdb_key(Some("")).unwrap();
        assert_eq!(lib.tmdb_key().unwrap(), None);
    }
}
