//! Listing and reading messages: the unified query (`q`, folder, trash and junk) turned into
//! Graph's, pages followed through opaque tokens, and Graph messages mapped to the contract.

use crate::error::Code;
use crate::model::email::{EmailMessage, EmailMessagesPage};
use crate::model::requests::{BodyType, ListRequest, MessageRead};
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::client::{segment, GraphRequest, GraphResponse};
use crate::providers::office365::graph::shapes::GraphPage;
use crate::providers::office365::mail::graph_message::GraphMessage;
use crate::providers::office365::mail::message_map::to_unified;
use crate::providers::office365::mail::query::{translate, GraphQuery};
use crate::providers::office365::mail::select::{full_message, list_select, refused_a_name};
use crate::providers::office365::mail::well_known::WellKnownFolders;
use crate::providers::office365::Office365;
use crate::providers::paging;
use crate::providers::{MessageActions, Messages};
use crate::store::AccountRecord;
use serde::{Deserialize, Serialize};

pub const DEFAULT_PAGE: u32 = 25;
pub const IMMUTABLE_IDS: &str = "IdType=\"ImmutableId\"";
/// Lets `$orderby=receivedDateTime` lead the filter, as Graph requires.
/// How many Graph pages one call may walk past when all their messages were dropped.
const MAX_EMPTY_HOPS: usize = 5;
const ALL_TIME: &str = "receivedDateTime ge 1900-01-01T00:00:00Z";

/// The `Prefer` header that asks Graph for bodies of this type.
pub(in crate::providers::office365) fn body_prefer(body: BodyType) -> &'static str {
    match body {
        BodyType::Html => "outlook.body-content-type=\"html\"",
        BodyType::Text => "outlook.body-content-type=\"text\"",
    }
}

/// The listing message page tokens belong to.
const LISTING: &str = "messages";

/// What a page token carries.
#[derive(Serialize, Deserialize)]
struct PageState {
    next: String,
    body: BodyType,
    /// Trash and junk are dropped here because Graph's `$search` cannot filter by folder.
    drop_trash_and_junk: bool,
    #[serde(default)]
    with_body: bool,
}

/// A message's path on Graph, its id encoded.
pub fn message_path(id: &str) -> String {
    format!(
        "/me/messages/{}",
        crate::providers::office365::graph::client::segment(id)
    )
}

impl Office365 {
    fn first_page(
        &self,
        req: &ListRequest<'_>,
        folders: &WellKnownFolders,
        casts: bool,
    ) -> Result<PageState, ProviderError> {
        let limit = req.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=100).contains(&limit) {
            return Err(ProviderError::invalid(
                Code::BadRequest,
                "limit must be 1 to 100",
            ));
        }
        let query = translate(req.q.unwrap_or_default())
            .map_err(|e| ProviderError::invalid(Code::QueryUntranslatable, e.to_string()))?;
        let path = match req.folder {
            Some(id) => format!("/me/mailFolders/{}/messages", segment(id)),
            None => "/me/messages".to_string(),
        };
        // Outside a folder or a conversation, trash and junk are left out unless asked for.
        let exclude =
            req.folder.is_none() && req.conversation.is_none() && !req.include_trash_and_junk;
        let with_body = req.conversation.is_some();
        let select = list_select(casts, with_body);
        let mut url = format!("{}?$select={select}&$top={limit}", self.graph.url(&path));
        let mut drop_trash_and_junk = false;
        match query {
            Some(GraphQuery::Search(search)) => {
                url.push_str(&format!("&$search={}", segment(&search)));
                drop_trash_and_junk = exclude;
            }
            filter => {
                let mut clauses = match filter {
                    Some(GraphQuery::Filter(c)) => c,
                    _ => vec![],
                };
                if let Some(thread) = req.conversation {
                    clauses.push(format!(
                        "conversationId eq '{}'",
                        thread.replace('\'', "''")
                    ));
                }
                // `$orderby` must lead the filter: received-date clauses first, or an all-time one.
                clauses.sort_by_key(|c| !c.starts_with("receivedDateTime"));
                if !clauses
                    .first()
                    .is_some_and(|c| c.starts_with("receivedDateTime"))
                {
                    clauses.insert(0, ALL_TIME.to_string());
                }
                if exclude {
                    for id in folders.ids_labelled(&["trash", "junk"]) {
                        clauses.push(format!("parentFolderId ne '{}'", id.replace('\'', "''")));
                    }
                }
                url.push_str(&format!(
                    "&$filter={}&$orderby={}",
                    segment(&clauses.join(" and ")),
                    segment(if with_body {
                        "receivedDateTime asc"
                    } else {
                        "receivedDateTime desc"
                    })
                ));
            }
        }
        Ok(PageState {
            next: url,
            body: req.body_type,
            drop_trash_and_junk,
            with_body,
        })
    }
}

