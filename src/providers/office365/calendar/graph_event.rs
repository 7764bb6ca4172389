//! Graph's `event` as it arrives, typed: the properties switchboard maps, their strings borrowed
//! from the answer where they carry no escapes. The recurrence is owned (a series keeps it to
//! expand its dates after the answer is gone).

use crate::model::calendar::EmailAddressIn;
use crate::providers::office365::graph::shapes::{
    nonempty, Address, GraphPage, ItemBody, Recipient, Text, Texts,
};
use crate::providers::office365::mail::graph_message::GraphAttachment;
use crate::providers::office365::time::DateTimeTimeZone;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GraphEvent<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(rename = "@odata.etag", borrow)]
    pub etag: Text<'a>,
    /// `singleInstance`, `occurrence`, `exception` or `seriesMaster`.
    #[serde(rename = "type", borrow)]
    pub kind: Text<'a>,
    #[serde(borrow)]
    pub series_master_id: Text<'a>,
    /// Where an occurrence or exception was planned (UTC, RFC 3339).
    #[serde(borrow)]
    pub original_start: Text<'a>,
    #[serde(borrow)]
    pub original_start_time_zone: Text<'a>,
    #[serde(borrow)]
    pub original_end_time_zone: Text<'a>,
    #[serde(borrow)]
    pub created_date_time: Text<'a>,
    #[serde(borrow)]
    pub last_modified_date_time: Text<'a>,
    #[serde(borrow)]
    pub subject: Text<'a>,
    #[serde(borrow)]
    pub body: Option<ItemBody<'a>>,
    #[serde(borrow)]
    pub location: Option<Location<'a>>,
    pub is_all_day: Option<bool>,
    #[serde(borrow)]
    pub start: Option<DateTimeTimeZone<'a>>,
    #[serde(borrow)]
    pub end: Option<DateTimeTimeZone<'a>>,
    pub recurrence: Option<GraphRecurrence>,
    #[serde(borrow)]
    pub organizer: Option<Recipient<'a>>,
    pub is_organizer: Option<bool>,
    #[serde(borrow)]
    pub attendees: Option<Vec<GraphAttendee<'a>>>,
    pub hide_attendees: Option<bool>,
    #[serde(borrow)]
    pub response_status: Option<ResponseStatus<'a>>,
    pub is_cancelled: Option<bool>,
    pub is_online_meeting: Option<bool>,
    #[serde(borrow)]
    pub online_meeting_provider: Text<'a>,
    #[serde(borrow)]
    pub online_meeting: Option<OnlineMeeting<'a>>,
    pub is_reminder_on: Option<bool>,
    pub reminder_minutes_before_start: Option<i64>,
    #[serde(rename = "iCalUId", borrow)]
    pub ical_uid: Text<'a>,
    #[serde(borrow)]
    pub show_as: Text<'a>,
    #[serde(borrow)]
    pub sensitivity: Text<'a>,
    #[serde(borrow)]
    pub categories: Texts<'a>,
    #[serde(borrow)]
    pub web_link: Text<'a>,
    pub has_attachments: Option<bool>,
    #[serde(borrow)]
    pub attachments: Option<Vec<GraphAttachment<'a>>>,
}

pub type GraphEvents<'a> = GraphPage<GraphEvent<'a>>;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Location<'a> {
    #[serde(borrow)]
    pub display_name: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GraphAttendee<'a> {
    #[serde(borrow)]
    pub email_address: Option<Address<'a>>,
    /// `required`, `optional` or `resource`.
    #[serde(rename = "type", borrow)]
    pub kind: Text<'a>,
    #[serde(borrow)]
    pub status: Option<ResponseStatus<'a>>,
}

#[derive(Deserialize, Default)]
pub struct ResponseStatus<'a> {
    #[serde(borrow)]
    pub response: Text<'a>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OnlineMeeting<'a> {
    #[serde(borrow)]
    pub join_url: Text<'a>,
    #[serde(borrow)]
    pub toll_number: Text<'a>,
    #[serde(borrow)]
    pub conference_id: Text<'a>,
}

/// `patternedRecurrence`.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct GraphRecurrence {
    pub pattern: Option<GraphPattern>,
    pub range: Option<GraphRange>,
}

/// `recurrencePattern`.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct GraphPattern {
    /// `daily`, `weekly`, `absoluteMonthly`, `relativeMonthly`, `absoluteYearly`, `relativeYearly`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub interval: Option<u32>,
    pub days_of_week: Option<Vec<String>>,
    pub first_day_of_week: Option<String>,
    pub day_of_month: Option<u32>,
    pub month: Option<u32>,
    /// `first` … `fourth`, `last`.
    pub index: Option<String>,
}

/// `recurrenceRange`.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct GraphRange {
    /// `endDate`, `noEnd` or `numbered`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub number_of_occurrences: Option<u32>,
    pub recurrence_time_zone: Option<String>,
}

impl Address<'_> {
    /// The address of an organizer or attendee, when Graph gave one.
    pub fn address_in(&self) -> Option<EmailAddressIn> {
        Some(EmailAddressIn::new(
            nonempty(&self.address)?,
            nonempty(&self.name),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_event_as_graph_sends_it() {
        let json = br#"{"id":"AAMk=","@odata.etag":"W/\"1\"","type":"seriesMaster",
            "start":{"dateTime":"2024-05-01T09:00:00.0000000","timeZone":"UTC"},
            "recurrence":{"pattern":{"type":"weekly","interval":2,"daysOfWeek":["monday"],
              "firstDayOfWeek":"sunday","index":"first","month":0,"dayOfMonth":0},
              "range":{"type":"numbered","startDate":"2024-05-01","endDate":"0001-01-01",
              "numberOfOccurrences":10,"recurrenceTimeZone":"W. Europe Standard Time"}},
            "attendees":[{"type":"required","status":{"response":"accepted","time":"0001-01-01T00:00:00Z"},
              "emailAddress":{"name":"Bo","address":"bo@example.com"}}],
            "organizer":{"emailAddress":{"name":"","address":"al@example.com"}},
            "onlineMeeting":null,"location":{"displayName":"Room 1","locationType":"default"},
            "categories":[],"extra":{"ignored":true}}"#;
        let e: GraphEvent = serde_json::from_slice(json).unwrap();
        assert_eq!(e.kind.as_deref(), Some("seriesMaster"));
        let r = e.recurrence.unwrap();
        assert_eq!(r.pattern.unwrap().interval, Some(2));
        assert_eq!(r.range.unwrap().number_of_occurrences, Some(10));
        let attendee = &e.attendees.unwrap()[0];
        assert_eq!(
            attendee
                .email_address
                .as_ref()
                .unwrap()
                .address_in()
                .unwrap()
                .address,
            "bo@example.com"
        );
        assert_eq!(
            attendee.status.as_ref().unwrap().response.as_deref(),
            Some("accepted")
        );
        let organizer = e
            .organizer
            .unwrap()
            .email_address
            .unwrap()
            .address_in()
            .unwrap();
        assert_eq!(
            (organizer.address.as_str(), organizer.name),
            ("al@example.com", None)
        );
        assert!(e.online_meeting.is_none());
    }
}
