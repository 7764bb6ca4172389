//! Graph's `scheduleInformation` (the answer of `getSchedule`), typed, and what switchboard reads
//! from it: one person's busy times, working hours and error.

use crate::model::availability::{DayWorkSchedule, WeekWorkSchedule, WorkingInterval};
use crate::providers::office365::graph::shapes::{Text, Texts};
use crate::providers::office365::time::{iana_name, DateTimeTimeZone};
use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GraphSchedule<'a> {
    #[serde(borrow)]
    pub schedule_id: Text<'a>,
    #[serde(borrow)]
    pub schedule_items: Option<Vec<ScheduleItem<'a>>>,
    #[serde(borrow)]
    pub working_hours: Option<WorkingHours<'a>>,
    #[serde(borrow)]
    pub error: Option<ScheduleError<'a>>,
}

#[derive(Deserialize, Default)]
pub struct ScheduleItem<'a> {
    #[serde(borrow)]
    pub start: Option<DateTimeTimeZone<'a>>,
    #[serde(borrow)]
    pub end: Option<DateTimeTimeZone<'a>>,
    /// `free`, `tentative`, `busy`, `oof`, `workingElsewhere`, `unknown`.
    #[serde(borrow)]
    pub status: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WorkingHours<'a> {
    #[serde(borrow)]
    pub days_of_week: Texts<'a>,
    #[serde(borrow)]
    pub start_time: Text<'a>,
    #[serde(borrow)]
    pub end_time: Text<'a>,
    #[serde(borrow)]
    pub time_zone: Option<ZoneName<'a>>,
}

#[derive(Deserialize, Default)]
pub struct ZoneName<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
}

#[derive(Deserialize, Default)]
pub struct ScheduleError<'a> {
    #[serde(borrow)]
    pub message: Text<'a>,
}

/// One person's calendar as `getSchedule` told it.
pub struct Schedule {
    pub email: String,
    pub busy: Vec<(DateTime<Utc>, DateTime<Utc>, &'static str)>,
    pub work: Option<WeekWorkSchedule>,
    pub error: Option<String>,
}

/// Graph's free/busy status in the contract's words.
fn status(graph: &str) -> &'static str {
    match graph {
        "free" => "free",
        "tentative" => "tentative",
        "oof" => "outOfOffice",
        "busy" | "workingElsewhere" => "busy",
        _ => "unknown",
    }
}

/// A time of day as Graph writes it (`08:00:00.0000000`) or as the contract does (`08:00`).
pub fn time_of_day(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
        .ok()
        .or_else(|| NaiveTime::parse_from_str(text, "%H:%M").ok())
}

impl GraphSchedule<'_> {
    pub fn to_schedule(&self) -> Schedule {
        Schedule {
            email: self.schedule_id.as_deref().unwrap_or_default().to_string(),
            busy: self
                .schedule_items
                .iter()
                .flatten()
                .filter_map(|i| {
                    Some((
                        i.start.as_ref()?.instant()?,
                        i.end.as_ref()?.instant()?,
                        status(i.status.as_deref()?),
                    ))
                })
                .collect(),
            work: self.working_hours.as_ref().and_then(WorkingHours::week),
            error: self
                .error
                .as_ref()
                .and_then(|e| e.message.as_deref())
                .map(str::to_string),
        }
    }
}

impl WorkingHours<'_> {
    fn week(&self) -> Option<WeekWorkSchedule> {
        let short = |t: &Text| time_of_day(t.as_deref()?).map(|t| t.format("%H:%M:%S").to_string());
        let (start, end) = (short(&self.start_time)?, short(&self.end_time)?);
        Some(WeekWorkSchedule {
            day_schedules: self
                .days_of_week
                .as_ref()?
                .iter()
                .map(|d| DayWorkSchedule {
                    day_of_week: d.to_ascii_lowercase(),
                    working_intervals: vec![WorkingInterval {
                        start: start.clone(),
                        end: end.clone(),
                    }],
                })
                .collect(),
            timezone: self
                .time_zone
                .as_ref()
                .and_then(|z| z.name.as_deref())
                .map(|z| iana_name(z).unwrap_or_else(|| z.to_string())),
        })
    }
}
