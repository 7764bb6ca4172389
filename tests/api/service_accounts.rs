//! Service accounts: a tenant administrator consents once (`/v1/auth/authorizeDaemon`, the fake's
//! v2 admin-consent endpoint), the service account holds app-only tokens (client credentials,
//! roles), and mailboxes of the organisation are added as managed accounts that read mail,
//! create events and sync with no user signing in, over Graph's `/users/{id}`.

use crate::fake_microsoft::app_only::AdminConsent;
use crate::fake_microsoft::{message, User};
use crate::helpers::{
    call, expect_error, query, spawn_app, urlencode, Linked, TestApp, TestClient, RETURN_URL,
};
use crate::sync::{drain, post};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const PEOPLE: [&str; 3] = ["adele@contoso.com", "megan@contoso.com", "lee@contoso.com"];

/// What an administrator grants an app that reads and sends mail, keeps calendars and reads
/// contacts (besides what every service account needs).
const ROLES: &[&str] = &[
    "User.Read.All",
    "MailboxSettings.Read",
    "Mail.ReadWrite",
    "Mail.Send",
    "Calendars.ReadWrite",
    "Contacts.Read",
    "Tasks.ReadWrite.All",
];

/// The organisation's three people, each with a message in the Inbox.
pub fn organisation(app: &TestApp) -> Vec<User> {
    PEOPLE
        .iter()
        .enumerate()
        .map(|(n, email)| {
            let user = User::work(email, &format!("Person {n}"));
            app.ms.add_user(user.clone());
            app.ms
                .add_messages(email, vec![message(n, &format!("For {email}"))]);
            user
        })
        .collect()
}

pub fn daemon_url(app: &TestApp, client: &TestClient, scopes: &str, extra: &str) -> String {
    format!(
        "{}/v1/auth/authorizeDaemon?clientId={}&serviceType=Office365&scopes={}&returnUrl={}&state=app-state-1{extra}",
        app.address,
        client.client_id,
        urlencode(scopes),
        urlencode(RETURN_URL)
    )
}

