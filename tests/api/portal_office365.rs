//! The Office 365 settings of an app, set in the portal and used by a real link.

use crate::fake_microsoft::AzureApp;
use crate::helpers::{spawn_app, TestApp, TestClient, RETURN_URL};
use crate::portal::{signed_up, Browser};
use reqwest::StatusCode;

/// A new app made in the portal: (client id, client secret).
async fn new_app(app: &TestApp, b: &mut Browser) -> (String, String) {
    let csrf = b.csrf.clone();
    let (status, page, _) = b
        .post(
            app,
            "/portal/apps",
            &[("name", "CRM"), ("returnUrl", RETURN_URL), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let grab = |id: &str| {
        let at = page.find(&format!(r#"id="{id}">"#)).unwrap() + id.len() + 6;
        page[at..at + page[at..].find('<').unwrap()].to_string()
    };
    (grab("client-id"), grab("client-secret"))
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
    assert!(page.contains("expires in 1"), "{page}");
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
}
