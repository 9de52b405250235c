//! Drives the real app in the real webview: tauri-driver in front of
//! WebKitWebDriver, one private data folder per test, screenshots on request.

#![allow(dead_code)]

pub mod hostile;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;
use thirtyfour::Capabilities;

/// Whether the end-to-end tools are here. On CI they must be; elsewhere a
/// missing tool skips the test with a reason.
pub fn tools_present() -> bool {
    let missing: Vec<&str> = ["tauri-driver", "WebKitWebDriver"]
        .into_iter()
        .filter(|tool| which(tool).is_none())
        .collect();
    let no_display = std::env::var_os("DISPLAY").is_none();
    if missing.is_empty() && !no_display {
        return true;
    }
    let why = format!(
        "end-to-end test needs {}{}",
        if missing.is_empty() {
            String::new()
        } else {
            format!("{} on PATH", missing.join(" and "))
        },
        if no_display {
            " and a DISPLAY (run it under xvfb-run, as `make test` does)"
        } else {
            ""
        }
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    eprintln!("skipping: {why}");
    false
}

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(tool)).find(|p| p.is_file())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A private home for the app: its own data, config and cache folders.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["data", "config", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Home { dir }
    }

    /// The desktop's folders pointed into this home, for every process the
    /// app is started as.
    pub fn env(&self) -> [(&'static str, PathBuf); 3] {
        let at = |sub| self.dir.path().join(sub);
        [
            ("XDG_DATA_HOME", at("data")),
            ("XDG_CONFIG_HOME", at("config")),
            ("XDG_CACHE_HOME", at("cache")),
        ]
    }

    pub fn library(&self) -> PathBuf {
        self.dir
            .path()
            .join("data/app.watchlog.desktop/watchlog.db")
    }
}

/// One running app under tauri-driver, with a WebDriver session on it.
pub struct App {
    pub driver: WebDriver,
    tauri_driver: Child,
}

impl App {
    pub async fn start(home: &Home) -> App {
        App::start_with(home, &[]).await
    }

    /// Starts the app with extra environment variables (tauri-driver's
    /// environment is inherited by the app), such as a catalogue address.
    pub async fn start_with(home: &Home, env: &[(&str, &str)]) -> App {
        let (app, _) = App::launch(home, env).await;
        app.wait_for("[data-testid=library-nav]").await;
        app
    }

    /// Starts the app like `start_with` but returns as soon as the WebDriver
    /// session is up, without waiting for any of the UI, together with the
    /// moment just before the session was asked for (which is what launches
    /// the app), so a benchmark can time the launch without tauri-driver's
    /// own start.
    pub async fn launch(home: &Home, env: &[(&str, &str)]) -> (App, Instant) {
        // On a machine where WebKit has never run (a fresh CI machine), the
        // very first session now and then fails to start; its log is shown
        // and the launch tried once more.
        for attempt in 1.. {
            match App::try_launch(home, env).await {
                Ok(launched) => return launched,
                Err((error, log)) if attempt < 2 => {
                    eprintln!(
                        "note: the WebDriver session did not start ({error}); trying again. tauri-driver said:\n{log}"
                    );
                }
                Err((error, log)) => {
                    panic!("a WebDriver session on the app: {error}\ntauri-driver said:\n{log}")
                }
            }
        }
        unreachable!()
    }

