//! The app's webhook listener: while Settings › Media servers gives a port,
//! Jellyfin, Emby and Plex can post to `http://127.0.0.1:PORT/webhooks/…`
//! and what they report as watched is recorded (the core's
//! `webhooks::Listener`, the same one `watchlog serve-webhooks` runs). It
//! starts with the app, restarts when the setting changes, and tells the
//! window when it recorded something so the lists show it.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use watchlog_core::webhooks::{self, Listener, ListenerStatus};

use crate::error::CommandResult;
use crate::state::AppState;

/// Something was recorded from a media server: the answer's line.
pub const RECORDED_EVENT: &str = "webhook-recorded";

/// The running listener (a handle that stops it, and the port and token
/// it serves) and its status.
#[derive(Default)]
pub struct WebhookState {
    running: Mutex<Option<(Listener, u16, String)>>,
    status: Mutex<ListenerStatus>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Stops the listener there is, and starts one on the port the settings
/// give (if any), on loopback.
pub fn restart<R: Runtime>(app: &AppHandle<R>) {
    // Apps built without the listener's state (the command tests) have
    // nothing to restart.
    let Some(hooks) = app.try_state::<WebhookState>() else {
        return;
    };
    let state = app.state::<AppState>();
    let settings = state.reader().and_then(|lib| Ok(lib.settings()?));
    let wanted = settings
        .map(|s| (s.webhook_port, s.webhook_token))
        .unwrap_or_default();
    let mut running = lock(&hooks.running);
    // Any other setting saved: the listener there is goes on as it is.
    if let (Some((_, port, token)), (Some(p), Some(t))) = (running.as_ref(), &wanted) {
        if port == p && token == t {
            return;
        }
    }
    if let Some((old, _, _)) = running.take() {
        old.stop();
    }
    let (Some(port), Some(token)) = wanted else {
        *lock(&hooks.status) = ListenerStatus::default();
        return;
    };
    let listener = match bind(port) {
        Ok(l) => l,
        Err(e) => {
            *lock(&hooks.status) = ListenerStatus {
                urls: Vec::new(),
                error: Some(e.to_string()),
            };
            return;
        }
    };
    *lock(&hooks.status) = ListenerStatus {
        urls: webhooks::urls("127.0.0.1", listener.port(), &token),
        error: None,
    };
    *running = Some((listener.stopper(), port, token.clone()));
    drop(running);
    let path = state.path().to_path_buf();
    let app = app.clone();
    std::thread::spawn(move || {
        // The line comes with the token cut out; the log scrubs it again.
        listener.run(&path, &token, |line, answer| {
            log::info!("webhook {line}: {} {}", answer.status, answer.message);
            if answer.recorded {
                let _ = app.emit(RECORDED_EVENT, answer.message.clone());
            }
        });
    });
}

/// Binds the port on loopback, trying again for a moment: a listener just
/// stopped on the same port may still be letting go of it.
fn bind(port: u16) -> watchlog_core::Result<Listener> {
    let mut tries = 0;
    loop {
        match Listener::bind(IpAddr::V4(Ipv4Addr::LOCALHOST), port) {
            Err(_) if tries < 20 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// The listener's addresses, or why it is not listening.
#[tauri::command]
pub async fn webhook_status(hooks: State<'_, WebhookState>) -> CommandResult<ListenerStatus> {
    Ok(lock(&hooks.status).clone())
}
