//! The portal over HTTP as a browser without JavaScript sees it: cookies, CSRF, sign-up, sign-in,
//! sign-out.

use crate::helpers::{spawn_app, TestApp};
use reqwest::{Response, StatusCode};

/// A browser's cookie jar and the last page's CSRF field, kept by hand to see every header.
#[derive(Default)]
pub(crate) struct Browser {
    cookies: Vec<(String, String)>,
    pub csrf: String,
    /// The client address a trusted proxy reports (`X-Forwarded-For`).
    pub from: Option<String>,
    /// The last answer's `Retry-After`.
    pub retry_after: Option<String>,
}

impl Browser {
    fn header(&self) -> String {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join("; ")
    }

    async fn take(&mut self, r: Response) -> (StatusCode, String, Option<String>) {
        for set in r.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/portal"] {
                assert!(set.contains(flag), "{set} lacks {flag}");
            }
            let (name, rest) = set.split_once('=').unwrap();
            let value = rest.split(';').next().unwrap().to_string();
            self.cookies.retain(|(k, _)| k != name);
            if !set.contains("Max-Age=0") {
                self.cookies.push((name.to_string(), value));
            }
        }
        self.retry_after = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = r.text().await.unwrap();
        if let Some(at) = body.find(r#"name="csrf" value=""#) {
            let rest = &body[at + 19..];
            self.csrf = rest[..rest.find('"').unwrap()].to_string();
        }
        (status, body, location)
    }

    pub async fn get(&mut self, app: &TestApp, path: &str) -> (StatusCode, String, Option<String>) {
        let r = app
            .http
            .get(format!("{}{path}", app.address))
            .header("cookie", self.header())
            .header(
                "x-forwarded-for",
                self.from.as_deref().unwrap_or("192.0.2.10"),
            )
            .send()
            .await
            .unwrap();
        self.take(r).await
    }

    pub async fn post(
        &mut self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let r = app
            .http
            .post(format!("{}{path}", app.address))
            .header("cookie", self.header())
            .header(
                "x-forwarded-for",
                self.from.as_deref().unwrap_or("192.0.2.10"),
            )
            .form(form)
            .send()
            .await
            .unwrap();
        self.take(r).await
    }
}

