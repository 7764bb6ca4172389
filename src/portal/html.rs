//! Pages as HTML: one layout, escaping for everything that comes from people or the database,
//! and form pieces with their labels and the error next to the field at fault.

use crate::apps::input::Field;
use maud::{html, Markup, DOCTYPE};

const STYLE: &str = "
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2430;background:#f5f6f8}
header{background:#1f2430;color:#fff;padding:.75rem 1.5rem;display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:.5rem}
header a,header button{color:#fff}header strong{font-size:1.1rem;letter-spacing:.02em}
main{max-width:56rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:1.5rem;margin-bottom:1.5rem}
h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=email],input[type=password],input[type=url],input[type=date],select,textarea{display:block;box-sizing:border-box;width:100%;padding:.5rem .6rem;border:1px solid #b8bfca;border-radius:6px;font:inherit}
input[aria-invalid=true]{border-color:#c62828}
.error{color:#c62828;margin:.25rem 0 0;font-size:.9rem}
.notice{background:#fff4e5;border:1px solid #f0b35b;border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem}
.ok{background:#e8f5e9;border:1px solid #81c784;border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem}
button,.button{display:inline-block;margin-top:1rem;background:#2f5bea;color:#fff;border:0;border-radius:6px;padding:.55rem 1.1rem;font:inherit;cursor:pointer;text-decoration:none}
button.link{background:none;border:0;padding:0;margin:0;text-decoration:underline}
table{width:100%;border-collapse:collapse}.table-wrap{overflow-x:auto;max-width:100%}#accounts .status{min-width:16rem}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #eceef2;vertical-align:top}
code{background:#eef1f6;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
form.inline{display:inline}
@media (max-width:40rem){main{margin:1rem auto}.card{padding:1rem}}
";

/// The portal's only script: confirmations (`data-confirm`) and copy buttons (`data-copy`), so
/// pages carry no inline script and the Content-Security-Policy can forbid it.
const SCRIPT: &str = "document.addEventListener('submit',function(e){var m=e.target.getAttribute('data-confirm');if(m&&!confirm(m))e.preventDefault()});
document.addEventListener('click',function(e){var id=e.target.getAttribute('data-copy');if(id)navigator.clipboard.writeText(document.getElementById(id).value)});
";

/// `/portal/assets/portal.css`.
pub async fn stylesheet() -> impl axum::response::IntoResponse {
    asset("text/css; charset=utf-8", STYLE)
}

/// `/portal/assets/portal.js`.
pub async fn script() -> impl axum::response::IntoResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

fn asset(content_type: &'static str, body: &'static str) -> impl axum::response::IntoResponse {
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// A whole page. `signed_in` is the owner's address and the CSRF token of the sign-out form.
pub fn page(title: &str, signed_in: Option<(&str, &str)>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) " · switchboard" }
                link rel="stylesheet" href="/portal/assets/portal.css";
                script src="/portal/assets/portal.js" defer {}
            }
            body {
                header {
                    strong { "switchboard" }
                    @if let Some((email, csrf)) = signed_in {
                        nav {
                            span { (email) } " · " a href="/portal" { "Apps" } " · "
                            form method="post" action="/portal/signout" class="inline" {
                                (csrf_field(csrf))
                                button class="link" type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// Text escaped as OWASP advises for HTML, all five characters (`'` too, which maud leaves):
/// for what people typed and the messages about it, which come back into the page.
pub struct Strict<'a>(pub &'a str);

impl maud::Render for Strict<'_> {
    fn render_to(&self, buffer: &mut String) {
        for c in self.0.chars() {
            match c {
                '&' => buffer.push_str("&amp;"),
                '<' => buffer.push_str("&lt;"),
                '>' => buffer.push_str("&gt;"),
                '"' => buffer.push_str("&quot;"),
                '\'' => buffer.push_str("&#39;"),
                _ => buffer.push(c),
            }
        }
    }
}

/// Text made safe for HTML content and attribute values (the `Strict` rules).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    maud::Render::render_to(&Strict(text), &mut out);
    out
}

/// A labelled input, with its error below it and `aria-invalid` when there is one.
pub fn field(name: &str, label: &str, kind: &str, value: &str, error: Option<&str>) -> Markup {
    let error_id = format!("{name}-error");
    html! {
        label for=(name) { (label) }
        @if let Some(e) = error {
            input id=(name) name=(name) type=(kind) value=(Strict(value)) aria-invalid="true" aria-describedby=(error_id);
            p class="error" id=(error_id) { (Strict(e)) }
        } @else {
            input id=(name) name=(name) type=(kind) value=(Strict(value));
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A card with one message and the way back to the apps.
pub fn notice_card(class: &str, message: &str) -> Markup {
    html! {
        div class="card" {
            p class=[(!class.is_empty()).then_some(class)] {
                (message) " " a href="/portal" { "Back to your apps" } "."
            }
        }
    }
}

/// A form on an app's page refused (400): the card with its errors, under the app's name and
/// the way back to the app. `signed_in` as for `page`.
pub fn refused_on_app(
    signed_in: (&str, &str),
    name: &str,
    client_id: &str,
    card: Markup,
) -> axum::response::Response {
    let body = html! {
        div class="card" {
            h1 { (name) }
            a href={ "/portal/apps/" (client_id) } { "Back to the app" }
        }
        (card)
    };
    respond(
        axum::http::StatusCode::BAD_REQUEST,
        page(name, Some(signed_in), body),
    )
}

/// A moment for people: how long ago (or from now), with the exact UTC time on hover.
pub fn when(unix_seconds: i64, now: i64) -> Markup {
    let exact = crate::model::rfc3339(unix_seconds);
    html! { time datetime=(exact) title=(exact) { (relative(unix_seconds, now)) } }
}

/// "just now", "5 minutes ago", "in 3 days", "2025-03-04" (beyond a month).
pub fn relative(at: i64, now: i64) -> String {
    let delta = now - at;
    let (span, future) = (delta.unsigned_abs(), delta < 0);
    let amount = |n: u64, unit: &str| {
        let plural = if n == 1 { "" } else { "s" };
        if future {
            format!("in {n} {unit}{plural}")
        } else {
            format!("{n} {unit}{plural} ago")
        }
    };
    match span {
        0..60 => "just now".into(),
        60..3600 => amount(span / 60, "minute"),
        3600..86_400 => amount(span / 3600, "hour"),
        86_400..2_592_000 => amount(span / 86_400, "day"),
        _ => crate::model::rfc3339(at)[..10].to_string(),
    }
}

/// A page as a response: HTML, never cached (pages may show a secret once).
pub fn respond(status: axum::http::StatusCode, page: Markup) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page.into_string(),
    )
        .into_response()
}

/// The form field (its `name` and `id`) for an input the service refused.
pub fn form_field(field: Field) -> &'static str {
    match field {
        Field::Name => "name",
        Field::ReturnUrl | Field::ReturnUrls => "returnUrl",
        Field::AzureClientId => "azureClientId",
        Field::ClientSecret => "clientSecret",
        Field::Authority => "authority",
        Field::Certificate => "certificate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_escaped() {
        let text =
            maud::html! { p title=(r#"<"x">"#) { (r#"<script>alert("x")</script> & 'y'"#) } };
        assert_eq!(
            text.into_string(),
            r#"<p title="&lt;&quot;x&quot;&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'y'</p>"#
        );
        let f = field("email", "E-mail", "email", "\"><b>", Some("bad <i>")).into_string();
        assert!(f.contains(r#"value="&quot;&gt;&lt;b&gt;""#));
        assert!(f.contains("bad &lt;i&gt;"));
        assert!(f.contains(r#"aria-invalid="true""#));
    }

    #[test]
    fn moments_read_as_people_say_them() {
        let now = 1_750_000_000;
        assert_eq!(relative(now - 5, now), "just now");
        assert_eq!(relative(now - 60, now), "1 minute ago");
        assert_eq!(relative(now - 7200, now), "2 hours ago");
        assert_eq!(relative(now + 3 * 86_400, now), "in 3 days");
        assert_eq!(relative(now - 90 * 86_400, now), "2025-03-17");
    }
}
