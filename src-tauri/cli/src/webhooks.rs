//! `watchlog serve-webhooks`: a small HTTP listener for Jellyfin, Emby and
//! Plex, bound to loopback unless told otherwise, that records what they
//! report as watched to the end. The core answers each request
//! (`watchlog_core::webhooks::answer`: the token, the body, the write);
//! this file only moves bytes and logs one line per request on stderr,
//! the token left out.

use std::io::Read;
use std::net::IpAddr;
use std::path::Path;

use clap::Args;
use watchlog_core::webhooks::{self, MAX_BODY};

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
        Some(t) if t.trim().len() >= 8 => t.trim().to_string(),
        Some(_) => {
            return Err(CliError::usage(
                "--token must be at least 8 characters: it is all that keeps others from writing to your library",
            ))
        }
        None => random_token()?,
    };
    // Opens (or creates) the library once, so a bad path fails now.
    creating(db, |_| Ok(()))?;
    let listener = tiny_http::Server::http((a.bind, a.port)).map_err(|e| {
        CliError::failure(format!("could not listen on {}:{}: {e}", a.bind, a.port))
    })?;
    let port = listener
        .server_addr()
        .to_ip()
        .map_or(a.port, |addr| addr.port());
    let host = match a.bind {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    for url in webhooks::urls(&host, port, &token) {
        println!("{url}");
    }
    for mut request in listener.incoming_requests() {
        let a = handle(db, &token, &mut request);
        eprintln!(
            "watchlog: {} {} → {}: {}",
            request.method(),
            redact(request.url(), &token),
            a.status,
            a.message
        );
        let _ = request.respond(
            tiny_http::Response::from_string(format!("{}\n", a.message)).with_status_code(a.status),
        );
    }
    Ok(())
}

/// Reads the request (at most [`MAX_BODY`] bytes) and lets the core answer.
fn handle(db: &Path, token: &str, request: &mut tiny_http::Request) -> webhooks::Answer {
    let too_big = request.body_length().is_some_and(|n| n > MAX_BODY);
    let mut body = Vec::new();
    if !too_big {
        if let Err(e) = request
            .as_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body)
        {
            return webhooks::Answer {
                status: 400,
                message: format!("the body could not be read ({e}); nothing was recorded"),
            };
        }
    }
    let content_type = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Content-Type"))
        .map(|h| h.value.as_str().to_string());
    webhooks::answer(
        db,
        token,
        request.url(),
        *request.method() == tiny_http::Method::Post,
        content_type.as_deref(),
        (!too_big).then_some(&body[..]),
    )
}

fn redact(url: &str, token: &str) -> String {
    url.replace(token, "…")
}

/// 24 random bytes from the system, as hex.
fn random_token() -> Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| CliError::failure(format!("could not make a token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
