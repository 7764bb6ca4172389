//! Graph's delta queries behind the `Changes` trait: contacts (`/me/contacts/delta`), a To Do
//! list's tasks and the primary calendar's view (`/me/calendarView/delta`, the only calendar
//! Graph v1.0 tracks). A page's next link (more of this round) or delta link (the round's end)
//! is the cursor; an expired one (`syncStateNotFound`, `resyncRequired`, 410) is `sync.reset`.

use crate::error::Code;
use crate::model::sync::Feed;
use crate::providers::changes::{ChangePage, Changed, Removed};
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::calendar::calendars::IN_UTC;
use crate::providers::office365::calendar::event_map;
use crate::providers::office365::calendar::graph_event::GraphEvent;
use crate::providers::office365::contacts::graph_contact::GraphContact;
use crate::providers::office365::contacts::map as contact_map;
use crate::providers::office365::graph::client::{segment, GraphRequest, GraphResponse};
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::mail::messages::IMMUTABLE_IDS;
use crate::providers::office365::tasks::map::{task_from_graph, GraphTask};
use crate::providers::office365::Office365;
use crate::providers::Changes;
use crate::store::AccountRecord;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Items per delta page (Graph's `Prefer: odata.maxpagesize`): the most Outlook gives (facts §7).
pub(in crate::providers::office365) const PAGE_SIZE: &str = "odata.maxpagesize=200";

/// A delta page as Graph sends it, its items read one by one.
#[derive(Deserialize)]
struct DeltaPage<'a> {
    #[serde(borrow, default)]
    value: Vec<&'a RawValue>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink")]
    delta_link: Option<String>,
}

/// What tells a removed item (`{"id", "@removed": {"reason"}}`) from a changed one.
#[derive(Deserialize)]
struct Marker<'a> {
    #[serde(borrow)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "@removed")]
    removed: Option<serde::de::IgnoredAny>,
}

pub(in crate::providers::office365) fn unreadable() -> ProviderError {
    ProviderError::new(
        Failure::Upstream(reqwest::StatusCode::BAD_GATEWAY),
        Code::ProviderBadResponse,
        "Microsoft Graph sent a delta page that could not be read; retry.",
    )
    .retry_after(5)
}

/// A changed item as mapped: its id and record, or nothing when the feed leaves it out.
type Kept = Option<(String, Changed)>;

/// Reads a delta page; `keep` maps a changed item (or drops it, e.g. a task completed too long
/// ago). The cursor is the page's next link, or its delta link when the round ended there.
pub(in crate::providers::office365) fn read_page(
    answer: &GraphResponse,
    keep: &dyn Fn(&RawValue) -> Result<Kept, ProviderError>,
) -> Result<ChangePage, ProviderError> {
    let page: DeltaPage = answer.parse()?;
    let mut out = ChangePage::default();
    for item in &page.value {
        let marker: Marker = serde_json::from_str(item.get()).map_err(|_| unreadable())?;
        match (marker.removed, marker.id) {
            (Some(_), Some(id)) => out.deleted.push(Removed {
                id: id.into_owned(),
                folder_id: None,
            }),
            (None, Some(_)) => out.updated.extend(keep(item)?),
            (_, None) => return Err(unreadable()),
        }
    }
    (out.cursor, out.round_complete) = match (page.next_link, page.delta_link) {
        (Some(next), _) => (next, false),
        (None, Some(delta)) => (delta, true),
        (None, None) => return Err(unreadable()),
    };
    Ok(out)
}

fn parse<'a, T: Deserialize<'a>>(item: &'a RawValue) -> Result<T, ProviderError> {
    serde_json::from_str(item.get()).map_err(|_| unreadable())
}

