//! Task lists and their tasks.
use crate::model::task::{Task, TaskInput, TaskList, TaskListPage, TaskOrId, TasksPage};
use crate::providers::error::ProviderError;
use crate::store::AccountRecord;

#[async_trait::async_trait]
pub trait Tasks: Send + Sync {
    async fn task_lists(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
    ) -> Result<TaskListPage, ProviderError>;

    async fn create_task_list(
        &self,
        account: &AccountRecord,
        title: &str,
    ) -> Result<TaskList, ProviderError>;

    async fn task_list(&self, account: &AccountRecord, id: &str)
        -> Result<TaskList, ProviderError>;

    async fn update_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
        title: &str,
        if_match: Option<&str>,
    ) -> Result<TaskList, ProviderError>;

    async fn delete_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<(), ProviderError>;

    async fn tasks(
        &self,
        account: &AccountRecord,
        list: &str,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<TasksPage, ProviderError>;

    async fn create_task(
        &self,
        account: &AccountRecord,
        list: &str,
        input: &TaskInput,
    ) -> Result<TaskOrId, ProviderError>;

    async fn task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
    ) -> Result<Task, ProviderError>;

    async fn update_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        input: &TaskInput,
        if_match: Option<&str>,
    ) -> Result<TaskOrId, ProviderError>;

    async fn delete_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ProviderError>;
}