    /// One launch; on failure, the error and tauri-driver's log.
    async fn try_launch(
        home: &Home,
        env: &[(&str, &str)],
    ) -> Result<(App, Instant), (String, String)> {
        let port = free_port();
        let native_port = free_port();
        let log_path = home.dir.path().join(format!("tauri-driver-{port}.log"));
        let log = std::fs::File::create(&log_path).unwrap();
        let tauri_driver = Command::new(which("tauri-driver").unwrap())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .envs(home.env())
            .env_remove("WATCHLOG_DB")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            // Never a pipe: WebKitWebDriver inherits it and would keep the
            // test's output open after the test ends.
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start tauri-driver");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").unwrap();
        caps.set(
            "tauri:options",
            json!({ "application": env!("CARGO_BIN_EXE_watchlog-app") }),
        )
        .unwrap();
        let launched = Instant::now();
        match WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await {
            Ok(driver) => Ok((
                App {
                    driver,
                    tauri_driver,
                },
                launched,
            )),
            Err(e) => {
                let mut tauri_driver = tauri_driver;
                stop(&mut tauri_driver);
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                Err((e.to_string(), log))
            }
        }
    }

    /// The process id of tauri-driver; WebKitWebDriver and the app run
    /// under it.
    pub fn driver_pid(&self) -> u32 {
        self.tauri_driver.id()
    }

    /// Waits until an element matching `selector` is laid out inside the
    /// window and a frame with it has been painted, polling every 20 ms for
    /// up to `timeout`. Returns the page's clock (`performance.now()`, ms
    /// since the page started loading) after that paint, or `None` when the
    /// element was not shown in time.
    pub async fn wait_painted(&self, selector: &str, timeout: Duration) -> Option<f64> {
        let css = Self::css(selector);
        let deadline = Instant::now() + timeout;
        loop {
            // Errors while the page is still loading mean "not yet".
            let shown = self
                .driver
                .execute(
                    "const el = document.querySelector(arguments[0]);
                     if (!el) return false;
                     const r = el.getBoundingClientRect();
                     return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight
                         && r.right > 0 && r.left < innerWidth;",
                    vec![json!(css)],
                )
                .await
                .is_ok_and(|r| r.json() == &serde_json::Value::Bool(true));
            if shown {
                break;
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The second animation frame's callback runs after the frame that
        // first held the element was painted.
        self.driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("waiting for a frame after '{selector}': {e}"))
            .json()
            .as_f64()
    }

    /// Closes the app and stops the drivers.
    pub async fn quit(mut self) {
        let app = app_pid(self.tauri_driver.id());
        let _ = self.driver.clone().quit().await;
        stop(&mut self.tauri_driver);
        // Now and then the app outlives its WebDriver session. The app is
        // single-instance, so a leftover one would take the next test's
        // launch: it is given a moment, then killed.
        if let Some(pid) = app {
            let deadline = Instant::now() + Duration::from_secs(5);
            while running(pid).is_some() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            if running(pid).is_some() {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }

    pub fn css(testid: &str) -> String {
        if testid.starts_with('[') || testid.contains(' ') {
            testid.to_string()
        } else {
            format!("[data-testid={testid}]")
        }
    }

    /// The first element matching, waiting up to 20 s for it to appear.
    pub async fn wait_for(&self, selector: &str) -> WebElement {
        self.driver
            .query(By::Css(Self::css(selector)))
            .wait(Duration::from_secs(20), Duration::from_millis(100))
            .first()
            .await
            .unwrap_or_else(|e| panic!("'{selector}' never appeared: {e}"))
    }

    pub async fn click(&self, selector: &str) {
        let el = self.wait_for(selector).await;
        el.wait_until()
            .clickable()
            .await
            .unwrap_or_else(|e| panic!("'{selector}' is not clickable: {e}"));
        el.click()
            .await
            .unwrap_or_else(|e| panic!("clicking '{selector}': {e}"));
    }

    /// Replaces a field's text the way a user would, through the input
    /// events the UI listens to. Text is set by script: WebKitWebDriver
    /// cannot type characters outside the basic keyboard (Hangul).
    pub async fn fill(&self, selector: &str, text: &str) {
        let el = self.wait_for(selector).await;
        self.driver
            .execute(
                r#"const el = arguments[0];
                   const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
                       : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype
                       : HTMLInputElement.prototype;
                   Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);
                   el.dispatchEvent(new Event('input', { bubbles: true }));
                   el.dispatchEvent(new Event('change', { bubbles: true }));"#,
                vec![el.to_json().unwrap(), json!(text)],
            )
            .await
            .unwrap_or_else(|e| panic!("filling '{selector}': {e}"));
    }

    pub async fn text(&self, selector: &str) -> String {
        self.wait_for(selector).await.text().await.unwrap()
    }

    pub async fn value(&self, selector: &str) -> String {
        self.wait_for(selector)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Waits until `check` holds, polling; panics with `what` after 20 s.
    pub async fn eventually<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !check().await {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    pub async fn count(&self, selector: &str) -> usize {
        self.driver
            .find_all(By::Css(Self::css(selector)))
            .await
            .unwrap()
            .len()
    }

    /// Returns once the page as it is now has been drawn: two animation
    /// frames, the first to lay out what changed, the second to paint it.
    pub async fn painted(&self) {
        self.driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap();
    }

    /// Loads the sample library from the empty library's button and waits
    /// for its cards.
    pub async fn load_sample(&self) {
        self.click("sample-button").await;
        self.eventually("the sample library is loaded", || async {
            self.count("entry-card").await >= 12
        })
        .await;
    }

    /// An attribute of the element `selector` names, once it is there.
    pub async fn attr(&self, selector: &str, name: &str) -> Option<String> {
        self.wait_for(selector).await.attr(name).await.unwrap()
    }

    /// Saves a screenshot into `WATCHLOG_SCREENSHOTS` (if set) or
    /// `target/e2e-screenshots`.
    pub async fn screenshot(&self, name: &str) {
        let dir = std::env::var_os("WATCHLOG_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots")
            });
        std::fs::create_dir_all(&dir).unwrap();
        // What the page holds now, painted: WebKit hands over the last
        // frame it drew, which can be one change behind.
        self.painted().await;
        self.driver
            .screenshot(&dir.join(format!("{name}.png")))
            .await
            .unwrap();
    }
}

/// SIGTERM, so tauri-driver stops WebKitWebDriver too (SIGKILL would orphan it).
/// One process as `/proc` shows it.
pub struct Proc {
    pub pid: u32,
    pub ppid: u32,
    pub name: String,
}

pub fn processes() -> Vec<Proc> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc")
        .expect("/proc is readable")
        .flatten()
    {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid …": comm may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = stat[open + 1..close].to_string();
        let Some(ppid) = stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
        else {
            continue;
        };
        // The executable's own name; comm is cut at 15 characters.
        let name = std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or(comm);
        all.push(Proc { pid, ppid, name });
    }
    all
}

