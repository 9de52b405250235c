//! The store's side of backups: copying every page of a database into
//! another connection with SQLite's online backup API. `crate::backup`
//! decides where the copy goes and checks it.

use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;

use super::Library;
use crate::error::{Error, Result};

impl Library {
    /// Copies this library, as one consistent snapshot, into `dst`.
    pub(crate) fn copy_pages_into(&self, dst: &mut Connection) -> Result<()> {
        copy_pages(&self.conn, dst)
    }
}

/// Copies every page of `src` into `dst`. All pages in one step: the copy
/// is one consistent snapshot even while another connection writes (WAL
/// readers are not blocked by writers). Busy or locked steps are retried
/// for up to 10 seconds.
pub(crate) fn copy_pages(src: &Connection, dst: &mut Connection) -> Result<()> {
    let backup = Backup::new(src, dst)?;
    let mut waited = Duration::ZERO;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked => {
                if waited >= Duration::from_secs(10) {
                    return Err(Error::invalid(
                        "the library stayed busy for 10 seconds; try the backup again",
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
                waited += Duration::from_millis(50);
            }
            _ => {}
        }
    }
}
