//! Task lists and their tasks: list, read, create, update, delete.

use super::extract::{if_match, required_if_match, ApiJson, ApiPath, ApiQuery, IfMatch};
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::ApiError;
use crate::model::task::{
    Task, TaskInput, TaskList, TaskListInput, TaskListPage, TaskOrId, TasksPage,
};
use crate::model::{Ok as OkResponse, OK};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    page_token: Option<String>,
    /// Tasks per page, 1 to 100 (default 25); an extension of the contract.
    limit: Option<u32>,
}

/// Microsoft To Do lists.
#[utoipa::path(get, path = "/v1/tasklists", tag = "TaskLists", operation_id = "taskListsList",
    params(("pageToken" = Option<String>, Query, description = "The `nextPageToken` of the previous page")),
    responses((status = 200, body = TaskListPage)))]
pub async fn lists(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksRead>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<TaskListPage>, ApiError> {
    Ok(Json(
        state
            .tasks(&account)?
            .task_lists(&account, p.page_token.as_deref())
            .await?,
    ))
}

/// Creates a list.
#[utoipa::path(post, path = "/v1/tasklists", tag = "TaskLists", operation_id = "createTaskList",
    request_body = TaskListInput, responses((status = 201, body = TaskList)))]
pub async fn create_list(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksWrite>,
    ApiJson(input): ApiJson<TaskListInput>,
) -> Result<(StatusCode, Json<TaskList>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .tasks(&account)?
                .create_task_list(&account, &input.title)
                .await?,
        ),
    ))
}

/// One list (`default` names the default one).
#[utoipa::path(get, path = "/v1/tasklists/{taskListId}", tag = "TaskLists", operation_id = "taskList",
    params(("taskListId" = String, Path, description = "A list id, or `default`")),
    responses((status = 200, body = TaskList)))]
pub async fn list(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksRead>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<TaskList>, ApiError> {
    Ok(Json(state.tasks(&account)?.task_list(&account, &id).await?))
}

/// Renames a list; `If-Match` is the etag last read (`*`: whatever is there).
#[utoipa::path(patch, path = "/v1/tasklists/{taskListId}", tag = "TaskLists", operation_id = "updateTaskList",
    params(("taskListId" = String, Path, description = "A list id, or `default`"), IfMatch),
    request_body = TaskListInput, responses((status = 200, body = TaskList)))]
pub async fn update_list(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksWrite>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<TaskListInput>,
) -> Result<Json<TaskList>, ApiError> {
    let etag = required_if_match(&headers)?;
    Ok(Json(
        state
            .tasks(&account)?
            .update_task_list(&account, &id, &input.title, etag)
            .await?,
    ))
}

/// Deletes a list with its tasks.
#[utoipa::path(delete, path = "/v1/tasklists/{taskListId}", tag = "TaskLists", operation_id = "deleteTaskList",
    params(("taskListId" = String, Path, description = "A list id, or `default`")),
    responses((status = 200, body = OkResponse)))]
pub async fn delete_list(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksWrite>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OkResponse>, ApiError> {
    state
        .tasks(&account)?
        .delete_task_list(&account, &id)
        .await?;
    Ok(Json(OK))
}

/// A list's tasks.
#[utoipa::path(get, path = "/v1/tasklists/{taskListId}/tasks", tag = "Tasks", operation_id = "tasksList",
    params(("taskListId" = String, Path, description = "A list id, or `default`"), PageParams),
    responses((status = 200, body = TasksPage)))]
pub async fn tasks(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksRead>,
    ApiPath(list): ApiPath<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<TasksPage>, ApiError> {
    Ok(Json(
        state
            .tasks(&account)?
            .tasks(&account, &list, p.page_token.as_deref(), p.limit)
            .await?,
    ))
}

/// Creates a task.
#[utoipa::path(post, path = "/v1/tasklists/{taskListId}/tasks", tag = "Tasks", operation_id = "createTask",
    params(("taskListId" = String, Path, description = "A list id, or `default`")),
    request_body = TaskInput, responses((status = 201, body = TaskOrId)))]
pub async fn create_task(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksWrite>,
    ApiPath(list): ApiPath<String>,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<(StatusCode, Json<TaskOrId>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .tasks(&account)?
                .create_task(&account, &list, &input)
                .await?,
        ),
    ))
}

/// One task.
#[utoipa::path(get, path = "/v1/tasklists/{taskListId}/tasks/{id}", tag = "Tasks", operation_id = "task",
    params(("taskListId" = String, Path, description = "A list id, or `default`"), ("id" = String, Path, description = "The task id")),
    responses((status = 200, body = Task)))]
pub async fn task(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksRead>,
    ApiPath((list, id)): ApiPath<(String, String)>,
) -> Result<Json<Task>, ApiError> {
    Ok(Json(
        state.tasks(&account)?.task(&account, &list, &id).await?,
    ))
}

/// Changes the fields given (`null` clears a date); `If-Match`, when given, must be its etag.
#[utoipa::path(patch, path = "/v1/tasklists/{taskListId}/tasks/{id}", tag = "Tasks", operation_id = "updateTask",
    params(("taskListId" = String, Path, description = "A list id, or `default`"), ("id" = String, Path, description = "The task id"),
        ("If-Match" = Option<String>, Header, description = "The etag last read")),
    request_body = TaskInput, responses((status = 200, body = TaskOrId)))]
pub async fn update_task(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksWrite>,
    ApiPath((list, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<Json<TaskOrId>, ApiError> {
    Ok(Json(
        state
            .tasks(&account)?
            .update_task(&account, &list, &id, &input, if_match(&headers)?)
            .await?,
    ))
}

/// Deletes a task (`If-Match`, when given, must be its etag).
#[utoipa::path(delete, path = "/v1/tasklists/{taskListId}/tasks/{id}", tag = "Tasks", operation_id = "deleteTask",
    params(("taskListId" = String, Path, description = "A list id, or `default`"), ("id" = String, Path, description = "The task id"),
        ("If-Match" = Option<String>, Header, description = "The etag last read")),
    responses((status = 200, body = OkResponse)))]
pub async fn delete_task(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksWrite>,
    ApiPath((list, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<OkResponse>, ApiError> {
    state
        .tasks(&account)?
        .delete_task(&account, &list, &id, if_match(&headers)?)
        .await?;
    Ok(Json(OK))
}