/// The state letter of a live process; `None` once it has exited (a zombie
/// waiting to be reaped has exited).
pub fn running(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let state = stat[stat.rfind(')')? + 1..].trim_start().chars().next()?;
    (state != 'Z' && state != 'X').then_some(state)
}

/// Every process under `root`, `root` included.
pub fn tree(all: &[Proc], root: u32) -> Vec<&Proc> {
    let mut found: Vec<&Proc> = all.iter().filter(|p| p.pid == root).collect();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i].pid;
        found.extend(all.iter().filter(|p| p.ppid == parent));
        i += 1;
    }
    found
}

/// The app: the `watchlog-app` process that WebKitWebDriver started under
/// tauri-driver.
pub fn app_pid(driver: u32) -> Option<u32> {
    let all = processes();
    tree(&all, driver)
        .into_iter()
        .find(|p| p.name == "watchlog-app")
        .map(|p| p.pid)
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for App {
    fn drop(&mut self) {
        // Reached only when a test panicked before `quit`.
        stop(&mut self.tauri_driver);
    }
}

/// A private D-Bus session bus (`dbus-daemon --session`), which
/// single-instance needs to find the running app; stopped when dropped.
/// `None` (the test is skipped, or fails on CI) when dbus-daemon is missing.
pub struct SessionBus {
    daemon: Child,
    pub address: String,
}

impl SessionBus {
    pub fn start() -> Option<SessionBus> {
        use std::io::BufRead;
        let Some(exe) = which("dbus-daemon") else {
            let why = "this end-to-end test needs dbus-daemon (Debian's dbus)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{why}");
            }
            eprintln!("skipping: {why}");
            return None;
        };
        let mut daemon = Command::new(exe)
            .args(["--session", "--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-daemon");
        let mut address = String::new();
        std::io::BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .expect("dbus-daemon prints its address");
        let address = address.trim().to_string();
        assert!(!address.is_empty(), "dbus-daemon printed no address");
        Some(SessionBus { daemon, address })
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        // dbus-daemon has no children to orphan; a plain kill is enough.
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// Launches the app binary a second time, as a desktop does for a link,
/// with `args`, the home's folders and `env`; returns its exit status and
/// what it printed. A second launch that finds the first hands its
/// arguments over and exits.
pub fn launch_again(
    home: &Home,
    env: &[(&str, &str)],
    args: &[&str],
) -> (std::process::ExitStatus, String) {
    let out = home.dir.path().join("second-launch.log");
    let log = std::fs::File::create(&out).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchlog-app"))
        .args(args)
        .envs(home.env())
        .env_remove("WATCHLOG_DB")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("launch the app again");
    // A launch that did not hand over would open a second window and run
    // on: that is the failure, so it is stopped and reported, not waited on.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            stop(&mut child);
            panic!(
                "the second launch did not hand over and exit; it printed:\n{}",
                std::fs::read_to_string(&out).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (status, std::fs::read_to_string(&out).unwrap_or_default())
}

/// The text of the app's log files in `home`.
pub fn app_log(home: &Home) -> String {
    let dir = home.dir.path().join("data/app.watchlog.desktop/logs");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}
