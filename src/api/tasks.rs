use super::extract::{if_match, AccountAuth, ApiJson, ApiPath, ApiQuery};
use super::scope_check;
use crate::error::ApiError;
use crate::model::task::{
    Task, TaskInput, TaskList, TaskListInput, TaskListPage, TaskOrId, TasksPage,
};
use crate::model::{Ok as OkResponse, OK};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageParams {
    page_token: Option<String>,
    limit: Option<u32>,
}

pub async fn lists(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<TaskListPage>, ApiError> {
    scope_check::require(&state, &account, "tasks.read")?;
    Ok(Json(
        state.task_lists(&account, p.page_token.as_deref()).await?,
    ))
}

pub async fn create_list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(input): ApiJson<TaskListInput>,
) -> Result<(StatusCode, Json<TaskList>), ApiError> {
    scope_check::require(&state, &account, "tasks.write")?;
    Ok((
        StatusCode::CREATED,
        Json(state.create_task_list(&account, &input.title).await?),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<TaskList>, ApiError> {
    scope_check::require(&state, &account, "tasks.read")?;
    Ok(Json(state.task_list(&account, &id).await?))
}

pub async fn update_list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<TaskListInput>,
) -> Result<Json<TaskList>, ApiError> {
    scope_check::require(&state, &account, "tasks.write")?;
    Ok(Json(
        state
            .update_task_list(&account, &id, &input.title, if_match(&headers)?)
            .await?,
    ))
}

pub async fn delete_list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "tasks.write")?;
    state.delete_task_list(&account, &id).await?;
    Ok(Json(OK))
}

pub async fn tasks(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(list): ApiPath<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<TasksPage>, ApiError> {
    scope_check::require(&state, &account, "tasks.read")?;
    Ok(Json(
        state
            .tasks(&account, &list, p.page_token.as_deref(), p.limit)
            .await?,
    ))
}

pub async fn create_task(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(list): ApiPath<String>,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<(StatusCode, Json<TaskOrId>), ApiError> {
    scope_check::require(&state, &account, "tasks.write")?;
    Ok((
        StatusCode::CREATED,
        Json(state.create_task(&account, &list, &input).await?),
    ))
}

pub async fn task(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((list, id)): ApiPath<(String, String)>,
) -> Result<Json<Task>, ApiError> {
    scope_check::require(&state, &account, "tasks.read")?;
    Ok(Json(state.task(&account, &list, &id).await?))
}

pub async fn update_task(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((list, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<Json<TaskOrId>, ApiError> {
    scope_check::require(&state, &account, "tasks.write")?;
    Ok(Json(
        state
            .update_task(&account, &list, &id, &input, if_match(&headers)?)
            .await?,
    ))
}

pub async fn delete_task(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((list, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "tasks.write")?;
    state
        .delete_task(&account, &list, &id, if_match(&headers)?)
        .await?;
    Ok(Json(OK))
}
