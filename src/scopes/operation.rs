//! The unified operations: what the API lets an account do, each allowed by the scopes
//! `scopes.yaml` names. The file is checked against this list when it is loaded.

/// One unified operation, spelt in `scopes.yaml` as its string (`email.read`, …).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
)]
pub enum Operation {
    #[strum(serialize = "email.read")]
    EmailRead,
    #[strum(serialize = "email.modify")]
    EmailModify,
    #[strum(serialize = "email.send")]
    EmailSend,
    #[strum(serialize = "email.drafts")]
    EmailDrafts,
    #[strum(serialize = "calendar.read")]
    CalendarRead,
    #[strum(serialize = "calendar.write")]
    CalendarWrite,
    #[strum(serialize = "contacts.read")]
    ContactsRead,
    #[strum(serialize = "contacts.write")]
    ContactsWrite,
    #[strum(serialize = "tasks.read")]
    TasksRead,
    #[strum(serialize = "tasks.write")]
    TasksWrite,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
