use crate::helpers::{query, spawn_app};

#[tokio::test]
async fn the_running_binary_logs_requests_but_never_a_secret_and_stops_gracefully() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    app.ms.add_messages(
        "adele@contoso.com",
        vec![crate::fake_microsoft::message(1, "Hi")],
    );

    // A second process of the real binary on the same database, at the most verbose level.
    let (child, base) = crate::process::start(&app, &[("SWITCHBOARD_LOG", "debug")], true).await;
    let env = app.env.clone();

    // Link through the subprocess: its public URL is the test instance's, so hand the callback over.
    app.ms.set_access_lifetime(60);
    let authorize = app
        .authorize_url(&client, "Mail.Read", "")
        .replace(&app.address, &base);
    let callback = app
        .to_callback(&authorize)
        .await
        .replace(&app.address, &base);
    let back = app.finish_callback(&callback).await;
    let code = query(&back, "code").expect("linked");
    let exchanged: serde_json::Value = app
        .http
        .post(format!("{base}/v1/auth/token/{code}"))
        .basic_auth(&client.client_id, Some(&client.client_secret))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = exchanged["accessToken"].as_str().unwrap().to_string();
    let r = app
        .http
        .get(format!("{base}/v1/email/messages"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "refreshed and read mail");
    app.ms.revoke_user("adele@contoso.com");
    app.ms.set_access_lifetime(60);
    app.ms.expire_access_tokens();
    let r = app
        .http
        .get(format!("{base}/v1/email/messages"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let (status, logs) = crate::process::stop(child);
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
    assert!(
        logs.contains("route=/v1/email/messages") && logs.contains("request_id="),
        "requests are logged with their id"
    );
    assert!(logs.contains("account token is dead"));
    assert!(logs.contains("stopped"));

    let mut secrets = app.ms.issued_secrets();
    secrets.extend([
        token,
        code,
        client.client_secret.clone(),
        "Xy8Q~fake.secret.value".to_string(),
        env["SWITCHBOARD_MASTER_KEY"].clone(),
    ]);
    let state = query(&url::Url::parse(&callback).unwrap(), "state").unwrap();
    secrets.push(state);
    assert!(secrets.len() > 8);
    for secret in secrets {
        assert!(
            !logs.contains(&secret),
            "a secret appears in the logs: {}…",
            &secret[..6]
        );
    }
}
