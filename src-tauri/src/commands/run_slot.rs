//! The slot of a long core loop the app runs for the UI (a poster fetch, a
//! catalogue refresh): one run of each at a time, and the cancel command
//! reaches the running one through its token.

use std::sync::{Mutex, MutexGuard};

use watchlog_core::progress::CancelToken;

use crate::error::{CommandError, CommandResult};

#[derive(Debug, Default)]
pub struct RunSlot(Mutex<Option<CancelToken>>);

impl RunSlot {
    /// An empty slot; `const`, so a slot can be a `static`.
    pub const fn new() -> Self {
        RunSlot(Mutex::new(None))
    }

    fn lock(&self) -> MutexGuard<'_, Option<CancelToken>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The token of a new run, or `busy` with `message` while another runs.
    /// A run already cancelled no longer counts: it is only finishing.
    pub fn start(&self, message: &str) -> CommandResult<CancelToken> {
        let mut slot = self.lock();
        if slot.as_ref().is_some_and(|c| !c.is_cancelled()) {
            return Err(CommandError::new("busy", message));
        }
        let token = CancelToken::new();
        *slot = Some(token.clone());
        Ok(token)
    }

    /// Empties the slot when the run holding `token` ends; a newer run
    /// started after this one was cancelled keeps its place.
    pub fn finish(&self, token: &CancelToken) {
        let mut slot = self.lock();
        if slot.as_ref().is_some_and(|c| c.same(token)) {
            *slot = None;
        }
    }

    /// Whether a run holds the slot and has not been cancelled.
    pub fn is_running(&self) -> bool {
        self.lock().as_ref().is_some_and(|c| !c.is_cancelled())
    }

    /// Cancels the running run; `false` when none was running.
    pub fn cancel(&self) -> bool {
        match self.lock().as_ref() {
            Some(c) if !c.is_cancelled() => {
                c.cancel();
                true
            }
            _ => false,
        }
    }
}
