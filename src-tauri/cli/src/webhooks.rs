//! `watchlog serve-webhooks`: a small HTTP listener for Jellyfin, Emby and
//! Plex, bound to loopback unless told otherwise, that records what they
//! report as watched to the end. The core answers each request
//! (`watchlog_core::webhooks::answer`: the token, the body, the write);
//! this file only moves bytes and logs one line per request on stderr,
//! the token left out.

use std::net::IpAddr;
use std::path::Path;

use clap::Args;
use watchlog_core::webhooks;

use crate::commands::creating;
use crate::error::CliError;

type Result<T = (), E = CliError> = std::result::Result<T, E>;

#[derive(Debug, Args)]
pub struct ServeWebhooksArgs {
    /// The port to listen on (0: any free one, printed).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// The secret the servers put in the URL; a random one when not given.
    #[arg(long, env = "WATCHLOG_WEBHOOK_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// The address to listen on; loopback unless your media server runs
    /// on another machine.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
}

pub fn serve(db: &Path, a: ServeWebhooksArgs) -> Result {
    let token = match a.token {
        Some(t) if t.trim().len() >= webhooks::MIN_TOKEN_CHARS => t.trim().to_string(),
        Some(_) => {
            return Err(CliError::usage(
                "--token must be at least 8 characters: it is all that keeps others from writing to your library",
            ))
        }
        None => webhooks::new_token()?,
    };
    // Opens (or creates) the library once, so a bad path fails now.
    creating(db, |_| Ok(()))?;
    let listener = webhooks::Listener::bind(a.bind, a.port)?;
    let host = match a.bind {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    for url in webhooks::urls(&host, listener.port(), &token) {
        println!("{url}");
    }
    listener.run(db, &token, |request, a| {
        eprintln!("watchlog: {request} → {}: {}", a.status, a.message);
    });
    Ok(())
}
