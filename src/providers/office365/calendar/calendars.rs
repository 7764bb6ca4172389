//! Calendars: `primary` names the default one.

use crate::model::calendar::{Calendar, CalendarInput, CalendarsPage};
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::client::{segment, GraphRequest, GraphResponse};
use crate::providers::office365::graph::shapes::{nonempty, Address, GraphPage, Text};
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::mail::messages::IMMUTABLE_IDS;
use crate::providers::office365::Office365;
use crate::providers::paging;
use crate::providers::CalendarList;
use crate::store::AccountRecord;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Times on the wire in UTC; events keep their own zone in `originalStartTimeZone`.
pub(in crate::providers::office365) const IN_UTC: &str = "outlook.timezone=\"UTC\"";

/// Graph's path of a calendar: `primary` is the default calendar.
pub(in crate::providers::office365) fn calendar_path(id: &str) -> String {
    if id == "primary" {
        "/me/calendar".to_string()
    } else {
        format!("/me/calendars/{}", segment(id))
    }
}

/// Graph's `calendar`, as switchboard reads it.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct GraphCalendar<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    hex_color: Text<'a>,
    #[serde(borrow)]
    color: Text<'a>,
    can_edit: Option<bool>,
    is_default_calendar: Option<bool>,
    #[serde(borrow)]
    owner: Option<Address<'a>>,
}

impl GraphCalendar<'_> {
    fn to_unified(&self) -> Calendar {
        let primary = self.is_default_calendar.unwrap_or(false);
        Calendar {
            id: nonempty(&self.id).unwrap_or_default(),
            name: nonempty(&self.name).unwrap_or_default(),
            color: nonempty(&self.hex_color).or(nonempty(&self.color)),
            access_role: if primary {
                "owner"
            } else if self.can_edit.unwrap_or(false) {
                "writer"
            } else {
                "reader"
            },
            primary,
            multiple_reminders_supported: false,
        }
    }

    /// Whether the account owns it (a calendar without an owner is taken as its own).
    fn owned_by(&self, address: &str) -> bool {
        let owner = self.owner.as_ref().and_then(|o| o.address.as_deref());
        owner.is_none_or(|o| o.eq_ignore_ascii_case(address))
    }
}

pub(in crate::providers::office365) fn instant(
    field: &str,
    text: &str,
) -> Result<DateTime<Utc>, ProviderError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            bad(format!(
                "{field} '{text}' must be RFC 3339 with an offset, e.g. 2024-05-01T00:00:00Z"
            ))
        })
}

impl Office365 {
    /// A request on one calendar at `path`; the calendar Graph answers with.
    async fn one_calendar(
        &self,
        account: &AccountRecord,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Calendar, ProviderError> {
        let request = self.calendar_request(method, path, body, None);
        self.graph_read(account, &request, |a| a.item(GraphCalendar::to_unified))
            .await
    }

    /// A request on a calendar or its events at `path`: times in UTC, ids that survive moves.
    pub(in crate::providers::office365) fn calendar_request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> GraphRequest<'static> {
        let mut request = GraphRequest::with(method, self.graph.url(path), body).if_match(if_match);
        request.prefer.extend([IN_UTC, IMMUTABLE_IDS]);
        request
    }

    fn calendar_body(input: &CalendarInput) -> Result<Value, ProviderError> {
        if input.description.is_some() {
            return Err(bad("Office 365 calendars have no description"));
        }
        let mut body = serde_json::Map::new();
        if let Some(name) = &input.name {
            if name.trim().is_empty() {
                return Err(bad("name must not be empty"));
            }
            body.insert("name".into(), json!(name));
        }
        if let Some(color) = &input.color {
            body.insert("color".into(), json!(color));
        }
        Ok(Value::Object(body))
    }
}

#[async_trait::async_trait]
impl CalendarList for Office365 {
    #[tracing::instrument(name = "office365.calendars", skip_all, fields(account_id = account.id))]
    async fn calendars(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
        with_shared: bool,
    ) -> Result<CalendarsPage, ProviderError> {
        #[derive(Serialize, Deserialize)]
        struct State {
            next: String,
        }
        let next = match page_token.filter(|t| !t.is_empty()) {
            Some(t) => {
                self.open_page(account, "calendars", t, |s: &State| &s.next)?
                    .next
            }
            None => format!("{}?$top=50", self.graph.url("/me/calendars")),
        };
        let own = account.email.as_deref().unwrap_or_default();
        let read = |answer: &GraphResponse| {
            let page: GraphPage<GraphCalendar> = answer.parse()?;
            let records: Vec<Calendar> = page
                .value
                .iter()
                .filter(|c| with_shared || c.owned_by(own))
                .map(GraphCalendar::to_unified)
                .collect();
            Ok((records, page.next_link))
        };
        let request = GraphRequest::get(next, vec![]);
        let (records, next) = self.graph_read(account, &request, read).await?;
        let next_page_token =
            next.map(|next| paging::issue(&self.keys, account, "calendars", &State { next }));
        Ok(CalendarsPage {
            next_page_token,
            length: records.len(),
            records,
        })
    }

    #[tracing::instrument(name = "office365.calendar", skip_all, fields(account_id = account.id))]
    async fn calendar(&self, account: &AccountRecord, id: &str) -> Result<Calendar, ProviderError> {
        self.one_calendar(account, Method::GET, &calendar_path(id), None)
            .await
    }

    #[tracing::instrument(name = "office365.create_calendar", skip_all, fields(account_id = account.id))]
    async fn create_calendar(
        &self,
        account: &AccountRecord,
        input: &CalendarInput,
    ) -> Result<Calendar, ProviderError> {
        if input.name.is_none() {
            return Err(bad("name is required"));
        }
        let body = Self::calendar_body(input)?;
        self.one_calendar(account, Method::POST, "/me/calendars", Some(body))
            .await
    }

    #[tracing::instrument(name = "office365.update_calendar", skip_all, fields(account_id = account.id))]
    async fn update_calendar(
        &self,
        account: &AccountRecord,
        id: &str,
        input: &CalendarInput,
    ) -> Result<Calendar, ProviderError> {
        let body = Self::calendar_body(input)?;
        self.one_calendar(account, Method::PATCH, &calendar_path(id), Some(body))
            .await
    }
}
