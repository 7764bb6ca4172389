use crate::fake_microsoft::{SignIn, User};
use crate::helpers::{expect_error, location, query, spawn_app, urlencode, RETURN_URL};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn a_user_links_an_account_and_the_app_reads_it() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let linked = app.link(&client, "Mail.Read Calendar.ReadOnly").await;

    let account: Value = app.account_json(&linked).await;
    assert_eq!(account["id"], linked.account_id);
    assert_eq!(account["serviceType"], "Office365");
    assert_eq!(account["tokenStatus"], "active");
    assert_eq!(account["email"], "adele@contoso.com");
    assert_eq!(account["name"], "Adele Vance");
    assert_eq!(
        account["timezone"], "America/Los_Angeles",
        "the mailbox zone, in IANA"
    );
    assert_eq!(
        account["authScopes"],
        serde_json::json!(["Calendar.Read", "Mail.Read"])
    );
    for field in ["authObtainedAt", "authExpiresAt", "createdAt", "updatedAt"] {
        assert!(
            account[field].as_str().unwrap().ends_with('Z'),
            "{field}: {account}"
        );
    }
}

#[tokio::test]
async fn the_link_sends_pkce_and_the_mapped_permissions_to_microsoft() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let r = app
        .http
        .get(app.authorize_url(&client, "Mail.Read Mail.ReadWrite", "&loginHint=x%40y.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = url::Url::parse(&location(&r)).unwrap();
    assert!(to.path().ends_with("/common/oauth2/v2.0/authorize"));
    assert_eq!(query(&to, "client_id").unwrap(), client.azure_client_id);
    assert_eq!(query(&to, "redirect_uri").unwrap(), app.redirect_uri());
    assert_eq!(query(&to, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query(&to, "code_challenge").unwrap().len(), 43);
    assert_eq!(query(&to, "login_hint").as_deref(), Some("x@y.com"));
    assert_eq!(
        query(&to, "scope").unwrap(),
        "offline_access openid email profile User.Read MailboxSettings.Read Mail.ReadWrite"
    );
    assert!(
        query(&to, "state").unwrap().len() >= 43,
        "state is random and server-side"
    );
    assert_ne!(query(&to, "state").as_deref(), Some("app-state-1"));
}

#[tokio::test]
async fn the_same_user_linking_twice_gets_the_same_account() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let first = app.link(&client, "Mail.Read").await;
    let second = app.link(&client, "Mail.Read Mail.Send").await;
    assert_eq!(first.account_id, second.account_id);
    let account: Value = app.account_json(&second).await;
    assert_eq!(
        account["authScopes"],
        serde_json::json!(["Mail.Read", "Mail.Send"])
    );
    let other = app.create_client().await;
    let third = app.link(&other, "Mail.Read").await;
    assert_ne!(
        third.account_id, first.account_id,
        "another app gets its own account"
    );
}

#[tokio::test]
async fn a_declined_consent_returns_to_the_app_with_advice() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    app.ms.next_sign_in(SignIn::Decline);
    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", ""))
        .await;
    assert_eq!(query(&back, "status").as_deref(), Some("error"));
    assert_eq!(query(&back, "error").as_deref(), Some("auth.declined"));
    assert_eq!(query(&back, "aadsts").as_deref(), Some("65004"));
    assert!(
        query(&back, "message").unwrap().contains("declined"),
        "{back}"
    );
    assert_eq!(query(&back, "state").as_deref(), Some("app-state-1"));
    assert!(query(&back, "code").is_none());
}