#[async_trait::async_trait]
impl Messages for Office365 {
    #[tracing::instrument(name = "office365.list_messages", skip_all, fields(account_id = account.id))]
    async fn list_messages(
        &self,
        account: &AccountRecord,
        req: ListRequest<'_>,
    ) -> Result<EmailMessagesPage, ProviderError> {
        let folders = self.well_known_folders(account).await?;
        let fresh = req.page_token.filter(|t| !t.is_empty()).is_none();
        let mut state = match req.page_token.filter(|t| !t.is_empty()) {
            Some(token) => self.open_page(account, LISTING, token, |s: &PageState| &s.next)?,
            None => self.first_page(&req, &folders, true)?,
        };
        let dropped = if state.drop_trash_and_junk {
            folders.ids_labelled(&["trash", "junk"])
        } else {
            vec![]
        };
        // Dropping trash and junk can empty a page: follow on rather than return an empty page
        // while more exist (bounded, so that one call never walks a whole mailbox).
        for _ in 0..MAX_EMPTY_HOPS {
            let request = GraphRequest::get(
                state.next.clone(),
                vec![body_prefer(state.body), IMMUTABLE_IDS],
            );
            let (dropped, folders) = (&dropped, &folders);
            let read = |with_body: bool| {
                move |answer: &GraphResponse| {
                    let page: GraphPage<GraphMessage> = answer.parse()?;
                    let records: Vec<EmailMessage> = page
                        .value
                        .iter()
                        .filter(|m| {
                            !m.parent_folder_id
                                .as_deref()
                                .is_some_and(|f| dropped.contains(&f))
                        })
                        .map(|m| to_unified(m, with_body, folders))
                        .collect();
                    Ok((records, page.next_link))
                }
            };
            let (records, next) = match self
                .graph_read(account, &request, read(state.with_body))
                .await
            {
                // A mailbox that refuses casts is asked again without them.
                Err(e) if fresh && refused_a_name(&e) => {
                    state = self.first_page(&req, folders, false)?;
                    let retry = GraphRequest::get(
                        state.next.clone(),
                        vec![body_prefer(state.body), IMMUTABLE_IDS],
                    );
                    self.graph_read(account, &retry, read(state.with_body))
                        .await?
                }
                other => other?,
            };
            match next {
                Some(link) if records.is_empty() => state.next = link,
                next => {
                    let next_page_token = next.map(|link| {
                        paging::issue(
                            &self.keys,
                            account,
                            LISTING,
                            &PageState {
                                next: link,
                                ..state
                            },
                        )
                    });
                    return Ok(EmailMessagesPage {
                        next_page_token,
                        length: records.len(),
                        records,
                    });
                }
            }
        }
        let next_page_token = Some(paging::issue(&self.keys, account, LISTING, &state));
        Ok(EmailMessagesPage {
            next_page_token,
            length: 0,
            records: vec![],
        })
    }

    /// One message with its body, headers and attachments described; `load_inlines` also loads
    /// the content of inline attachments (the pictures of an HTML body).
    #[tracing::instrument(name = "office365.get_message", skip_all, fields(account_id = account.id))]
    async fn get_message(
        &self,
        account: &AccountRecord,
        id: &str,
        read: MessageRead,
    ) -> Result<EmailMessage, ProviderError> {
        let folders = self.well_known_folders(account).await?;
        let path = message_path(id);
        let read_with = |casts: bool| {
            let url = format!(
                "{}?{}",
                self.graph.url(&path),
                full_message(casts, read.strip_quoted)
            );
            GraphRequest::get(url, vec![body_prefer(read.body), IMMUTABLE_IDS])
        };
        let map = |answer: &GraphResponse| {
            let mut message: GraphMessage = answer.parse()?;
            if read.strip_quoted && message.unique_body.is_some() {
                message.body = message.unique_body.take();
            }
            Ok(to_unified(&message, true, &folders))
        };
        let (mut unified, casts) = match self.graph_read(account, &read_with(true), map).await {
            Err(e) if refused_a_name(&e) => (
                self.graph_read(account, &read_with(false), map).await?,
                false,
            ),
            other => (other?, true),
        };
        // Without casts, an inline picture's contentId comes only with the attachment itself.
        let fetch_inline = read.load_inlines || !casts;
        for a in unified
            .attachments
            .iter_mut()
            .flatten()
            .filter(|a| a.inline && fetch_inline)
        {
            let full = self.message_attachment(account, id, &a.id).await?;
            a.content_id = a.content_id.take().or(full.content_id);
            if read.load_inlines {
                a.content = full.content;
            }
        }
        Ok(unified)
    }
}
