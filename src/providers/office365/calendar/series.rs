//! A recurring series: its rule with the occurrences changed or deleted, and one occurrence by
//! the date (or time) it was originally planned for.

use crate::error::Code;
use crate::model::calendar::{Event, EventDateTime};
use crate::model::recurrence::{OccurrenceInfo, SeriesInfo};
use crate::providers::error::ProviderError;
use crate::providers::office365::calendar::calendars::IN_UTC;
use crate::providers::office365::calendar::event_map::from_graph;
use crate::providers::office365::calendar::recurrence_expand::dates;
use crate::providers::office365::graph::client::{segment, GraphRequest};
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::mail::messages::IMMUTABLE_IDS;
use crate::providers::office365::time::{from_graph as instant_of, local_to_utc, zone};
use crate::providers::office365::Office365;
use crate::providers::Series;
use crate::store::AccountRecord;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::Value;

/// How far ahead an endless series is searched for deleted occurrences.
const HORIZON_DAYS: i64 = 366;

/// A series master as read from Graph, with what expanding it needs.
struct Master {
    raw: Value,
    event: Event,
    tz: Tz,
    first: NaiveDate,
    time: NaiveTime,
    all_day: bool,
}

impl Master {
    fn local(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.tz).date_naive()
    }

    /// The planned start of the occurrence on `day`, as the contract writes it.
    fn planned(&self, day: NaiveDate) -> EventDateTime {
        if self.all_day {
            return EventDateTime {
                date_only: Some(day.to_string()),
                date_time: None,
                timezone: Some(self.tz.name().to_string()),
            };
        }
        let at = local_to_utc(day.and_time(self.time), self.tz).unwrap_or_default();
        EventDateTime {
            date_only: None,
            date_time: Some(
                at.with_timezone(&self.tz)
                    .to_rfc3339_opts(SecondsFormat::Secs, true),
            ),
            timezone: Some(self.tz.name().to_string()),
        }
    }

    fn expected(&self, until: NaiveDate) -> Vec<NaiveDate> {
        dates(&self.raw["recurrence"], self.first, until)
    }
}

