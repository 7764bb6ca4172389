//! The webhooks card of the portal's app page: the signing secret and a new one, the account
//! events URL (validated), and the delivery log with a replay button.

use crate::helpers::{eventually, spawn_app, RETURN_URL};
use crate::portal::{grab, signed_up};
use crate::receiver::{signed_by, Receiver};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_see_the_signing_secret_set_the_events_url_and_replay_a_delivery() {
    let app = spawn_app().await;
    let mut b = signed_up(&app, "dana@example.com").await;
    let csrf = b.csrf.clone();
    let form = [
        ("name", "CRM"),
        ("returnUrl", RETURN_URL),
        ("csrf", csrf.as_str()),
    ];
    let (_, page, _) = b.post(&app, "/portal/apps", &form).await;
    let id = grab(&page, "client-id");
    let at = |p: &str| format!("/portal/apps/{id}{p}");
    let (_, page, _) = b.get(&app, &at("")).await;
    let secret = grab(&page, "signing-secret");
    assert!(secret.len() >= 32, "{page}");
    assert!(page.contains("Nothing sent yet"));
    let shown = app.cli_json(&["app", "show", &id, "--json"]);
    assert_eq!(
        shown["signingSecret"],
        secret.as_str(),
        "the CLI shows the same"
    );

    let (status, _, _) = b
        .post(&app, &at("/signing-secret"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = b.get(&app, &at("")).await;
    let secret = grab(&page, "signing-secret");
    assert_ne!(shown["signingSecret"], secret.as_str(), "a new one");

    let receiver = Receiver::start().await;
    receiver.echo_validation(false);
    let form = [
        ("eventsUrl", receiver.url.as_str()),
        ("csrf", csrf.as_str()),
    ];
    let (status, page, _) = b.post(&app, &at("/events-url"), &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains(r#"id="eventsUrl-error""#) && page.contains("did not pass validation"),
        "{page}"
    );
    receiver.echo_validation(true);
    let (status, _, _) = b.post(&app, &at("/events-url"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Saving the Azure registration is an app event.
    let azure = uuid::Uuid::new_v4().to_string();
    let office365 = [
        ("azureClientId", azure.as_str()),
        ("clientSecret", "Xy8Q~portal.secret.value"),
        ("authority", "common"),
        ("csrf", csrf.as_str()),
    ];
    let (status, _, _) = b.post(&app, &at("/office365"), &office365).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let got = receiver.wait_for(1).await;
    assert!(signed_by(&got[0], &secret));
    assert_eq!(got[0].json()["event"], "app.credentialsUpdated");
    eventually("the delivery shown as delivered", async || {
        b.get(&app, &at("")).await.1.contains("delivered")
    })
    .await;
    let page = b.get(&app, &at("")).await.1;
    assert!(
        page.contains(r#"id="deliveries""#) && page.contains("HTTP 200"),
        "{page}"
    );
    let delivery = got[0].header("x-switchboard-delivery");
    let replay = at(&format!("/deliveries/{delivery}/replay"));
    let (status, _, _) = b.post(&app, &replay, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].body, got[0].body, "sent again as it was");
    let (status, _, _) = b
        .post(&app, &at("/deliveries/999999/replay"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
