//! Mail folders: the whole tree (Graph lists one level per call), one folder with its path,
//! creation, and the well-known Sent and Archive folders.

use crate::error::Code;
use crate::model::email::{EmailFolderInfo, EmailFolderInfoPage, WellKnownFolderIds};
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::client::{segment, GraphRequest};
use crate::providers::office365::graph::shapes::GraphPage;
use crate::providers::office365::mail::well_known::WellKnownFolders;
use crate::providers::office365::Office365;
use crate::providers::MailFolders;
use crate::store::AccountRecord;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use std::collections::VecDeque;

/// A walk of the tree stops here; mailboxes rarely have more.
const MAX_FOLDERS: usize = 2000;
const SELECT: &str = "$select=id,displayName,parentFolderId,childFolderCount&$top=100";

/// Graph's `mailFolder`, as switchboard selects it.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct GraphFolder {
    #[serde(deserialize_with = "or_empty", default)]
    id: String,
    #[serde(deserialize_with = "or_empty", default)]
    display_name: String,
    parent_folder_id: Option<String>,
    child_folder_count: Option<u64>,
}

/// A string that Graph may also send as `null`.
fn or_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn info(f: GraphFolder, parent_path: Option<&str>, folders: &WellKnownFolders) -> EmailFolderInfo {
    EmailFolderInfo {
        full_name: parent_path.map_or_else(
            || f.display_name.clone(),
            |p| format!("{p}/{}", f.display_name),
        ),
        sys_label: folders.label(&f.id),
        parent_id: f.parent_folder_id,
        is_folder: true,
        is_label: false,
        id: f.id,
        name: f.display_name,
    }
}

impl Office365 {
    /// Every folder of one level, following Graph's pages.
    async fn folder_level(
        &self,
        account: &AccountRecord,
        path: &str,
    ) -> Result<Vec<GraphFolder>, ProviderError> {
        let mut url = Some(format!("{}?{SELECT}", self.graph.url(path)));
        let mut out = Vec::new();
        while let Some(next) = url.take() {
            let request = GraphRequest::get(next, vec![]);
            let page: GraphPage<GraphFolder> =
                self.graph_read(account, &request, |a| a.parse()).await?;
            out.extend(page.value);
            url = page.next_link.filter(|l| self.graph.is_graph_url(l));
        }
        Ok(out)
    }

    async fn folder(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<GraphFolder, ProviderError> {
        let url = self.graph.url(&format!(
            "/me/mailFolders/{}?$select=id,displayName,parentFolderId",
            segment(id)
        ));
        let request = GraphRequest::get(url, vec![]);
        self.graph_read(account, &request, |a| a.parse()).await
    }
}

#[async_trait::async_trait]
impl MailFolders for Office365 {
    #[tracing::instrument(name = "office365.list_folders", skip_all, fields(account_id = account.id))]
    async fn list_folders(
        &self,
        account: &AccountRecord,
    ) -> Result<EmailFolderInfoPage, ProviderError> {
        let known = self.well_known_folders(account).await?;
        let mut records = Vec::new();
        let mut queue: VecDeque<(String, Option<String>)> =
            VecDeque::from([("/me/mailFolders".to_string(), None)]);
        while let Some((path, parent_path)) = queue.pop_front() {
            for f in self.folder_level(account, &path).await? {
                let has_children = f.child_folder_count.unwrap_or(0) > 0;
                let folder = info(f, parent_path.as_deref(), &known);
                if has_children {
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

    /// One folder, its `fullName` built by walking up to the root.
    #[tracing::instrument(name = "office365.get_folder", skip_all, fields(account_id = account.id))]
    async fn get_folder(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<EmailFolderInfo, ProviderError> {
        let known = self.well_known_folders(account).await?;
        let folder = self.folder(account, id).await?;
        let root = known.id_of("root").unwrap_or_default().to_string();
        let mut path: Vec<String> = Vec::new();
        let mut parent = folder.parent_folder_id.clone();
        while let Some(p) = parent.filter(|p| *p != root && path.len() < 20) {
            let f = self.folder(account, &p).await?;
            path.insert(0, f.display_name);
            parent = f.parent_folder_id;
        }
        let parent_path = (!path.is_empty()).then(|| path.join("/"));
        Ok(info(folder, parent_path.as_deref(), &known))
    }

    #[tracing::instrument(name = "office365.create_folder", skip_all, fields(account_id = account.id))]
    async fn create_folder(
        &self,
        account: &AccountRecord,
        name: &str,
        parent: Option<&str>,
    ) -> Result<EmailFolderInfo, ProviderError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 255 {
            return Err(ProviderError::invalid(
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
        let created: GraphFolder = self.graph_read(account, &request, |a| a.parse()).await?;
        if created.id.is_empty() {
            return Err(ProviderError::internal(
                "Graph created a folder without an id",
            ));
        }
        self.get_folder(account, &created.id).await
    }

    #[tracing::instrument(name = "office365.well_known_folder_ids", skip_all, fields(account_id = account.id))]
    async fn well_known_folder_ids(
        &self,
        account: &AccountRecord,
    ) -> Result<WellKnownFolderIds, ProviderError> {
        let known = self.well_known_folders(account).await?;
        Ok(WellKnownFolderIds {
            archive: known.id_of("archive").map(str::to_string),
            sent: known.id_of("sent").map(str::to_string),
        })
    }
}
