//! Calendars and events through Graph: ranges, changes, invitations, recurrence (RRULE and
//! Outlook's patterns), series and occurrences, free/busy and meeting suggestions.

pub mod availability;
pub mod calendars;
pub mod event_map;
pub mod event_meeting;
pub mod event_time;
pub mod events;
pub mod graph_event;
pub mod graph_schedule;
pub mod recurrence_expand;
pub mod recurrence_map;
pub mod rrule;
pub mod series;
