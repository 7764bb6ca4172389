//! Task lists and their tasks.
use crate::error::ApiError;
use crate::model::task::{Task, TaskInput, TaskList, TaskListPage, TaskOrId, TasksPage};
use crate::store::AccountRecord;

#[async_trait::async_trait]
pub trait Tasks: Send + Sync {
    async fn task_lists(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
    ) -> Result<TaskListPage, ApiError>;

    async fn create_task_list(
        &self,
        account: &AccountRecord,
        title: &str,
    ) -> Result<TaskList, ApiError>;

    async fn task_list(&self, account: &AccountRecord, id: &str) -> Result<TaskList, ApiError>;

    async fn update_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
        title: &str,
        if_match: Option<&str>,
    ) -> Result<TaskList, ApiError>;

    async fn delete_task_list(&self, account: &AccountRecord, id: &str) -> Result<(), ApiError>;

    async fn tasks(
        &self,
        account: &AccountRecord,
        list: &str,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<TasksPage, ApiError>;

    async fn create_task(
        &self,
        account: &AccountRecord,
        list: &str,
        input: &TaskInput,
    ) -> Result<TaskOrId, ApiError>;

    async fn task(&self, account: &AccountRecord, list: &str, id: &str) -> Result<Task, ApiError>;

    async fn update_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        input: &TaskInput,
        if_match: Option<&str>,
    ) -> Result<TaskOrId, ApiError>;

    async fn delete_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ApiError>;
}
