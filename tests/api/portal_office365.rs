//! The Office 365 settings of an app, set in the portal and used by a real link.

use crate::fake_microsoft::AzureApp;
use crate::helpers::{spawn_app, Linked, TestApp, TestClient, RETURN_URL};
use crate::portal::{grab, signed_up, Browser};
use reqwest::StatusCode;

/// From Microsoft's page (where the portal sent the browser) through the callback back to the
/// portal's page for the outcome; that page.
pub(crate) async fn back_in_portal(app: &TestApp, b: &mut Browser, at_microsoft: &str) -> String {
    assert!(
        at_microsoft.starts_with(&app.ms.login_url()),
        "{at_microsoft}"
    );
    let answered = app.http.get(at_microsoft).send().await.unwrap();
    let callback = answered.headers()["location"].to_str().unwrap().to_string();
    let done = app.http.get(&callback).send().await.unwrap();
    let back = url::Url::parse(done.headers()["location"].to_str().unwrap()).unwrap();
    assert!(back.path().ends_with("/linked"), "{back}");
    let (status, page, _) = b
        .get(app, &format!("{}?{}", back.path(), back.query().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

/// A new app made in the portal: (client id, client secret).
pub(crate) async fn new_app(app: &TestApp, b: &mut Browser) -> (String, String) {
    let csrf = b.csrf.clone();
    let (status, page, _) = b
        .post(
            app,
            "/portal/apps",
            &[("name", "CRM"), ("returnUrl", RETURN_URL), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    (grab(&page, "client-id"), grab(&page, "client-secret"))
}

#[tokio::test]
async fn office365_settings_warn_about_secret_ids_and_expiry_and_make_links_work() {
    let app = spawn_app().await;
    let mut b = signed_up(&app, "dana@example.com").await;
    let (client_id, client_secret) = new_app(&app, &mut b).await;
    let (_, page, _) = b.get(&app, &format!("/portal/apps/{client_id}")).await;
    assert!(page.contains("Not set up yet"));
    assert!(page.contains(&format!(r#"value="{}""#, app.redirect_uri())));
    let csrf = b.csrf.clone();
    let azure = uuid::Uuid::new_v4().to_string();
    let tenant = uuid::Uuid::new_v4().to_string();
    let path = format!("/portal/apps/{client_id}/office365");
    let soon = (chrono::Utc::now() + chrono::Duration::days(10))
        .date_naive()
        .to_string();

    // The secret's ID pasted instead of its value.
    let secret_id = uuid::Uuid::new_v4().to_string();
    let form = [
        ("azureClientId", azure.as_str()),
        ("clientSecret", secret_id.as_str()),
        ("authority", tenant.as_str()),
        ("secretExpires", soon.as_str()),
        ("csrf", csrf.as_str()),
    ];
    let (status, page, _) = b.post(&app, &path, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains(r#"id="clientSecret-error""#) && page.contains("secret&#39;s ID"),
        "{page}"
    );
    assert!(!page.contains(&secret_id), "what was pasted is not echoed");

    let secret = "Xy8Q~portal.secret.value";
    let form = [
        ("azureClientId", azure.as_str()),
        ("clientSecret", secret),
        ("authority", tenant.as_str()),
        ("secretExpires", soon.as_str()),
        ("csrf", csrf.as_str()),
    ];
    let (status, _, _) = b.post(&app, &path, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = b.get(&app, &format!("/portal/apps/{client_id}")).await;
    // The secret ends with its last day (23:59:59 UTC), ten days and some hours from now.
    assert!(page.contains("expires in 11 day(s)"), "{page}");
    assert!(page.contains(&format!("/{tenant}/adminconsent?client_id={azure}")));
    assert!(page.contains("a secret is saved"));
    assert!(
        !page.contains(secret),
        "the secret never comes back into HTML"
    );

    // Saved again without a secret: the saved one is kept.
    let form = [
        ("azureClientId", azure.as_str()),
        ("clientSecret", ""),
        ("authority", "organizations"),
        ("secretExpires", ""),
        ("csrf", csrf.as_str()),
    ];
    let (status, _, _) = b.post(&app, &path, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = b.get(&app, &format!("/portal/apps/{client_id}")).await;
    assert!(!page.contains("adminconsent") && !page.contains("expires in"));

    let (_, page, _) = b
        .get(
            &app,
            &format!("/portal/apps/{client_id}/permissions?scopes=Mail.Read+Calendar.ReadWrite"),
        )
        .await;
    for p in [
        "Mail.Read",
        "Calendars.ReadWrite",
        "offline_access",
        "MailboxSettings.Read",
    ] {
        assert!(page.contains(&format!("<code>{p}</code>")), "{p}");
    }

    // The settings made in the portal link a real account.
    app.ms.register_app(
        &azure,
        AzureApp {
            secret: Some(secret.into()),
            redirect_uris: vec![app.redirect_uri()],
            secret_expired: false,
        },
    );
    app.add_user("adele@contoso.com");
    let client = TestClient {
        client_id,
        client_secret,
        azure_client_id: azure,
    };
    let linked = app.link(&client, "Mail.Read").await;
    assert!(linked.account_id > 0);

    // "Link a test account" runs the real flow and comes back to the portal.
    app.add_user("alex@contoso.com");
    app.ms.sign_in_as("alex@contoso.com");
    let csrf = b.csrf.clone();
    let link = format!("/portal/apps/{}/link", client.client_id);
    let (status, _, to_microsoft) = b
        .post(&app, &link, &[("scopes", "Mail.Read"), ("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = back_in_portal(&app, &mut b, &to_microsoft.unwrap()).await;
    assert!(page.contains("is linked"));
    let token = grab(&page, "account-token");
    let alex = Linked {
        account_id: 0,
        token,
    };
    assert_eq!(app.account_json(&alex).await["email"], "alex@contoso.com");

    let (_, page, _) = b
        .get(&app, &format!("/portal/apps/{}", client.client_id))
        .await;
    assert!(page.contains("alex@contoso.com") && page.contains("adele@contoso.com"));
    assert!(page.contains(r#"<td class="status">active"#));

    // Revoked at Microsoft: the next call finds out, and the portal says why.
    app.ms.revoke_user("alex@contoso.com");
    app.ms.expire_access_tokens();
    let r = app.as_account(&alex, "/v1/email/messages").await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "{}",
        r.text().await.unwrap()
    );
    let (_, page, _) = b
        .get(&app, &format!("/portal/apps/{}", client.client_id))
        .await;
    assert!(page.contains(r#"<td class="status">dead"#), "{page}");
    assert!(page.contains("class=\"error\">"), "the reason is shown");

    let (_, home, _) = b.get(&app, "/portal").await;
    assert!(
        home.contains("2 linked") && home.contains("1 need their user again"),
        "{home}"
    );
    let id = app.account_json(&linked).await["id"].as_i64().unwrap();
    let csrf = b.csrf.clone();
    let delete = format!("/portal/apps/{}/accounts/{id}/delete", client.client_id);
    let (status, _, _) = b.post(&app, &delete, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = b
        .get(&app, &format!("/portal/apps/{}", client.client_id))
        .await;
    assert!(!page.contains("adele@contoso.com"));
}

#[tokio::test]
async fn a_refused_save_keeps_the_app_and_its_way_back_and_a_save_is_confirmed_once() {
    let app = spawn_app().await;
    let mut b = signed_up(&app, "erin@example.com").await;
    let (client_id, _) = new_app(&app, &mut b).await;
    let csrf = b.csrf.clone();
    let path = format!("/portal/apps/{client_id}/office365");
    let azure = uuid::Uuid::new_v4().to_string();
    let secret_id = uuid::Uuid::new_v4().to_string();
    let form = [
        ("azureClientId", azure.as_str()),
        ("clientSecret", secret_id.as_str()),
        ("authority", "common"),
        ("csrf", csrf.as_str()),
    ];
    let (status, page, _) = b.post(&app, &path, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("<h1>CRM</h1>"), "{page}");
    assert!(
        page.contains(&format!(
            r#"href="/portal/apps/{client_id}">Back to the app"#
        )),
        "{page}"
    );

    let form = [
        ("azureClientId", azure.as_str()),
        ("clientSecret", "Xy8Q~confirmed.secret"),
        ("authority", "common"),
        ("csrf", csrf.as_str()),
    ];
    let (status, _, to) = b.post(&app, &path, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        to.as_deref(),
        Some(format!("/portal/apps/{client_id}").as_str())
    );
    let (_, page, _) = b.get(&app, &format!("/portal/apps/{client_id}")).await;
    assert!(page.contains("Office 365 settings saved."), "{page}");
    let (_, page, _) = b.get(&app, &format!("/portal/apps/{client_id}")).await;
    assert!(!page.contains("Office 365 settings saved."), "shown once");
}
