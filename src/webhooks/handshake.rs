//! A notification URL is taken only once it proved it is the app's: switchboard POSTs to it with
//! `?validationToken=…`, and it must answer 200 with the token in its body, within the delivery
//! time-out.

use crate::config::Webhooks;
use crate::error::{ApiError, Code};
use crate::store::crypto::random_id;
use std::time::Duration;
use url::Url;

const MAX_URL: usize = 2048;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(Code::NotificationUrlInvalid, message)
}

/// The URL, if it is one switchboard may send to: absolute `https://` (or `http://` where
/// allowed), with a host, no credentials and no fragment.
fn check_url(settings: &Webhooks, field: &str, text: &str) -> Result<Url, ApiError> {
    if text.len() > MAX_URL {
        return Err(invalid(format!(
            "{field} is longer than {MAX_URL} characters"
        )));
    }
    let url = Url::parse(text).map_err(|e| {
        invalid(format!(
            "notificationUrl '{text}' is not an absolute URL: {e}"
        ))
    })?;
    match url.scheme() {
        "https" => {}
        "http" if settings.allow_http => {}
        "http" => {
            return Err(invalid(format!(
                "{field} must be https:// (plain http:// is allowed only with SWITCHBOARD_WEBHOOK_ALLOW_HTTP=true)"
            )))
        }
        other => return Err(invalid(format!("{field} scheme '{other}' is not https"))),
    }
    let ip = match url.host() {
        None => return Err(invalid(format!("{field} has no host"))),
        Some(url::Host::Ipv4(v4)) => Some(std::net::IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(std::net::IpAddr::V6(v6)),
        Some(url::Host::Domain(_)) => None,
    };
    if ip.is_some_and(super::egress::is_private) && !settings.allow_private {
        return Err(invalid(format!(
            "{field} is on a private or local network, where switchboard does not send (SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE=true allows it)"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(format!("{field} must not carry credentials")));
    }
    if url.fragment().is_some() {
        return Err(invalid(format!("{field} must not have a #fragment")));
    }
    Ok(url)
}

/// A client for requests to apps' receivers: no redirects followed, and (unless allowed) no
/// address on a private or local network.
pub fn client(settings: &Webhooks) -> reqwest::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("switchboard-webhooks/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none());
    match settings.allow_private {
        true => builder.build(),
        false => builder
            .dns_resolver(std::sync::Arc::new(super::egress::PublicOnly))
            .build(),
    }
}

/// The URL, once it is acceptable ([`check_url`]) and answered the validation request.
pub async fn accept(
    client: &reqwest::Client,
    settings: &Webhooks,
    field: &str,
    text: &str,
) -> Result<Url, ApiError> {
    let url = check_url(settings, field, text)?;
    validate(client, settings.timeout, field, &url).await?;
    Ok(url)
}

/// Sends the validation request; `notificationUrl.validationFailed` with what went wrong unless
/// the answer is 200 with the token in it.
async fn validate(
    client: &reqwest::Client,
    timeout: Duration,
    field: &str,
    url: &Url,
) -> Result<(), ApiError> {
    let token = random_id(24);
    let mut challenge = url.clone();
    challenge
        .query_pairs_mut()
        .append_pair("validationToken", &token);
    let failed = |why: String| {
        ApiError::bad_request(
            Code::NotificationUrlValidationFailed,
            format!(
                "{field} did not pass validation: {why}. It must answer a POST to \
                 {url}?validationToken=… with 200 and the token as its body (text/plain), within {} s.",
                timeout.as_secs()
            ),
        )
    };
    let answer = client
        .post(challenge)
        .header("content-type", "text/plain; charset=utf-8")
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| failed(super::deliver::describe(&e, timeout)))?;
    let status = answer.status();
    if status != reqwest::StatusCode::OK {
        return Err(failed(format!("it answered {status}")));
    }
    let body = first_bytes(answer, 4096)
        .await
        .map_err(|e| failed(super::deliver::describe(&e, timeout)))?;
    if !String::from_utf8_lossy(&body).contains(&token) {
        return Err(failed(
            "its answer was not the validation token".to_string(),
        ));
    }
    Ok(())
}

/// The first `limit` bytes of an answer's body (a receiver cannot make switchboard read more).
async fn first_bytes(mut answer: reqwest::Response, limit: usize) -> reqwest::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = answer.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() >= limit {
            body.truncate(limit);
            break;
        }
    }
    Ok(body)
}
