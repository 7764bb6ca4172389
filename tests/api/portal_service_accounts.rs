//! Service accounts in the portal: the application permissions to add in Azure, an
//! administrator's consent run from the app page (and a link to send to another organisation),
//! the organisation with its granted permissions, a mailbox added by address, and a certificate
//! credential saved from the page.

use crate::fake_microsoft::AzureApp;
use crate::helpers::{spawn_app, RETURN_URL};
use crate::portal::{grab, signed_up};
use crate::portal_office365::{back_in_portal, new_app};
use crate::service_accounts::{organisation, PEOPLE};
use reqwest::StatusCode;

#[tokio::test]
async fn owners_consent_for_an_organisation_and_add_its_mailboxes_from_the_app_page() {
    let app = spawn_app().await;
    let mut b = signed_up(&app, "dana@example.com").await;
    let (client_id, _) = new_app(&app, &mut b).await;
    let csrf = b.csrf.clone();
    let azure = uuid::Uuid::new_v4().to_string();
    let secret = "Xy8Q~portal.secret.value";
    let form = [
        ("azureClientId", azure.as_str()),
        ("clientSecret", secret),
        ("authority", "organizations"),
        ("secretExpires", ""),
        ("csrf", csrf.as_str()),
    ];
    let at = |p: &str| format!("/portal/apps/{client_id}{p}");
    let (status, _, _) = b.post(&app, &at("/office365"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.ms.register_app(
        &azure,
        AzureApp {
            secret: Some(secret.into()),
            redirect_uris: vec![app.redirect_uri()],
            secret_expired: false,
        },
    );
    app.ms.set_application_permissions(
        &azure,
        &[
            "User.Read.All",
            "MailboxSettings.Read",
            "Mail.Read",
            "Calendars.ReadWrite",
        ],
    );
    let people = organisation(&app);

    let (_, page, _) = b.get(&app, &at("")).await;
    assert!(page.contains("Service accounts (whole organisations)"));
    assert!(
        page.contains("<td>Calendar.ReadWrite</td><td>Calendars.ReadWrite</td>"),
        "{page}"
    );
    assert!(page.contains("No organisation has consented yet."));
    let link = grab(&page, "admin-consent-link");
    assert!(
        link.contains("/v1/auth/authorizeDaemon?clientId="),
        "{link}"
    );
    assert!(
        link.contains(&crate::helpers::urlencode(RETURN_URL)),
        "{link}"
    );

    // The owner consents as their organisation's administrator.
    let form = [
        ("scopes", "Mail.Read Calendar.ReadWrite"),
        ("csrf", csrf.as_str()),
    ];
    let (status, _, to_microsoft) = b.post(&app, &at("/consent"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let at_microsoft = to_microsoft.unwrap();
    assert!(
        at_microsoft.contains("/organizations/v2.0/adminconsent?"),
        "{at_microsoft}"
    );
    let page = back_in_portal(&app, &mut b, &at_microsoft).await;
    assert!(page.contains("is linked"), "{page}");

    let (_, page, _) = b.get(&app, &at("")).await;
    assert!(page.contains(&people[0].tid), "the organisation is listed");
    assert!(
        page.contains("Calendars.ReadWrite, Mail.Read"),
        "granted: {page}"
    );
    let service: i64 = page
        .split("class=\"service-account\" data-account=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|id| id.parse().ok())
        .expect("a service account section");

    let add = at(&format!("/service-accounts/{service}/mailboxes"));
    let form = [("email", PEOPLE[2]), ("csrf", csrf.as_str())];
    let (status, page, _) = b.post(&app, &add, &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("is managed"), "{page}");
    let token = grab(&page, "account-token");
    let r = app
        .http
        .get(format!("{}/v1/email/messages", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let form = [("email", "nobody@contoso.com"), ("csrf", csrf.as_str())];
    let (_, page, _) = b.post(&app, &add, &form).await;
    assert!(page.contains("mailbox.notFound"), "{page}");
    let (_, page, _) = b.get(&app, &at("")).await;
    assert!(page.contains(PEOPLE[2]), "the mailbox is listed");
    assert!(
        page.contains("No linked accounts yet."),
        "managed mailboxes are not linked accounts"
    );

    // A certificate credential saved from the page.
    let cert = include_str!("../fixtures/app-certificate.pem");
    let key = include_str!("../fixtures/app-key.pem");
    let form = [
        ("certificate", cert),
        ("privateKey", key),
        ("csrf", csrf.as_str()),
    ];
    let (_, page, _) = b.post(&app, &at("/certificate"), &form).await;
    assert!(page.contains("The certificate is saved"), "{page}");
    let (_, page, _) = b.get(&app, &at("")).await;
    assert_eq!(grab(&page, "certificate-thumbprint").len(), 43);
    let form = [
        ("certificate", cert),
        ("privateKey", "junk"),
        ("csrf", csrf.as_str()),
    ];
    let (_, page, _) = b.post(&app, &at("/certificate"), &form).await;
    assert!(page.contains("unencrypted RSA key"), "{page}");
}
