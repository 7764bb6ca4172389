//! `TaskList`, `Task` and their pages, as the contract has them.

use serde::{Deserialize, Serialize};

/// `TaskList`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskList {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub title: String,
    /// Whether the account owns the list (else it was shared with it).
    pub owner: bool,
    pub shared: bool,
    pub default_list: bool,
    pub emails_list: bool,
}

/// `TaskListPage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskListPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    pub length: usize,
    pub records: Vec<TaskList>,
}

/// `TaskListCreate` / `TaskListUpdate`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TaskListCreate)]
pub struct TaskListInput {
    pub title: String,
}

/// `TaskLink`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskLink {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// `Task`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub status: String,
    pub importance: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    pub categories: Vec<String>,
    pub links: Vec<TaskLink>,
    /// What this record leaves out: nothing, To Do tasks come whole.
    pub omitted: Vec<&'static str>,
}

/// `TaskCreate` / `TaskUpdate`: on an update only the fields given change; `null` clears a date.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TaskCreate)]
pub struct TaskInput {
    pub title: Option<String>,
    pub parent_id: Option<String>,
    pub previous_id: Option<String>,
    pub notes: Option<String>,
    pub status: Option<String>,
    pub importance: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub due: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub start_date_time: Option<Option<String>>,
    pub categories: Option<Vec<String>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `TaskCreateResponse` / `TaskUpdateResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = TaskCreateResponse)]
pub struct TaskOrId {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub record: Task,
}

/// `TasksPage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TasksPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    pub length: usize,
    pub records: Vec<Task>,
}
