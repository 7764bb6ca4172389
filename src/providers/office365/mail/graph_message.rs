//! Graph's `message` and `attachment` as they arrive, typed: the properties switchboard selects,
//! their strings borrowed from the answer where they carry no escapes (a listing of 100 messages
//! is read without building a JSON tree first).

use crate::providers::office365::graph::shapes::{ItemBody, Recipient, Text, Texts};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Flag<'a> {
    #[serde(borrow)]
    pub flag_status: Text<'a>,
}

#[derive(Deserialize, Default)]
pub struct Header<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow)]
    pub value: Text<'a>,
}

/// A single-value extended (MAPI) property: `{id: "Integer 0x36", value: "2"}`.
#[derive(Deserialize, Default)]
pub struct ExtendedProperty<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub value: Text<'a>,
}

/// An attachment's description, with its content when Graph sent it.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GraphAttachment<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow)]
    pub content_type: Text<'a>,
    pub size: Option<u64>,
    pub is_inline: Option<bool>,
    #[serde(borrow)]
    pub content_id: Text<'a>,
    #[serde(borrow)]
    pub content_bytes: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GraphMessage<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub conversation_id: Text<'a>,
    #[serde(borrow)]
    pub conversation_index: Text<'a>,
    #[serde(borrow)]
    pub created_date_time: Text<'a>,
    #[serde(borrow)]
    pub last_modified_date_time: Text<'a>,
    #[serde(borrow)]
    pub sent_date_time: Text<'a>,
    #[serde(borrow)]
    pub received_date_time: Text<'a>,
    #[serde(borrow)]
    pub internet_message_id: Text<'a>,
    #[serde(borrow)]
    pub subject: Text<'a>,
    #[serde(borrow)]
    pub categories: Texts<'a>,
    #[serde(borrow)]
    pub importance: Text<'a>,
    #[serde(borrow)]
    pub from: Option<Recipient<'a>>,
    #[serde(borrow)]
    pub to_recipients: Option<Vec<Recipient<'a>>>,
    #[serde(borrow)]
    pub cc_recipients: Option<Vec<Recipient<'a>>>,
    #[serde(borrow)]
    pub bcc_recipients: Option<Vec<Recipient<'a>>>,
    #[serde(borrow)]
    pub reply_to: Option<Vec<Recipient<'a>>>,
    pub has_attachments: Option<bool>,
    #[serde(borrow)]
    pub body_preview: Text<'a>,
    #[serde(borrow)]
    pub parent_folder_id: Text<'a>,
    pub is_read: Option<bool>,
    pub is_draft: Option<bool>,
    #[serde(borrow)]
    pub flag: Option<Flag<'a>>,
    #[serde(borrow)]
    pub web_link: Text<'a>,
    #[serde(borrow)]
    pub meeting_message_type: Text<'a>,
    #[serde(borrow)]
    pub body: Option<ItemBody<'a>>,
    #[serde(borrow)]
    pub unique_body: Option<ItemBody<'a>>,
    #[serde(borrow)]
    pub internet_message_headers: Option<Vec<Header<'a>>>,
    #[serde(borrow)]
    pub attachments: Option<Vec<GraphAttachment<'a>>>,
    #[serde(borrow)]
    pub single_value_extended_properties: Option<Vec<ExtendedProperty<'a>>>,
}
