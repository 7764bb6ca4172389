//! Graph `message` ⇄ unified `EmailMessage`.

use crate::model::email::{EmailAddress, EmailAttachment, EmailHeader, EmailMessage};
use crate::model::normalize_time;
use crate::providers::office365::mail::well_known::WellKnownFolders;
use serde_json::Value;

/// Graph wraps each recipient: `{"emailAddress":{"name":…,"address":…}}`.
fn recipient(v: &Value) -> Option<EmailAddress> {
    let inner = v.get("emailAddress").unwrap_or(v);
    let address = inner.get("address").and_then(Value::as_str)?.to_string();
    let name = inner
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Some(EmailAddress { name, address })
}

fn recipients(v: &Value, key: &str) -> Vec<EmailAddress> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(recipient).collect())
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn time(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).and_then(normalize_time)
}

/// An attachment's description (and content, when Graph sent it).
pub fn attachment(a: &Value) -> EmailAttachment {
    EmailAttachment {
        id: text(a, "id").unwrap_or_default(),
        name: text(a, "name"),
        mime_type: text(a, "contentType"),
        size: a.get("size").and_then(Value::as_u64),
        inline: a.get("isInline").and_then(Value::as_bool).unwrap_or(false),
        content_id: text(a, "contentId"),
        content: text(a, "contentBytes"),
    }
}

/// Maps one Graph message. `with_body` is false on list pages, which then say so in `omitted`.
pub fn to_unified(v: &Value, with_body: bool, folders: &WellKnownFolders) -> EmailMessage {
    let mut labels = Vec::new();
    if let Some(label) = v
        .get("parentFolderId")
        .and_then(Value::as_str)
        .and_then(|f| folders.label(f))
    {
        labels.push(label);
    }
    if v.get("isRead").and_then(Value::as_bool) == Some(false) {
        labels.push("unread");
    }
    if v.pointer("/flag/flagStatus").and_then(Value::as_str) == Some("flagged") {
        labels.push("flagged");
    }
    if v.get("importance")
        .and_then(Value::as_str)
        .is_some_and(|i| i.eq_ignore_ascii_case("high"))
    {
        labels.push("important");
    }
    if v.get("isDraft").and_then(Value::as_bool) == Some(true) && !labels.contains(&"draft") {
        labels.push("draft");
    }
    let body = if with_body {
        v.pointer("/body/content")
            .and_then(Value::as_str)
            .map(str::to_string)
    } else {
        None
    };
    let attachments = v
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(attachment).collect::<Vec<_>>());
    let headers = v
        .get("internetMessageHeaders")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|h| {
                    Some(EmailHeader {
                        name: text(h, "name")?,
                        value: text(h, "value").unwrap_or_default(),
                    })
                })
                .collect::<Vec<_>>()
        });
    let header = |name: &str| {
        headers
            .as_ref()
            .and_then(|hs| hs.iter().find(|h| h.name.eq_ignore_ascii_case(name)))
            .map(|h| h.value.clone())
    };
    // Exactly what this message does not carry, as the contract asks.
    let omitted = [
        ("body", body.is_none()),
        ("attachments", attachments.is_none()),
        ("internetHeaders", headers.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, missing)| missing.then_some(name))
    .collect();
    let (in_reply_to, references) = (header("In-Reply-To"), header("References"));
    EmailMessage {
        id: text(v, "id").unwrap_or_default(),
        thread_id: text(v, "conversationId"),
        created_time: time(v, "createdDateTime"),
        last_modified_time: time(v, "lastModifiedDateTime"),
        sent_at: time(v, "sentDateTime"),
        received_at: time(v, "receivedDateTime"),
        internet_message_id: text(v, "internetMessageId"),
        subject: text(v, "subject"),
        sys_labels: labels,
        keywords: v
            .get("categories")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        from: v.get("from").and_then(recipient),
        to: recipients(v, "toRecipients"),
        cc: recipients(v, "ccRecipients"),
        bcc: recipients(v, "bccRecipients"),
        reply_to: recipients(v, "replyTo"),
        has_attachments: v
            .get("hasAttachments")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        body,
        body_snippet: text(v, "bodyPreview"),
        folder_id: text(v, "parentFolderId"),
        web_link: text(v, "webLink"),
        attachments,
        internet_headers: headers,
        in_reply_to,
        references,
        thread_index: text(v, "conversationIndex"),
        meeting_message_method: crate::providers::office365::mail::select::meeting_method(v),
        sensitivity: crate::providers::office365::mail::select::sensitivity(v),
        omitted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_graph_shapes_to_the_contract() {
        let m = to_unified(
            &json!({
                "id": "AAMk=", "conversationId": "AAQk=", "receivedDateTime": "2018-09-09T03:15:08Z",
                "createdDateTime": "2017-04-15T03:00:50.7579581Z", "isRead": false, "isDraft": false,
                "importance": "high", "flag": {"flagStatus": "flagged"}, "categories": ["Red"],
                "from": {"emailAddress": {"name": "Adele Vance", "address": "adelev@contoso.com"}},
                "toRecipients": [{"emailAddress": {"name": "", "address": "alex@contoso.com"}}],
                "body": {"contentType": "html", "content": "<p>Hi</p>"}
            }),
            true,
            &WellKnownFolders::default(),
        );
        assert_eq!(m.thread_id.as_deref(), Some("AAQk="));
        assert_eq!(m.received_at.as_deref(), Some("2018-09-09T03:15:08Z"));
        assert_eq!(m.created_time.as_deref(), Some("2017-04-15T03:00:50.757Z"));
        assert_eq!(m.sys_labels, vec!["unread", "flagged", "important"]);
        assert_eq!(m.keywords, vec!["Red"]);
        assert_eq!(m.from.unwrap().name.as_deref(), Some("Adele Vance"));
        assert_eq!(
            m.to[0],
            EmailAddress {
                name: None,
                address: "alex@contoso.com".into()
            }
        );
        assert_eq!(m.body.as_deref(), Some("<p>Hi</p>"));
        assert!(!m.omitted.contains(&"body"));
    }
}
