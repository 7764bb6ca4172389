//! Microsoft To Do `todoTaskList`/`todoTask` ⇄ unified `TaskList`/`Task`.

use crate::model::rfc3339;
use crate::model::task::{Task, TaskInput, TaskLink, TaskList};
use crate::model::{normalize_time, parse_instant};
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::shapes::{nonempty, strings, ItemBody, Text, Texts};
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::time::{to_graph_utc, DateTimeTimeZone};
use serde::Deserialize;
use serde_json::{json, Map, Value};

const STATUSES: &[&str] = &[
    "notStarted",
    "inProgress",
    "completed",
    "waitingOnOthers",
    "deferred",
];
const IMPORTANCES: &[&str] = &["low", "normal", "high"];

/// Graph's `todoTaskList`, as switchboard reads it.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(in crate::providers::office365) struct GraphTaskList<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(rename = "@odata.etag", borrow)]
    etag: Text<'a>,
    #[serde(borrow)]
    display_name: Text<'a>,
    is_owner: Option<bool>,
    is_shared: Option<bool>,
    #[serde(borrow)]
    wellknown_list_name: Text<'a>,
}

/// Graph's `todoTask`, as switchboard reads it.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(in crate::providers::office365) struct GraphTask<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(rename = "@odata.etag", borrow)]
    etag: Text<'a>,
    #[serde(borrow)]
    title: Text<'a>,
    #[serde(borrow)]
    last_modified_date_time: Text<'a>,
    #[serde(borrow)]
    body: Option<ItemBody<'a>>,
    #[serde(borrow)]
    status: Text<'a>,
    #[serde(borrow)]
    importance: Text<'a>,
    #[serde(borrow)]
    due_date_time: Option<DateTimeTimeZone<'a>>,
    #[serde(borrow)]
    completed_date_time: Option<DateTimeTimeZone<'a>>,
    #[serde(borrow)]
    start_date_time: Option<DateTimeTimeZone<'a>>,
    #[serde(borrow)]
    categories: Texts<'a>,
    #[serde(borrow)]
    linked_resources: Option<Vec<LinkedResource<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct LinkedResource<'a> {
    #[serde(borrow)]
    application_name: Text<'a>,
    #[serde(borrow)]
    display_name: Text<'a>,
    #[serde(borrow)]
    web_url: Text<'a>,
}

fn instant(t: &Option<DateTimeTimeZone>) -> Option<String> {
    t.as_ref()
        .and_then(DateTimeTimeZone::instant)
        .map(|t| rfc3339(t.timestamp()))
}

pub(in crate::providers::office365) fn list_from_graph(l: &GraphTaskList) -> TaskList {
    let wellknown = l.wellknown_list_name.as_deref().unwrap_or("none");
    TaskList {
        id: nonempty(&l.id).unwrap_or_default(),
        etag: nonempty(&l.etag),
        title: nonempty(&l.display_name).unwrap_or_default(),
        owner: l.is_owner.unwrap_or(true),
        shared: l.is_shared.unwrap_or(false),
        default_list: wellknown == "defaultList",
        emails_list: wellknown == "flaggedEmails",
    }
}

pub(in crate::providers::office365) fn task_from_graph(t: &GraphTask) -> Task {
    let links = t
        .linked_resources
        .iter()
        .flatten()
        .map(|l| TaskLink {
            source: nonempty(&l.application_name),
            description: nonempty(&l.display_name),
            link: nonempty(&l.web_url),
        })
        .collect();
    Task {
        id: nonempty(&t.id).unwrap_or_default(),
        etag: nonempty(&t.etag),
        title: nonempty(&t.title).unwrap_or_default(),
        last_modified_time: t
            .last_modified_date_time
            .as_deref()
            .and_then(normalize_time),
        notes: t.body.as_ref().and_then(|b| nonempty(&b.content)),
        status: nonempty(&t.status).unwrap_or_else(|| "notStarted".into()),
        importance: nonempty(&t.importance).unwrap_or_else(|| "normal".into()),
        due: instant(&t.due_date_time),
        completed: instant(&t.completed_date_time),
        start_date_time: instant(&t.start_date_time),
        categories: strings(&t.categories),
        links,
        omitted: vec![],
    }
}

