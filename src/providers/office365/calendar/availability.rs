//! Free/busy over Graph's `getSchedule`, and meeting times found from it: slots inside every
//! attendee's working hours (in the attendee's own zone), clear of their busy time plus the
//! buffer after the meeting.

use crate::model::availability::{
    FreeBusyRequest, FreeBusySchedule, FreeBusySchedulePage, MeetingAttendee, SuggestRequest,
    SuggestResponse, TimeInterval, WeekWorkSchedule,
};
use crate::model::recurrence::DAYS;
use crate::providers::error::ProviderError;
use crate::providers::office365::calendar::calendars::{instant, IN_UTC};
use crate::providers::office365::calendar::graph_schedule::{time_of_day, GraphSchedule, Schedule};
use crate::providers::office365::graph::client::GraphRequest;
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::time::{to_graph_utc, zone};
use crate::providers::office365::Office365;
use crate::providers::Availability;
use crate::store::AccountRecord;
use chrono::{DateTime, Datelike, Duration, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use reqwest::Method;
use serde_json::json;

/// Graph's limit of schedules in one `getSchedule`.
const MAX_SCHEDULES: usize = 20;
const MAX_SLOTS: usize = 1000;
const SHOW_AS: &[&str] = &["free", "busy", "tentative", "outOfOffice", "unknown"];

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Whether [start, end) lies inside the working hours, read in `tz`.
fn within_work(week: &WeekWorkSchedule, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    if s.date_naive() != e.date_naive() && e.time() != NaiveTime::MIN {
        return false;
    }
    let day = DAYS[s.weekday().num_days_from_monday() as usize];
    let end_time = if e.date_naive() != s.date_naive() {
        NaiveTime::from_hms_opt(23, 59, 59).expect("a time")
    } else {
        e.time()
    };
    week.day_schedules.iter().filter(|d| d.day_of_week.eq_ignore_ascii_case(day)).flat_map(|d| &d.working_intervals).any(|w| {
        matches!((time_of_day(&w.start), time_of_day(&w.end)), (Some(a), Some(b)) if a <= s.time() && end_time <= b)
    })
}

impl Office365 {
    async fn schedules(
        &self,
        account: &AccountRecord,
        emails: &[String],
        min: DateTime<Utc>,
        max: DateTime<Utc>,
    ) -> Result<Vec<Schedule>, ProviderError> {
        if emails.len() > MAX_SCHEDULES {
            return Err(bad(format!("at most {MAX_SCHEDULES} people at a time")));
        }
        let body = json!({ "schedules": emails, "startTime": to_graph_utc(min), "endTime": to_graph_utc(max), "availabilityViewInterval": 30 });
        let mut request = GraphRequest::with(
            Method::POST,
            self.graph.url("/me/calendar/getSchedule"),
            Some(body),
        );
        request.prefer.push(IN_UTC);
        self.graph_read(account, &request, |answer| {
            answer
                .page(GraphSchedule::to_schedule)
                .map(|(schedules, _)| schedules)
        })
        .await
    }
}

#[async_trait::async_trait]
impl Availability for Office365 {
    #[tracing::instrument(name = "office365.free_busy", skip_all, fields(account_id = account.id))]
    async fn free_busy(
        &self,
        account: &AccountRecord,
        req: &FreeBusyRequest,
    ) -> Result<FreeBusySchedulePage, ProviderError> {
        let (min, max) = (
            instant("timeMin", &req.time_min)?,
            instant("timeMax", &req.time_max)?,
        );
        if min >= max {
            return Err(bad("timeMin must be before timeMax"));
        }
        let emails = if req.emails.is_empty() {
            account.email.clone().into_iter().collect()
        } else {
            req.emails.clone()
        };
        let records = self
            .schedules(account, &emails, min, max)
            .await?
            .into_iter()
            .map(|s| FreeBusySchedule {
                email: s.email,
                items: s
                    .busy
                    .iter()
                    .map(|(a, b, st)| TimeInterval {
                        start: rfc(*a),
                        end: rfc(*b),
                        status: Some((*st).to_string()),
                    })
                    .collect(),
                error: s.error,
                work_hours: s.work,
            })
            .collect();
        Ok(FreeBusySchedulePage { records })
    }

    #[tracing::instrument(name = "office365.suggest_meeting_times", skip_all, fields(account_id = account.id))]
    async fn suggest_meeting_times(
        &self,
        account: &AccountRecord,
        req: SuggestRequest,
    ) -> Result<SuggestResponse, ProviderError> {
        let (min, max) = (
            instant("timeMin", &req.time_min)?,
            instant("timeMax", &req.time_max)?,
        );
        let step = req.availability_step.unwrap_or(30);
        if min >= max || max - min > Duration::days(62) {
            return Err(bad("timeMin must be before timeMax, at most 62 days apart"));
        }
        if !(5..=1440).contains(&req.duration_minutes)
            || !(5..=1440).contains(&step)
            || !(0..=1440).contains(&req.buffer_between_minutes)
        {
            return Err(bad("durationMinutes and availabilityStep must be 5 to 1440 minutes, bufferBetweenMinutes 0 to 1440"));
        }
        if req.availability_intervals.is_some() {
            return Err(bad("availabilityIntervals are not supported yet; give working hours (defaultWorkHours or per attendee)"));
        }
        let free: Vec<String> = req
            .free_statuses
            .clone()
            .unwrap_or_else(|| vec!["free".into()]);
        if let Some(s) = free.iter().find(|s| !SHOW_AS.contains(&s.as_str())) {
            return Err(bad(format!(
                "freeStatuses: '{s}' is not one of {}",
                SHOW_AS.join(", ")
            )));
        }
        let default_tz = match req.default_timezone.as_deref() {
            Some(name) => zone(name)
                .ok_or_else(|| bad(format!("defaultTimezone '{name}' is not an IANA time zone")))?,
            None => chrono_tz::UTC,
        };
        let mut attendees = req.attendees;
        if attendees.is_empty() {
            attendees.push(MeetingAttendee {
                email: account.email.clone(),
                ..Default::default()
            });
        }
        let emails: Vec<String> = attendees.iter().filter_map(|a| a.email.clone()).collect();
        let schedules = if emails.is_empty() {
            vec![]
        } else {
            self.schedules(account, &emails, min, max).await?
        };
        // Each attendee's constraints: zone, working hours, busy time, allowed windows.
        let mut rules = Vec::new();
        for a in &mut attendees {
            let schedule = a
                .email
                .as_ref()
                .and_then(|e| schedules.iter().find(|s| s.email.eq_ignore_ascii_case(e)));
            if let Some(s) = schedule {
                a.error = s.error.clone();
            }
            let tz_name = a
                .timezone
                .clone()
                .or_else(|| a.work_hours.as_ref().and_then(|w| w.timezone.clone()))
                .or_else(|| schedule.and_then(|s| s.work.as_ref()?.timezone.clone()));
            let tz = match tz_name.as_deref() {
                Some(n) => zone(n)
                    .ok_or_else(|| bad(format!("timezone '{n}' is not an IANA time zone")))?,
                None => default_tz,
            };
            a.timezone = Some(tz.name().to_string());
            let week = a
                .work_hours
                .clone()
                .or_else(|| schedule.and_then(|s| s.work.clone()))
                .or_else(|| req.default_work_hours.clone());
            a.work_hours = week.clone();
            let mut busy: Vec<(DateTime<Utc>, DateTime<Utc>)> = schedule
                .map(|s| {
                    s.busy
                        .iter()
                        .filter(|(_, _, st)| !free.iter().any(|f| f == st))
                        .map(|(x, y, _)| (*x, *y))
                        .collect()
                })
                .unwrap_or_default();
            for b in &a.busy_intervals {
                busy.push((
                    instant("busyIntervals.start", &b.start)?,
                    instant("busyIntervals.end", &b.end)?,
                ));
            }
            let windows = a
                .free_intervals
                .iter()
                .map(|f| {
                    Ok((
                        instant("freeIntervals.start", &f.start)?,
                        instant("freeIntervals.end", &f.end)?,
                    ))
                })
                .collect::<Result<Vec<_>, ProviderError>>()?;
            rules.push((tz, week, busy, windows, a.error.is_some()));
        }
        let (duration, buffer, step) = (
            Duration::minutes(req.duration_minutes),
            Duration::minutes(req.buffer_between_minutes),
            Duration::minutes(step),
        );
        // Slots start on the step's grid (from the hour in UTC).
        let offset = min.timestamp().rem_euclid(step.num_seconds());
        let mut start = if offset == 0 {
            min
        } else {
            min + Duration::seconds(step.num_seconds() - offset)
        };
        let mut items = Vec::new();
        while start + duration <= max && items.len() < MAX_SLOTS {
            let end = start + duration;
            let fits = rules.iter().all(|(tz, week, busy, windows, unknown)| {
                *unknown
                    || (week
                        .as_ref()
                        .is_none_or(|w| within_work(w, *tz, start, end))
                        && busy
                            .iter()
                            .all(|(b0, b1)| end + buffer <= *b0 || *b1 <= start)
                        && (windows.is_empty()
                            || windows.iter().any(|(w0, w1)| *w0 <= start && end <= *w1)))
            });
            if fits {
                items.push(TimeInterval {
                    start: rfc(start),
                    end: rfc(end),
                    status: None,
                });
            }
            start += step;
        }
        Ok(SuggestResponse { items, attendees })
    }
}
