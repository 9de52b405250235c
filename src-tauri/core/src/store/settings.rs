//! User preferences, kept in the library file so the app and the CLI agree.

use rusqlite::params;

use super::Library;
use crate::error::{Error, Result};
use crate::model::Settings;
use crate::webhooks::MIN_TOKEN_CHARS;

impl Library {
    /// The saved settings; anything never set has its default.
    pub fn settings(&self) -> Result<Settings> {
        let mut s = Settings::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, value FROM settings")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let value: String = r.get(1)?;
            // A value this version cannot read falls back to the default
            // rather than making the whole library unreadable.
            match key.as_str() {
                "rating_scale" => s.rating_scale = value.parse().unwrap_or_default(),
                "theme" => s.theme = value.parse().unwrap_or_default(),
                "default_platform" => s.default_platform = Some(value),
                "allowed_hosts" => s.allowed_hosts = value.lines().map(str::to_string).collect(),
                "notify_new_episodes" => s.notify_new_episodes = value == "1",
                "webhook_port" => s.webhook_port = value.parse().ok(),
                "webhook_token" => s.webhook_token = Some(value),
                "language" => {
                    s.language = crate::language::checked(Some(&value))
                        .ok()
                        .flatten()
                        .map(str::to_string)
                }
                _ => {}
            }
        }
        Ok(s)
    }

    /// Saves the settings. A default platform must be one of the platforms;
    /// allowed hosts are kept as bare lower-case host names.
    pub fn save_settings(&mut self, s: &Settings) -> Result<Settings> {
        let hosts = crate::net::checked_hosts(&s.allowed_hosts)
            .map_err(|m| Error::invalid_field("allowed_hosts", m))?;
        let language = crate::language::checked(s.language.as_deref())?;
        let before = self.settings()?;
        let notify_was = before.notify_new_episodes;
        if s.webhook_port.is_some_and(|p| p < 1024) {
            return Err(Error::invalid_field(
                "webhook_port",
                "choose a port from 1024 to 65535 (lower ones need the administrator)",
            ));
        }
        // The token stays once made, so the addresses given to the media
        // servers keep working; a too short one is replaced.
        let token = match (s.webhook_port, s.webhook_token.as_deref().map(str::trim)) {
            (_, Some(t)) if t.len() >= MIN_TOKEN_CHARS => Some(t.to_string()),
            (Some(_), _) => Some(
                before
                    .webhook_token
                    .filter(|t| t.len() >= MIN_TOKEN_CHARS)
                    .map_or_else(crate::webhooks::new_token, Ok)?,
            ),
            (None, _) => before.webhook_token,
        };
        let default_platform = match s.default_platform.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => {
                let id = super::entries::platform_id(&self.conn, name)?;
                Some(self.conn.query_row(
                    "SELECT name FROM platforms WHERE id = ?1",
                    [id],
                    |r| r.get::<_, String>(0),
                )?)
            }
            _ => None,
        };
        let tx = self.write()?;
        let put = |k: &str, v: Option<&str>| -> Result<()> {
            match v {
                Some(v) => tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![k, v],
                )?,
                None => tx.execute("DELETE FROM settings WHERE key = ?1", [k])?,
            };
            Ok(())
        };
        put("rating_scale", Some(s.rating_scale.as_str()))?;
        put("theme", Some(s.theme.as_str()))?;
        put("default_platform", default_platform.as_deref())?;
        let hosts = hosts.join("\n");
        put(
            "allowed_hosts",
            Some(hosts.as_str()).filter(|h| !h.is_empty()),
        )?;
        put(
            "notify_new_episodes",
            Some(if s.notify_new_episodes { "1" } else { "0" }),
        )?;
        let port = s.webhook_port.map(|p| p.to_string());
        put("webhook_port", port.as_deref())?;
        put("webhook_token", token.as_deref())?;
        put("language", language)?;
        if s.notify_new_episodes && !notify_was {
            // Only episodes that air from now on are announced, not every
            // one that aired while the setting was off.
            let now = super::history::stamp(chrono::Utc::now());
            put(super::upnext::NOTIFY_SINCE, Some(now.as_str()))?;
        }
        tx.commit()?;
        self.settings()
    }
}
