//! The service as its own process (the built binary) on a test's database and key: for what only
//! a real process shows (signals, logs, being killed).

use crate::helpers::{free_port, TestApp};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running service process, and the file its standard error goes to when its logs are kept.
pub struct Service {
    pub child: Child,
    log: Option<PathBuf>,
}

/// Starts the binary with the test's settings, some changed, on a free port; waits until it
/// answers. Its standard error is kept in a file when `logs` is set (and discarded otherwise): a
/// pipe read only at the end would stop a talkative service once the pipe's buffer is full.
pub async fn start(app: &TestApp, changes: &[(&str, &str)], logs: bool) -> (Service, String) {
    let port = free_port();
    let log = logs
        .then(|| std::env::temp_dir().join(format!("switchboard-{}.log", uuid::Uuid::new_v4())));
    let stderr = match &log {
        Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
        None => Stdio::null(),
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env_clear()
        .envs(&app.env)
        .env("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}"))
        .envs(changes.iter().copied())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the service starts");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if app.http.get(format!("{base}/healthz")).send().await.is_ok() {
            return (Service { child, log }, base);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the service did not come up");
}

/// Stops it with SIGTERM, as an operator would, and returns what it logged.
pub fn stop(service: Service) -> (std::process::ExitStatus, String) {
    let Service { mut child, log } = service;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let logs = log.map_or_else(String::new, |path| {
        let logs = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(path);
        logs
    });
    (status, logs)
}