#[tokio::test]
async fn owners_sign_up_sign_out_and_sign_in_through_forms_with_csrf() {
    let app = spawn_app().await;
    let mut b = Browser::default();
    let (status, _, location) = b.get(&app, "/portal").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/portal/signin"))
    );

    let (status, page, _) = b.get(&app, "/portal/signup").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<label for="email">"#) && page.contains(r#"<label for="password">"#));
    let form_csrf = b.csrf.clone();
    assert!(!form_csrf.is_empty());

    // A form posted from elsewhere (no form cookie) is refused.
    let mut stranger = Browser::default();
    let (status, page, _) = stranger
        .post(
            &app,
            "/portal/signup",
            &[
                ("email", "x@example.com"),
                ("password", "long enough pw"),
                ("csrf", &form_csrf),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("another site"));

    let (status, page, _) = b
        .post(
            &app,
            "/portal/signup",
            &[
                ("email", "dana@example.com"),
                ("password", "short"),
                ("csrf", &form_csrf),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r#"id="password-error""#) && page.contains("at least 10 characters"));
    assert!(
        page.contains(r#"value="dana@example.com""#),
        "what was typed is kept"
    );
    assert!(!page.contains("short\""), "the password is never echoed");

    let (status, _, location) = b
        .post(
            &app,
            "/portal/signup",
            &[
                ("email", "Dana@Example.com"),
                ("password", "a long passphrase"),
                ("csrf", &form_csrf),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/portal"))
    );
    assert!(b.cookies.iter().any(|(k, _)| k == "sb_session"));
    let (status, page, _) = b.get(&app, "/portal").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("dana@example.com") && page.contains("Your apps"));

    let session = b.header();
    let (status, _, _) = b.post(&app, "/portal/signout", &[("csrf", "forged")]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "sign-out needs the session's CSRF token"
    );
    let csrf = b.csrf.clone();
    let (status, _, location) = b.post(&app, "/portal/signout", &[("csrf", &csrf)]).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/portal/signin"))
    );
    let old = app
        .http
        .get(format!("{}/portal", app.address))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::SEE_OTHER,
        "the old session cookie is dead"
    );

    // The first owner is in: later ones need an invitation (the default policy).
    let (status, page, _) = b
        .post(
            &app,
            "/portal/signup",
            &[
                ("email", "erin@example.com"),
                ("password", "another long one"),
                ("csrf", &form_csrf),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("by invitation"), "{page}");
    let (status, _, location) = b
        .post(
            &app,
            "/portal/signin",
            &[
                ("email", "dana@example.com"),
                ("password", "a long passphrase"),
                ("csrf", &form_csrf),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/portal"))
    );
}

/// A new owner, signed in: the first signs up, later ones with an invitation from the CLI.
pub(crate) async fn signed_up(app: &TestApp, email: &str) -> Browser {
    let mut b = Browser::default();
    let (status, _, _) = b.get(app, "/portal/signup").await;
    let invite = if status == StatusCode::FORBIDDEN {
        let made = app.cli_json(&["owner", "invite", "--email", email, "--json"]);
        let link = made["link"].as_str().unwrap().to_string();
        let token = link.split("invite=").nth(1).unwrap().to_string();
        let (status, _, _) = b.get(app, &format!("/portal/signup?invite={token}")).await;
        assert_eq!(status, StatusCode::OK);
        token
    } else {
        String::new()
    };
    let csrf = b.csrf.clone();
    let (status, _, _) = b
        .post(
            app,
            "/portal/signup",
            &[
                ("email", email),
                ("password", "a long passphrase"),
                ("csrf", &csrf),
                ("invite", &invite),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    b.get(app, "/portal").await;
    b
}

#[tokio::test]
async fn owners_create_apps_whose_credentials_work_and_only_they_can_see() {
    let app = spawn_app().await;
    let mut b = signed_up(&app, "dana@example.com").await;
    let csrf = b.csrf.clone();
    let (status, page, _) = b
        .post(
            &app,
            "/portal/apps",
            &[
                ("name", "CRM"),
                ("returnUrl", "http://crm.example.com/linked"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains(r#"id="returnUrl-error""#) && page.contains("https"),
        "{page}"
    );
    assert!(page.contains(r#"value="CRM""#));

    let (status, _, _) = b
        .post(
            &app,
            "/portal/apps",
            &[
                ("name", "CRM"),
                ("returnUrl", "https://crm.example.com/linked"),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, page, _) = b
        .post(
            &app,
            "/portal/apps",
            &[
                ("name", "CRM <b>"),
                ("returnUrl", "https://crm.example.com/linked"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(page.contains("CRM &lt;b&gt;"), "names are escaped");
    let (client_id, secret) = (grab(&page, "client-id"), grab(&page, "client-secret"));
    let r = app
        .http
        .get(format!("{}/v1/am/accounts", app.address))
        .basic_auth(&client_id, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the credentials work on the API"
    );

    let (status, page, _) = b.get(&app, &format!("/portal/apps/{client_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("https://crm.example.com/linked"));
    assert!(page.contains(&format!(
        r#"value="{}/v1/auth/callback""#,
        app.direct_address
    )));
    assert!(!page.contains(&secret), "the secret is never shown again");
    let (_, home, _) = b.get(&app, "/portal").await;
    assert!(home.contains(&client_id));

    let mut other = signed_up(&app, "eve@example.com").await;
    let (status, _, _) = other.get(&app, &format!("/portal/apps/{client_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, home, _) = other.get(&app, "/portal").await;
    assert!(!home.contains(&client_id) && home.contains("No apps yet"));
}

/// The text of the element with this id.
pub(crate) fn grab(page: &str, id: &str) -> String {
    let needle = format!(r#"id="{id}">"#);
    let at = page.find(&needle).unwrap() + needle.len();
    page[at..at + page[at..].find('<').unwrap()].to_string()
}
