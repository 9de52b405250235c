//! Change files in the sync folder.
//!
//! The folder holds one sub-folder per device, named by its id; a device
//! writes only into its own, and reads the others'. Each change is a file
//! `0000000007.wlsync`, numbered from 1, written under a temporary name and
//! renamed into place (never over an existing file), and never touched
//! again. A file-sync engine's half-copied or temporary files
//! (`.syncthing.*.tmp`, `~syncthing~*`, `*.partial`) do not match that name
//! and are not read.
//!
//! A file is a first line `WATCHLOG-SYNC`, a JSON header line, then one
//! JSON row a line. The header gives the body's length and BLAKE3 hash, so
//! a file cut short or damaged on its way is told apart from a whole one
//! and waits, unapplied, until it arrives whole.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The format this version writes and the newest it reads.
pub(super) const FORMAT: u32 = 1;
const MAGIC: &str = "WATCHLOG-SYNC";
const SUFFIX: &str = ".wlsync";

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Header {
    pub format: u32,
    pub device: String,
    pub name: String,
    pub seq: u64,
    pub written_at: String,
    /// The writer's clock when it wrote the file: at least every clock in
    /// it.
    pub hlc: i64,
    /// For each device, the newest of its clocks the writer had applied,
    /// which tells a change made concurrently from one made after.
    pub seen: BTreeMap<String, i64>,
    /// Merge decisions the writer made since its last file, so every
    /// device's conflict log shows them, not only the one that decided.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    pub rows: u64,
    pub bytes: u64,
    pub blake3: String,
}

/// A merge decision as it travels: what, which field, the value kept and
/// the one it won over, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Decision {
    pub at: String,
    pub what: String,
    pub field: String,
    pub kept: Option<String>,
    pub other: Option<String>,
    pub outcome: String,
}

/// A field's value, the clock that set it and the device that did.
pub(super) type Cell = (serde_json::Value, i64, String);

/// One row as it is now on the writing device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Row {
    /// The table.
    pub t: String,
    /// The row's cross-device key.
    pub k: String,
    /// Its fields with their clocks; `-` its deletion, `+` its creation.
    pub f: BTreeMap<String, Cell>,
    /// A title's catalogue ids, by which a device recognises a title it
    /// already holds under another key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<(String, String)>,
}

pub(super) fn device_dir(folder: &Path, device: &str) -> PathBuf {
    folder.join(device)
}

fn file_name(seq: u64) -> String {
    format!("{seq:010}{SUFFIX}")
}

/// The change files of a device's folder, by number. Anything else there
/// (a sync engine's temporary file, a note) is passed over.
pub(super) fn numbers(dir: &Path) -> Result<Vec<u64>> {
    let read = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("cannot read {}", dir.display()), e)),
    };
    let mut seqs = Vec::new();
    for item in read {
        let item = item.map_err(|e| Error::io(format!("cannot read {}", dir.display()), e))?;
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(digits) = name.strip_suffix(SUFFIX) else {
            continue;
        };
        if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
            seqs.push(digits.parse().expect("ten digits"));
        }
    }
    seqs.sort_unstable();
    Ok(seqs)
}

