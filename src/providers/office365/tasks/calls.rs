//! Microsoft To Do: task lists (`default` names the default list) and their tasks, mapped both
//! ways. Dates are instants in UTC; Graph's `dateTimeTimeZone` values are converted.

use crate::error::Code;
use crate::model::task::{Task, TaskInput, TaskList, TaskListPage, TaskOrId, TasksPage};
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::client::{segment, GraphRequest, GraphResponse};
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::tasks::map::{
    list_from_graph, task_from_graph, task_to_graph, GraphTask,
};
use crate::providers::office365::Office365;
use crate::providers::paging;
use crate::providers::Tasks;
use crate::store::AccountRecord;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Without `$top`, Graph answers the first lists (16 to 18 of them) and no `@odata.nextLink`,
/// so the rest could never be reached.
const LISTS: &str = "/me/todo/lists?$top=100";

fn list_path(list: &str) -> String {
    format!("/me/todo/lists/{}", segment(list))
}

fn task_path(list: &str, id: &str) -> String {
    format!("{}/tasks/{}", list_path(list), segment(id))
}

#[derive(Serialize, Deserialize)]
struct PageState {
    next: String,
}

impl Office365 {
    /// A page of a To Do collection, from a page token or from the first page's URL, read by
    /// `read` (`|answer| answer.page(task_from_graph)`).
    async fn todo_page<R>(
        &self,
        account: &AccountRecord,
        listing: &str,
        first: String,
        page_token: Option<&str>,
        read: impl Fn(&GraphResponse) -> Result<(Vec<R>, Option<String>), ProviderError>,
    ) -> Result<(Vec<R>, Option<String>), ProviderError> {
        let next = match page_token.filter(|t| !t.is_empty()) {
            Some(token) => {
                self.open_page(account, listing, token, |s: &PageState| &s.next)?
                    .next
            }
            None => first,
        };
        let (items, next) = self
            .graph_read(account, &GraphRequest::get(next, vec![]), read)
            .await?;
        let token =
            next.map(|next| paging::issue(&self.keys, account, listing, &PageState { next }));
        Ok((items, token))
    }

    /// The Graph id of a list, resolving `default` to the default list.
    pub(in crate::providers::office365) async fn list_id(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<String, ProviderError> {
        if id != "default" {
            return Ok(id.to_string());
        }
        let mut token: Option<String> = None;
        loop {
            let (lists, next) = self
                .todo_page(
                    account,
                    "tasklists",
                    self.graph.url(LISTS),
                    token.as_deref(),
                    |answer| answer.page(list_from_graph),
                )
                .await?;
            if let Some(found) = lists.into_iter().find(|l| l.default_list) {
                return Ok(found.id);
            }
            match next {
                Some(n) => token = Some(n),
                None => {
                    return Err(ProviderError::not_found(
                        Code::NotFound,
                        "This account has no default task list.",
                    ))
                }
            }
        }
    }

    fn with_id(v: &GraphTask) -> TaskOrId {
        let record = task_from_graph(v);
        TaskOrId {
            id: record.id.clone(),
            etag: record.etag.clone(),
            record,
        }
    }
}

#[async_trait::async_trait]
impl Tasks for Office365 {
    #[tracing::instrument(name = "office365.task_lists", skip_all, fields(account_id = account.id))]
    async fn task_lists(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
    ) -> Result<TaskListPage, ProviderError> {
        let (records, next_page_token) = self
            .todo_page(
                account,
                "tasklists",
                self.graph.url(LISTS),
                page_token,
                |answer| answer.page(list_from_graph),
            )
            .await?;
        Ok(TaskListPage {
            next_page_token,
            length: records.len(),
            records,
        })
    }

    #[tracing::instrument(name = "office365.create_task_list", skip_all, fields(account_id = account.id))]
    async fn create_task_list(
        &self,
        account: &AccountRecord,
        title: &str,
    ) -> Result<TaskList, ProviderError> {
        if title.trim().is_empty() {
            return Err(bad("title must not be empty"));
        }
        self.graph_item(
            account,
            Method::POST,
            "/me/todo/lists",
            Some(json!({ "displayName": title })),
            None,
            |a| a.item(list_from_graph),
        )
        .await
    }

