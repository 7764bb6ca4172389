//! Contacts: the default Contacts folder, paged; one contact with its photo on request; create,
//! change (with `If-Match` against a stale etag) and delete.

use crate::error::Code;
use crate::model::contact::{Contact, ContactOrId, ContactPhoto, ContactsPage};
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::contacts::graph_contact::GraphContact;
use crate::providers::office365::contacts::map::{from_graph, to_graph};
use crate::providers::office365::graph::client::GraphRequest;
use crate::providers::office365::Office365;
use crate::providers::paging;
use crate::providers::Contacts;
use crate::store::AccountRecord;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::Method;
use serde::{Deserialize, Serialize};

pub const DEFAULT_PAGE: u32 = 50;

#[derive(Serialize, Deserialize)]
struct PageState {
    next: String,
}

fn contact_path(id: &str) -> String {
    format!(
        "/me/contacts/{}",
        crate::providers::office365::graph::client::segment(id)
    )
}

fn with_id(v: &GraphContact) -> Result<ContactOrId, ProviderError> {
    let record = from_graph(v);
    let id = record
        .id
        .clone()
        .ok_or_else(|| ProviderError::internal("Graph returned a contact without an id"))?;
    Ok(ContactOrId {
        id,
        etag: record.etag.clone(),
        record,
    })
}

#[async_trait::async_trait]
impl Contacts for Office365 {
    #[tracing::instrument(name = "office365.list_contacts", skip_all, fields(account_id = account.id))]
    async fn list_contacts(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ContactsPage, ProviderError> {
        let next = match page_token.filter(|t| !t.is_empty()) {
            Some(token) => {
                self.open_page(account, "contacts", token, |s: &PageState| &s.next)?
                    .next
            }
            None => {
                let limit = limit.unwrap_or(DEFAULT_PAGE);
                if !(1..=500).contains(&limit) {
                    return Err(ProviderError::invalid(
                        Code::BadRequest,
                        "limit must be 1 to 500",
                    ));
                }
                format!("{}?$top={limit}", self.graph.url("/me/contacts"))
            }
        };
        let (records, next) = self
            .graph_read(account, &GraphRequest::get(next, vec![]), |answer| {
                answer.page(from_graph)
            })
            .await?;
        let next_page_token =
            next.map(|next| paging::issue(&self.keys, account, "contacts", &PageState { next }));
        Ok(ContactsPage {
            next_page_token,
            length: records.len(),
            records,
        })
    }

    #[tracing::instrument(name = "office365.get_contact", skip_all, fields(account_id = account.id))]
    async fn get_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        with_photo: bool,
    ) -> Result<Contact, ProviderError> {
        let path = contact_path(id);
        let mut contact = self
            .graph_item(account, Method::GET, &path, None, None, |a| {
                a.item(from_graph)
            })
            .await?;
        if with_photo {
            let photo = self
                .graph_call(
                    account,
                    &GraphRequest::get(self.graph.url(&format!("{path}/photo/$value")), vec![]),
                )
                .await;
            match photo {
                Ok(r) => {
                    contact.has_photo = Some(true);
                    contact.photo = Some(ContactPhoto {
                        id: None,
                        name: None,
                        mime_type: r.content_type,
                        content: Some(STANDARD.encode(&r.bytes)),
                    });
                }
                Err(e) if e.kind == Failure::NotFound => contact.has_photo = Some(false),
                Err(e) => return Err(e),
            }
        }
        Ok(contact)
    }

    #[tracing::instrument(name = "office365.create_contact", skip_all, fields(account_id = account.id))]
    async fn create_contact(
        &self,
        account: &AccountRecord,
        contact: &Contact,
    ) -> Result<ContactOrId, ProviderError> {
        self.graph_item(
            account,
            Method::POST,
            "/me/contacts",
            Some(to_graph(contact)?),
            None,
            |a| a.item(with_id)?,
        )
        .await
    }

    #[tracing::instrument(name = "office365.update_contact", skip_all, fields(account_id = account.id))]
    async fn update_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        contact: &Contact,
        if_match: Option<&str>,
    ) -> Result<ContactOrId, ProviderError> {
        self.graph_item(
            account,
            Method::PATCH,
            &contact_path(id),
            Some(to_graph(contact)?),
            if_match,
            |a| a.item(with_id)?,
        )
        .await
    }

    #[tracing::instrument(name = "office365.delete_contact", skip_all, fields(account_id = account.id))]
    async fn delete_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ProviderError> {
        self.graph_item(
            account,
            Method::DELETE,
            &contact_path(id),
            None,
            if_match,
            |_| Ok(()),
        )
        .await
    }
}
