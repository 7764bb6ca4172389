//! Who gets into the portal: sign-up as the operator's policy says, invitations, failed sign-ins
//! that slow down without locking the owner out, bounded password hashing, and an Azure
//! registration that belongs to one owner.

use crate::helpers::{spawn_app_with, TestApp};
use crate::portal::{signed_up, Browser};
use reqwest::StatusCode;

const PROXIED: (&str, &str) = ("SWITCHBOARD_TRUST_FORWARDED_FOR", "true");

fn from(address: &str) -> Browser {
    let mut b = Browser::default();
    b.from = Some(address.to_string());
    b
}

async fn sign_in(app: &TestApp, b: &mut Browser, email: &str, password: &str) -> StatusCode {
    b.get(app, "/portal/signin").await;
    let csrf = b.csrf.clone();
    let form = [("email", email), ("password", password), ("csrf", &csrf)];
    b.post(app, "/portal/signin", &form).await.0
}

async fn sign_up(
    app: &TestApp,
    b: &mut Browser,
    email: &str,
) -> (StatusCode, String, Option<String>) {
    b.get(app, "/portal/signup").await;
    let csrf = b.csrf.clone();
    let form = [
        ("email", email),
        ("password", "a long passphrase"),
        ("csrf", &csrf),
    ];
    b.post(app, "/portal/signup", &form).await
}

