//! Pages as HTML: one layout, escaping for everything that comes from people or the database,
//! and form pieces with their labels and the error next to the field at fault.

use crate::apps::input::Field;

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2430;background:#f5f6f8}
header{background:#1f2430;color:#fff;padding:.75rem 1.5rem;display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:.5rem}
header a,header button{color:#fff}header strong{font-size:1.1rem;letter-spacing:.02em}
main{max-width:56rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:1.5rem;margin-bottom:1.5rem}
h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.15rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=email],input[type=password],input[type=url],input[type=date],select{width:100%;padding:.5rem .6rem;border:1px solid #b8bfca;border-radius:6px;font:inherit}
input[aria-invalid=true]{border-color:#c62828}
.error{color:#c62828;margin:.25rem 0 0;font-size:.9rem}
.notice{background:#fff4e5;border:1px solid #f0b35b;border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem}
.ok{background:#e8f5e9;border:1px solid #81c784;border-radius:6px;padding:.75rem 1rem;margin-bottom:1rem}
button,.button{display:inline-block;margin-top:1rem;background:#2f5bea;color:#fff;border:0;border-radius:6px;padding:.55rem 1.1rem;font:inherit;cursor:pointer;text-decoration:none}
button.link{background:none;border:0;padding:0;margin:0;text-decoration:underline}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #eceef2;vertical-align:top}
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

/// A whole page. `owner` is the signed-in address (shown with a sign-out button) and `csrf` the
/// token the sign-out form carries.
pub fn page(title: &str, signed_in: Option<(&str, &str)>, body: &str) -> String {
    let nav = match signed_in {
        Some((email, csrf)) => format!(
            r#"<nav><span>{}</span> · <a href="/portal">Apps</a> · <form method="post" action="/portal/signout" class="inline"><input type="hidden" name="csrf" value="{}"><button class="link" type="submit">Sign out</button></form></nav>"#,
            escape(email),
            escape(csrf)
        ),
        None => String::new(),
    };
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{} · switchboard</title><link rel="stylesheet" href="/portal/assets/portal.css"><script src="/portal/assets/portal.js" defer></script></head><body><header><strong>switchboard</strong>{nav}</header><main>{body}</main></body></html>"#,
        escape(title)
    )
}

/// A labelled input, with its error below it and `aria-invalid` when there is one.
pub fn field(name: &str, label: &str, kind: &str, value: &str, error: Option<&str>) -> String {
    let error_html = error
        .map(|e| format!(r#"<p class="error" id="{name}-error">{}</p>"#, escape(e)))
        .unwrap_or_default();
    let invalid = if error.is_some() {
        format!(r#" aria-invalid="true" aria-describedby="{name}-error""#)
    } else {
        String::new()
    };
    format!(
        r#"<label for="{name}">{}</label><input id="{name}" name="{name}" type="{kind}" value="{}"{invalid}>{error_html}"#,
        escape(label),
        escape(value)
    )
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> String {
    format!(
        r#"<input type="hidden" name="csrf" value="{}">"#,
        escape(token)
    )
}

/// A page as a response: HTML, never cached (pages may show a secret once).
pub fn respond(status: axum::http::StatusCode, page: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_values_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        let f = field("email", "E-mail", "email", "\"><b>", Some("bad <i>"));
        assert!(f.contains(r#"value="&quot;&gt;&lt;b&gt;""#));
        assert!(f.contains("bad &lt;i&gt;"));
        assert!(f.contains(r#"aria-invalid="true""#));
    }
}