/// The device folders in the sync folder: every sub-folder named by a
/// uuid.
pub(super) fn devices(folder: &Path) -> Result<Vec<String>> {
    let read = std::fs::read_dir(folder).map_err(|e| {
        Error::io(
            format!("cannot read the sync folder {}", folder.display()),
            e,
        )
    })?;
    let mut out = Vec::new();
    for item in read.flatten() {
        let name = item.file_name();
        if let Some(name) = name.to_str() {
            if uuid::Uuid::parse_str(name).is_ok() && item.path().is_dir() {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes a device's change file `seq`, whole or not at all: on a failure
/// (a full disk) the temporary file is removed as it is dropped, and the
/// caller's transaction, which would record the number, is not committed.
pub(super) fn write(dir: &Path, mut header: Header, rows: &[Row]) -> Result<PathBuf> {
    let mut body = Vec::new();
    for row in rows {
        serde_json::to_writer(&mut body, row).expect("rows serialise");
        body.push(b'\n');
    }
    header.rows = rows.len() as u64;
    header.bytes = body.len() as u64;
    header.blake3 = blake3::hash(&body).to_hex().to_string();
    let target = dir.join(file_name(header.seq));
    let fail = |e: std::io::Error| {
        // ENOSPC (ERROR_DISK_FULL on Windows). The folder is named: it is
        // often on another disk than the library.
        if e.kind() == std::io::ErrorKind::StorageFull {
            Error::SyncFolderFull {
                folder: dir.parent().unwrap_or(dir).to_path_buf(),
            }
        } else {
            Error::io(format!("cannot write {}", target.display()), e)
        }
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    // A dot name: a sync engine may copy it, but no Watchlog reads it.
    let mut tmp = tempfile::Builder::new()
        .prefix(".writing-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    let head = serde_json::to_string(&header).expect("the header serialises");
    tmp.write_all(format!("{MAGIC}\n{head}\n").as_bytes())
        .and_then(|_| tmp.write_all(&body))
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(fail)?;
    tmp.persist_noclobber(&target).map_err(|e| fail(e.error))?;
    Ok(target)
}

/// Why a change file cannot be applied (yet), in words.
#[derive(Debug)]
pub(super) enum Unreadable {
    /// Not whole: still arriving, or cut short. It is read again next time.
    Incomplete,
    Damaged(String),
    Newer(u32),
    Misplaced,
}

impl Unreadable {
    pub fn words(&self, path: &Path) -> String {
        let p = path.display();
        match self {
            Unreadable::Incomplete => format!(
                "{p} is not whole yet (still arriving, or cut short); it is read again at the next sync"
            ),
            Unreadable::Damaged(why) => {
                format!("{p} is damaged ({why}); nothing in it was applied, and that device's later changes wait for it")
            }
            Unreadable::Newer(found) => format!(
                "{p} was written by a newer Watchlog (sync format {found}; this version reads {FORMAT}); update Watchlog to apply it"
            ),
            Unreadable::Misplaced => format!(
                "{p} does not belong where it is (its header names another device or number); it was not applied"
            ),
        }
    }
}

/// Reads device `device`'s file `seq`, checking it is whole and its own.
pub(super) fn read(
    dir: &Path,
    device: &str,
    seq: u64,
) -> Result<std::result::Result<(Header, Vec<Row>), Unreadable>> {
    let path = dir.join(file_name(seq));
    let bytes = std::fs::read(&path)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    Ok(parse(&bytes, device, seq))
}

pub(super) fn path_of(dir: &Path, seq: u64) -> PathBuf {
    dir.join(file_name(seq))
}

fn parse(
    bytes: &[u8],
    device: &str,
    seq: u64,
) -> std::result::Result<(Header, Vec<Row>), Unreadable> {
    let mut lines = bytes.splitn(3, |&b| b == b'\n');
    let magic = lines.next().unwrap_or_default();
    if magic != MAGIC.as_bytes() {
        return Err(if MAGIC.as_bytes().starts_with(magic) {
            Unreadable::Incomplete
        } else {
            Unreadable::Damaged("it is not a Watchlog change file".into())
        });
    }
    let (Some(head), Some(body)) = (lines.next(), lines.next()) else {
        return Err(Unreadable::Incomplete);
    };
    // A newer format may change the header too; its number comes first.
    #[derive(Deserialize)]
    struct Version {
        format: u32,
    }
    match serde_json::from_slice::<Version>(head) {
        Ok(v) if v.format > FORMAT => return Err(Unreadable::Newer(v.format)),
        Ok(_) => {}
        Err(_) => return Err(Unreadable::Damaged("its header cannot be read".into())),
    }
    let header: Header = serde_json::from_slice(head)
        .map_err(|e| Unreadable::Damaged(format!("its header cannot be read: {e}")))?;
    if header.device != device || header.seq != seq {
        return Err(Unreadable::Misplaced);
    }
    if (body.len() as u64) < header.bytes {
        return Err(Unreadable::Incomplete);
    }
    if body.len() as u64 != header.bytes || blake3::hash(body).to_hex().as_str() != header.blake3 {
        return Err(Unreadable::Damaged("its checksum does not match".into()));
    }
    let mut rows = Vec::with_capacity(header.rows as usize);
    for line in body.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        rows.push(
            serde_json::from_slice(line)
                .map_err(|e| Unreadable::Damaged(format!("a row cannot be read: {e}")))?,
        );
    }
    Ok((header, rows))
}
