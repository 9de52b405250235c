//! A temporary folder that stands in for a user's home, with the library
//! file's path inside it ([`Sandbox`]), and the `watchlog` binary run
//! against such a library and nothing else ([`Cli`]).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// A temporary folder holding the path of a library file (not created:
/// opening it does that). Removed when dropped.
#[derive(Debug)]
pub struct Sandbox {
    dir: TempDir,
    /// `<folder>/watchlog.db`.
    pub db: PathBuf,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("watchlog.db");
        Sandbox { dir, db }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A path in the folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Every row `sql` returns, each as its values joined by `|`, sorted: what
/// two libraries hold can be compared whatever order their rows came in.
pub fn sorted_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut rows: Vec<String> = stmt
        .query_map([], |r| {
            Ok((0..n)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    rows
}

/// The SHA-256 of a file, in hex.
pub fn sha256(path: &Path) -> String {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `watchlog` binary on a [`Sandbox`]'s library: `--db` names it, the
/// home and data folders are inside the sandbox and `WATCHLOG_DB`,
/// `WATCHLOG_TMDB_KEY` and `WATCHLOG_ALLOW_HOSTS` are cleared, so nothing
/// can reach a real library or a real key, or loopback unless a test says.
#[derive(Debug)]
pub struct Cli {
    pub sandbox: Sandbox,
    bin: PathBuf,
    env: Vec<(String, String)>,
}

impl Cli {
    /// `bin` is the binary under test: `env!("CARGO_BIN_EXE_watchlog")`.
    pub fn new(bin: impl AsRef<OsStr>) -> Self {
        Cli {
            sandbox: Sandbox::new(),
            bin: PathBuf::from(bin.as_ref()),
            env: Vec::new(),
        }
    }

    /// Sets `key` for every command run from here on.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The library file.
    pub fn db(&self) -> &Path {
        &self.sandbox.db
    }

    /// The sandbox folder (the home of every command).
    pub fn home(&self) -> &Path {
        self.sandbox.dir()
    }

    fn isolated(&self) -> std::process::Command {
        let home = self.home();
        let mut c = std::process::Command::new(&self.bin);
        c.env_remove("WATCHLOG_DB")
            .env_remove("WATCHLOG_TMDB_KEY")
            .env_remove("WATCHLOG_ALLOW_HOSTS")
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"));
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// `watchlog ARGS` with the isolated environment but no `--db`: the
    /// library is then found as a user's would be (in the sandbox).
    pub fn bare(&self, args: &[&str]) -> Command {
        let mut c = self.isolated();
        c.args(args);
        Command::from_std(c)
    }

    /// `watchlog --db <library> ARGS`, to spawn and watch.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut c = self.isolated();
        c.arg("--db").arg(self.db()).args(args);
        c
    }

    /// `watchlog --db <library> ARGS`, to run (and feed stdin).
    pub fn cmd(&self, args: &[&str]) -> Command {
        Command::from_std(self.command(args))
    }

    /// Runs a command to its end.
    pub fn output(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("watchlog runs")
    }

    /// Runs a command to its end: (exit status, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.output(args);
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs a command that must succeed; returns (stdout, stderr).
    pub fn ok_with_stderr(&self, args: &[&str]) -> (String, String) {
        let out = self.output(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success(),
            "`watchlog {}` failed with {:?}: {stderr}",
            args.join(" "),
            out.status.code(),
        );
        let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
        (stdout, stderr)
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_with_stderr(args).0
    }

    /// Runs a command with `--json` that must succeed; returns its output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let text = self.ok(&a);
        serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "`watchlog {}` printed invalid JSON ({e}): {text}",
                a.join(" ")
            )
        })
    }

    /// Runs a command that must fail with exit status `code`, one line on
    /// stderr holding `keyword` (any case), nothing on stdout, and the
    /// library file as it was with nothing new beside it. The line is
    /// `watchlog: …`, or with `--json` the error payload (see
    /// [`assert_json_error`]). Returns stderr.
    pub fn refused(&self, args: &[&str], code: i32, keyword: &str) -> String {
        let shown = format!("`watchlog {}`", args.join(" "));
        let (before, side_before) = (self.hash_if_any(), self.side_files());
        let out = self.output(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{shown} should exit {code}; stderr: {stderr}"
        );
        if args.contains(&"--json") {
            assert_json_error(&stderr, keyword, &shown);
        } else {
            assert_one_line_error(&stderr, keyword, &shown);
        }
        assert!(
            out.stdout.is_empty(),
            "{shown} failed but printed on stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            self.hash_if_any(),
            before,
            "{shown} was refused but changed the library file"
        );
        let left: Vec<_> = self
            .side_files()
            .into_iter()
            .filter(|f| !side_before.contains(f))
            .collect();
        assert!(left.is_empty(), "{shown} left {left:?} beside the library");
        stderr
    }

    /// The library file's hash (`None`: there is none).
    fn hash_if_any(&self) -> Option<String> {
        self.db().exists().then(|| self.hash())
    }

    /// The library's `-wal` and `-shm` files that exist. A clean close
    /// checkpoints the WAL into the file and deletes them, so unless a test
    /// holds the library open there are none, and the file's hash is of the
    /// whole library.
    fn side_files(&self) -> Vec<&'static str> {
        ["-wal", "-shm"]
            .into_iter()
            .filter(|suffix| {
                let mut p = self.db().as_os_str().to_owned();
                p.push(suffix);
                Path::new(&p).exists()
            })
            .collect()
    }

    /// The SHA-256 of the library file.
    pub fn hash(&self) -> String {
        sha256(self.db())
    }
}

/// `stderr` is one line, `watchlog: …`, mentioning `keyword` (any case);
/// `shown` names the command in the failure message.
pub fn assert_one_line_error(stderr: &str, keyword: &str, shown: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{shown} should print exactly one line on stderr, got: {stderr}"
    );
    assert!(
        lines[0].starts_with("watchlog: "),
        "{shown}: the error should start with 'watchlog: ': {stderr}"
    );
    assert!(
        lines[0].to_lowercase().contains(&keyword.to_lowercase()),
        "{shown}: the error should mention '{keyword}': {stderr}"
    );
}

/// With `--json` the one line on stderr is the core's error payload,
/// `{code, message, field?}`, the same the app receives; its message
/// mentions `keyword` (any case). Returns the payload.
pub fn assert_json_error(stderr: &str, keyword: &str, shown: &str) -> Value {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{shown} should print exactly one line on stderr, got: {stderr}"
    );
    let payload: Value = serde_json::from_str(lines[0])
        .unwrap_or_else(|e| panic!("{shown}: stderr should be a JSON error ({e}): {stderr}"));
    assert!(
        payload["code"].is_string(),
        "{shown}: the payload has a code: {payload}"
    );
    let message = payload["message"].as_str().unwrap_or_default();
    assert!(
        message.to_lowercase().contains(&keyword.to_lowercase()),
        "{shown}: the message should mention '{keyword}': {payload}"
    );
    payload
}
