//! Graph `message` ⇄ unified `EmailMessage`.

use crate::model::email::{EmailAddress, EmailAttachment, EmailHeader, EmailMessage};
use crate::model::normalize_time;
use crate::providers::office365::graph::shapes::{strings, Recipient, Text};
use crate::providers::office365::mail::graph_message::{GraphAttachment, GraphMessage};
use crate::providers::office365::mail::select::{meeting_method, sensitivity};
use crate::providers::office365::mail::well_known::WellKnownFolders;

/// Graph wraps each recipient: `{"emailAddress":{"name":…,"address":…}}`.
fn recipient(r: &Recipient) -> Option<EmailAddress> {
    let (address, name) = match &r.email_address {
        Some(inner) => (&inner.address, &inner.name),
        None => (&r.address, &r.name),
    };
    Some(EmailAddress {
        address: address.as_deref()?.to_string(),
        name: name
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(str::to_string),
    })
}

fn recipients(list: &Option<Vec<Recipient>>) -> Vec<EmailAddress> {
    list.iter().flatten().filter_map(recipient).collect()
}

/// A string Graph sent, kept even when empty (an empty subject is a subject).
fn text(t: &Text) -> Option<String> {
    t.as_deref().map(str::to_string)
}

fn time(t: &Text) -> Option<String> {
    t.as_deref().and_then(normalize_time)
}

impl GraphAttachment<'_> {
    pub(in crate::providers::office365) fn to_unified(&self) -> EmailAttachment {
        EmailAttachment {
            id: text(&self.id).unwrap_or_default(),
            name: text(&self.name),
            mime_type: text(&self.content_type),
            size: self.size,
            inline: self.is_inline.unwrap_or(false),
            content_id: text(&self.content_id),
            content: text(&self.content_bytes),
        }
    }
}

/// An attachment's description (and content, when Graph sent it), from a message or an event.
/// The contract's system labels: the folder's, unread, flagged, important, draft.
fn labels(v: &GraphMessage, folders: &WellKnownFolders) -> Vec<&'static str> {
    let mut labels = Vec::new();
    if let Some(label) = v.parent_folder_id.as_deref().and_then(|f| folders.label(f)) {
        labels.push(label);
    }
    if v.is_read == Some(false) {
        labels.push("unread");
    }
    if v.flag.as_ref().and_then(|f| f.flag_status.as_deref()) == Some("flagged") {
        labels.push("flagged");
    }
    if v.importance
        .as_deref()
        .is_some_and(|i| i.eq_ignore_ascii_case("high"))
    {
        labels.push("important");
    }
    if v.is_draft == Some(true) && !labels.contains(&"draft") {
        labels.push("draft");
    }
    labels
}

/// Maps one Graph message. `with_body` is false on list pages, which then say so in `omitted`.
pub fn to_unified(v: &GraphMessage, with_body: bool, folders: &WellKnownFolders) -> EmailMessage {
    let body = with_body
        .then(|| v.body.as_ref().and_then(|b| text(&b.content)))
        .flatten();
    let attachments = v.attachments.as_ref().map(|list| {
        list.iter()
            .map(GraphAttachment::to_unified)
            .collect::<Vec<_>>()
    });
    let headers = v.internet_message_headers.as_ref().map(|list| {
        list.iter()
            .filter_map(|h| {
                Some(EmailHeader {
                    name: text(&h.name)?,
                    value: text(&h.value).unwrap_or_default(),
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
        id: text(&v.id).unwrap_or_default(),
        thread_id: text(&v.conversation_id),
        created_time: time(&v.created_date_time),
        last_modified_time: time(&v.last_modified_date_time),
        sent_at: time(&v.sent_date_time),
        received_at: time(&v.received_date_time),
        internet_message_id: text(&v.internet_message_id),
        subject: text(&v.subject),
        sys_labels: labels(v, folders),
        keywords: strings(&v.categories),
        from: v.from.as_ref().and_then(recipient),
        to: recipients(&v.to_recipients),
        cc: recipients(&v.cc_recipients),
        bcc: recipients(&v.bcc_recipients),
        reply_to: recipients(&v.reply_to),
        has_attachments: v.has_attachments.unwrap_or(false),
        body,
        body_snippet: text(&v.body_preview),
        folder_id: text(&v.parent_folder_id),
        web_link: text(&v.web_link),
        attachments,
        internet_headers: headers,
        in_reply_to,
        references,
        thread_index: text(&v.conversation_index),
        meeting_message_method: meeting_method(v),
        sensitivity: sensitivity(v),
        omitted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn maps_graph_shapes_to_the_contract() {
        let graph = json!({
                "id": "AAMk=", "conversationId": "AAQk=", "receivedDateTime": "2018-09-09T03:15:08Z",
                "createdDateTime": "2017-04-15T03:00:50.7579581Z", "isRead": false, "isDraft": false,
                "importance": "high", "flag": {"flagStatus": "flagged"}, "categories": ["Red"],
                "from": {"emailAddress": {"name": "Adele Vance", "address": "adelev@contoso.com"}},
                "toRecipients": [{"emailAddress": {"name": "", "address": "alex@contoso.com"}}],
                "body": {"contentType": "html", "content": "<p>Hi</p>"}
        });
        let message = GraphMessage::deserialize(&graph).unwrap();
        let m = to_unified(&message, true, &WellKnownFolders::default());
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