#[tokio::test]
async fn a_replayed_or_forged_state_gets_a_page_and_no_redirect() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let callback = app
        .to_callback(&app.authorize_url(&client, "Mail.Read", ""))
        .await;
    app.finish_callback(&callback).await;

    let replay = app.http.get(&callback).send().await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(replay.headers().get("location").is_none());
    assert!(replay.text().await.unwrap().contains("already used"));

    let forged = app
        .get("/v1/auth/callback?code=abc&state=forged-state")
        .await;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert!(forged.headers().get("location").is_none());
    let missing = app.get("/v1/auth/callback?code=abc").await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_expired_session_returns_an_error_to_the_app() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let callback = app
        .to_callback(&app.authorize_url(&client, "Mail.Read", ""))
        .await;
    app.sql("UPDATE auth_sessions SET expires_at = 0").await;
    let back = app.finish_callback(&callback).await;
    assert_eq!(query(&back, "error").as_deref(), Some("auth.expired"));
}

#[tokio::test]
async fn untrusted_apps_and_return_urls_get_errors_never_redirects() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let r = app
        .get(&format!(
            "/v1/auth/authorize?clientId={}&serviceType=Office365&scopes=Mail.Read&returnUrl={}",
            client.client_id,
            urlencode("https://evil.example.com/cb")
        ))
        .await;
    assert!(r.headers().get("location").is_none());
    expect_error(r, StatusCode::BAD_REQUEST, "returnUrl.unregistered").await;
    let r = app
        .get(&format!(
            "/v1/auth/authorize?clientId=nope&serviceType=Office365&returnUrl={}",
            urlencode(RETURN_URL)
        ))
        .await;
    expect_error(r, StatusCode::BAD_REQUEST, "app.unknown").await;
    let r = app
        .get(&format!(
            "/v1/auth/authorize?clientId={}&serviceType=Google&returnUrl={}",
            client.client_id,
            urlencode(RETURN_URL)
        ))
        .await;
    expect_error(r, StatusCode::BAD_REQUEST, "serviceType.unsupported").await;
}

#[tokio::test]
async fn an_unknown_scope_is_a_400_listing_the_valid_ones() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let r = app
        .http
        .get(app.authorize_url(&client, "Mail.Read Mail.Reed", ""))
        .send()
        .await
        .unwrap();
    let body = expect_error(r, StatusCode::BAD_REQUEST, "scope.invalid").await;
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("Mail.Reed")
            && message.contains("Calendar.ReadWrite")
            && message.contains("Tasks.Read"),
        "{message}"
    );
    let r = app
        .http
        .get(app.authorize_url(&client, "Mail.Read", "&nativeScopes=Files.Read%3Cx%3E"))
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::BAD_REQUEST, "scope.invalid").await;
}

#[tokio::test]
async fn ensure_scopes_fails_the_link_when_a_permission_was_not_granted() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.ms.add_user(User {
        refuses: vec!["Mail.Send".into()],
        ..User::work("bob@contoso.com", "Bob")
    });
    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read Mail.Send", "&ensureScopes=true"))
        .await;
    assert_eq!(
        query(&back, "error").as_deref(),
        Some("auth.scopesNotGranted"),
        "{back}"
    );
    assert!(query(&back, "message").unwrap().contains("Mail.Send"));
    // Without ensureScopes the link succeeds with what was granted.
    let linked = app.link(&client, "Mail.Read Mail.Send").await;
    let account: Value = app.account_json(&linked).await;
    assert_eq!(account["authScopes"], serde_json::json!(["Mail.Read"]));
}

#[tokio::test]
async fn reauthorizing_keeps_the_account_and_refuses_another_user() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let linked = app.link(&client, "Mail.Read").await;
    let extra = format!("&accountId={}", linked.account_id);
    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read Mail.Send", &extra))
        .await;
    assert_eq!(query(&back, "status").as_deref(), Some("success"), "{back}");
    let again: Value = app
        .exchange(&client, &query(&back, "code").unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["accountId"], linked.account_id);

    // The link says nothing of whose account it is; Mallory signs in and is refused without
    // learning whose account she tried to take.
    app.ms
        .add_user(User::work("mallory@contoso.com", "Mallory"));
    let start = app
        .http
        .get(app.authorize_url(&client, "Mail.Read", &extra))
        .send()
        .await
        .unwrap();
    assert!(
        !location(&start).contains("login_hint"),
        "{}",
        location(&start)
    );
    assert!(location(&start).contains("prompt=select_account"));
    app.ms.sign_in_as("mallory@contoso.com");
    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", &extra))
        .await;
    assert_eq!(
        query(&back, "error").as_deref(),
        Some("auth.accountMismatch"),
        "{back}"
    );
    assert!(!back.as_str().contains("adele"), "{back}");
}

