//! An outgoing message of the contract → a Graph `message`, with every check that can be made
//! before Microsoft is asked. What Graph cannot honour is refused, never dropped.

use crate::error::Code;
use crate::model::email::{AttachmentIn, EmailAddressIn, OutgoingEmail};
use crate::model::requests::BodyType;
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::graph::values::bad;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

/// Graph takes attachments up to 3 MB inline in a message; larger ones need an upload session.
pub const MAX_INLINE_ATTACHMENT: usize = 3 * 1024 * 1024;

/// What the message is for: a new message must have a recipient; a reply goes to the sender
/// of the original unless told otherwise.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    New,
    Reply,
    /// A draft may lack recipients for now.
    Draft,
}

fn address(a: &EmailAddressIn, field: &str) -> Result<Value, ProviderError> {
    let addr = a.address.trim();
    let plausible = addr.len() <= 320
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        && addr.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.ends_with('.')
        });
    if !plausible {
        return Err(bad(format!(
            "{field}: '{}' is not an e-mail address",
            a.address
        )));
    }
    let mut inner = json!({ "address": addr });
    if let Some(name) = a.name.as_deref().filter(|n| !n.trim().is_empty()) {
        inner["name"] = json!(name);
    }
    Ok(json!({ "emailAddress": inner }))
}

fn addresses(list: &[EmailAddressIn], field: &str) -> Result<Vec<Value>, ProviderError> {
    list.iter().map(|a| address(a, field)).collect()
}

/// Graph's limit for one attachment (through an upload session).
pub const MAX_ATTACHMENT: usize = 150 * 1024 * 1024;

/// An attachment too large to go inside a message: uploaded to a draft in ranges.
pub struct LargeAttachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub inline: bool,
    pub content_id: Option<String>,
}

/// A Graph message, with the attachments that must be uploaded separately.
pub struct Composed {
    pub message: Value,
    pub large: Vec<LargeAttachment>,
}

impl std::fmt::Debug for Composed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sizes: Vec<usize> = self.large.iter().map(|a| a.bytes.len()).collect();
        f.debug_struct("Composed")
            .field("message", &self.message)
            .field("large_attachment_sizes", &sizes)
            .finish()
    }
}

enum Part {
    Inline(Value),
    Large(LargeAttachment),
}

fn attachment(a: &AttachmentIn, n: usize) -> Result<Part, ProviderError> {
    if a.name.trim().is_empty() {
        return Err(bad(format!("attachments[{n}]: name is required")));
    }
    let bytes = STANDARD.decode(a.content.trim()).map_err(|_| {
        bad(format!(
            "attachments[{n}] ({}): content is not valid base64",
            a.name
        ))
    })?;
    let content_type = a
        .mime_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".to_string());
    if bytes.len() > MAX_ATTACHMENT {
        return Err(ProviderError::new(
            Failure::TooLarge,
            Code::AttachmentTooLarge,
            format!(
                "attachments[{n}] ({}) is {} bytes; Office 365 takes attachments up to 150 MB",
                a.name,
                bytes.len()
            ),
        ));
    }
    if bytes.len() > MAX_INLINE_ATTACHMENT {
        return Ok(Part::Large(LargeAttachment {
            name: a.name.clone(),
            content_type,
            bytes,
            inline: a.inline,
            content_id: a.content_id.clone(),
        }));
    }
    let mut out = json!({
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": a.name,
        "contentType": content_type,
        "contentBytes": STANDARD.encode(&bytes),
        "isInline": a.inline,
    });
    if let Some(id) = &a.content_id {
        out["contentId"] = json!(id);
    }
    Ok(Part::Inline(out))
}

