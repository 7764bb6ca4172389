//! Calendars and events: calendars, events in a window, one event, series and occurrences,
//! responses, availability.
use crate::model::availability::{
    FreeBusyRequest, FreeBusySchedulePage, SuggestRequest, SuggestResponse,
};
use crate::model::calendar::{
    Calendar, CalendarInput, CalendarsPage, Event, EventOrId, EventsPage,
};
use crate::model::email::EmailAttachment;
use crate::model::recurrence::SeriesInfo;
use crate::model::requests::EventWrite;
use crate::providers::error::ProviderError;
use crate::store::AccountRecord;

/// The account's calendars.
#[async_trait::async_trait]
pub trait CalendarList: Send + Sync {
    async fn calendars(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
        with_shared: bool,
    ) -> Result<CalendarsPage, ProviderError>;

    async fn calendar(&self, account: &AccountRecord, id: &str) -> Result<Calendar, ProviderError>;

    async fn create_calendar(
        &self,
        account: &AccountRecord,
        input: &CalendarInput,
    ) -> Result<Calendar, ProviderError>;

    async fn update_calendar(
        &self,
        account: &AccountRecord,
        id: &str,
        input: &CalendarInput,
    ) -> Result<Calendar, ProviderError>;
}

/// Events: a window, one event, writes, responses, search, attachments.
#[async_trait::async_trait]
pub trait Events: Send + Sync {
    /// Events with `end > timeMin` and `start < timeMax`, both bounds exclusive as the contract says.
    async fn events_range(
        &self,
        account: &AccountRecord,
        calendar: &str,
        time_min: Option<&str>,
        time_max: Option<&str>,
        page_token: Option<&str>,
    ) -> Result<EventsPage, ProviderError>;

    async fn event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<Event, ProviderError>;

    async fn create_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        event: &Event,
        how: &EventWrite<'_>,
    ) -> Result<EventOrId, ProviderError>;

    async fn update_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        event: &Event,
        how: &EventWrite<'_>,
    ) -> Result<EventOrId, ProviderError>;

    /// Deletes an event. Outlook tells the attendees when their organizer deletes a meeting, so
    /// `notify = false` is refused for such a meeting rather than ignored.
    async fn delete_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        if_match: Option<&str>,
        notify: bool,
    ) -> Result<(), ProviderError>;

    /// Accept, tentatively accept or decline an invitation.
    async fn respond(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        response: &str,
        comment: Option<&str>,
        notify: bool,
    ) -> Result<(), ProviderError>;

    /// The events with an iCalendar UID (a series and its exceptions share one).
    /// The events with any of these iCalendar UIDs (at most 20 at once).
    async fn find_events(
        &self,
        account: &AccountRecord,
        calendar: &str,
        ical_uids: &[&str],
    ) -> Result<EventsPage, ProviderError>;

    async fn event_attachment(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        attachment: &str,
    ) -> Result<EmailAttachment, ProviderError>;
}

/// A recurring series and its occurrences.
#[async_trait::async_trait]
pub trait Series: Send + Sync {
    /// `SeriesInfo`: the rule, the occurrences changed, and those deleted (for an endless
    /// series, within a year from now).
    async fn series(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<SeriesInfo, ProviderError>;

    /// The occurrence originally planned for `ost` (a date, or a time read in the series' zone).
    async fn occurrence(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        ost: &str,
    ) -> Result<Event, ProviderError>;
}

/// Free/busy and meeting-time suggestions.
#[async_trait::async_trait]
pub trait Availability: Send + Sync {
    async fn free_busy(
        &self,
        account: &AccountRecord,
        req: &FreeBusyRequest,
    ) -> Result<FreeBusySchedulePage, ProviderError>;

    async fn suggest_meeting_times(
        &self,
        account: &AccountRecord,
        req: SuggestRequest,
    ) -> Result<SuggestResponse, ProviderError>;
}

/// All of calendars.
pub trait Calendars: CalendarList + Events + Series + Availability {}

impl<T: CalendarList + Events + Series + Availability> Calendars for T {}
