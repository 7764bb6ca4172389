//! Graph's rules for delta queries (facts §6; `message-delta.md`, `event-delta.md`,
//! `contact-delta.md`, msgraph-metadata issues #607/#608): mail changes are tracked per folder
//! only, a calendar's only through a time window, and each delta takes few query options.

use switchboard::providers::office365::graph::surface::matches_template as matches;

/// `(code, message)` of Graph's refusal, if this delta request is one.
pub fn refuse(path: &str, pairs: &[(String, String)]) -> Option<(&'static str, String)> {
    let unsupported = |t: &str| {
        Some((
            "BadRequest",
            format!("Unsupported request: Change tracking is not supported against 'microsoft.graph.{t}'."),
        ))
    };
    if matches("/me/messages/delta", path) {
        return unsupported("message");
    }
    if matches("/me/{calendar}/events/delta", path) || matches("/me/events/delta", path) {
        return unsupported("event");
    }
    let has = |k: &str| pairs.iter().any(|(p, _)| p == k);
    let first_round = !has("$deltatoken") && !has("$skiptoken");
    let allowed: &[&str] = if matches("/me/mailFolders/{f}/messages/delta", path) {
        &[
            "$select",
            "$top",
            "$expand",
            "$filter",
            "$orderby",
            "changeType",
        ]
    } else if matches("/me/calendarView/delta", path)
        || matches("/me/{calendar}/calendarView/delta", path)
    {
        if first_round && !(has("startDateTime") && has("endDateTime")) {
            return Some(("ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.".into()));
        }
        &["startDateTime", "endDateTime"]
    } else if [
        "/me/contactFolders/{f}/contacts/delta",
        "/me/contacts/delta",
        "/me/todo/lists/{l}/tasks/delta",
        "/me/mailFolders/delta",
        "/me/todo/lists/delta",
    ]
    .iter()
    .any(|t| matches(t, path))
    {
        &["$select"]
    } else {
        return None;
    };
    for (key, value) in pairs {
        if matches!(key.as_str(), "$deltatoken" | "$skiptoken") {
            continue;
        }
        if !allowed.contains(&key.as_str()) {
            return Some(("ErrorInvalidUrlQuery", format!("The query parameter '{key}' is not supported with change tracking over this resource.")));
        }
        let filter_ok = |v: &str| {
            v.starts_with("receivedDateTime ge ") || v.starts_with("receivedDateTime gt ")
        };
        if key == "$filter" && !filter_ok(value) {
            return Some((
                "ErrorInvalidUrlQuery",
                "Only 'receivedDateTime ge|gt' is supported in $filter with change tracking."
                    .into(),
            ));
        }
        if key == "$orderby" && value != "receivedDateTime desc" {
            return Some((
                "ErrorInvalidUrlQuery",
                "Only 'receivedDateTime desc' is supported in $orderby with change tracking."
                    .into(),
            ));
        }
    }
    None
}