/// An administrator consents; the service account's id and token.
pub async fn consent(app: &TestApp, client: &TestClient, scopes: &str) -> Linked {
    app.ms
        .set_application_permissions(&client.azure_client_id, ROLES);
    let back = app.follow_link(&daemon_url(app, client, scopes, "")).await;
    assert_eq!(query(&back, "status").as_deref(), Some("success"), "{back}");
    assert_eq!(query(&back, "state").as_deref(), Some("app-state-1"));
    let r = app.exchange(client, &query(&back, "code").unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    Linked {
        account_id: body["accountId"].as_i64().unwrap(),
        token: body["accessToken"].as_str().unwrap().to_string(),
    }
}

/// Adds a mailbox of the service account's organisation as a managed account.
pub async fn manage(
    app: &TestApp,
    client: &TestClient,
    service: i64,
    body: Value,
) -> reqwest::Response {
    let path = format!("/v1/am/svc_accounts/{service}/accounts");
    app.as_app(client, Method::POST, &path)
        .await
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub async fn managed(app: &TestApp, client: &TestClient, service: i64, email: &str) -> Linked {
    let r = manage(app, client, service, json!({"email": email})).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    Linked {
        account_id: body["accountId"].as_i64().unwrap(),
        token: body["accessToken"].as_str().unwrap().to_string(),
    }
}

#[tokio::test]
async fn one_admin_consent_lets_three_mailboxes_read_write_and_sync_without_signing_in() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let people = organisation(&app);
    let service = consent(
        &app,
        &client,
        "Mail.Read Calendar.ReadWrite Tasks.ReadWrite",
    )
    .await;

    let r = app
        .app_call(&client, Method::GET, "/v1/am/svc_accounts")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let listed: Value = r.json().await.unwrap();
    assert_eq!(listed["totalSize"], 1, "{listed}");
    let record = &listed["records"][0];
    assert_eq!(record["id"], service.account_id);
    assert_eq!(record["type"], "daemon");
    assert_eq!(record["daemon"], true);
    assert_eq!(record["authOrgId"], people[0].tid.as_str());
    assert_eq!(
        record["authScopes"],
        json!(["Calendar.ReadWrite", "Mail.Read", "Tasks.ReadWrite"])
    );
    assert!(record["authNativeScopes"]
        .as_array()
        .unwrap()
        .contains(&json!("Mail.ReadWrite")));

    // The service account itself has no mailbox.
    let r = call(
        &app,
        &service,
        Method::GET,
        "/v1/email/messages",
        None,
        None,
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "account.serviceAccount").await;

    for person in &people {
        let m = managed(&app, &client, service.account_id, &person.email).await;
        let me = app.account_json(&m).await;
        assert_eq!(me["type"], "managed");
        assert_eq!(me["daemon"], false);
        assert_eq!(me["email"], person.email.as_str());
        assert_eq!(me["authUserId"], person.oid.as_str());
        assert_eq!(me["authOrgId"], person.tid.as_str());
        assert_eq!(me["timezone"], "Pacific Standard Time");

        let r = call(&app, &m, Method::GET, "/v1/email/messages", None, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let page: Value = r.json().await.unwrap();
        let subjects: Vec<&str> = page["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["subject"].as_str().unwrap())
            .collect();
        assert_eq!(subjects, [format!("For {}", person.email)]);

        let event = json!({"subject": format!("Planning with {}", person.email), "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}});
        let r = call(
            &app,
            &m,
            Method::POST,
            "/v1/calendars/primary/events",
            Some(event),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let created: Value = r.json().await.unwrap();
        let path = format!(
            "/v1/calendars/primary/events/{}",
            urlencode(created["id"].as_str().unwrap())
        );
        let r = call(&app, &m, Method::GET, &path, None, None).await;
        let read: Value = r.json().await.unwrap();
        assert_eq!(read["subject"], format!("Planning with {}", person.email));

        let status = post(&app, &m, "/v1/email/sync").await;
        let up = status["syncUpdatedToken"].as_str().unwrap();
        let (records, _) = drain(&app, &app.address, &m, "/v1/email/sync/updated", up).await;
        let synced: Vec<&str> = records
            .iter()
            .map(|r| r["subject"].as_str().unwrap())
            .collect();
        assert_eq!(synced, [format!("For {}", person.email)]);

        // The app's own credentials with the account named work the same.
        let r = app
            .as_app(&client, Method::GET, "/v1/email/messages")
            .await
            .header("X-Aurinko-Account-Id", m.account_id.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);

        let task = json!({"title": format!("Call {}", person.email)});
        let r = call(
            &app,
            &m,
            Method::POST,
            "/v1/tasklists/default/tasks",
            Some(task),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // Contacts were not among the service account's scopes.
        let r = call(&app, &m, Method::GET, "/v1/contacts", None, None).await;
        expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
    }
    // One app-only token served every mailbox.
    assert_eq!(app.ms.counters().client_credentials_grants, 1);
    let all = app.app_call(&client, Method::GET, "/v1/am/accounts").await;
    let all: Value = all.json().await.unwrap();
    assert_eq!(all["totalSize"], 4);
}

#[tokio::test]
async fn an_administrator_who_declines_or_is_not_one_is_told_plainly() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    organisation(&app);
    app.ms
        .set_application_permissions(&client.azure_client_id, ROLES);
    for (behaviour, code, aadsts) in [
        (AdminConsent::Decline, "auth.declined", "65004"),
        (AdminConsent::NotAdmin, "auth.adminConsentRequired", "90094"),
    ] {
        app.ms.next_admin_consent(behaviour);
        let back = app
            .follow_link(&daemon_url(&app, &client, "Mail.Read", ""))
            .await;
        assert_eq!(query(&back, "status").as_deref(), Some("error"), "{back}");
        assert_eq!(query(&back, "error").as_deref(), Some(code), "{back}");
        assert_eq!(query(&back, "aadsts").as_deref(), Some(aadsts), "{back}");
        assert!(!query(&back, "message").unwrap().is_empty());
    }
    // Scopes the granted roles do not cover fail the consent when the app insists.
    let back = app
        .follow_link(&daemon_url(
            &app,
            &client,
            "Mail.Read Contacts.ReadWrite",
            "&ensureScopes=true",
        ))
        .await;
    assert_eq!(
        query(&back, "error").as_deref(),
        Some("auth.scopesNotGranted"),
        "{back}"
    );
    assert!(query(&back, "message")
        .unwrap()
        .contains("Contacts.ReadWrite"));
    for (scopes, extra) in [
        ("Mail.Everything", ""),
        ("Mail.Read", "&nativeScopes=Mail.Read"),
    ] {
        let url = daemon_url(&app, &client, scopes, extra);
        let r = app.http.get(url).send().await.unwrap();
        expect_error(r, StatusCode::BAD_REQUEST, "scope.invalid").await;
    }
    // A public client has no credentials to ask for app-only tokens.
    let public = app.create_client_with(None).await;
    let r = app
        .http
        .get(daemon_url(&app, &public, "Mail.Read", ""))
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::FAILED_DEPENDENCY, "app.publicClient").await;
}

#[tokio::test]
async fn mailboxes_outside_the_organisation_or_the_apps_reach_are_refused_clearly() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    organisation(&app);
    let service = consent(&app, &client, "Mail.Read").await;

    let r = manage(
        &app,
        &client,
        service.account_id,
        json!({"email": "nobody@contoso.com"}),
    )
    .await;
    expect_error(r, StatusCode::NOT_FOUND, "mailbox.notFound").await;
    let r = manage(&app, &client, service.account_id, json!({})).await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    let r = manage(
        &app,
        &client,
        service.account_id,
        json!({"email": PEOPLE[0], "authScopes": ["Contacts.Read"]}),
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "scopes.notGranted").await;

    // An Exchange application access policy lets the app reach Adele's mailbox only.
    app.ms
        .restrict_app_to(&client.azure_client_id, &[PEOPLE[0]]);
    let r = manage(
        &app,
        &client,
        service.account_id,
        json!({"email": PEOPLE[1]}),
    )
    .await;
    let e = expect_error(r, StatusCode::FORBIDDEN, "mailbox.restricted").await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("application access policy"),
        "{e}"
    );
    managed(&app, &client, service.account_id, PEOPLE[0]).await;

    // Managed accounts are added to service accounts only.
    let adele = managed(&app, &client, service.account_id, PEOPLE[0]).await;
    let r = manage(&app, &client, adele.account_id, json!({"email": PEOPLE[2]})).await;
    expect_error(r, StatusCode::BAD_REQUEST, "account.notServiceAccount").await;
}
