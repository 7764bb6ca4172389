//! Mail's changes over every folder. Graph tracks messages per folder only, so a round walks the
//! folder tree (as it is when the round starts: new folders join, gone ones leave) and pulls the
//! folders' deltas, four folders' pages at once (Graph's limit of requests in flight per mailbox);
//! the cursor keeps every folder's link and whether it is done this round. A message that leaves a folder is
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
use crate::providers::office365::mail::well_known::WellKnownFolders;
use crate::providers::office365::Office365;
use crate::providers::MailFolders;
use crate::store::AccountRecord;
use serde::{Deserialize, Serialize};

/// Folders whose pages are pulled at once.
const FOLDERS_AT_ONCE: usize = 4;

/// Where a mail round stands: the folders in this round's order, each with its link (none before
/// its first page) and whether its round is done.
#[derive(Serialize, Deserialize, Default)]
struct MailCursor {
    folders: Vec<FolderAt>,
    /// Cursors written before folders were pulled side by side: the folders before this one
    /// were done.
    #[serde(default, skip_serializing)]
    at: usize,
}

#[derive(Serialize, Deserialize, Clone)]
struct FolderAt {
    id: String,
    link: Option<String>,
    #[serde(default)]
    done: bool,
}

impl MailCursor {
    fn read(text: &str) -> Result<MailCursor, ProviderError> {
        let mut c: MailCursor =
            serde_json::from_str(text).map_err(|_| reset("unreadable cursor"))?;
        let at = c.at.min(c.folders.len());
        c.folders[..at].iter_mut().for_each(|f| f.done = true);
        Ok(c)
    }

    fn complete(&self) -> bool {
        self.folders.iter().all(|f| f.done)
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
        let mut c = match cursor {
            Some(text) => MailCursor::read(text)?,
            None => MailCursor::default(),
        };
        if c.folders.is_empty() || c.complete() {
            c = self.mail_round(account, c).await?;
        }
        let body = if body == "text" {
            BodyType::Text
        } else {
            BodyType::Html
        };
        let pending: Vec<usize> = (0..c.folders.len())
            .filter(|&i| !c.folders[i].done)
            .take(FOLDERS_AT_ONCE)
            .collect();
        let known = self.well_known_folders(account).await?;
        let pulls = pending
            .iter()
            .map(|&i| self.folder_page(account, &c.folders[i], days_within, body, &known));
        let pages = futures_util::future::join_all(pulls).await;
        let mut merged = ChangePage::default();
        for (i, page) in pending.into_iter().zip(pages) {
            let page = page?;
            for gone in page.deleted {
                if !self.message_exists(account, &gone.id).await? {
                    let folder_id = Some(c.folders[i].id.clone());
                    merged.deleted.push(Removed { folder_id, ..gone });
                }
            }
            merged.updated.extend(page.updated);
            c.folders[i].link = Some(page.cursor);
            c.folders[i].done = page.round_complete;
        }
        merged.round_complete = c.complete();
        merged.cursor = serde_json::to_string(&c).map_err(ProviderError::internal)?;
        Ok(merged)
    }

    /// The page of one folder's delta at its link (its first page without one).
    async fn folder_page(
        &self,
        account: &AccountRecord,
        folder: &FolderAt,
        days_within: Option<u32>,
        body: BodyType,
        known: &WellKnownFolders,
    ) -> Result<ChangePage, ProviderError> {
        let url = match &folder.link {
            Some(link) if self.graph.is_graph_url(link) => link.clone(),
            Some(_) => return Err(reset("a stored delta link is not on Graph")),
            None => self.first_folder_delta(&folder.id, days_within),
        };
        let request = GraphRequest::get(url, vec![PAGE_SIZE, IMMUTABLE_IDS, body_prefer(body)]);
        self.graph_read(account, &request, |answer| {
            read_page(answer, &|item| {
                let m: GraphMessage = serde_json::from_str(item.get()).map_err(|_| unreadable())?;
                let message = to_unified(&m, true, known);
                Ok(Some((
                    message.id.clone(),
                    Changed::Message(Box::new(message)),
                )))
            })
        })
        .await
        .map_err(lost)
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
                FolderAt {
                    id: f.id,
                    link,
                    done: false,
                }
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
