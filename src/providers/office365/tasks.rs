//! Microsoft To Do: task lists (`default` names the default list) and their tasks, mapped both
//! ways. Dates are instants in UTC; Graph's `dateTimeTimeZone` values are converted.

use super::graph::GraphRequest;
use super::time::{from_graph, to_graph_utc};
use crate::error::ApiError;
use crate::model::normalize_time;
use crate::model::rfc3339;
use crate::model::task::{Task, TaskInput, TaskLink, TaskList, TaskListPage, TaskOrId, TasksPage};
use crate::paging;
use crate::state::Services;
use crate::store::AccountRecord;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

const STATUSES: &[&str] = &[
    "notStarted",
    "inProgress",
    "completed",
    "waitingOnOthers",
    "deferred",
];
const IMPORTANCES: &[&str] = &["low", "normal", "high"];

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn enc(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

fn list_from_graph(v: &Value) -> TaskList {
    let wellknown = v
        .get("wellknownListName")
        .and_then(Value::as_str)
        .unwrap_or("none");
    TaskList {
        id: text(v, "id").unwrap_or_default(),
        etag: text(v, "@odata.etag"),
        title: text(v, "displayName").unwrap_or_default(),
        shared: v.get("isShared").and_then(Value::as_bool).unwrap_or(false),
        default_list: wellknown == "defaultList",
        emails_list: wellknown == "flaggedEmails",
    }
}

fn instant(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(from_graph)
        .map(|t| rfc3339(t.timestamp()))
}

pub fn task_from_graph(v: &Value) -> Task {
    let links = v
        .get("linkedResources")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|l| TaskLink {
                    source: text(l, "applicationName"),
                    description: text(l, "displayName"),
                    link: text(l, "webUrl"),
                })
                .collect()
        })
        .unwrap_or_default();
    Task {
        id: text(v, "id").unwrap_or_default(),
        etag: text(v, "@odata.etag"),
        title: text(v, "title").unwrap_or_default(),
        last_modified_time: text(v, "lastModifiedDateTime").and_then(|t| normalize_time(&t)),
        notes: v
            .pointer("/body/content")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        status: text(v, "status").unwrap_or_else(|| "notStarted".into()),
        importance: text(v, "importance").unwrap_or_else(|| "normal".into()),
        due: instant(v, "dueDateTime"),
        completed: instant(v, "completedDateTime"),
        start_date_time: instant(v, "startDateTime"),
        categories: v
            .get("categories")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        links,
    }
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request("badRequest", message)
}

/// An RFC 3339 time (or a plain `YYYY-MM-DD`, taken as midnight UTC) as Graph's UTC value.
fn graph_time(field: &str, value: &Option<String>) -> Result<Value, ApiError> {
    let Some(text) = value else {
        return Ok(Value::Null);
    };
    let instant = chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        })
        .map_err(|_| {
            bad(format!(
                "{field} '{text}' is not an RFC 3339 time (2024-05-01T09:00:00Z) or a date"
            ))
        })?;
    Ok(to_graph_utc(instant))
}