#[tokio::test]
async fn failed_sign_ins_slow_down_their_client_and_account_but_never_lock_the_owner_out() {
    let app = spawn_app_with(&[PROXIED]).await;
    signed_up(&app, "ops@example.com").await;
    let mut attacker = from("198.51.100.7");
    for _ in 0..5 {
        let status = sign_in(&app, &mut attacker, "OPS@example.com ", "wrong password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = sign_in(&app, &mut attacker, "ops@example.com", "a long passphrase").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "slowed down");
    let wait: u64 = attacker.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "a short wait, not a lock: {wait}");

    // The owner, from elsewhere, gets in once that short wait is over.
    tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 100)).await;
    let mut owner = from("203.0.113.5");
    assert_eq!(
        sign_in(&app, &mut owner, "ops@example.com", "a long passphrase").await,
        StatusCode::SEE_OTHER
    );
    // The attacker's own address stays slowed for any account after many failures.
    for n in 0..12 {
        let email = format!("guess{n}@example.com");
        sign_in(&app, &mut attacker, &email, "wrong password").await;
    }
    assert_eq!(
        sign_in(&app, &mut attacker, "someone@example.com", "x").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_open_portal_answers_a_sign_up_the_same_whether_or_not_the_address_exists() {
    let app = spawn_app_with(&[PROXIED, ("SWITCHBOARD_PORTAL_SIGNUP", "open")]).await;
    let mut first = from("192.0.2.1");
    let new = sign_up(&app, &mut first, "dana@example.com").await;
    let mut second = from("192.0.2.2");
    let taken = sign_up(&app, &mut second, "dana@example.com").await;
    assert_eq!(new.0, StatusCode::SEE_OTHER);
    assert_eq!((new.0, new.2.clone()), (taken.0, taken.2.clone()));
    assert_eq!(new.1, taken.1);
    let (_, page, _) = second.get(&app, new.2.as_deref().unwrap()).await;
    assert!(
        page.contains("If this address was not registered yet"),
        "{page}"
    );
    // The account belongs to whoever created it first.
    assert_eq!(
        sign_in(&app, &mut second, "dana@example.com", "a long passphrase").await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn later_owners_come_by_invitation_used_once_and_not_at_all_when_closed() {
    let app = spawn_app_with(&[PROXIED]).await;
    let mut first = signed_up(&app, "dana@example.com").await;
    let mut stranger = from("192.0.2.20");
    let (status, page, _) = stranger.get(&app, "/portal/signup").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("by invitation"), "{page}");
    assert!(!page.contains("<form"), "no form to fill");
    let csrf = first.csrf.clone();
    let (status, page, _) = first
        .post(
            &app,
            "/portal/invites",
            &[("invite-email", "erin@example.com"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{page}");
    let link = page
        .split(r#"id="invite-link" type="text" readonly value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let path = link
        .split_once("/portal/")
        .map(|(_, p)| format!("/portal/{p}"))
        .unwrap();
    let token = path.split("invite=").nth(1).unwrap().to_string();

    let mut erin = from("192.0.2.21");
    let (status, page, _) = erin.get(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("invited as erin@example.com"), "{page}");
    let csrf = erin.csrf.clone();
    let mut form = vec![
        ("email", "mallory@example.com"),
        ("password", "a long passphrase"),
        ("csrf", &csrf),
        ("invite", &token),
    ];
    let (status, _, _) = erin.post(&app, "/portal/signup", &form).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "only for the invited address"
    );
    form[0].1 = "erin@example.com";
    let (status, _, location) = erin.post(&app, "/portal/signup", &form).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/portal"))
    );
    let (status, page, _) = from("192.0.2.22").get(&app, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "used once");
    assert!(page.contains("cannot be used"));

    // Closed: nobody signs up, invited or not; the operator still creates owners.
    let closed = [("SWITCHBOARD_PORTAL_SIGNUP", "closed")];
    let replica = app.spawn_replica_with(&closed).await;
    let page = app
        .http
        .get(format!("{replica}/portal/signup"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page.text().await.unwrap().contains("closed"));
    let pw = app.dir.join("pw");
    std::fs::write(&pw, "a long passphrase").unwrap();
    let made = app.cli_json(&[
        "owner",
        "create",
        "--email",
        "frank@example.com",
        "--password-file",
        pw.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(made["email"], "frank@example.com");
}

#[tokio::test]
async fn password_hashing_runs_a_few_at_a_time_and_the_rest_are_told_to_retry() {
    let app = spawn_app_with(&[
        PROXIED,
        ("SWITCHBOARD_PASSWORD_HASHING", "1"),
        ("SWITCHBOARD_QUEUE_WAIT", "1"),
    ])
    .await;
    signed_up(&app, "ops@example.com").await;
    let attempts = (0..30).map(|n| {
        let app = &app;
        async move {
            let mut b = from(&format!("198.51.100.{n}"));
            let status = sign_in(app, &mut b, "nobody@example.com", "a guess at it").await;
            (status, b.retry_after)
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let busy: Vec<_> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(!busy.is_empty(), "some were told to retry");
    assert!(busy.iter().all(|(_, r)| r.is_some()), "with Retry-After");
    assert!(answers
        .iter()
        .all(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE || *s == StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn an_azure_registration_belongs_to_one_owner() {
    let app = spawn_app_with(&[PROXIED]).await;
    let azure = "00001111-aaaa-2222-bbbb-3333cccc4444";
    let mut owners = Vec::new();
    for email in ["dana@example.com", "erin@example.com"] {
        let mut b = signed_up(&app, email).await;
        let csrf = b.csrf.clone();
        let (status, page, _) = b
            .post(
                &app,
                "/portal/apps",
                &[
                    ("name", "CRM"),
                    ("returnUrl", crate::helpers::RETURN_URL),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        owners.push((b, crate::portal::grab(&page, "client-id")));
    }
    let mut answers = Vec::new();
    for (b, client_id) in &mut owners {
        b.get(&app, &format!("/portal/apps/{client_id}")).await;
        let csrf = b.csrf.clone();
        let form = [
            ("azureClientId", azure),
            ("clientSecret", "Xy8Q~a.real.looking.secret"),
            ("authority", "common"),
            ("csrf", csrf.as_str()),
        ];
        answers.push(
            b.post(&app, &format!("/portal/apps/{client_id}/office365"), &form)
                .await,
        );
    }
    assert_eq!(
        answers[0].0,
        StatusCode::SEE_OTHER,
        "the first owner saves it"
    );
    assert_eq!(answers[1].0, StatusCode::BAD_REQUEST);
    assert!(answers[1].1.contains("another owner"), "{}", answers[1].1);
    // The same owner may use it for a second app.
    let (b, _) = &mut owners[0];
    let csrf = b.csrf.clone();
    let (_, page, _) = b
        .post(
            &app,
            "/portal/apps",
            &[
                ("name", "CRM 2"),
                ("returnUrl", crate::helpers::RETURN_URL),
                ("csrf", &csrf),
            ],
        )
        .await;
    let second = crate::portal::grab(&page, "client-id");
    b.get(&app, &format!("/portal/apps/{second}")).await;
    let csrf = b.csrf.clone();
    let form = [
        ("azureClientId", azure),
        ("clientSecret", "Xy8Q~a.real.looking.secret"),
        ("authority", "common"),
        ("csrf", csrf.as_str()),
    ];
    assert_eq!(
        b.post(&app, &format!("/portal/apps/{second}/office365"), &form)
            .await
            .0,
        StatusCode::SEE_OTHER
    );
}