impl Office365 {
    async fn master(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<Master, ProviderError> {
        let raw = self.raw_event(account, calendar, id).await?;
        if raw["type"] != "seriesMaster" {
            return Err(ProviderError::invalid(
                Code::EventNotSeries,
                format!("event {id} is not the master of a recurring series"),
            ));
        }
        let tz = raw["recurrence"]["range"]["recurrenceTimeZone"]
            .as_str()
            .or(raw["originalStartTimeZone"].as_str())
            .and_then(zone)
            .unwrap_or(chrono_tz::UTC);
        let start = instant_of(&raw["start"]).ok_or_else(|| bad("the series has no start"))?;
        let first = raw["recurrence"]["range"]["startDate"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(|| start.with_timezone(&tz).date_naive());
        Ok(Master {
            event: from_graph(&raw, Some(calendar)),
            all_day: raw["isAllDay"] == true,
            time: start.with_timezone(&tz).time(),
            first,
            tz,
            raw,
        })
    }

    /// The occurrences and exceptions Graph has for a series between two local dates.
    async fn instances(
        &self,
        account: &AccountRecord,
        calendar: &str,
        m: &Master,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Value>, ProviderError> {
        let at = |d: NaiveDate| {
            let t = d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
            segment(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
        };
        let mut next = Some(format!(
            "{}/instances?startDateTime={}&endDateTime={}&$top=100",
            self.graph.url(&Self::event_path(
                calendar,
                m.event.id.as_deref().unwrap_or_default()
            )),
            at(from - Duration::days(8)),
            at(to + Duration::days(9))
        ));
        let mut all = vec![];
        while let Some(url) = next.take() {
            let page = self
                .graph_json(
                    account,
                    &GraphRequest::get(url, vec![IN_UTC, IMMUTABLE_IDS]),
                )
                .await?;
            all.extend(page["value"].as_array().cloned().unwrap_or_default());
            next = page["@odata.nextLink"].as_str().map(str::to_string);
        }
        Ok(all)
    }

    fn original_day(m: &Master, instance: &Value) -> Option<NaiveDate> {
        let t = instance["originalStart"].as_str()?;
        Some(m.local(DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&Utc)))
    }
}

/// An `EXDATE` line for deleted occurrences.
fn exdate(starts: &[EventDateTime], all_day: bool) -> String {
    let values: Vec<String> = starts
        .iter()
        .filter_map(|s| {
            if all_day {
                s.date_only.as_ref().map(|d| d.replace('-', ""))
            } else {
                let t = DateTime::parse_from_rfc3339(s.date_time.as_deref()?).ok()?;
                Some(t.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string())
            }
        })
        .collect();
    let kind = if all_day { ";VALUE=DATE" } else { "" };
    format!("EXDATE{kind}:{}", values.join(","))
}

#[async_trait::async_trait]
impl Series for Office365 {
    /// `SeriesInfo`: the rule, the occurrences changed, and those deleted (for an endless
    /// series, within a year from now).
    #[tracing::instrument(name = "office365.series", skip_all, fields(account_id = account.id))]
    async fn series(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<SeriesInfo, ProviderError> {
        let m = self.master(account, calendar, id).await?;
        let horizon = m.first.max(Utc::now().date_naive()) + Duration::days(HORIZON_DAYS);
        let expected = m.expected(horizon);
        let last = expected.last().copied().unwrap_or(m.first);
        let instances = self.instances(account, calendar, &m, m.first, last).await?;
        let present: Vec<NaiveDate> = instances
            .iter()
            .filter_map(|i| Self::original_day(&m, i))
            .collect();
        let info = |v: &Value| from_graph(v, Some(calendar)).occurrence_info;
        let modified = instances
            .iter()
            .filter(|i| i["type"] == "exception")
            .filter_map(info)
            .collect();
        let deleted: Vec<OccurrenceInfo> = expected
            .iter()
            .filter(|d| !present.contains(d))
            .map(|d| OccurrenceInfo {
                id: None,
                kind: "deleted".into(),
                original_start: Some(m.planned(*d)),
                start: None,
                master_id: Some(id.to_string()),
            })
            .collect();
        let mut recurrence = m.event.recurrence.clone().unwrap_or_default();
        let exclusions: Vec<EventDateTime> = deleted
            .iter()
            .filter_map(|d| d.original_start.clone())
            .collect();
        if let Some(simple) = recurrence.simple.as_mut() {
            simple.range.pattern_exclusions = Some(exclusions.clone());
        }
        if let (Some(ical), false) = (recurrence.ical.as_mut(), exclusions.is_empty()) {
            ical.rules.push(exdate(&exclusions, m.all_day));
        }
        Ok(SeriesInfo {
            id: id.to_string(),
            global_id: m.event.i_cal_uid.clone(),
            recurrence,
            modified_occurrences: modified,
            deleted_occurrences: deleted,
        })
    }

    /// The occurrence originally planned for `ost` (a date, or a time read in the series' zone).
    #[tracing::instrument(name = "office365.occurrence", skip_all, fields(account_id = account.id))]
    async fn occurrence(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        ost: &str,
    ) -> Result<Event, ProviderError> {
        let m = self.master(account, calendar, id).await?;
        let day = NaiveDate::parse_from_str(ost, "%Y-%m-%d")
            .ok()
            .or_else(|| {
                DateTime::parse_from_rfc3339(ost)
                    .ok()
                    .map(|t| m.local(t.with_timezone(&Utc)))
            })
            .ok_or_else(|| {
                bad(format!(
                    "'{ost}' is not a date like 2024-05-01 or an RFC 3339 time"
                ))
            })?;
        let instances = self.instances(account, calendar, &m, day, day).await?;
        if let Some(found) = instances
            .iter()
            .find(|i| Self::original_day(&m, i) == Some(day))
        {
            return Ok(from_graph(found, Some(calendar)));
        }
        let planned = m.expected(day).contains(&day);
        Err(ProviderError::not_found(
            if planned {
                Code::OccurrenceDeleted
            } else {
                Code::OccurrenceNotFound
            },
            if planned {
                format!("the occurrence planned for {day} was deleted from the series")
            } else {
                format!("the series has no occurrence planned for {day}")
            },
        ))
    }
}
