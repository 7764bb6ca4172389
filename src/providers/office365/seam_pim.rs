//! Office 365 behind the calendar, contact and task traits: each trait method is the `Office365`
//! method of the same name.

use super::Office365;
use crate::model::availability::{
    FreeBusyRequest, FreeBusySchedulePage, SuggestRequest, SuggestResponse,
};
use crate::model::calendar::{
    Calendar, CalendarInput, CalendarsPage, Event, EventOrId, EventsPage,
};
use crate::model::contact::{Contact, ContactOrId, ContactsPage};
use crate::model::email::EmailAttachment;
use crate::model::recurrence::SeriesInfo;
use crate::model::requests::EventWrite;
use crate::model::task::{Task, TaskInput, TaskList, TaskListPage, TaskOrId, TasksPage};
use crate::providers::error::ProviderError;
use crate::providers::{Calendars, Contacts, Tasks};
use crate::store::AccountRecord;

#[async_trait::async_trait]
impl Calendars for Office365 {
    #[tracing::instrument(name = "office365.calendars", skip_all, fields(account_id = account.id))]
    async fn calendars(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
        with_shared: bool,
    ) -> Result<CalendarsPage, ProviderError> {
        Office365::calendars(self, account, page_token, with_shared).await
    }

    #[tracing::instrument(name = "office365.calendar", skip_all, fields(account_id = account.id))]
    async fn calendar(&self, account: &AccountRecord, id: &str) -> Result<Calendar, ProviderError> {
        Office365::calendar(self, account, id).await
    }

    #[tracing::instrument(name = "office365.create_calendar", skip_all, fields(account_id = account.id))]
    async fn create_calendar(
        &self,
        account: &AccountRecord,
        input: &CalendarInput,
    ) -> Result<Calendar, ProviderError> {
        Office365::create_calendar(self, account, input).await
    }

    #[tracing::instrument(name = "office365.update_calendar", skip_all, fields(account_id = account.id))]
    async fn update_calendar(
        &self,
        account: &AccountRecord,
        id: &str,
        input: &CalendarInput,
    ) -> Result<Calendar, ProviderError> {
        Office365::update_calendar(self, account, id, input).await
    }

    #[tracing::instrument(name = "office365.events_range", skip_all, fields(account_id = account.id))]
    async fn events_range(
        &self,
        account: &AccountRecord,
        calendar: &str,
        time_min: Option<&str>,
        time_max: Option<&str>,
        page_token: Option<&str>,
    ) -> Result<EventsPage, ProviderError> {
        Office365::events_range(self, account, calendar, time_min, time_max, page_token).await
    }

    #[tracing::instrument(name = "office365.event", skip_all, fields(account_id = account.id))]
    async fn event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<Event, ProviderError> {
        Office365::event(self, account, calendar, id).await
    }

    #[tracing::instrument(name = "office365.create_event", skip_all, fields(account_id = account.id))]
    async fn create_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        event: &Event,
        how: &EventWrite<'_>,
    ) -> Result<EventOrId, ProviderError> {
        Office365::create_event(self, account, calendar, event, how).await
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
        Office365::update_event(self, account, calendar, id, event, how).await
    }

    #[tracing::instrument(name = "office365.delete_event", skip_all, fields(account_id = account.id))]
    async fn delete_event(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        if_match: Option<&str>,
        notify: bool,
    ) -> Result<(), ProviderError> {
        Office365::delete_event(self, account, calendar, id, if_match, notify).await
    }

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
        Office365::respond(self, account, calendar, id, response, comment, notify).await
    }

    #[tracing::instrument(name = "office365.find_events", skip_all, fields(account_id = account.id))]
    async fn find_events(
        &self,
        account: &AccountRecord,
        calendar: &str,
        ical_uids: &[&str],
    ) -> Result<EventsPage, ProviderError> {
        Office365::find_events(self, account, calendar, ical_uids).await
    }

    #[tracing::instrument(name = "office365.event_attachment", skip_all, fields(account_id = account.id))]
    async fn event_attachment(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        attachment: &str,
    ) -> Result<EmailAttachment, ProviderError> {
        Office365::event_attachment(self, account, calendar, id, attachment).await
    }

    #[tracing::instrument(name = "office365.series", skip_all, fields(account_id = account.id))]
    async fn series(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
    ) -> Result<SeriesInfo, ProviderError> {
        Office365::series(self, account, calendar, id).await
    }

    #[tracing::instrument(name = "office365.occurrence", skip_all, fields(account_id = account.id))]
    async fn occurrence(
        &self,
        account: &AccountRecord,
        calendar: &str,
        id: &str,
        ost: &str,
    ) -> Result<Event, ProviderError> {
        Office365::occurrence(self, account, calendar, id, ost).await
    }

    #[tracing::instrument(name = "office365.free_busy", skip_all, fields(account_id = account.id))]
    async fn free_busy(
        &self,
        account: &AccountRecord,
        req: &FreeBusyRequest,
    ) -> Result<FreeBusySchedulePage, ProviderError> {
        Office365::free_busy(self, account, req).await
    }

    #[tracing::instrument(name = "office365.suggest_meeting_times", skip_all, fields(account_id = account.id))]
    async fn suggest_meeting_times(
        &self,
        account: &AccountRecord,
        req: SuggestRequest,
    ) -> Result<SuggestResponse, ProviderError> {
        Office365::suggest_meeting_times(self, account, req).await
    }
}

