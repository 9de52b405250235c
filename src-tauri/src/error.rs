//! The one error shape that crosses IPC: `{ code, message, field? }`. The UI
//! shows `message` (beside `field` when there is one) and branches on `code`
//! only where it must.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use watchlog_core::ErrorPayload;

/// A command's failure, serialised as `ErrorPayload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub ErrorPayload);

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError(ErrorPayload::new(code, message))
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

/// A command argument that the command decodes itself, so a value of the
/// wrong shape (text where a year goes) fails as `{code, message, field}`
/// like every other error, instead of as Tauri's plain string before the
/// command runs.
pub struct Arg<T>(Result<T, ErrorPayload>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Arg<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(Arg(
            serde_path_to_error::deserialize(value).map_err(undecodable)
        ))
    }
}

impl<T> Arg<T> {
    /// The decoded value, or the field error saying what was wrong with it.
    pub fn get(self) -> CommandResult<T> {
        self.0.map_err(CommandError)
    }
}

/// The payload for an argument that did not decode: serde's words without
/// their position in the JSON text, and the path of the field they are
/// about. A new entry's title and fields share one set of names (`year`,
/// `platform`), as the core's checks use them.
fn undecodable(e: serde_path_to_error::Error<serde_json::Error>) -> ErrorPayload {
    let path = e.path().to_string();
    let path = path
        .strip_prefix("title.")
        .or_else(|| path.strip_prefix("fields."))
        .unwrap_or(&path);
    let field = (!path.is_empty() && path != ".").then(|| path.to_string());
    let detail = e.into_inner().to_string();
    let detail = detail.split(" at line ").next().unwrap_or_default();
    let message = match &field {
        Some(f) => format!("the {} is not valid: {detail}", f.replace(['_', '.'], " ")),
        None => format!("a value sent to the app is not valid: {detail}"),
    };
    ErrorPayload {
        code: "invalid_input".into(),
        message,
        field,
        choices: None,
    }
}
