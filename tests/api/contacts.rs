use crate::helpers::{account, call, expect_error, spawn_app, urlencode, ADELE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn pavel() -> Value {
    json!({
        "name": {"givenName": "Pavel", "familyName": "Bansky", "prefix": "Dr."},
        "company": {"name": "Contoso", "jobTitle": "Engineer"},
        "emailAddresses": [{"address": "pavelb@contoso.com", "name": "Pavel Bansky"}],
        "phoneNumbers": [{"number": "+1 732 555 0102", "type": "work"}, {"number": "+1 732 555 0199", "type": "mobile"}],
        "addresses": [{"street": "1 Main St", "city": "Redmond", "postalCode": "98052", "country": "USA", "type": "work"}],
        "urls": [{"href": "https://pavel.example.com", "type": "work"}],
        "relations": [{"name": "Dana Swope", "type": "manager"}],
        "birthday": "1974-07-22", "keywords": ["VIP"], "notes": "Prefers mornings — ☕", "nickName": "Pav"
    })
}

#[tokio::test]
async fn a_contact_round_trips_through_outlooks_fields() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.ReadWrite").await;
    let r = call(&app, &l, Method::POST, "/v1/contacts", Some(pavel()), None).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(created["etag"].as_str().unwrap().starts_with("W/"));
    let stored = app.ms.stored_contact(ADELE, &id).unwrap();
    assert_eq!(
        stored["displayName"], "Pavel Bansky",
        "Outlook computes the display name"
    );
    assert_eq!(stored["businessPhones"], json!(["+1 732 555 0102"]));
    assert_eq!(stored["mobilePhone"], "+1 732 555 0199");
    assert_eq!(stored["businessAddress"]["city"], "Redmond");
    assert_eq!(stored["birthday"], "1974-07-22T00:00:00Z");
    assert_eq!(stored["title"], "Dr.");

    let read: Value = call(
        &app,
        &l,
        Method::GET,
        &format!("/v1/contacts/{}", urlencode(&id)),
        None,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let mut expected = pavel();
    expected["name"]["displayName"] = json!("Pavel Bansky");
    for key in [
        "name",
        "company",
        "emailAddresses",
        "phoneNumbers",
        "addresses",
        "urls",
        "relations",
        "birthday",
        "keywords",
        "notes",
        "nickName",
    ] {
        assert_eq!(read[key], expected[key], "{key}");
    }
    assert_eq!(read, created["record"]);
}

#[tokio::test]
async fn contacts_are_paged_and_photos_loaded_on_request() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.ReadWrite").await;
    for n in 0..12 {
        call(
            &app,
            &l,
            Method::POST,
            "/v1/contacts",
            Some(json!({"name": {"givenName": format!("Person {n}")}})),
            None,
        )
        .await;
    }
    let mut names = Vec::new();
    let mut path = "/v1/contacts?limit=5".to_string();
    loop {
        let page: Value = call(&app, &l, Method::GET, &path, None, None)
            .await
            .json()
            .await
            .unwrap();
        names.extend(
            page["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"]["givenName"].as_str().unwrap().to_string()),
        );
        match page["nextPageToken"].as_str() {
            Some(t) => path = format!("/v1/contacts?pageToken={}", urlencode(t)),
            None => break,
        }
    }
    assert_eq!(names.len(), 12);
    let first = call(&app, &l, Method::GET, "/v1/contacts?limit=1", None, None)
        .await
        .json::<Value>()
        .await
        .unwrap()["records"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/contacts/{}?withPhoto=true", urlencode(&first));
    assert_eq!(
        call(&app, &l, Method::GET, &path, None, None)
            .await
            .json::<Value>()
            .await
            .unwrap()["hasPhoto"],
        false
    );
    app.ms
        .set_contact_photo(ADELE, &first, b"\xff\xd8\xff jpeg");
    let with: Value = call(&app, &l, Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(with["hasPhoto"], true);
    assert_eq!(with["photo"]["mimeType"], "image/jpeg");
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(with["photo"]["content"].as_str().unwrap())
            .unwrap(),
        b"\xff\xd8\xff jpeg"
    );
}

#[tokio::test]
async fn changes_respect_etags_and_touch_only_what_is_given() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.ReadWrite").await;
    let created: Value = call(&app, &l, Method::POST, "/v1/contacts", Some(pavel()), None)
        .await
        .json()
        .await
        .unwrap();
    let (id, etag) = (
        created["id"].as_str().unwrap(),
        created["etag"].as_str().unwrap(),
    );
    let path = format!("/v1/contacts/{}", urlencode(id));
    let r = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"notes": "Afternoons now"})),
        Some(etag),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let updated: Value = r.json().await.unwrap();
    assert_ne!(updated["etag"], etag);
    assert_eq!(updated["record"]["notes"], "Afternoons now");
    assert_eq!(
        updated["record"]["name"]["familyName"], "Bansky",
        "untouched"
    );
    let stale = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"notes": "lost update"})),
        Some(etag),
    )
    .await;
    let body = expect_error(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "precondition.failed",
    )
    .await;
    assert_eq!(
        body["originalError"]["error"]["code"],
        "ErrorIrresolvableConflict"
    );
    expect_error(
        call(&app, &l, Method::DELETE, &path, None, Some(etag)).await,
        StatusCode::PRECONDITION_FAILED,
        "precondition.failed",
    )
    .await;
    let r = call(
        &app,
        &l,
        Method::DELETE,
        &path,
        None,
        updated["etag"].as_str(),
    )
    .await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "Ok"}));
    expect_error(
        call(&app, &l, Method::GET, &path, None, None).await,
        StatusCode::NOT_FOUND,
        "notFound",
    )
    .await;
}

#[tokio::test]
async fn contacts_outlook_cannot_hold_are_refused_and_scopes_enforced() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.ReadWrite").await;
    let requests = app.ms.counters().graph_requests;
    for (body, words) in [
        (
            json!({"phoneNumbers": [{"number": "1", "type": "pager"}]}),
            "pager",
        ),
        (
            json!({"emailAddresses": (0..4).map(|n| json!({"address": format!("{n}@x.com")})).collect::<Vec<_>>()}),
            "3 e-mail",
        ),
        (
            json!({"addresses": [{"city": "A", "type": "home"}, {"city": "B", "type": "home"}]}),
            "one home address",
        ),
        (json!({"birthday": "07/22/1974"}), "birthday"),
        (json!({"nmae": {"givenName": "x"}}), "nmae"),
    ] {
        let r = call(&app, &l, Method::POST, "/v1/contacts", Some(body), None).await;
        let e = expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{words}: {e}"
        );
    }
    assert_eq!(
        app.ms.counters().graph_requests,
        requests,
        "refused before Microsoft"
    );
    let reader = {
        let client = app.create_client().await;
        app.link(&client, "Contacts.Read").await
    };
    assert_eq!(
        call(&app, &reader, Method::GET, "/v1/contacts", None, None)
            .await
            .status(),
        StatusCode::OK
    );
    expect_error(
        call(
            &app,
            &reader,
            Method::POST,
            "/v1/contacts",
            Some(pavel()),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
    let mail_only = {
        let client = app.create_client().await;
        app.link(&client, "Mail.Read").await
    };
    expect_error(
        call(&app, &mail_only, Method::GET, "/v1/contacts", None, None).await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
}