#[async_trait::async_trait]
impl Contacts for Office365 {
    #[tracing::instrument(name = "office365.list_contacts", skip_all, fields(account_id = account.id))]
    async fn list_contacts(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<ContactsPage, ProviderError> {
        Office365::list_contacts(self, account, page_token, limit).await
    }

    #[tracing::instrument(name = "office365.get_contact", skip_all, fields(account_id = account.id))]
    async fn get_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        with_photo: bool,
    ) -> Result<Contact, ProviderError> {
        Office365::get_contact(self, account, id, with_photo).await
    }

    #[tracing::instrument(name = "office365.create_contact", skip_all, fields(account_id = account.id))]
    async fn create_contact(
        &self,
        account: &AccountRecord,
        contact: &Contact,
    ) -> Result<ContactOrId, ProviderError> {
        Office365::create_contact(self, account, contact).await
    }

    #[tracing::instrument(name = "office365.update_contact", skip_all, fields(account_id = account.id))]
    async fn update_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        contact: &Contact,
        if_match: Option<&str>,
    ) -> Result<ContactOrId, ProviderError> {
        Office365::update_contact(self, account, id, contact, if_match).await
    }

    #[tracing::instrument(name = "office365.delete_contact", skip_all, fields(account_id = account.id))]
    async fn delete_contact(
        &self,
        account: &AccountRecord,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ProviderError> {
        Office365::delete_contact(self, account, id, if_match).await
    }
}

#[async_trait::async_trait]
impl Tasks for Office365 {
    #[tracing::instrument(name = "office365.task_lists", skip_all, fields(account_id = account.id))]
    async fn task_lists(
        &self,
        account: &AccountRecord,
        page_token: Option<&str>,
    ) -> Result<TaskListPage, ProviderError> {
        Office365::task_lists(self, account, page_token).await
    }

    #[tracing::instrument(name = "office365.create_task_list", skip_all, fields(account_id = account.id))]
    async fn create_task_list(
        &self,
        account: &AccountRecord,
        title: &str,
    ) -> Result<TaskList, ProviderError> {
        Office365::create_task_list(self, account, title).await
    }

    #[tracing::instrument(name = "office365.task_list", skip_all, fields(account_id = account.id))]
    async fn task_list(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<TaskList, ProviderError> {
        Office365::task_list(self, account, id).await
    }

    #[tracing::instrument(name = "office365.update_task_list", skip_all, fields(account_id = account.id))]
    async fn update_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
        title: &str,
        if_match: Option<&str>,
    ) -> Result<TaskList, ProviderError> {
        Office365::update_task_list(self, account, id, title, if_match).await
    }

    #[tracing::instrument(name = "office365.delete_task_list", skip_all, fields(account_id = account.id))]
    async fn delete_task_list(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<(), ProviderError> {
        Office365::delete_task_list(self, account, id).await
    }

    #[tracing::instrument(name = "office365.tasks", skip_all, fields(account_id = account.id))]
    async fn tasks(
        &self,
        account: &AccountRecord,
        list: &str,
        page_token: Option<&str>,
        limit: Option<u32>,
    ) -> Result<TasksPage, ProviderError> {
        Office365::tasks(self, account, list, page_token, limit).await
    }

    #[tracing::instrument(name = "office365.create_task", skip_all, fields(account_id = account.id))]
    async fn create_task(
        &self,
        account: &AccountRecord,
        list: &str,
        input: &TaskInput,
    ) -> Result<TaskOrId, ProviderError> {
        Office365::create_task(self, account, list, input).await
    }

    #[tracing::instrument(name = "office365.task", skip_all, fields(account_id = account.id))]
    async fn task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
    ) -> Result<Task, ProviderError> {
        Office365::task(self, account, list, id).await
    }

    #[tracing::instrument(name = "office365.update_task", skip_all, fields(account_id = account.id))]
    async fn update_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        input: &TaskInput,
        if_match: Option<&str>,
    ) -> Result<TaskOrId, ProviderError> {
        Office365::update_task(self, account, list, id, input, if_match).await
    }

    #[tracing::instrument(name = "office365.delete_task", skip_all, fields(account_id = account.id))]
    async fn delete_task(
        &self,
        account: &AccountRecord,
        list: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ProviderError> {
        Office365::delete_task(self, account, list, id, if_match).await
    }
}
