//! What the fake's mailboxes are made of: well-known folders, folder ids, sample messages.

use serde_json::Value;

/// Adds an attachment to a stored message.
pub fn attach(m: &mut Value, attachment: Value) {
    m["hasAttachments"] = Value::Bool(true);
    match m.get_mut("_attachments").and_then(Value::as_array_mut) {
        Some(list) => list.push(attachment),
        None => m["_attachments"] = Value::Array(vec![attachment]),
    }
}

/// Outlook's well-known folders and their display names.
pub const WELL_KNOWN: &[(&str, &str)] = &[
    ("inbox", "Inbox"),
    ("drafts", "Drafts"),
    ("sentitems", "Sent Items"),
    ("deleteditems", "Deleted Items"),
    ("junkemail", "Junk Email"),
    ("archive", "Archive"),
    ("outbox", "Outbox"),
];

/// An opaque-looking folder id, stable per user and folder.
pub fn folder_id(email: &str, well_known: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("AQMkAD{email}:{well_known}"))
}

/// A Graph-style message, as `GET /me/messages/{id}` returns it.
pub fn message(n: usize, subject: &str) -> Value {
    serde_json::json!({
        "@odata.etag": format!("W/\"CQAAABYAAAC4ofQHEIqCSbQPot83AFcbAAAnjj{n:02}\""),
        "id": format!("AAMkADhMGAAA{n:04}="),
        "createdDateTime": "2018-09-09T03:15:05Z",
        "lastModifiedDateTime": "2018-09-09T03:15:08Z",
        "changeKey": "CQAAABYAAAC4ofQHEIqCSbQPot83AFcbAAAnjjuZ",
        "categories": if n % 3 == 0 { serde_json::json!(["Blue category"]) } else { serde_json::json!([]) },
        "receivedDateTime": format!("2018-09-{:02}T03:15:08Z", 1 + n % 28),
        "sentDateTime": "2018-09-09T03:15:06Z",
        "hasAttachments": false,
        "internetMessageId": format!("<MWHPR{n}@namprd22.prod.outlook.com>"),
        "subject": subject,
        "bodyPreview": format!("Preview of {subject}"),
        "importance": if n % 5 == 0 { "high" } else { "normal" },
        "parentFolderId": "AAMkADcbAAAAAAEJAAA=",
        "conversationId": format!("AAQkADOUpag6yWs{n}="),
        "conversationIndex": format!("AdQ{n:03}ZbLtwQn8mQ=="),
        "isRead": n % 2 == 0,
        "isDraft": false,
        "webLink": format!("https://outlook.office365.com/owa/?ItemID=AAMk{n}&exvsurl=1&viewmodel=ReadMessageItem"),
        "inferenceClassification": "focused",
        "body": { "contentType": "html", "content": format!("<html>\r\n<body>\r\n<p>Body of {subject}</p>\r\n</body>\r\n</html>\r\n") },
        "sender": { "emailAddress": { "name": "Adele Vance", "address": "adelev@contoso.OnMicrosoft.com" } },
        "from": { "emailAddress": { "name": "Adele Vance", "address": "adelev@contoso.OnMicrosoft.com" } },
        "toRecipients": [ { "emailAddress": { "name": "Alex Wilber", "address": "AlexW@contoso.OnMicrosoft.com" } } ],
        "ccRecipients": [], "bccRecipients": [], "replyTo": [],
        "flag": { "flagStatus": if n % 4 == 0 { "flagged" } else { "notFlagged" } },
        "internetMessageHeaders": [
            { "name": "Message-ID", "value": format!("<MWHPR{n}@namprd22.prod.outlook.com>") },
            { "name": "In-Reply-To", "value": format!("<parent{n}@contoso.com>") },
            { "name": "References", "value": format!("<root{n}@contoso.com> <parent{n}@contoso.com>") },
            { "name": "X-Mailer", "value": "Microsoft Outlook 16.0" }
        ]
    })
}

/// A zone as Outlook names it: UTC, a Windows name or an IANA name.
pub fn zone_of(name: &str) -> Option<chrono_tz::Tz> {
    use std::str::FromStr;
    if name.eq_ignore_ascii_case("UTC") {
        return Some(chrono_tz::UTC);
    }
    windows_timezones::WindowsTimezone::from_str(name)
        .map(Into::into)
        .ok()
        .or_else(|| chrono_tz::Tz::from_str(name).ok())
}

/// A `dateTimeTimeZone` as the instant it names.
pub fn utc_of(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let local =
        chrono::NaiveDateTime::parse_from_str(v["dateTime"].as_str()?, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()?;
    let tz = zone_of(v["timeZone"].as_str().unwrap_or("UTC"))?;
    Some(
        tz.from_local_datetime(&local)
            .earliest()?
            .with_timezone(&chrono::Utc),
    )
}
