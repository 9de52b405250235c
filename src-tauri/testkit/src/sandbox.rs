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
/// home and data folders are inside the sandbox and `WATCHLOG_DB` and
/// `WATCHLOG_TMDB_KEY` are cleared, so nothing can reach a real library or
/// a real key.
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
    /// stderr starting `watchlog: ` and holding `keyword` (any case),
    /// nothing on stdout, and the library file as it was. Returns the line.
    pub fn refused(&self, args: &[&str], code: i32, keyword: &str) -> String {
        let shown = format!("`watchlog {}`", args.join(" "));
        let before = self.settled(&shown);
        let out = self.output(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{shown} should exit {code}; stderr: {stderr}"
        );
        assert_one_line_error(&stderr, keyword, &shown);
        assert!(
            out.stdout.is_empty(),
            "{shown} failed but printed on stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            self.settled(&shown),
            before,
            "{shown} was refused but changed the library file"
        );
        stderr
    }

    /// The library file's hash (`None`: there is none) once no command is
    /// running. A clean close checkpoints the WAL into the file and deletes
    /// it; that is asserted here, so the hash is of the whole library.
    fn settled(&self, shown: &str) -> Option<String> {
        for suffix in ["-wal", "-shm"] {
            let mut side = self.db().as_os_str().to_owned();
            side.push(suffix);
            assert!(
                !Path::new(&side).exists(),
                "{suffix} file left beside {} around {shown}",
                self.db().display()
            );
        }
        self.db().exists().then(|| self.hash())
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
