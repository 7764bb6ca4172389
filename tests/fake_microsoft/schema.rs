//! The part of Graph's type system (`microsoft.graph.*`, v1.0) the fake checks query options
//! against: each type's properties, its navigation properties and its base type. From the
//! resource pages of Microsoft's Graph documentation (`api-reference/v1.0/resources/*.md`).

pub struct EntityType {
    pub name: &'static str,
    pub base: Option<&'static str>,
    pub properties: &'static [&'static str],
    /// Navigation properties: name, target type, whether `$expand` may name it.
    pub navigation: &'static [(&'static str, &'static str, bool)],
}

const EXTENDED: [(&str, &str, bool); 2] = [
    (
        "singleValueExtendedProperties",
        "singleValueLegacyExtendedProperty",
        true,
    ),
    (
        "multiValueExtendedProperties",
        "multiValueLegacyExtendedProperty",
        true,
    ),
];

#[rustfmt::skip]
pub const TYPES: &[EntityType] = &[
    EntityType {
        name: "message",
        base: None,
        properties: &[
            "bccRecipients", "body", "bodyPreview", "categories", "ccRecipients", "changeKey",
            "conversationId", "conversationIndex", "createdDateTime", "flag", "from",
            "hasAttachments", "id", "importance", "inferenceClassification",
            "internetMessageHeaders", "internetMessageId", "isDeliveryReceiptRequested",
            "isDraft", "isRead", "isReadReceiptRequested", "lastModifiedDateTime",
            "parentFolderId", "receivedDateTime", "replyTo", "sender", "sentDateTime", "subject",
            "toRecipients", "uniqueBody", "webLink",
        ],
        navigation: &[
            ("attachments", "attachment", true),
            ("extensions", "extension", true),
            EXTENDED[0],
            EXTENDED[1],
        ],
    },
    EntityType {
        name: "eventMessage",
        base: Some("message"),
        properties: &[
            "endDateTime", "isAllDay", "isDelegated", "isOutOfDate", "location",
            "meetingMessageType", "recurrence", "startDateTime", "type",
        ],
        navigation: &[("event", "event", true)],
    },
    EntityType {
        name: "eventMessageRequest",
        base: Some("eventMessage"),
        properties: &[
            "allowNewTimeProposals", "meetingRequestType", "previousEndDateTime",
            "previousLocation", "previousStartDateTime", "responseRequested",
        ],
        navigation: &[],
    },
    EntityType {
        name: "eventMessageResponse",
        base: Some("eventMessage"),
        properties: &["proposedNewTime", "responseType"],
        navigation: &[],
    },
    EntityType {
        name: "attachment",
        base: None,
        properties: &["contentType", "id", "isInline", "lastModifiedDateTime", "name", "size"],
        navigation: &[],
    },
    EntityType {
        name: "fileAttachment",
        base: Some("attachment"),
        properties: &["contentBytes", "contentId", "contentLocation"],
        navigation: &[],
    },
    EntityType {
        name: "itemAttachment",
        base: Some("attachment"),
        properties: &[],
        navigation: &[("item", "outlookItem", true)],
    },
    EntityType {
        name: "referenceAttachment",
        base: Some("attachment"),
        properties: &[],
        navigation: &[],
    },
    EntityType {
        name: "mailFolder",
        base: None,
        properties: &[
            "childFolderCount", "displayName", "id", "isHidden", "parentFolderId",
            "totalItemCount", "unreadItemCount",
        ],
        navigation: &[
            ("childFolders", "mailFolder", true),
            ("messages", "message", true),
            ("messageRules", "messageRule", true),
            EXTENDED[0],
            EXTENDED[1],
        ],
    },
    EntityType {
        name: "event",
        base: None,
        properties: &[
            "allowNewTimeProposals", "attendees", "body", "bodyPreview", "categories",
            "changeKey", "createdDateTime", "end", "hasAttachments", "hideAttendees", "iCalUId",
            "id", "importance", "isAllDay", "isCancelled", "isDraft", "isOnlineMeeting",
            "isOrganizer", "isReminderOn", "lastModifiedDateTime", "location", "locations",
            "onlineMeeting", "onlineMeetingProvider", "onlineMeetingUrl", "organizer",
            "originalEndTimeZone", "originalStart", "originalStartTimeZone", "recurrence",
            "reminderMinutesBeforeStart", "responseRequested", "responseStatus", "sensitivity",
            "seriesMasterId", "showAs", "start", "subject", "transactionId", "type", "webLink",
        ],
        // `calendar` and `instances` are not expandable (event.md's capability annotations).
        navigation: &[
            ("attachments", "attachment", true),
            ("calendar", "calendar", false),
            ("extensions", "extension", true),
            ("instances", "event", false),
            EXTENDED[0],
            EXTENDED[1],
        ],
    },
    EntityType {
        name: "calendar",
        base: None,
        properties: &[
            "allowedOnlineMeetingProviders", "canEdit", "canShare", "canViewPrivateItems",
            "changeKey", "color", "defaultOnlineMeetingProvider", "hexColor", "id",
            "isDefaultCalendar", "isRemovable", "isTallyingResponses", "name", "owner",
        ],
        navigation: &[
            ("calendarPermissions", "calendarPermission", false),
            ("calendarView", "event", false),
            ("events", "event", false),
            EXTENDED[0],
            EXTENDED[1],
        ],
    },
    EntityType {
        name: "contact",
        base: None,
        properties: &[
            "assistantName", "birthday", "businessAddress", "businessHomePage", "businessPhones",
            "categories", "changeKey", "children", "companyName", "createdDateTime", "department",
            "displayName", "emailAddresses", "fileAs", "generation", "givenName", "homeAddress",
            "homePhones", "id", "imAddresses", "initials", "jobTitle", "lastModifiedDateTime",
            "manager", "middleName", "mobilePhone", "nickName", "officeLocation", "otherAddress",
            "parentFolderId", "personalNotes", "profession", "spouseName", "surname", "title",
            "yomiCompanyName", "yomiGivenName", "yomiSurname",
        ],
        navigation: &[
            ("extensions", "extension", true),
            ("photo", "profilePhoto", true),
            EXTENDED[0],
            EXTENDED[1],
        ],
    },
    EntityType {
        name: "todoTaskList",
        base: None,
        properties: &["displayName", "id", "isOwner", "isShared", "wellknownListName"],
        navigation: &[("extensions", "extension", true), ("tasks", "todoTask", true)],
    },
    EntityType {
        name: "todoTask",
        base: None,
        properties: &[
            "body", "bodyLastModifiedDateTime", "categories", "completedDateTime",
            "createdDateTime", "dueDateTime", "hasAttachments", "id", "importance",
            "isReminderOn", "lastModifiedDateTime", "recurrence", "reminderDateTime",
            "startDateTime", "status", "title",
        ],
        navigation: &[
            ("attachments", "taskFileAttachment", true),
            ("checklistItems", "checklistItem", true),
            ("extensions", "extension", true),
            ("linkedResources", "linkedResource", true),
        ],
    },
    EntityType {
        name: "user",
        base: None,
        properties: &[
            "aboutMe", "accountEnabled", "businessPhones", "city", "companyName", "country",
            "department", "displayName", "givenName", "id", "jobTitle", "mail", "mailNickname",
            "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName",
        ],
        navigation: &[],
    },
    EntityType {
        name: "mailboxSettings",
        base: None,
        properties: &[
            "archiveFolder", "automaticRepliesSetting", "dateFormat", "delegateMeetingMessageDeliveryOptions",
            "language", "timeFormat", "timeZone", "userPurpose", "workingHours",
        ],
        navigation: &[],
    },
];

pub fn entity(name: &str) -> Option<&'static EntityType> {
    TYPES.iter().find(|t| t.name == name)
}

/// Whether `derived` is `base` or one of its subtypes.
pub fn derives_from(derived: &EntityType, base: &str) -> bool {
    let mut at = Some(derived);
    while let Some(t) = at {
        if t.name == base {
            return true;
        }
        at = t.base.and_then(entity);
    }
    false
}

/// A structural property of the type, its own or inherited.
pub fn has_property(t: &EntityType, name: &str) -> bool {
    let mut at = Some(t);
    while let Some(t) = at {
        if t.properties.contains(&name) {
            return true;
        }
        at = t.base.and_then(entity);
    }
    false
}

/// A navigation property of the type, its own or inherited.
pub fn navigation(t: &EntityType, name: &str) -> Option<(&'static str, bool)> {
    let mut at = Some(t);
    while let Some(t) = at {
        if let Some((_, target, expandable)) = t.navigation.iter().find(|(n, _, _)| *n == name) {
            return Some((target, *expandable));
        }
        at = t.base.and_then(entity);
    }
    None
}
