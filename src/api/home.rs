//! `/`: what a person who just started switchboard and opened its address needs to know.

use axum::response::Html;

pub async fn page() -> Html<String> {
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>switchboard</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1f2328}}
a{{color:#0b5cad}}code{{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}}li{{margin:.4rem 0}}</style>
</head><body>
<h1>switchboard <small style="color:#6b7280;font-size:1rem">{version}</small></h1>
<p>A self-hosted unified API for Office 365 / Outlook.com accounts: your app links its users'
Microsoft accounts and calls one REST API for their mail, calendars, contacts and tasks,
following Aurinko's contract.</p>
<ul>
<li><a href="/portal">Portal</a> — sign up, create an app, paste its Azure registration, link a test account.</li>
<li><a href="/docs">API reference</a> — every endpoint, try it in the browser (<a href="/openapi.json">OpenAPI document</a>).</li>
<li><a href="/healthz">/healthz</a> and <a href="/readyz">/readyz</a> — for load balancers and monitors.</li>
</ul>
<p>From the command line: <code>switchboard app create --name "My app" --return-url https://…</code>,
then <code>switchboard app office365 &lt;clientId&gt; …</code>. The README walks through linking a first account.</p>
</body></html>"#,
        version = env!("CARGO_PKG_VERSION")
    ))
}
