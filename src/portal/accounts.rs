//! The accounts linked to an app: health, the decoded reason when one needs its user again, delete,
//! and a button that links a test account through the real OAuth flow and comes back here.

use super::guard::{owned, owned_form};
use super::html::{csrf_field, escape, page, respond};
use super::session::SignedIn;
use crate::auth::link::{self, AuthorizeParams};
use crate::error::ApiError;
use crate::model::rfc3339;
use crate::state::AppState;
use crate::store::AccountRecord;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

fn row(client_id: &str, csrf: &str, a: &AccountRecord) -> String {
    let status = a.token_status.to_string();
    let reason = a
        .token_error
        .as_ref()
        .map(|e| {
            let text = if e.message.starts_with(&e.code) {
                e.message.clone()
            } else {
                format!("{}: {}", e.code, e.message)
            };
            format!(r#"<br><span class="error">{}</span>"#, escape(&text))
        })
        .unwrap_or_default();
    let when = |t: Option<i64>| t.map(rfc3339).unwrap_or_else(|| "—".into());
    format!(
        r#"<tr data-account="{id}"><td>{}<br><small>{}</small></td><td>{}</td><td class="status">{status}{reason}</td><td>{}</td><td>{}</td><td><form method="post" action="/portal/apps/{client_id}/accounts/{id}/delete" data-confirm="Delete this account?">{}<button type="submit">Delete</button></form></td></tr>"#,
        escape(a.email.as_deref().unwrap_or("—")),
        escape(a.name.as_deref().unwrap_or("")),
        escape(&a.auth_scopes.join(" ")),
        escape(&when(a.auth_obtained_at)),
        escape(&when(a.access_expires_at)),
        csrf_field(csrf),
        id = a.id,
    )
}

/// The accounts card of the app page.
pub async fn card(
    state: &AppState,
    who: &SignedIn,
    app_id: i64,
    client_id: &str,
) -> Result<String, ApiError> {
    let (accounts, total) = state.store.list_accounts(app_id, None, 200, 0).await?;
    let rows: String = accounts
        .iter()
        .map(|a| row(client_id, &who.csrf, a))
        .collect();
    let table = if accounts.is_empty() {
        "<p>No linked accounts yet.</p>".to_string()
    } else {
        format!(
            r#"<table id="accounts"><thead><tr><th>Account</th><th>Scopes</th><th>Token status</th><th>Linked</th><th>Last refreshed token valid until</th><th></th></tr></thead><tbody>{rows}</tbody></table><p>{total} account(s).</p>"#
        )
    };
    Ok(format!(
        r#"<div class="card"><h2>Linked accounts</h2>{table}<form method="post" action="/portal/apps/{client_id}/link">{}<label for="link-scopes">Scopes for a test account</label><input id="link-scopes" name="scopes" type="text" value="Mail.Read"><button type="submit">Link a test account</button></form></div>"#,
        csrf_field(&who.csrf)
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    scopes: String,
    csrf: String,
}

pub async fn link(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<LinkForm>,
) -> Result<Response, ApiError> {
    if let Err(r) = owned_form(&state, &who, &client_id, &f.csrf).await {
        return Ok(r);
    }
    let params = AuthorizeParams {
        client_id: Some(client_id.clone()),
        service_type: Some("Office365".into()),
        scopes: Some(f.scopes),
        return_url: Some(state.settings.link_return_url(&client_id)),
        ..Default::default()
    };
    match link::start(&state, params).await {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(e) => Ok(outcome(
            &who,
            &client_id,
            StatusCode::BAD_REQUEST,
            &format!(
                r#"<p class="notice" role="alert">{}</p>"#,
                escape(&e.message)
            ),
        )),
    }
}

fn outcome(who: &SignedIn, client_id: &str, status: StatusCode, message: &str) -> Response {
    let body = format!(
        r#"<div class="card"><h1>Test account</h1>{message}<a class="button" href="/portal/apps/{}">Back to the app</a></div>"#,
        escape(client_id)
    );
    respond(
        status,
        page("Test account", Some((&who.owner.email, &who.csrf)), &body),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Linked {
    status: String,
    code: String,
    error: String,
    message: String,
}

/// Back from Microsoft: the code is exchanged here, for the owner's own app.
pub async fn linked(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Query(q): Query<Linked>,
) -> Result<Response, ApiError> {
    let d = match owned(&state, &who, &client_id).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    if q.status != "success" {
        let text = format!(
            r#"<p class="notice" role="alert">Linking failed ({}): {}</p>"#,
            escape(&q.error),
            escape(&q.message)
        );
        return Ok(outcome(&who, &client_id, StatusCode::OK, &text));
    }
    let saved = crate::auth::exchange::exchange(&state, &d.app, &q.code).await?;
    let text = format!(
        r#"<p class="ok">Account {} is linked. Its account token, shown only this once, lets you try the API:</p><p><code id="account-token">{}</code></p>"#,
        saved.account_id,
        escape(&saved.access_token)
    );
    Ok(outcome(&who, &client_id, StatusCode::OK, &text))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path((client_id, account_id)): Path<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    let d = match owned_form(&state, &who, &client_id, &f.csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    state.store.delete_account(d.app.id, account_id).await?;
    Ok(Redirect::to(&format!("/portal/apps/{client_id}")).into_response())
}
