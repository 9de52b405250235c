//! Sync through a real Syncthing: two Syncthing instances on loopback, each
//! with its own library and its own folder, paired through their local
//! config (no discovery, no relays). An edit on one library reaches the
//! other through the change files Syncthing copies, and one back the other
//! way. Needs Debian's `syncthing`, which `scripts/setup.sh` installs; the
//! test says so and passes over it where it is missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use watchlog_core::{Library, ListQuery, NewEntry, TitleFacts};
use watchlog_testkit::Sandbox;

struct Syncthing {
    child: Child,
    folder: PathBuf,
}

impl Drop for Syncthing {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Syncthing home with its keys; returns its device id.
fn generate(home: &Path) -> String {
    let out = Command::new("syncthing")
        .args(["generate", "--no-default-folder"])
        .arg(format!("--home={}", home.display()))
        .output()
        .expect("syncthing runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .find_map(|l| l.split("Device ID: ").nth(1))
        .map(|id| id.trim().to_string())
        .expect("syncthing prints the device id")
}

/// Writes a config that shares one folder with the other instance at its
/// loopback port, and starts Syncthing on it.
fn start(home: &Path, me: &str, port: u16, other: &str, other_port: u16) -> Syncthing {
    let folder = home.join("folder");
    // Syncthing shares a folder only once it holds its marker.
    std::fs::create_dir_all(folder.join(".stfolder")).unwrap();
    let config = format!(
        r#"<configuration version="36">
    <folder id="watchlog" label="Watchlog" path="{folder}" type="sendreceive" rescanIntervalS="1" fsWatcherEnabled="true" fsWatcherDelayS="1">
        <device id="{me}"></device>
        <device id="{other}"></device>
    </folder>
    <device id="{me}" name="me"><address>dynamic</address></device>
    <device id="{other}" name="other"><address>tcp://127.0.0.1:{other_port}</address></device>
    <gui enabled="false" tls="false"><address>127.0.0.1:{gui}</address></gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{port}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <urAccepted>-1</urAccepted>
        <crashReportingEnabled>false</crashReportingEnabled>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <startBrowser>false</startBrowser>
        <reconnectionIntervalS>1</reconnectionIntervalS>
    </options>
</configuration>
"#,
        folder = folder.display(),
        gui = free_port(),
    );
    std::fs::write(home.join("config.xml"), config).unwrap();
    let child = Command::new("syncthing")
        .args([
            "serve",
            "--no-browser",
            "--no-restart",
            "--no-upgrade",
            "--skip-port-probing",
        ])
        .arg(format!("--home={}", home.display()))
        .arg(format!(
            "--logfile={}",
            home.join("syncthing.log").display()
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("syncthing starts");
    Syncthing { child, folder }
}

fn names(lib: &Library) -> Vec<String> {
    let mut v: Vec<String> = lib
        .list(&ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    v.sort();
    v
}

/// Syncs `lib` until `done` holds, as Syncthing copies files in.
fn sync_until(lib: &mut Library, what: &str, done: impl Fn(&Library) -> bool, log: &[&Path]) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let report = lib.sync_now().unwrap();
        assert!(
            report.problems.iter().all(|p| p.contains("not whole yet")),
            "{:?}",
            report.problems
        );
        if done(lib) {
            return;
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = log
                .iter()
                .map(|p| std::fs::read_to_string(p).unwrap_or_default())
                .collect();
            panic!(
                "{what}: not there after 90 s; Syncthing said:\n{}",
                logs.join("\n---\n")
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn an_edit_crosses_two_syncthing_instances_both_ways() {
    if Command::new("syncthing").arg("--version").output().is_err() {
        eprintln!("syncthing is not installed (scripts/setup.sh installs it); not run");
        return;
    }
    let homes = tempfile::tempdir().unwrap();
    let (ha, hb) = (homes.path().join("a"), homes.path().join("b"));
    let (ia, ib) = (generate(&ha), generate(&hb));
    let (pa, pb) = (free_port(), free_port());
    let a = start(&ha, &ia, pa, &ib, pb);
    let b = start(&hb, &ib, pb, &ia, pa);
    let logs = [ha.join("syncthing.log"), hb.join("syncthing.log")];
    let logs: Vec<&Path> = logs.iter().map(PathBuf::as_path).collect();

    let (sa, sb) = (Sandbox::new(), Sandbox::new());
    let mut laptop = Library::open(&sa.db).unwrap();
    let mut desktop = Library::open(&sb.db).unwrap();
    laptop.sync_init(&a.folder, Some("laptop")).unwrap();
    desktop.sync_init(&b.folder, Some("desktop")).unwrap();
    let add = |lib: &mut Library, name: &str| {
        lib.add_entry(&NewEntry {
            title: TitleFacts {
                name: name.into(),
                year: Some(2017),
                ..TitleFacts::default()
            },
            fields: Default::default(),
        })
        .unwrap()
    };
    add(&mut laptop, "Stranger");
    laptop.sync_now().unwrap();
    sync_until(
        &mut desktop,
        "the laptop's entry on the desktop",
        |l| names(l) == ["Stranger"],
        &logs,
    );

    add(&mut desktop, "Prison Playbook");
    desktop.sync_now().unwrap();
    sync_until(
        &mut laptop,
        "the desktop's entry on the laptop",
        |l| names(l) == ["Prison Playbook", "Stranger"],
        &logs,
    );
    assert_eq!(names(&laptop), names(&desktop));
    // Syncthing copied change files, never a library file.
    for folder in [&a.folder, &b.folder] {
        for dir in std::fs::read_dir(folder).unwrap().flatten() {
            if dir.path().is_dir()
                && dir.file_name() != ".stfolder"
                && dir.file_name() != ".stversions"
            {
                for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
                    let name = f.file_name().to_string_lossy().into_owned();
                    assert!(
                        !name.contains(".db"),
                        "a library file in the sync folder: {name}"
                    );
                }
            }
        }
    }
}
