//! Watchlog's core: the data model, the SQLite library file and every
//! operation a user performs on an entry, with no window attached. The
//! desktop app and the `watchlog` CLI are both thin faces on this crate; it
//! has no Tauri dependency and builds and tests without a webview.

pub mod backup;
#[cfg(feature = "ts")]
pub mod bindings;
pub mod card;
pub mod catalog;
pub mod chart;
pub mod clock;
pub mod devdata;
pub mod error;
pub mod language;
pub mod markdown;
pub mod model;
pub mod net;
pub mod posters;
pub mod progress;
pub mod rating;
pub mod sample;
pub mod secrets;
mod staging;
pub mod store;
pub mod text;
pub mod transfer;
pub mod webhooks;

pub use error::{Error, ErrorPayload, Result};
pub use model::*;
pub use rating::{Rating, RatingScale, RatingStep, RatingTable};
pub use store::{default_library_path, Library, Scratch};

/// The desktop app's identifier; its data folder is named after it, and the
/// CLI finds the same library file through it.
pub const APP_IDENTIFIER: &str = "app.watchlog.desktop";

/// The environment variable that points the CLI and the app at a library file.
pub const DB_ENV: &str = "WATCHLOG_DB";
