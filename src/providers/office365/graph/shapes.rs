//! Graph's shared complex types as switchboard reads them (`itemBody`, `recipient`, a collection
//! page), their strings borrowed from the answer where they carry no escapes.

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

pub type Text<'a> = Option<Str<'a>>;
pub type Texts<'a> = Option<Vec<Str<'a>>>;

/// A string of Graph's answer, borrowed from it when it carries no escapes. (Serde borrows a
/// `Cow<str>` field only when it is one directly; inside an `Option` or a `Vec` it copies.)
#[derive(Default, Clone, PartialEq, Eq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Item<'a> {
        #[serde(borrow)]
        plain: Text<'a>,
        #[serde(borrow)]
        escaped: Text<'a>,
        #[serde(borrow)]
        list: Texts<'a>,
        #[serde(borrow, default)]
        missing: Text<'a>,
    }

    #[test]
    fn strings_are_borrowed_unless_they_carry_escapes() {
        let json =
            r#"{"plain":"Adele Vance","escaped":"a \"quoted\" name","list":["Blue","R\u00e9d"]}"#;
        let item: Item = serde_json::from_str(json).unwrap();
        assert!(matches!(
            item.plain,
            Some(Str(Cow::Borrowed("Adele Vance")))
        ));
        assert!(matches!(&item.escaped, Some(Str(Cow::Owned(s))) if s == "a \"quoted\" name"));
        let list = item.list.unwrap();
        assert!(matches!(list[0], Str(Cow::Borrowed("Blue"))));
        assert_eq!(&*list[1], "Réd");
        assert!(item.missing.is_none());
        assert_eq!(strings(&Some(list)), ["Blue", "Réd"]);
    }
}
