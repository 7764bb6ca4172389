//! Events of a calendar: a time range with the contract's exclusive bounds, one event, create,
//! change (`If-Match`), delete, and the account's response to an invitation.

use crate::model::calendar::{Event, EventOrId, EventsPage};
use crate::model::email::EmailAttachment;
use crate::model::requests::EventWrite;
use crate::providers::error::ProviderError;
use crate::providers::office365::calendar::calendars::{calendar_path, instant, IN_UTC};
use crate::providers::office365::calendar::event_map::{from_graph, to_graph};
use crate::providers::office365::calendar::event_time::seconds;
use crate::providers::office365::calendar::graph_event::{GraphEvent, GraphEvents};
use crate::providers::office365::graph::client::{segment, GraphRequest};
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::mail::graph_message::GraphAttachment;
use crate::providers::office365::mail::messages::IMMUTABLE_IDS;
use crate::providers::office365::mail::select::{attachments_described, refused_a_name};
use crate::providers::office365::Office365;
use crate::providers::paging;
use crate::providers::Events;
use crate::store::AccountRecord;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How many iCalendar UIDs one search takes.
const MAX_UIDS: usize = 20;

#[derive(Serialize, Deserialize)]
struct RangeState {
    next: String,
    calendar: String,
    min: i64,
    max: i64,
}

impl Office365 {
    pub(in crate::providers::office365) fn event_path(calendar: &str, id: &str) -> String {
        format!("{}/events/{}", calendar_path(calendar), segment(id))
    }

    fn event_or_id(v: &GraphEvent, calendar: &str, return_record: bool) -> EventOrId {
        let record = from_graph(v, Some(calendar));
        let meeting = record.meeting_info.as_ref();
        EventOrId {
            id: record.id.clone().unwrap_or_default(),
            etag: record.etag.clone(),
            i_cal_u_id: record.i_cal_uid.clone(),
            online_meeting_provider: meeting.and_then(|m| m.online_meeting_provider.clone()),
            online_meeting_details: meeting.and_then(|m| m.online_meeting_details.clone()),
            record: return_record.then_some(record),
        }
    }

    /// A request on an event whose answer is one event, read as `T`.
    pub(in crate::providers::office365) async fn on_event<T>(
        &self,
        account: &AccountRecord,
        request: &GraphRequest<'_>,
        read: impl Fn(&GraphEvent) -> T,
    ) -> Result<T, ProviderError> {
        self.graph_read(account, request, |answer| Ok(read(&answer.parse()?)))
            .await
    }

    /// The events of a listing page, each read by `read`, and the link to the next page.
    pub(in crate::providers::office365) async fn event_page<T>(
        &self,
        account: &AccountRecord,
        url: String,
        read: impl Fn(&GraphEvent) -> T,
    ) -> Result<(Vec<T>, Option<String>), ProviderError> {
        let request = GraphRequest::get(url, vec![IN_UTC, IMMUTABLE_IDS]);
        self.graph_read(account, &request, |answer| {
            let page: GraphEvents = answer.parse()?;
            Ok((page.value.iter().map(&read).collect(), page.next_link))
        })
        .await
    }
}

