//! What more than one bench binary needs: the generated 100,000-title
//! library they all measure.

use std::path::PathBuf;
use std::time::Instant;

use watchlog_core::Library;
use watchlog_testkit::fixtures;

/// The library a bench reads: the file `db_var` names when it exists,
/// else one generated from `../shared/fixtures/datasets` (seed 1) into a
/// temporary directory, with `n_var` titles (100,000 unless set). The
/// directory is returned so the file lives as long as the bench. Exits
/// when the datasets are missing, as every bench does.
pub fn library(db_var: &str, n_var: &str) -> (Option<tempfile::TempDir>, PathBuf) {
    if let Some(p) = std::env::var_os(db_var)
        .map(PathBuf::from)
        .filter(|p| p.exists())
    {
        return (None, p);
    }
    let datasets = fixtures::dir().join("datasets");
    if !datasets.is_dir() {
        eprintln!("skipping: the datasets are not at {}", datasets.display());
        std::process::exit(0);
    }
    let n: usize = std::env::var(n_var)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("bench.db");
    let t = Instant::now();
    let mut lib = Library::open(&path).expect("a new library");
    lib.generate_sample(&datasets, n, 1)
        .expect("the library generates");
    println!("generated {n} titles in {:.1} s", t.elapsed().as_secs_f64());
    (Some(dir), path)
}
