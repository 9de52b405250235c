//! How a failed command ends: one line on stderr and an exit status that
//! tells a script whether to fix its command line (2) or look at the library
//! file or the system (1).

use std::fmt;

use watchlog_core::Error;

/// The command line asked for something that cannot be: a usage error, an
/// invalid value, an unknown id, a name already taken.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Everything else: a library file that is newer, foreign, damaged or
/// unreadable, an I/O or database failure, `doctor` finding damage.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug)]
pub struct CliError {
    pub exit: u8,
    pub message: String,
}

impl CliError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        CliError {
            exit: EXIT_BAD_INPUT,
            message: message.into(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            exit: EXIT_FAILURE,
            message: message.into(),
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        // Only what the command line itself got wrong is 2; any other
        // failure, including variants the core adds later, is 1.
        let exit = match e {
            Error::InvalidInput(_) | Error::NotFound { .. } | Error::Conflict(_) => EXIT_BAD_INPUT,
            _ => EXIT_FAILURE,
        };
        CliError {
            exit,
            message: e.to_string(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, always: a message with newlines would break scripts that
        // read stderr line by line.
        let one_line = self
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        write!(f, "watchlog: {one_line}")
    }
}
