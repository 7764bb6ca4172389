//! A recurring series: its rule with the occurrences changed or deleted, and one occurrence by
//! the date (or time) it was originally planned for.

use crate::error::Code;
use crate::model::calendar::{Event, EventDateTime};
use crate::model::recurrence::{OccurrenceInfo, SeriesInfo};
use crate::providers::error::ProviderError;
use crate::providers::office365::calendar::event_map::from_graph;
use crate::providers::office365::calendar::graph_event::{GraphEvent, GraphRecurrence};
use crate::providers::office365::calendar::recurrence_expand::dates;
use crate::providers::office365::graph::client::segment;
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::time::{local_to_utc, zone, DateTimeTimeZone};
use crate::providers::office365::Office365;
use crate::providers::Series;
use crate::store::AccountRecord;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use reqwest::Method;

/// How far ahead an endless series is searched for deleted occurrences.
const HORIZON_DAYS: i64 = 366;

/// A series master as read from Graph, with what expanding it needs.
struct Master {
    recurrence: GraphRecurrence,
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
        dates(&self.recurrence, self.first, until)
    }
}

impl Master {
    fn read(raw: &GraphEvent, calendar: &str, id: &str) -> Result<Master, ProviderError> {
        if raw.kind.as_deref() != Some("seriesMaster") {
            return Err(ProviderError::invalid(
                Code::EventNotSeries,
                format!("event {id} is not the master of a recurring series"),
            ));
        }
        let recurrence = raw.recurrence.clone().unwrap_or_default();
        let range = recurrence.range.as_ref();
        let tz = range
            .and_then(|r| r.recurrence_time_zone.as_deref())
            .or(raw.original_start_time_zone.as_deref())
            .and_then(zone)
            .unwrap_or(chrono_tz::UTC);
        let start = raw
            .start
            .as_ref()
            .and_then(DateTimeTimeZone::instant)
            .ok_or_else(|| bad("the series has no start"))?;
        let first = range
            .and_then(|r| r.start_date.as_deref())
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(|| start.with_timezone(&tz).date_naive());
        Ok(Master {
            event: from_graph(raw, Some(calendar)),
            all_day: raw.is_all_day == Some(true),
            time: start.with_timezone(&tz).time(),
            first,
            tz,
            recurrence,
        })
    }

    /// The local day an occurrence or exception was planned for.
    fn original_day(&self, instance: &GraphEvent) -> Option<NaiveDate> {
        let t = instance.original_start.as_deref()?;
        Some(self.local(DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&Utc)))
    }
}

/// An occurrence or exception Graph lists, with the local day it was planned for.
struct Instance {
    planned: Option<NaiveDate>,
    event: Event,
}

impl Office365 {
    async fn master(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<Master, ProviderError> {
        let request =
            self.calendar_request(Method::GET, &Self::event_path(calendar, id), None, None);
        self.on_event(account, &request, |raw| Master::read(raw, calendar, id))
            .await?
    }

    /// The occurrences and exceptions Graph has for a series between two local dates.
    async fn instances(
        &self,
        account: &AccountRecord,
        calendar: &str,
        m: &Master,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Instance>, ProviderError> {
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
            let (page, link) = self
                .event_page(account, url, |v| Instance {
                    planned: m.original_day(v),
                    event: from_graph(v, Some(calendar)),
                })
                .await?;
            all.extend(page);
            next = link;
        }
        Ok(all)
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
        let present: Vec<NaiveDate> = instances.iter().filter_map(|i| i.planned).collect();
        let modified = instances
            .into_iter()
            .filter_map(|i| i.event.occurrence_info)
            .filter(|o| o.kind == "modified")
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
        if let Some(found) = instances.into_iter().find(|i| i.planned == Some(day)) {
            return Ok(found.event);
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