#[async_trait::async_trait]
impl Events for Office365 {
    /// Events with `end > timeMin` and `start < timeMax`, both bounds exclusive as the contract says.
    #[tracing::instrument(name = "office365.events_range", skip_all, fields(account_id = account.id))]
    async fn events_range(
        &self,
        account: &AccountRecord,
        calendar: &str,
        time_min: Option<&str>,
        time_max: Option<&str>,
        page_token: Option<&str>,
    ) -> Result<EventsPage, ProviderError> {
        let listing = format!("events:{calendar}");
        let state = match page_token.filter(|t| !t.is_empty()) {
            Some(t) => self.open_page(account, &listing, t, |s: &RangeState| &s.next)?,
            None => {
                let (Some(min), Some(max)) = (time_min, time_max) else {
                    return Err(bad("timeMin and timeMax are required"));
                };
                let (min, max) = (instant("timeMin", min)?, instant("timeMax", max)?);
                if min >= max {
                    return Err(bad("timeMin must be before timeMax"));
                }
                let fmt = |t: DateTime<Utc>| {
                    segment(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                };
                let next = format!(
                    "{}/calendarView?startDateTime={}&endDateTime={}&$top=50",
                    self.graph.url(&calendar_path(calendar)),
                    fmt(min),
                    fmt(max)
                );
                RangeState {
                    next,
                    calendar: calendar.to_string(),
                    min: min.timestamp(),
                    max: max.timestamp(),
                }
            }
        };
        let (records, next) = self
            .event_page(account, state.next.clone(), |v| {
                from_graph(v, Some(&state.calendar))
            })
            .await?;
        let records: Vec<Event> = records
            .into_iter()
            .filter(|e| {
                e.end
                    .as_ref()
                    .and_then(seconds)
                    .is_none_or(|end| end > state.min)
                    && e.start
                        .as_ref()
                        .and_then(seconds)
                        .is_none_or(|start| start < state.max)
            })
            .collect();
        let next_page_token = next.map(|next| {
            paging::issue(&self.keys, account, &listing, &RangeState { next, ..state })
        });
        Ok(EventsPage {
            next_page_token,
            length: records.len(),
            records,
        })
    }

    #[tracing::instrument(name = "office365.event", skip_all, fields(account_id = account.id))]
    async fn event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<Event, ProviderError> {
        let path = |casts| {
            format!(
                "{}?$expand={}",
                Self::event_path(calendar, id),
                attachments_described(casts)
            )
        };
        let read = |casts| {
            let request = self.calendar_request(Method::GET, &path(casts), None, None);
            async move {
                self.on_event(account, &request, |v| from_graph(v, Some(calendar)))
                    .await
            }
        };
        match read(true).await {
            Err(e) if refused_a_name(&e) => read(false).await,
            other => other,
        }
    }

    #[tracing::instrument(name = "office365.create_event", skip_all, fields(account_id = account.id))]
    async fn create_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        event: &Event,
        how: &EventWrite<'_>,
    ) -> Result<EventOrId, ProviderError> {
        let graph = to_graph(event, how.body, true)?;
        let invites = graph
            .get("attendees")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if !how.notify && invites {
            return Err(bad("Office 365 always sends invitations when an event has attendees; notifyAttendees=false cannot be honoured"));
        }
        let path = format!("{}/events", calendar_path(calendar));
        let request = self.calendar_request(Method::POST, &path, Some(graph), None);
        self.on_event(account, &request, |created| {
            Self::event_or_id(created, calendar, how.return_record)
        })
        .await
    }

