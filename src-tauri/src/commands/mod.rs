//! The commands the UI calls, one file per area. Each command is a few
//! lines: take the arguments, call the core, map the error. They are async so
//! that no database or network work runs on the window's main thread, and
//! generic over the runtime where they need the app handle, so the tests can
//! drive them through Tauri's mock runtime.

pub mod catalog;
pub mod episodes;
pub mod import;
pub mod library;
pub mod lists;
pub mod matching;
pub mod posters;
pub mod run_slot;
pub mod sync;
pub mod transfer;
