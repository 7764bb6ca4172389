use crate::helpers::spawn_app;
use secrecy::ExposeSecret;
use switchboard::store::crypto::MasterKey;

#[tokio::test]
async fn a_key_that_cannot_decrypt_the_database_refuses_to_start() {
    let app = spawn_app().await;
    app.create_client().await;
    let other_key = MasterKey::generate_base64();
    let out = app.cli_with(
        &[("SWITCHBOARD_MASTER_KEY", other_key.expose_secret())],
        &["app", "list"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot decrypt this database"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    let out = app.cli_with(&[("SWITCHBOARD_MASTER_KEY", "too-short")], &["app", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("32 bytes"));
}

#[tokio::test]
async fn a_bad_mapping_file_stops_the_start_naming_file_and_key() {
    let app = spawn_app().await;
    let file = app.dir.join("scopes.yaml");
    let text = switchboard::scopes::BUILTIN.replace("allows: [email.send]", "allows: [email.sned]");
    std::fs::write(&file, text).unwrap();
    let file = file.display().to_string();
    let changes = [
        ("SWITCHBOARD_SCOPES_FILE", file.as_str()),
        ("SWITCHBOARD_LISTEN", "127.0.0.1:0"),
    ];
    let out = app.cli_with(&changes, &["serve"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scopes.yaml: scopes.Mail.Send.allows: unknown operation 'email.sned'"),
        "{stderr}"
    );
}

#[tokio::test]
async fn cli_prints_permissions_to_register_and_validates_input() {
    let app = spawn_app().await;
    let explained = app.cli_json(&["scopes", "explain", "Mail.Read", "Mail.ReadWrite", "--json"]);
    assert_eq!(
        explained["permissions"].as_array().unwrap().last().unwrap(),
        "Mail.ReadWrite"
    );
    let daemon = app.cli_json(&[
        "scopes",
        "explain",
        "--daemon",
        "Mail.Read",
        "Tasks.ReadWrite",
        "--json",
    ]);
    assert_eq!(
        daemon["permissions"],
        serde_json::json!([
            "User.Read.All",
            "MailboxSettings.Read",
            "Mail.Read",
            "Tasks.ReadWrite.All"
        ]),
        "application permissions"
    );
    let out = app.cli(&["scopes", "explain", "--daemon", "Mail.Everything"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Unknown scope"));
    let out = app.cli(&[
        "app",
        "create",
        "--name",
        "x",
        "--return-url",
        "http://example.com/cb",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use https"));
    let client = app.create_client().await;
    let secret = app.dir.join("id-not-value");
    std::fs::write(&secret, "00001111-aaaa-2222-bbbb-3333cccc4444").unwrap();
    let out = app.cli(&[
        "app",
        "office365",
        &client.client_id,
        "--azure-client-id",
        &client.azure_client_id,
        "--azure-client-secret-file",
        secret.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("secret's ID"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = app.cli_json(&["app", "list", "--json"]);
    assert!(listed["apps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["clientId"] == client.client_id));
}