    #[tracing::instrument(name = "office365.update_event", skip_all, fields(account_id = account.id))]
    async fn update_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        event: &Event,
        how: &EventWrite<'_>,
    ) -> Result<EventOrId, ProviderError> {
        let mut event = event.clone();
        if let Some(r) = event.recurrence.as_mut().filter(|_| event.start.is_none()) {
            let given = r.simple.as_ref().map(|s| &s.range.recurrence_start);
            let given = given.or(r.ical.as_ref().map(|i| &i.recurrence_start));
            if given.is_none_or(Option::is_none) {
                // A new rule for a series keeps the series' start unless told otherwise.
                let start = self.event(account, calendar, id).await?.start;
                match (r.simple.as_mut(), r.ical.as_mut()) {
                    (Some(s), _) => s.range.recurrence_start = start,
                    (None, Some(i)) => i.recurrence_start = start,
                    (None, None) => {}
                }
            }
        }
        let graph = to_graph(&event, how.body, false)?;
        let path = Self::event_path(calendar, id);
        let request = self.calendar_request(Method::PATCH, &path, Some(graph), how.if_match);
        self.on_event(account, &request, |updated| {
            Self::event_or_id(updated, calendar, how.return_record)
        })
        .await
    }

    /// Deletes an event. Outlook tells the attendees when their organizer deletes a meeting, so
    /// `notify = false` is refused for such a meeting rather than ignored.
    #[tracing::instrument(name = "office365.delete_event", skip_all, fields(account_id = account.id))]
    async fn delete_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        if_match: Option<&str>,
        notify: bool,
    ) -> Result<(), ProviderError> {
        if !notify {
            let request =
                self.calendar_request(Method::GET, &Self::event_path(calendar, id), None, None);
            let organizes_a_meeting = self
                .on_event(account, &request, |e| {
                    e.is_organizer == Some(true)
                        && e.attendees.as_ref().is_some_and(|a| !a.is_empty())
                })
                .await?;
            if organizes_a_meeting {
                return Err(bad("notifyAttendees=false: Office 365 sends the cancellation to the attendees when their organizer deletes a meeting; it cannot be turned off"));
            }
        }
        let path = Self::event_path(calendar, id);
        let request = self.calendar_request(Method::DELETE, &path, None, if_match);
        self.graph_read(account, &request, |_| Ok(())).await
    }

    /// Accept, tentatively accept or decline an invitation.
    #[tracing::instrument(name = "office365.respond", skip_all, fields(account_id = account.id))]
    async fn respond(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        response: &str,
        comment: Option<&str>,
        notify: bool,
    ) -> Result<(), ProviderError> {
        let action = match response {
            "accepted" => "accept",
            "tentative" => "tentativelyAccept",
            "declined" => "decline",
            other => {
                return Err(bad(format!(
                    "response '{other}' is not one of accepted, tentative, declined"
                )))
            }
        };
        let body = json!({ "comment": comment.unwrap_or_default(), "sendResponse": notify });
        let path = format!("{}/{action}", Self::event_path(calendar, id));
        let request = self.calendar_request(Method::POST, &path, Some(body), None);
        self.graph_read(account, &request, |_| Ok(())).await
    }

    /// The events with an iCalendar UID (a series and its exceptions share one).
    /// The events with any of these iCalendar UIDs (at most 20 at once).
    #[tracing::instrument(name = "office365.find_events", skip_all, fields(account_id = account.id))]
    async fn find_events(
        &self,
        account: &AccountRecord,
        calendar: &str,
        ical_uids: &[&str],
    ) -> Result<EventsPage, ProviderError> {
        if ical_uids.is_empty() {
            return Err(bad("iCalUId is required"));
        }
        if ical_uids.len() > MAX_UIDS {
            return Err(bad(format!("at most {MAX_UIDS} iCalUId at a time")));
        }
        let filter = ical_uids
            .iter()
            .map(|uid| format!("iCalUId eq '{}'", uid.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(" or ");
        let mut next = Some(format!(
            "{}?$filter={}&$top=50",
            self.graph
                .url(&format!("{}/events", calendar_path(calendar))),
            segment(&filter)
        ));
        let mut records = Vec::new();
        while let Some(url) = next.take() {
            let (page, link) = self
                .event_page(account, url, |v| from_graph(v, Some(calendar)))
                .await?;
            records.extend(page);
            next = link.filter(|l| self.graph.is_graph_url(l));
        }
        Ok(EventsPage {
            next_page_token: None,
            length: records.len(),
            records,
        })
    }

    #[tracing::instrument(name = "office365.event_attachment", skip_all, fields(account_id = account.id))]
    async fn event_attachment(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        attachment: &str,
    ) -> Result<EmailAttachment, ProviderError> {
        let path = format!(
            "{}/attachments/{}",
            Self::event_path(calendar, id),
            segment(attachment)
        );
        let request = self.calendar_request(Method::GET, &path, None, None);
        self.graph_read(account, &request, |a| a.item(GraphAttachment::to_unified))
            .await
    }
}
