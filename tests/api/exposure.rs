//! What the service leaves open: its files on disk, and what browsers may do with its pages.

use crate::helpers::{account, spawn_app};
use reqwest::StatusCode;

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_files_are_readable_by_their_owner_only() {
    let app = spawn_app().await;
    let l = account(&app, "Mail.Read").await;
    assert_eq!(app.account_json(&l).await["tokenStatus"], "active");
    // (On PostgreSQL the files are the server's: only the SQLite part below applies.)
    if !crate::database::on_postgres(&app) {
        for name in ["switchboard.db", "switchboard.db-wal", "switchboard.db-shm"] {
            let file = app.dir.join(name);
            assert!(file.exists(), "{name}");
            assert_eq!(mode(&file), 0o600, "{name}");
        }
    }

    // A database an older build left world-readable is narrowed on the next start.
    let old = app.dir.join("older.db");
    std::fs::write(&old, b"").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let url = format!("sqlite://{}?mode=rwc", old.display());
    let out = app.cli_with(&[("SWITCHBOARD_DATABASE_URL", &url)], &["app", "list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&old), 0o600);
}

#[tokio::test]
async fn pages_cannot_be_framed_sniffed_or_run_foreign_script() {
    let app = spawn_app().await;
    let r = app.get("/portal/signin").await;
    assert_eq!(r.status(), StatusCode::OK);
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let csp = header(&r, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe"), "no inline script or style: {csp}");
    assert_eq!(header(&r, "x-frame-options"), "DENY");
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert_eq!(header(&r, "referrer-policy"), "no-referrer");
    let page = r.text().await.unwrap();
    for inline in [" onsubmit=", " onclick=", " style=", "<style>", "<script>"] {
        assert!(!page.contains(inline), "{inline} in the portal page");
    }
    for asset in ["/portal/assets/portal.css", "/portal/assets/portal.js"] {
        assert!(page.contains(asset), "{asset}");
        assert_eq!(app.get(asset).await.status(), StatusCode::OK, "{asset}");
    }

    // JSON, and whatever the direct API relays, is never a page that runs anything.
    let api = app.get("/v1/account").await;
    let csp = header(&api, "content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
    assert_eq!(header(&api, "x-frame-options"), "DENY");
    let home = app.get("/").await;
    assert!(header(&home, "content-security-policy").contains("frame-ancestors 'none'"));
    assert!(!header(&home, "content-security-policy").contains("script-src"));
}
