//! Portal owners made by operators from the CLI.

use crate::helpers::spawn_app;

#[tokio::test]
async fn operators_create_owners_whose_passwords_are_only_kept_as_argon2_hashes() {
    let app = spawn_app().await;
    let file = app.dir.join("owner-password");
    std::fs::write(&file, "correct horse battery\n").unwrap();
    let path = file.to_str().unwrap();
    let created = app.cli_json(&[
        "owner",
        "create",
        "--email",
        " Dana@Example.COM ",
        "--password-file",
        path,
        "--json",
    ]);
    assert_eq!(created["email"], "dana@example.com");
    assert!(created["id"].as_i64().is_some());

    let again = app.cli(&[
        "owner",
        "create",
        "--email",
        "dana@example.com",
        "--password-file",
        path,
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    std::fs::write(&file, "short").unwrap();
    let weak = app.cli(&[
        "owner",
        "create",
        "--email",
        "eve@example.com",
        "--password-file",
        path,
    ]);
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 10 characters"));
    let odd = app.cli(&[
        "owner",
        "create",
        "--email",
        "not an address",
        "--password-file",
        path,
    ]);
    assert!(String::from_utf8_lossy(&odd.stderr).contains("e-mail address"));

    let database = crate::database::contents(&app).await;
    let text = String::from_utf8_lossy(&database);
    assert!(text.contains("$argon2id$"), "the hash is stored");
    assert!(!text.contains("correct horse battery"));
}