    #[tracing::instrument(name = "office365.task_list", skip_all, fields(account_id = account.id))]
    async fn task_list(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<TaskList, ProviderError> {
        let id = self.list_id(account, id).await?;
        self.graph_item(account, Method::GET, &list_path(&id), None, None, |a| {
            a.item(list_from_graph)
        })
        .await
    }

    #[tracing::instrument(name = "office365.update_task_list", skip_all, fields(account_id = account.id))]
    async fn update_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
        title: &str,
        if_match: Option<&str>,
    ) -> Result<TaskList, ProviderError> {
        if title.trim().is_empty() {
            return Err(bad("title must not be empty"));
        }
        let id = self.list_id(account, id).await?;
        let body = json!({ "displayName": title });
        self.graph_item(
            account,
            Method::PATCH,
            &list_path(&id),
            Some(body),
            if_match,
            |a| a.item(list_from_graph),
        )
        .await
    }

    #[tracing::instrument(name = "office365.delete_task_list", skip_all, fields(account_id = account.id))]
    async fn delete_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<(), ProviderError> {
        let id = self.list_id(account, id).await?;
        self.graph_item(account, Method::DELETE, &list_path(&id), None, None, |_| {
            Ok(())
        })
        .await
    }

    #[tracing::instrument(name = "office365.tasks", skip_all, fields(account_id = account.id))]
    async fn tasks(
        &self,
        account: &AccountRecord,
        list: &str,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<TasksPage, ProviderError> {
        let limit = limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(bad("limit must be 1 to 200"));
        }
        let page_token = page_token.filter(|t| !t.is_empty());
        let first = match page_token {
            Some(_) => String::new(),
            None => self.graph.url(&format!(
                "/me/todo/lists/{}/tasks?$top={limit}",
                segment(&self.list_id(account, list).await?)
            )),
        };
        let listing = format!("tasks:{list}");
        let (records, next_page_token) = self
            .todo_page(account, &listing, first, page_token, |answer| {
                answer.page(task_from_graph)
            })
            .await?;
        Ok(TasksPage {
            next_page_token,
            length: records.len(),
            records,
        })
    }

    #[tracing::instrument(name = "office365.create_task", skip_all, fields(account_id = account.id))]
    async fn create_task(
        &self,
        account: &AccountRecord,
        list: &str,
        input: &TaskInput,
    ) -> Result<TaskOrId, ProviderError> {
        let body = task_to_graph(input, true)?;
        let list = self.list_id(account, list).await?;
        self.graph_item(
            account,
            Method::POST,
            &format!("{}/tasks", list_path(&list)),
            Some(body),
            None,
            |a| a.item(Self::with_id),
        )
        .await
    }

    #[tracing::instrument(name = "office365.task", skip_all, fields(account_id = account.id))]
    async fn task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
    ) -> Result<Task, ProviderError> {
        let list = self.list_id(account, list).await?;
        self.graph_item(
            account,
            Method::GET,
            &task_path(&list, id),
            None,
            None,
            |a| a.item(task_from_graph),
        )
        .await
    }

    #[tracing::instrument(name = "office365.update_task", skip_all, fields(account_id = account.id))]
    async fn update_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        input: &TaskInput,
        if_match: Option<&str>,
    ) -> Result<TaskOrId, ProviderError> {
        let body = task_to_graph(input, false)?;
        let list = self.list_id(account, list).await?;
        let path = task_path(&list, id);
        self.graph_item(account, Method::PATCH, &path, Some(body), if_match, |a| {
            a.item(Self::with_id)
        })
        .await
    }

    #[tracing::instrument(name = "office365.delete_task", skip_all, fields(account_id = account.id))]
    async fn delete_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ProviderError> {
        let list = self.list_id(account, list).await?;
        self.graph_item(
            account,
            Method::DELETE,
            &task_path(&list, id),
            None,
            if_match,
            |_| Ok(()),
        )
        .await
    }
}