/// Graph lost the state behind a delta link: the sync has to start again.
pub(in crate::providers::office365) fn lost(e: ProviderError) -> ProviderError {
    let graph_code = e
        .original
        .as_ref()
        .and_then(|o| o.pointer("/error/code"))
        .and_then(|c| c.as_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let gone = e.kind == Failure::Upstream(reqwest::StatusCode::GONE)
        || matches!(
            graph_code.as_str(),
            "syncstatenotfound" | "resyncrequired" | "syncstateinvalid"
        );
    if gone {
        ProviderError::new(
            Failure::Upstream(reqwest::StatusCode::GONE),
            Code::SyncReset,
            "Microsoft no longer knows where this sync stood.",
        )
        .with_original(e.original)
    } else {
        e
    }
}

fn graph_time(unix: i64) -> String {
    segment(
        &DateTime::<Utc>::from_timestamp(unix, 0)
            .unwrap_or_default()
            .to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}

impl Office365 {
    /// Where the first round of `feed` starts, with the preferences each of its requests sends.
    async fn first_delta(
        &self,
        account: &AccountRecord,
        feed: &Feed,
    ) -> Result<String, ProviderError> {
        Ok(match feed {
            Feed::Email { .. } => return Err(ProviderError::internal("mail is pulled per folder")),
            Feed::Contacts => self.graph.url("/me/contacts/delta"),
            Feed::Tasks { list, .. } => {
                let list = self.list_id(account, list).await?;
                self.graph
                    .url(&format!("/me/todo/lists/{}/tasks/delta", segment(&list)))
            }
            Feed::Events {
                calendar,
                time_min,
                time_max,
            } => {
                if calendar != "primary" {
                    return Err(bad("Office 365 tracks changes of the primary calendar only (Graph v1.0 has no delta for other calendars); sync calendar 'primary'"));
                }
                format!(
                    "{}?startDateTime={}&endDateTime={}",
                    self.graph.url("/me/calendarView/delta"),
                    graph_time(*time_min),
                    graph_time(*time_max)
                )
            }
        })
    }
}

fn prefer(feed: &Feed) -> Vec<&'static str> {
    match feed {
        Feed::Events { .. } => vec![PAGE_SIZE, IN_UTC, IMMUTABLE_IDS],
        Feed::Email { .. } | Feed::Contacts | Feed::Tasks { .. } => vec![PAGE_SIZE],
    }
}

/// Maps one changed item of `feed`.
fn changed(feed: &Feed, item: &RawValue) -> Result<Kept, ProviderError> {
    Ok(match feed {
        Feed::Email { .. } => None,
        Feed::Contacts => {
            let c = contact_map::from_graph(&parse::<GraphContact>(item)?);
            c.id.clone().map(|id| (id, Changed::Contact(Box::new(c))))
        }
        Feed::Tasks {
            skip_completed_before,
            ..
        } => {
            let t = task_from_graph(&parse::<GraphTask>(item)?);
            let done_before = |limit: i64| {
                t.status == "completed"
                    && t.completed
                        .as_deref()
                        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                        .is_some_and(|c| c.timestamp() < limit)
            };
            if skip_completed_before.is_some_and(done_before) {
                None
            } else {
                Some((t.id.clone(), Changed::Task(Box::new(t))))
            }
        }
        Feed::Events { .. } => {
            let e = event_map::from_graph(&parse::<GraphEvent>(item)?, Some("primary"));
            e.id.clone().map(|id| (id, Changed::Event(Box::new(e))))
        }
    })
}

#[async_trait::async_trait]
impl Changes for Office365 {
    #[tracing::instrument(name = "office365.changes", skip_all, fields(account_id = account.id))]
    async fn changes(
        &self,
        account: &AccountRecord,
        feed: &Feed,
        cursor: Option<&str>,
    ) -> Result<ChangePage, ProviderError> {
        if let Feed::Email { days_within, body } = feed {
            return self.mail_changes(account, *days_within, body, cursor).await;
        }
        let url = match cursor {
            Some(link) if self.graph.is_graph_url(link) => link.to_string(),
            Some(_) => {
                return Err(lost(ProviderError::new(
                    Failure::Upstream(reqwest::StatusCode::GONE),
                    Code::SyncReset,
                    "The stored delta link is not on Graph.",
                )))
            }
            None => self.first_delta(account, feed).await?,
        };
        let request = GraphRequest::get(url, prefer(feed));
        self.graph_read(account, &request, |answer| {
            read_page(answer, &|item| changed(feed, item))
        })
        .await
        .map_err(lost)
    }
}