pub fn task_to_graph(t: &TaskInput, creating: bool) -> Result<Value, ApiError> {
    if t.parent_id.is_some() || t.previous_id.is_some() {
        return Err(bad("Microsoft To Do has no sub-tasks or task positions: parentId and previousId are not accepted".into()));
    }
    let mut m = Map::new();
    match &t.title {
        Some(title) if !title.trim().is_empty() => {
            m.insert("title".into(), json!(title));
        }
        Some(_) => return Err(bad("title must not be empty".into())),
        None if creating => return Err(bad("title is required".into())),
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

#[derive(Serialize, Deserialize)]
struct PageState {
    next: String,
}

impl Services {
    async fn todo(
        &self,
        account: &AccountRecord,
        method: Method,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Result<Value, ApiError> {
        let mut request = GraphRequest::with(method, self.graph.url(path), body);
        request.if_match = if_match.map(str::to_string);
        self.graph_json(account, &request).await
    }

    /// A page of a To Do collection, from a page token or from the first page's URL.
    async fn todo_page(
        &self,
        account: &AccountRecord,
        first: String,
        page_token: Option<&str>,
    ) -> Result<(Vec<Value>, Option<String>), ApiError> {
        let next = match page_token.filter(|t| !t.is_empty()) {
            Some(token) => paging::open(self, account, token, |s: &PageState| &s.next)?.next,
            None => first,
        };
        let page = self
            .graph_json(account, &GraphRequest::get(next, vec![]))
            .await?;
        let items = page
            .get("value")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let token = page
            .get("@odata.nextLink")
            .and_then(Value::as_str)
            .map(|l| {
                paging::issue(
                    self,
                    account,
                    &PageState {
                        next: l.to_string(),
                    },
                )
            });
        Ok((items, token))
    }

    /// The Graph id of a list, resolving `default` to the default list.
    async fn list_id(&self, account: &AccountRecord, id: &str) -> Result<String, ApiError> {
        if id != "default" {
            return Ok(id.to_string());
        }
        let mut token: Option<String> = None;
        loop {
            let (lists, next) = self
                .todo_page(
                    account,
                    self.graph.url("/me/todo/lists?$top=100"),
                    token.as_deref(),
                )
                .await?;
            if let Some(found) = lists
                .iter()
                .find(|l| l.get("wellknownListName").and_then(Value::as_str) == Some("defaultList"))
            {
                return Ok(text(found, "id").unwrap_or_default());
            }
            match next {
                Some(n) => token = Some(n),
                None => {
                    return Err(ApiError::not_found(
                        "notFound",
                        "This account has no default task list.",
                    ))
                }
            }
        }
    }

    pub async fn task_lists(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
    ) -> Result<TaskListPage, ApiError> {
        let (lists, next_page_token) = self
            .todo_page(account, self.graph.url("/me/todo/lists"), page_token)
            .await?;
        let records: Vec<TaskList> = lists.iter().map(list_from_graph).collect();
        Ok(TaskListPage {
            next_page_token,
            length: records.len(),
            records,
        })
    }

    pub async fn create_task_list(
        &self,
        account: &AccountRecord,
        title: &str,
    ) -> Result<TaskList, ApiError> {
        if title.trim().is_empty() {
            return Err(bad("title must not be empty".into()));
        }
        Ok(list_from_graph(
            &self
                .todo(
                    account,
                    Method::POST,
                    "/me/todo/lists",
                    Some(json!({ "displayName": title })),
                    None,
                )
                .await?,
        ))
    }

    pub async fn task_list(&self, account: &AccountRecord, id: &str) -> Result<TaskList, ApiError> {
        let id = self.list_id(account, id).await?;
        Ok(list_from_graph(
            &self
                .todo(
                    account,
                    Method::GET,
                    &format!("/me/todo/lists/{}", enc(&id)),
                    None,
                    None,
                )
                .await?,
        ))
    }

    pub async fn update_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
        title: &str,
        if_match: Option<&str>,
    ) -> Result<TaskList, ApiError> {
        if title.trim().is_empty() {
            return Err(bad("title must not be empty".into()));
        }
        let id = self.list_id(account, id).await?;
        let body = json!({ "displayName": title });
        Ok(list_from_graph(
            &self
                .todo(
                    account,
                    Method::PATCH,
                    &format!("/me/todo/lists/{}", enc(&id)),
                    Some(body),
                    if_match,
                )
                .await?,
        ))
    }

    pub async fn delete_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<(), ApiError> {
        let id = self.list_id(account, id).await?;
        self.todo(
            account,
            Method::DELETE,
            &format!("/me/todo/lists/{}", enc(&id)),
            None,
            None,
        )
        .await
        .map(|_| ())
    }

    pub async fn tasks(
        &self,
        account: &AccountRecord,
        list: &str,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<TasksPage, ApiError> {
        let limit = limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(bad("limit must be 1 to 200".into()));
        }
        let first = match page_token {
            Some(_) => String::new(),
            None => self.graph.url(&format!(
                "/me/todo/lists/{}/tasks?$top={limit}",
                enc(&self.list_id(account, list).await?)
            )),
        };
        let (tasks, next_page_token) = self.todo_page(account, first, page_token).await?;
        let records: Vec<Task> = tasks.iter().map(task_from_graph).collect();
        Ok(TasksPage {
            next_page_token,
            length: records.len(),
            records,
        })
    }

    fn with_id(v: Value) -> TaskOrId {
        let record = task_from_graph(&v);
        TaskOrId {
            id: record.id.clone(),
            etag: record.etag.clone(),
            record,
        }
    }

    pub async fn create_task(
        &self,
        account: &AccountRecord,
        list: &str,
        input: &TaskInput,
    ) -> Result<TaskOrId, ApiError> {
        let body = task_to_graph(input, true)?;
        let list = self.list_id(account, list).await?;
        Ok(Self::with_id(
            self.todo(
                account,
                Method::POST,
                &format!("/me/todo/lists/{}/tasks", enc(&list)),
                Some(body),
                None,
            )
            .await?,
        ))
    }

    pub async fn task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
    ) -> Result<Task, ApiError> {
        let list = self.list_id(account, list).await?;
        Ok(task_from_graph(
            &self
                .todo(
                    account,
                    Method::GET,
                    &format!("/me/todo/lists/{}/tasks/{}", enc(&list), enc(id)),
                    None,
                    None,
                )
                .await?,
        ))
    }

    pub async fn update_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        input: &TaskInput,
        if_match: Option<&str>,
    ) -> Result<TaskOrId, ApiError> {
        let body = task_to_graph(input, false)?;
        let list = self.list_id(account, list).await?;
        let path = format!("/me/todo/lists/{}/tasks/{}", enc(&list), enc(id));
        Ok(Self::with_id(
            self.todo(account, Method::PATCH, &path, Some(body), if_match)
                .await?,
        ))
    }

    pub async fn delete_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ApiError> {
        let list = self.list_id(account, list).await?;
        self.todo(
            account,
            Method::DELETE,
            &format!("/me/todo/lists/{}/tasks/{}", enc(&list), enc(id)),
            None,
            if_match,
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_read_and_write_in_utc() {
        let t = task_from_graph(&json!({
            "id": "AQMk=", "title": "Call Bob", "status": "inProgress", "importance": "high",
            "dueDateTime": {"dateTime": "2020-07-25T16:00:00.0000000", "timeZone": "Eastern Standard Time"},
            "body": {"content": "", "contentType": "text"}, "categories": ["Work"],
            "linkedResources": [{"applicationName": "CRM", "displayName": "Deal 7", "webUrl": "https://crm.example.com/7"}]
        }));
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
