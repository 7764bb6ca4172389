//! Mail's changes over every folder. Graph tracks messages per folder only, so a round walks the
//! folder tree (as it is when the round starts: new folders join, gone ones leave) and pulls each
//! folder's delta in turn; the cursor keeps every folder's link. A message that leaves a folder is
//! reported gone only if it no longer exists anywhere: one moved to another folder comes once, as
//! changed, from its new folder's delta (this round, or the next if that folder was already done).

use crate::error::Code;
use crate::model::requests::BodyType;
use crate::providers::changes::{ChangePage, Changed, Removed};
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::changes::{lost, read_page, unreadable, PAGE_SIZE};
use crate::providers::office365::graph::client::{segment, GraphRequest};
use crate::providers::office365::mail::graph_message::GraphMessage;
use crate::providers::office365::mail::message_map::to_unified;
use crate::providers::office365::mail::messages::{body_prefer, message_path, IMMUTABLE_IDS};
use crate::providers::office365::mail::select::list_select;
use crate::providers::office365::Office365;
use crate::providers::MailFolders;
use crate::store::AccountRecord;
use serde::{Deserialize, Serialize};

/// Where a mail round stands: the folders in this round's order, each with its link (none before
/// its first page), and the folder being pulled.
#[derive(Serialize, Deserialize, Default)]
struct MailCursor {
    folders: Vec<FolderAt>,
    at: usize,
}

#[derive(Serialize, Deserialize, Clone)]
struct FolderAt {
    id: String,
    link: Option<String>,
}

impl MailCursor {
    fn complete(&self) -> bool {
        self.at >= self.folders.len()
    }
}

fn reset(why: &str) -> ProviderError {
    ProviderError::new(
        Failure::Upstream(reqwest::StatusCode::GONE),
        Code::SyncReset,
        why.to_string(),
    )
}

impl Office365 {
    pub(in crate::providers::office365) async fn mail_changes(
        &self,
        account: &AccountRecord,
        days_within: Option<u32>,
        body: &str,
        cursor: Option<&str>,
    ) -> Result<ChangePage, ProviderError> {
        let mut c: MailCursor = match cursor {
            Some(text) => serde_json::from_str(text).map_err(|_| reset("unreadable cursor"))?,
            None => MailCursor::default(),
        };
        if c.folders.is_empty() || c.complete() {
            c = self.mail_round(account, c).await?;
        }
        let Some(folder) = c.folders.get(c.at).cloned() else {
            return Ok(ChangePage {
                cursor: serde_json::to_string(&c).map_err(ProviderError::internal)?,
                round_complete: true,
                ..Default::default()
            });
        };
        let body = if body == "text" {
            BodyType::Text
        } else {
            BodyType::Html
        };
        let url = match &folder.link {
            Some(link) if self.graph.is_graph_url(link) => link.clone(),
            Some(_) => return Err(reset("a stored delta link is not on Graph")),
            None => self.first_folder_delta(&folder.id, days_within),
        };
        let request = GraphRequest::get(url, vec![PAGE_SIZE, IMMUTABLE_IDS, body_prefer(body)]);
        let known = self.well_known_folders(account).await?;
        let mut page = self
            .graph_read(account, &request, |answer| {
                read_page(answer, &|item| {
                    let m: GraphMessage =
                        serde_json::from_str(item.get()).map_err(|_| unreadable())?;
                    let message = to_unified(&m, true, &known);
                    Ok(Some((
                        message.id.clone(),
                        Changed::Message(Box::new(message)),
                    )))
                })
            })
            .await
            .map_err(lost)?;
        let mut deleted = vec![];
        for gone in page.deleted {
            if !self.message_exists(account, &gone.id).await? {
                deleted.push(Removed {
                    folder_id: Some(folder.id.clone()),
                    ..gone
                });
            }
        }
        c.folders[c.at].link = Some(page.cursor);
        if page.round_complete {
            c.at += 1;
        }
        page.deleted = deleted;
        page.round_complete = c.complete();
        page.cursor = serde_json::to_string(&c).map_err(ProviderError::internal)?;
        Ok(page)
    }

    /// A new round over the folders there are now, each going on from where it stood.
    async fn mail_round(
        &self,
        account: &AccountRecord,
        previous: MailCursor,
    ) -> Result<MailCursor, ProviderError> {
        let folders = self.list_folders(account).await?;
        let folders = folders
            .records
            .into_iter()
            .map(|f| {
                let link = previous
                    .folders
                    .iter()
                    .find(|p| p.id == f.id)
                    .and_then(|p| p.link.clone());
                FolderAt { id: f.id, link }
            })
            .collect();
        Ok(MailCursor { folders, at: 0 })
    }

    fn first_folder_delta(&self, folder: &str, days_within: Option<u32>) -> String {
        let mut url = format!(
            "{}?$select={}",
            self.graph.url(&format!(
                "/me/mailFolders/{}/messages/delta",
                segment(folder)
            )),
            segment(&list_select(false, true))
        );
        let since = days_within.and_then(|days| {
            chrono::Utc::now().checked_sub_signed(chrono::Duration::try_days(i64::from(days))?)
        });
        if let Some(since) = since {
            let filter = format!(
                "receivedDateTime ge {}",
                since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            url.push_str(&format!("&$filter={}", segment(&filter)));
        }
        url
    }

    /// Whether a message still exists in some folder of the mailbox.
    async fn message_exists(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<bool, ProviderError> {
        let url = format!("{}?$select=id", self.graph.url(&message_path(id)));
        match self
            .graph_call(account, &GraphRequest::get(url, vec![IMMUTABLE_IDS]))
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.kind == Failure::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }
}
