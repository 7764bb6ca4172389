//! Certificate credentials: an app's Azure registration given a certificate and its key (`app
//! certificate`) signs a client assertion for every token request instead of sending its secret
//! — links and service accounts work while Azure knows no secret switchboard holds; a key that is
//! not the certificate's is refused at once; a certificate Azure does not know is decoded.

use crate::helpers::{expect_error, spawn_app, TestApp, TestClient, ADELE};
use crate::service_accounts::{consent, managed, organisation, PEOPLE};
use reqwest::{Method, StatusCode};
use serde_json::Value;

const CERT: &str = include_str!("../fixtures/app-certificate.pem");
const KEY: &str = include_str!("../fixtures/app-key.pem");

fn certificate(app: &TestApp, client: &TestClient, key: &str) -> std::process::Output {
    let dir = app.dir.join(format!("{}-cert", client.client_id));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cert.pem"), CERT).unwrap();
    std::fs::write(dir.join("key.pem"), key).unwrap();
    app.cli(&[
        "app",
        "certificate",
        &client.client_id,
        "--certificate-file",
        &dir.join("cert.pem").to_string_lossy(),
        "--private-key-file",
        &dir.join("key.pem").to_string_lossy(),
        "--json",
    ])
}

#[tokio::test]
async fn a_certificate_replaces_the_secret_for_links_and_service_accounts() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let out = certificate(&app, &client, KEY);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let thumbprint = shown["office365"]["certificateThumbprint"]
        .as_str()
        .unwrap();
    assert_eq!(thumbprint.len(), 43, "base64url SHA-256");
    assert_eq!(shown["office365"]["publicClient"], false);
    // The key is stored encrypted, never as PEM.
    let stored = app
        .sql_text("SELECT private_key_enc FROM app_office365")
        .await;
    assert!(!stored[0].contains("PRIVATE KEY"));
    assert!(!stored[0].contains(KEY.lines().nth(1).unwrap()));

    // Azure knows the certificate, and a secret switchboard does not hold.
    app.ms.add_certificate(&client.azure_client_id, CERT, KEY);
    app.ms
        .set_app_secret(&client.azure_client_id, Some("rotated-in-azure"), false);
    organisation(&app);
    let linked = app.link(&client, "Mail.Read").await;
    let r = app.as_account(&linked, "/v1/email/messages").await;
    assert_eq!(r.status(), StatusCode::OK);
    let service = consent(&app, &client, "Mail.Read").await;
    let m = managed(&app, &client, service.account_id, PEOPLE[1]).await;
    let r = app.as_account(&m, "/v1/email/messages").await;
    assert_eq!(r.status(), StatusCode::OK);

    // Removed: back to the secret, which Azure no longer takes.
    let out = app.cli(&[
        "app",
        "certificate",
        &client.client_id,
        "--remove",
        "--json",
    ]);
    assert!(out.status.success());
    let (error, aadsts, _) = app.refused_link(&client).await;
    assert_eq!(
        (error.as_str(), aadsts.as_str()),
        ("auth.appMisconfigured", "7000215")
    );
}

#[tokio::test]
async fn a_key_that_is_not_the_certificates_or_a_certificate_azure_lacks_is_named() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let other = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(
        &rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap(),
        rsa::pkcs8::LineEnding::LF,
    )
    .unwrap();
    let out = certificate(&app, &client, &other);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("does not belong to this certificate").count(),
        1,
        "said once: {err}"
    );

    // Set here, but never uploaded to the Azure app.
    assert!(certificate(&app, &client, KEY).status.success());
    app.add_user(ADELE);
    let (error, aadsts, message) = app.refused_link(&client).await;
    assert_eq!(
        (error.as_str(), aadsts.as_str()),
        ("auth.appMisconfigured", "700027")
    );
    assert!(message.contains("Certificates"), "{message}");
    let r = app
        .app_call(&client, Method::GET, "/v1/am/svc_accounts")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .as_app(&client, Method::POST, "/v1/am/svc_accounts")
        .await
        .json(&serde_json::json!({"authOrgId": "b9419818-09af-49c2-b0c3-653adc1f376e"}))
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::FAILED_DEPENDENCY, "auth.appMisconfigured").await;
}
