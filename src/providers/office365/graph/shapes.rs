//! Graph's shared complex types as switchboard reads them (`itemBody`, `recipient`, a collection
//! page), their strings borrowed from the answer where they carry no escapes.

use serde::Deserialize;
use std::borrow::Cow;

pub type Text<'a> = Option<Cow<'a, str>>;
pub type Texts<'a> = Option<Vec<Cow<'a, str>>>;

/// A string Graph sent, when it is not empty.
pub fn nonempty(t: &Text) -> Option<String> {
    t.as_deref().filter(|s| !s.is_empty()).map(str::to_string)
}

/// A list of strings Graph sent (none when it sent none).
pub fn strings(list: &Texts) -> Vec<String> {
    list.iter().flatten().map(|s| s.to_string()).collect()
}

/// A page of a collection: its items and the link to the next page.
#[derive(Deserialize)]
pub struct GraphPage<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

/// `{name, address}`.
#[derive(Deserialize, Default)]
pub struct Address<'a> {
    #[serde(borrow)]
    pub address: Text<'a>,
    #[serde(borrow)]
    pub name: Text<'a>,
}

/// A recipient: `{emailAddress: {name, address}}`, or a bare `{name, address}`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Recipient<'a> {
    #[serde(borrow)]
    pub email_address: Option<Address<'a>>,
    #[serde(borrow)]
    pub address: Text<'a>,
    #[serde(borrow)]
    pub name: Text<'a>,
}

#[derive(Deserialize, Default)]
pub struct ItemBody<'a> {
    #[serde(borrow)]
    pub content: Text<'a>,
}