pub fn graph_message(
    email: &OutgoingEmail,
    body_type: BodyType,
    purpose: Purpose,
) -> Result<Composed, ProviderError> {
    if email.tracking.is_some() || email.follow_up.is_some() {
        return Err(bad(
            "tracking and followUp are not supported by switchboard",
        ));
    }
    if purpose != Purpose::Reply && (email.in_reply_to.is_some() || email.references.is_some()) {
        return Err(bad("Office 365 sets In-Reply-To and References itself: answer with POST /v1/email/messages/{id}/reply instead"));
    }
    if purpose == Purpose::New && email.to.is_empty() && email.cc.is_empty() && email.bcc.is_empty()
    {
        return Err(bad("give at least one recipient in to, cc or bcc"));
    }
    let mut m = Map::new();
    if let Some(subject) = &email.subject {
        m.insert("subject".into(), json!(subject));
    }
    if let Some(body) = &email.body {
        let kind = match body_type {
            BodyType::Html => "HTML",
            BodyType::Text => "Text",
        };
        m.insert(
            "body".into(),
            json!({ "contentType": kind, "content": body }),
        );
    }
    for (key, list, field) in [
        ("toRecipients", &email.to, "to"),
        ("ccRecipients", &email.cc, "cc"),
        ("bccRecipients", &email.bcc, "bcc"),
        ("replyTo", &email.reply_to, "replyTo"),
    ] {
        if !list.is_empty() {
            m.insert(key.into(), json!(addresses(list, field)?));
        }
    }
    if let Some(from) = &email.from {
        m.insert("from".into(), address(from, "from")?);
    }
    if let Some(keywords) = &email.keywords {
        m.insert("categories".into(), json!(keywords));
    }
    if !email.x_headers.is_empty() {
        let mut headers = Vec::new();
        for h in &email.x_headers {
            if !h.name.to_ascii_lowercase().starts_with("x-")
                || h.name.contains(':')
                || h.name.len() > 100
            {
                return Err(bad(format!(
                    "xHeaders: '{}' is not a custom header (its name must start with X-)",
                    h.name
                )));
            }
            headers.push(json!({ "name": h.name, "value": h.value }));
        }
        m.insert("internetMessageHeaders".into(), json!(headers));
    }
    let mut large = Vec::new();
    if !email.attachments.is_empty() {
        let mut inline = Vec::new();
        for (n, a) in email.attachments.iter().enumerate() {
            match attachment(a, n)? {
                Part::Inline(v) => inline.push(v),
                Part::Large(l) => large.push(l),
            }
        }
        if !inline.is_empty() {
            m.insert("attachments".into(), json!(inline));
        }
    }
    Ok(Composed {
        message: Value::Object(m),
        large,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(address: &str) -> EmailAddressIn {
        EmailAddressIn::new(address, Some("Someone".into()))
    }

    #[test]
    fn builds_graph_shapes() {
        let email = OutgoingEmail {
            subject: Some("Hi".into()),
            body: Some("Hello".into()),
            to: vec![to("a@contoso.com")],
            bcc: vec![EmailAddressIn::new("b@contoso.com", None)],
            keywords: Some(vec!["Blue".into()]),
            x_headers: vec![crate::model::email::HeaderIn {
                name: "X-Campaign".into(),
                value: "7".into(),
            }],
            attachments: vec![AttachmentIn {
                name: "a.txt".into(),
                mime_type: None,
                content: "SGVsbG8=".into(),
                inline: false,
                content_id: None,
            }],
            ..Default::default()
        };
        let m = graph_message(&email, BodyType::Text, Purpose::New)
            .unwrap()
            .message;
        assert_eq!(
            m["body"],
            json!({"contentType": "Text", "content": "Hello"})
        );
        assert_eq!(
            m["toRecipients"][0],
            json!({"emailAddress": {"address": "a@contoso.com", "name": "Someone"}})
        );
        assert_eq!(
            m["bccRecipients"][0],
            json!({"emailAddress": {"address": "b@contoso.com"}})
        );
        assert_eq!(m["categories"], json!(["Blue"]));
        assert_eq!(m["internetMessageHeaders"][0]["name"], "X-Campaign");
        assert_eq!(
            m["attachments"][0]["contentType"],
            "application/octet-stream"
        );
        assert!(m.get("ccRecipients").is_none());
    }

    #[test]
    fn refuses_what_graph_cannot_do() {
        let base = OutgoingEmail {
            to: vec![to("a@contoso.com")],
            ..Default::default()
        };
        assert!(graph_message(&OutgoingEmail::default(), BodyType::Html, Purpose::New).is_err());
        assert!(graph_message(&OutgoingEmail::default(), BodyType::Html, Purpose::Reply).is_ok());
        for bad_address in ["not-an-address", "a b@c.com", "x@nodot", "<a@b.com>"] {
            let e = OutgoingEmail {
                to: vec![to(bad_address)],
                ..Default::default()
            };
            assert!(
                graph_message(&e, BodyType::Html, Purpose::New).is_err(),
                "{bad_address}"
            );
        }
        let e = OutgoingEmail {
            in_reply_to: Some("<x@y>".into()),
            ..base.clone()
        };
        assert!(graph_message(&e, BodyType::Html, Purpose::New)
            .unwrap_err()
            .message
            .contains("/reply"));
        let e = OutgoingEmail {
            x_headers: vec![crate::model::email::HeaderIn {
                name: "Subject".into(),
                value: "x".into(),
            }],
            ..base.clone()
        };
        assert!(graph_message(&e, BodyType::Html, Purpose::New).is_err());
        let big = STANDARD.encode(vec![0u8; MAX_INLINE_ATTACHMENT + 1]);
        let e = OutgoingEmail {
            attachments: vec![AttachmentIn {
                name: "big".into(),
                mime_type: None,
                content: big,
                inline: false,
                content_id: None,
            }],
            ..base.clone()
        };
        let composed = graph_message(&e, BodyType::Html, Purpose::New).unwrap();
        assert_eq!(composed.large.len(), 1, "over 3 MB: uploaded apart");
        assert!(composed.message.get("attachments").is_none());
        assert_eq!(composed.large[0].bytes.len(), MAX_INLINE_ATTACHMENT + 1);
        let e = OutgoingEmail {
            attachments: vec![AttachmentIn {
                name: "x".into(),
                mime_type: None,
                content: "%%%".into(),
                inline: false,
                content_id: None,
            }],
            ..base
        };
        assert!(graph_message(&e, BodyType::Html, Purpose::New)
            .unwrap_err()
            .message
            .contains("base64"));
    }
}
