//! The account's well-known folders (Inbox, Sent Items, …): their ids tell which `sysLabels` a
//! message has and which folders to leave out of a listing. Looked up once per account, since
//! Outlook never changes them, and kept in memory.

use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::graph::client::GraphRequest;
use crate::providers::office365::Office365;
use crate::store::AccountRecord;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Well-known folder name in Graph → the unified system label of messages in it.
pub const LABELLED: &[(&str, &str)] = &[
    ("inbox", "inbox"),
    // Not system labels of the contract, but needed: `archived` moves to Archive, and a folder's
    // path ends at the root.
    ("archive", "archive"),
    ("msgfolderroot", "root"),
    ("sentitems", "sent"),
    ("drafts", "draft"),
    ("deleteditems", "trash"),
    ("junkemail", "junk"),
];

#[derive(Debug, Default)]
pub struct WellKnownFolders {
    /// Graph folder id → unified label.
    labels: HashMap<String, &'static str>,
}

impl WellKnownFolders {
    /// The contract's system label of messages in this folder.
    pub fn label(&self, folder_id: &str) -> Option<&'static str> {
        self.labels
            .get(folder_id)
            .copied()
            .filter(|l| !matches!(*l, "archive" | "root"))
    }

    /// The id of the folder with this label (`inbox`, `sent`, …, `archive`, `root`).
    pub fn id_of(&self, label: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(_, l)| **l == label)
            .map(|(id, _)| id.as_str())
    }

    pub fn is_archive(&self, folder_id: &str) -> bool {
        self.labels.get(folder_id) == Some(&"archive")
    }

    /// The folder ids carrying one of these labels.
    pub fn ids_labelled(&self, wanted: &[&str]) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .labels
            .iter()
            .filter(|(_, l)| wanted.contains(l))
            .map(|(id, _)| id.as_str())
            .collect();
        ids.sort();
        ids
    }
}

/// Each account's well-known folders, bounded (see `bounded_map`).
pub struct FolderCache {
    accounts: crate::bounded_map::BoundedMap<i64, Arc<WellKnownFolders>>,
}

impl Default for FolderCache {
    fn default() -> Self {
        FolderCache {
            accounts: crate::bounded_map::bounded(
                crate::bounded_map::CAPACITY,
                crate::bounded_map::IDLE,
            ),
        }
    }
}

impl Office365 {
    pub async fn well_known_folders(
        &self,
        account: &AccountRecord,
    ) -> Result<Arc<WellKnownFolders>, ProviderError> {
        if let Some(found) = self.folders.accounts.get(&account.id) {
            return Ok(found);
        }
        let lookups = LABELLED.iter().map(|(name, label)| async move {
            let url = self
                .graph
                .url(&format!("/me/mailFolders/{name}?$select=id"));
            match self
                .graph_json(account, &GraphRequest::get(url, vec![]))
                .await
            {
                Ok(folder) => Ok(folder
                    .get("id")
                    .and_then(Value::as_str)
                    .map(|id| (id.to_string(), *label))),
                // A mailbox may lack a folder (Junk Email is optional); it just has no label.
                Err(e) if e.kind == Failure::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        });
        let mut labels = HashMap::new();
        for found in futures_util::future::join_all(lookups).await {
            labels.extend(found?);
        }
        let folders = Arc::new(WellKnownFolders { labels });
        self.folders.accounts.insert(account.id, folders.clone());
        Ok(folders)
    }
}
