//! Mail folders: the whole tree (Graph lists one level per call), one folder with its path,
//! creation, and the well-known Sent and Archive folders.

use crate::error::{ApiError, Code};
use crate::model::email::{EmailFolderInfo, EmailFolderInfoPage, WellKnownFolderIds};
use crate::providers::office365::graph::client::{segment, GraphRequest};
use crate::providers::office365::mail::well_known::WellKnownFolders;
use crate::providers::office365::Office365;
use crate::store::AccountRecord;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::VecDeque;

/// A walk of the tree stops here; mailboxes rarely have more.
const MAX_FOLDERS: usize = 2000;
const SELECT: &str = "$select=id,displayName,parentFolderId,childFolderCount&$top=100";

fn info(f: &Value, parent_path: Option<&str>, folders: &WellKnownFolders) -> EmailFolderInfo {
    let id = f
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let name = f
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    EmailFolderInfo {
        full_name: parent_path.map_or_else(|| name.clone(), |p| format!("{p}/{name}")),
        sys_label: folders.label(&id),
        parent_id: f
            .get("parentFolderId")
            .and_then(Value::as_str)
            .map(str::to_string),
        is_folder: true,
        is_label: false,
        id,
        name,
    }
}

impl Office365 {
    /// Every folder of one level, following Graph's pages.
    async fn folder_level(
        &self,
        account: &AccountRecord,
        path: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let mut url = Some(format!("{}?{SELECT}", self.graph.url(path)));
        let mut out = Vec::new();
        while let Some(next) = url.take() {
            let page = self
                .graph_json(account, &GraphRequest::get(next, vec![]))
                .await?;
            out.extend(
                page.get("value")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            );
            url = page
                .get("@odata.nextLink")
                .and_then(Value::as_str)
                .filter(|l| self.graph.is_graph_url(l))
                .map(str::to_string);
        }
        Ok(out)
    }

    pub async fn list_folders(
        &self,
        account: &AccountRecord,
    ) -> Result<EmailFolderInfoPage, ApiError> {
        let known = self.well_known_folders(account).await?;
        let mut records = Vec::new();
        let mut queue: VecDeque<(String, Option<String>)> =
            VecDeque::from([("/me/mailFolders".to_string(), None)]);
        while let Some((path, parent_path)) = queue.pop_front() {
            for f in self.folder_level(account, &path).await? {
                let folder = info(&f, parent_path.as_deref(), &known);
                if f.get("childFolderCount")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    > 0
                {
                    queue.push_back((
                        format!("/me/mailFolders/{}/childFolders", segment(&folder.id)),
                        Some(folder.full_name.clone()),
                    ));
                }
                records.push(folder);
                if records.len() >= MAX_FOLDERS {
                    return Ok(EmailFolderInfoPage {
                        length: records.len(),
                        records,
                    });
                }
            }
        }
        Ok(EmailFolderInfoPage {
            length: records.len(),
            records,
        })
    }

    async fn folder_json(&self, account: &AccountRecord, id: &str) -> Result<Value, ApiError> {
        let url = self.graph.url(&format!(
            "/me/mailFolders/{}?$select=id,displayName,parentFolderId",
            segment(id)
        ));
        self.graph_json(account, &GraphRequest::get(url, vec![]))
            .await
    }

    /// One folder, its `fullName` built by walking up to the root.
    pub async fn get_folder(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<EmailFolderInfo, ApiError> {
        let known = self.well_known_folders(account).await?;
        let folder = self.folder_json(account, id).await?;
        let root = known.id_of("root").unwrap_or_default().to_string();
        let mut path: Vec<String> = Vec::new();
        let mut parent = folder
            .get("parentFolderId")
            .and_then(Value::as_str)
            .map(str::to_string);
        while let Some(p) = parent.filter(|p| *p != root && path.len() < 20) {
            let f = self.folder_json(account, &p).await?;
            path.insert(
                0,
                f.get("displayName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            );
            parent = f
                .get("parentFolderId")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        let parent_path = (!path.is_empty()).then(|| path.join("/"));
        Ok(info(&folder, parent_path.as_deref(), &known))
    }

    pub async fn create_folder(
        &self,
        account: &AccountRecord,
        name: &str,
        parent: Option<&str>,
    ) -> Result<EmailFolderInfo, ApiError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 255 {
            return Err(ApiError::bad_request(
                Code::BadRequest,
                "name must be 1 to 255 characters",
            ));
        }
        let path = match parent {
            Some(p) => format!("/me/mailFolders/{}/childFolders", segment(p)),
            None => "/me/mailFolders".to_string(),
        };
        let request = GraphRequest::with(
            Method::POST,
            self.graph.url(&path),
            Some(json!({ "displayName": name })),
        );
        let created = self.graph_json(account, &request).await?;
        let id = created
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::internal("Graph created a folder without an id"))?;
        self.get_folder(account, id).await
    }

    pub async fn well_known_folder_ids(
        &self,
        account: &AccountRecord,
    ) -> Result<WellKnownFolderIds, ApiError> {
        let known = self.well_known_folders(account).await?;
        Ok(WellKnownFolderIds {
            archive: known.id_of("archive").map(str::to_string),
            sent: known.id_of("sent").map(str::to_string),
        })
    }
}