#[tokio::test]
async fn a_link_for_an_account_tells_nothing_about_it_before_sign_in() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let linked = app.link(&client, "Mail.Read").await;
    let start = |id: i64| {
        let url = app.authorize_url(&client, "Mail.Read", &format!("&accountId={id}"));
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    let (existing, missing) = (start(linked.account_id).await, start(9999).await);
    assert_eq!(existing.status(), missing.status());
    let shape = |r: &reqwest::Response| {
        let mut pairs: Vec<String> = url::Url::parse(&location(r))
            .unwrap()
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        pairs.sort();
        pairs
    };
    assert_eq!(shape(&existing), shape(&missing));
    assert!(!location(&existing).contains("adele"));
    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", "&accountId=9999"))
        .await;
    assert_eq!(
        query(&back, "error").as_deref(),
        Some("auth.accountNotFound"),
        "only the app's return URL hears it: {back}"
    );
}

#[tokio::test]
async fn a_public_client_links_without_a_secret() {
    let app = spawn_app().await;
    let client = app.create_client_with(None).await;
    app.ms.add_user(User {
        mail_null: true,
        ..User::work("someone@outlook.com", "Some One")
    });
    let linked = app.link(&client, "Mail.Read").await;
    let account: Value = app.account_json(&linked).await;
    assert_eq!(
        account["email"], "someone@outlook.com",
        "falls back to the sign-in name when /me has no mail"
    );
}

#[tokio::test]
async fn a_wrong_azure_secret_fails_the_link_and_flags_the_app() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    app.ms
        .set_app_secret(&client.azure_client_id, Some("the-real-secret"), false);
    let (error, aadsts, message) = app.refused_link(&client).await;
    assert_eq!(
        (error.as_str(), aadsts.as_str()),
        ("auth.appMisconfigured", "7000215")
    );
    assert!(message.contains("Secret ID"), "{message}");
    let shown = app.cli_json(&["app", "show", &client.client_id, "--json"]);
    assert_eq!(
        shown["office365"]["problem"]["code"], "AADSTS7000215",
        "{shown}"
    );
}

#[tokio::test]
async fn return_urls_match_exactly_after_normalisation() {
    let app = spawn_app().await;
    let created = app.cli_json(&[
        "app",
        "create",
        "--name",
        "Bare",
        "--return-url",
        "https://crm.example.com",
        "--return-url",
        "https://crm.example.com/Linked?tab=1",
        "--json",
    ]);
    let client_id = created["clientId"].as_str().unwrap();
    let ask = |return_url: &str| {
        format!("/v1/auth/authorize?clientId={client_id}&serviceType=Office365&scopes=Mail.Read&returnUrl={}", urlencode(return_url))
    };
    // Registered without the Office 365 settings yet: a matching URL gets past the return URL check.
    for same in [
        "https://crm.example.com",
        "https://crm.example.com/",
        "HTTPS://CRM.example.com:443/",
        "https://crm.example.com/Linked?tab=1",
    ] {
        let r = app.get(&ask(same)).await;
        expect_error(r, StatusCode::FAILED_DEPENDENCY, "app.office365.missing").await;
    }
    for other in [
        "https://crm.example.com/linked?tab=1",
        "https://crm.example.com/Linked",
        "https://crm.example.com:8443/",
        "https://crm.example.com/Linked?tab=2",
        "not a url",
    ] {
        let r = app.get(&ask(other)).await;
        expect_error(r, StatusCode::BAD_REQUEST, "returnUrl.unregistered").await;
    }
}
