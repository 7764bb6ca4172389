//! What switchboard asks Graph for when it reads mail. Two parts of the contract live on types
//! derived from `message` and `attachment` and must be cast to be selected (a meeting message's
//! `meetingMessageType`, a file attachment's `contentId`); some mailboxes refuse casts, and then
//! the read is repeated without them. A message's sensitivity is an extended MAPI property.

use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::mail::graph_message::GraphMessage;
use serde_json::Value;

/// Everything a list page needs but the body (the snippet stands in for it).
const BASE: &str = "id,conversationId,conversationIndex,createdDateTime,lastModifiedDateTime,\
sentDateTime,receivedDateTime,internetMessageId,subject,categories,importance,from,toRecipients,\
ccRecipients,bccRecipients,replyTo,hasAttachments,bodyPreview,parentFolderId,isRead,isDraft,flag,\
webLink";
const MEETING: &str = "microsoft.graph.eventMessage/meetingMessageType";
const ATTACHMENT: &str = "id,name,contentType,size,isInline";
const FILE_ATTACHMENT: &str = "microsoft.graph.fileAttachment/contentId";
/// `PidTagSensitivity` (0x0036): 0 normal, 1 personal, 2 private, 3 confidential.
const SENSITIVITY: &str = "singleValueExtendedProperties($filter=id eq 'Integer 0x0036')";

/// The properties of a listed message.
pub fn list_select(casts: bool, with_body: bool) -> String {
    let mut select = BASE.to_string();
    if casts {
        select.push(',');
        select.push_str(MEETING);
    }
    if with_body {
        select.push_str(",body");
    }
    select
}

/// An item's attachments described, not their content (for messages and events alike).
pub fn attachments_described(casts: bool) -> String {
    let cast = if casts {
        format!(",{FILE_ATTACHMENT}")
    } else {
        String::new()
    };
    format!("attachments($select={ATTACHMENT}{cast})")
}

/// The query of one message read in full.
pub fn full_message(casts: bool, unique_body: bool) -> String {
    let unique = if unique_body { ",uniqueBody" } else { "" };
    format!(
        "$select={},body,internetMessageHeaders{unique}&$expand={},{SENSITIVITY}",
        list_select(casts, false),
        attachments_described(casts)
    )
}

/// Whether Graph refused a read for one of its property names (a cast, for some mailboxes).
pub fn refused_a_name(e: &ProviderError) -> bool {
    e.kind == Failure::Invalid
        && e.original
            .as_ref()
            .and_then(|o| o.pointer("/error/code"))
            .and_then(Value::as_str)
            == Some("RequestBroker--ParseUri")
}

/// The contract's sensitivity from the extended property, when Graph sent it.
pub fn sensitivity(message: &GraphMessage) -> Option<&'static str> {
    let value = message
        .single_value_extended_properties
        .iter()
        .flatten()
        .find(|p| {
            p.id.as_deref()
                .and_then(|id| id.strip_prefix("Integer 0x"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                == Some(0x36)
        })?
        .value
        .as_deref()?;
    match value.trim() {
        "0" => Some("normal"),
        "1" => Some("personal"),
        "2" => Some("private"),
        "3" => Some("confidential"),
        _ => None,
    }
}

/// The contract's `meetingMessageMethod` from Graph's `meetingMessageType`.
pub fn meeting_method(message: &GraphMessage) -> Option<&'static str> {
    match message.meeting_message_type.as_deref()? {
        "none" => None,
        "meetingRequest" => Some("request"),
        "meetingCancelled" => Some("cancel"),
        "meetingAccepted" | "meetingTenativelyAccepted" | "meetingDeclined" => Some("reply"),
        _ => Some("other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn sensitivity_and_meeting_method_are_read_from_graphs_shapes() {
        let m = json!({"singleValueExtendedProperties": [{"id": "Integer 0x36", "value": "2"}],
                       "meetingMessageType": "meetingTenativelyAccepted"});
        fn typed(v: &Value) -> GraphMessage<'_> {
            GraphMessage::deserialize(v).unwrap()
        }
        assert_eq!(sensitivity(&typed(&m)), Some("private"));
        assert_eq!(meeting_method(&typed(&m)), Some("reply"));
        assert_eq!(sensitivity(&typed(&json!({}))), None);
        assert_eq!(
            meeting_method(&typed(&json!({"meetingMessageType": "none"}))),
            None
        );
        assert!(full_message(true, false).contains(FILE_ATTACHMENT));
        assert!(!full_message(false, false).contains("microsoft.graph."));
    }
}
