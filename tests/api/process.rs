//! The service as its own process (the built binary) on a test's database and key: for what only
//! a real process shows (signals, logs, being killed).

use crate::helpers::{free_port, TestApp};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Starts the binary with the test's settings, some changed, on a free port; waits until it
/// answers. Its standard error is piped when `logs` is set (and discarded otherwise).
pub async fn start(app: &TestApp, changes: &[(&str, &str)], logs: bool) -> (Child, String) {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env_clear()
        .envs(&app.env)
        .env("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}"))
        .envs(changes.iter().copied())
        .stdout(Stdio::null())
        .stderr(if logs { Stdio::piped() } else { Stdio::null() })
        .spawn()
        .expect("the service starts");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if app.http.get(format!("{base}/healthz")).send().await.is_ok() {
            return (child, base);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the service did not come up");
}

/// Stops it with SIGTERM, as an operator would, and returns what it logged.
pub fn stop(mut child: Child) -> (std::process::ExitStatus, String) {
    use std::io::Read;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut logs = String::new();
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut logs).unwrap();
    }
    (status, logs)
}
