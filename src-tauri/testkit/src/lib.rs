//! What Watchlog's tests and benchmarks share, so no test file keeps its
//! own copy: where the shared real-world fixtures are ([`fixtures`]), a
//! real HTTP server on the loopback interface ([`server`]), the recorded
//! TVmaze answers served like TVmaze serves them ([`tvmaze`]), and a
//! temporary home with a library path in it, for the core and for the
//! `watchlog` binary ([`sandbox`]), and the files at a library's path that
//! must be refused ([`strangers`]), and the bench binaries' timing
//! helpers ([`bench`]).
//!
//! It depends on no Watchlog crate: the core, the CLI and the app each use
//! it as a dev-dependency, with their own types on top.

pub mod bench;
pub mod fixtures;
pub mod sandbox;
pub mod server;
pub mod strangers;
pub mod tvmaze;

pub use sandbox::{sha256, sorted_rows, Cli, Sandbox};
pub use server::{Reply, Req, Server};
