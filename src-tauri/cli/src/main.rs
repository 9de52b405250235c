//! `watchlog`, the command-line face of Watchlog: the same library file as
//! the desktop app, for scripting, quick edits and JSON output. Each command
//! parses its arguments, calls `watchlog-core` and prints; nothing here knows
//! SQL or rating arithmetic.

mod args;
mod catalog;
mod commands;
mod dev;
mod episodes;
mod error;
mod import;
mod lists;
mod matching;
mod output;
mod posters;
mod sync;
mod transfer;
mod webhooks;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use crate::args::Cli;
use crate::error::CliError;

/// Said once on stderr when a write waits for another Watchlog's write.
pub const WAITING: &str =
    "watchlog: waiting for another Watchlog (the app or a `watchlog` command) to finish writing…";

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let json = cli.json;
    // A write that waits for the app (or another `watchlog`) says why.
    watchlog_core::store::on_waiting_for_writer(|| eprintln!("{WAITING}"));
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.line(json));
            ExitCode::from(e.exit)
        }
    }
}

/// Help and version go to stdout as clap writes them; real usage errors are
/// folded to the same one-line `watchlog: …` shape as every other error.
fn usage_error(e: clap::Error) -> ExitCode {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(error::EXIT_BAD_INPUT)
        } else {
            ExitCode::SUCCESS
        };
    }
    let rendered = e.render().to_string();
    // clap's message is the first paragraph; the rest is usage and a hint.
    let first = rendered.split("\n\n").next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    // The command line did not parse, so `--json` is looked for by hand.
    let json = std::env::args().any(|a| a == "--json");
    let e = CliError::usage(format!(
        "{} (see watchlog --help)",
        message.trim_end_matches('.')
    ));
    eprintln!("{}", e.line(json));
    ExitCode::from(error::EXIT_BAD_INPUT)
}