/// An RFC 3339 time (or a plain `YYYY-MM-DD`, taken as midnight UTC) as Graph's UTC value.
fn graph_time(field: &str, value: &Option<String>) -> Result<Value, ProviderError> {
    let Some(text) = value else {
        return Ok(Value::Null);
    };
    let instant = parse_instant(text).ok_or_else(|| {
        bad(format!(
            "{field} '{text}' is not an RFC 3339 time (2024-05-01T09:00:00Z) or a date"
        ))
    })?;
    Ok(to_graph_utc(instant))
}

pub fn task_to_graph(t: &TaskInput, creating: bool) -> Result<Value, ProviderError> {
    if t.parent_id.is_some() || t.previous_id.is_some() {
        return Err(bad("Microsoft To Do has no sub-tasks or task positions: parentId and previousId are not accepted"));
    }
    let mut m = Map::new();
    match &t.title {
        Some(title) if !title.trim().is_empty() => {
            m.insert("title".into(), json!(title));
        }
        Some(_) => return Err(bad("title must not be empty")),
        None if creating => return Err(bad("title is required")),
        None => {}
    }
    if let Some(status) = &t.status {
        if !STATUSES.contains(&status.as_str()) {
            return Err(bad(format!(
                "status '{status}' is not one of {}",
                STATUSES.join(", ")
            )));
        }
        m.insert("status".into(), json!(status));
    }
    if let Some(importance) = &t.importance {
        if !IMPORTANCES.contains(&importance.as_str()) {
            return Err(bad(format!(
                "importance '{importance}' is not one of low, normal, high"
            )));
        }
        m.insert("importance".into(), json!(importance));
    }
    if let Some(notes) = &t.notes {
        m.insert(
            "body".into(),
            json!({ "content": notes, "contentType": "text" }),
        );
    }
    if let Some(due) = &t.due {
        m.insert("dueDateTime".into(), graph_time("due", due)?);
    }
    if let Some(start) = &t.start_date_time {
        m.insert("startDateTime".into(), graph_time("startDateTime", start)?);
    }
    if let Some(categories) = &t.categories {
        m.insert("categories".into(), json!(categories));
    }
    Ok(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_read_and_write_in_utc() {
        let t = task_from_graph(&GraphTask::deserialize(&json!({
            "id": "AQMk=", "title": "Call Bob", "status": "inProgress", "importance": "high",
            "dueDateTime": {"dateTime": "2020-07-25T16:00:00.0000000", "timeZone": "Eastern Standard Time"},
            "body": {"content": "", "contentType": "text"}, "categories": ["Work"],
            "linkedResources": [{"applicationName": "CRM", "displayName": "Deal 7", "webUrl": "https://crm.example.com/7"}]
        })).unwrap());
        assert_eq!(t.due.as_deref(), Some("2020-07-25T20:00:00Z"));
        assert_eq!(t.notes, None);
        assert_eq!(
            t.links[0].link.as_deref(),
            Some("https://crm.example.com/7")
        );
        let input = TaskInput {
            title: Some("x".into()),
            due: Some(Some("2024-05-01T09:00:00+02:00".into())),
            ..Default::default()
        };
        assert_eq!(
            task_to_graph(&input, true).unwrap()["dueDateTime"],
            json!({"dateTime": "2024-05-01T07:00:00.0000000", "timeZone": "UTC"})
        );
        let clear = TaskInput {
            due: Some(None),
            ..Default::default()
        };
        assert_eq!(
            task_to_graph(&clear, false).unwrap()["dueDateTime"],
            Value::Null
        );
        assert!(
            task_to_graph(&TaskInput::default(), true).is_err(),
            "a new task needs a title"
        );
        assert!(task_to_graph(
            &TaskInput {
                status: Some("done".into()),
                ..Default::default()
            },
            false
        )
        .is_err());
        assert!(task_to_graph(
            &TaskInput {
                parent_id: Some("p".into()),
                ..Default::default()
            },
            false
        )
        .is_err());
    }
}
