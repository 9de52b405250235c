//! How a failed command ends: one line on stderr and an exit status that
//! tells a script whether to fix its command line (2) or look at the library
//! file or the system (1). With `--json` that line is the core's
//! `{code, message, field?}` payload, the same one the app receives.

use std::fmt;

use watchlog_core::{Error, ErrorPayload};

/// The command line asked for something that cannot be: a usage error, an
/// invalid value, an unknown id, a name already taken.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Everything else: a library file that is newer, foreign, damaged or
/// unreadable, an I/O or database failure, `doctor` finding damage.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug)]
pub struct CliError {
    pub exit: u8,
    pub payload: ErrorPayload,
}

impl CliError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        CliError {
            exit: EXIT_BAD_INPUT,
            payload: ErrorPayload::new("invalid_input", message),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            exit: EXIT_FAILURE,
            payload: ErrorPayload::new("failure", message),
        }
    }

    /// The command line itself is wrong (clap's usage errors).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            exit: EXIT_BAD_INPUT,
            payload: ErrorPayload::new("usage", message),
        }
    }

    /// The error as one line for stderr: the payload as JSON with `--json`,
    /// else `watchlog: message`.
    pub fn line(&self, json: bool) -> String {
        if json {
            let mut p = self.payload.clone();
            p.message = one_line(&p.message);
            serde_json::to_string(&p).expect("an error payload serialises")
        } else {
            self.to_string()
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        // Only what the command line itself got wrong is 2; any other
        // failure, including variants the core adds later, is 1.
        let exit = match e {
            Error::InvalidInput(_)
            | Error::InvalidField { .. }
            | Error::NeedsChoice { .. }
            | Error::NotFound { .. }
            | Error::Conflict(_) => EXIT_BAD_INPUT,
            _ => EXIT_FAILURE,
        };
        CliError {
            exit,
            payload: ErrorPayload::from(&e),
        }
    }
}

/// One line, always: a message with newlines would break scripts that read
/// stderr line by line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "watchlog: {}", one_line(&self.payload.message))
    }
}
