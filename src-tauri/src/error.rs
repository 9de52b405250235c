//! The one error shape that crosses IPC: `{ code, message }`. The UI shows
//! `message` and branches on `code` only where it must.

use serde::Serialize;
use watchlog_core::ErrorPayload;

/// A command's failure, serialised as `ErrorPayload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub ErrorPayload);

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError(ErrorPayload {
            code: code.into(),
            message: message.into(),
        })
    }
}

impl From<watchlog_core::Error> for CommandError {
    fn from(e: watchlog_core::Error) -> Self {
        CommandError(ErrorPayload::from(&e))
    }
}

impl From<tauri::Error> for CommandError {
    fn from(e: tauri::Error) -> Self {
        CommandError::new("app", e.to_string())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
