//! The meeting side of an event (`MeetingInfo`) ⇄ Graph: attendees and their answers, the
//! account's own answer, what attendees may do, the Teams meeting.

use crate::model::calendar::{Attendee, MeetingInfo, OnlineMeetingDetails};
use crate::providers::error::ProviderError;
use crate::providers::office365::calendar::graph_event::GraphEvent;
use crate::providers::office365::graph::shapes::nonempty;
use crate::providers::office365::graph::values::{bad, lookup};
use serde_json::{json, Map, Value};

/// The account's own response (`MeetingResponseType`).
const RESPONSES: &[(&str, &str)] = &[
    ("none", "noResponse"),
    ("notResponded", "noResponse"),
    ("organizer", "accepted"),
    ("accepted", "accepted"),
    ("tentativelyAccepted", "tentative"),
    ("declined", "declined"),
];
/// An attendee's response (`Attendee.response`): the contract has no value for "none yet", and
/// spells the tentative one `tentitive`, which is what its clients parse.
const ATTENDEE_RESPONSES: &[(&str, &str)] = &[
    ("organizer", "accepted"),
    ("accepted", "accepted"),
    ("tentativelyAccepted", "tentitive"),
    ("declined", "declined"),
];
/// Outlook attendees can always forward an invitation; seeing the others is `hideAttendees`.
const PERMISSIONS: &[&str] = &["inviteOthers", "modify", "seeOthers"];

pub fn meeting_from_graph(v: &GraphEvent) -> MeetingInfo {
    let attendees: Vec<Attendee> = v
        .attendees
        .iter()
        .flatten()
        .filter_map(|a| {
            Some(Attendee {
                id: None,
                email_address: a.email_address.as_ref()?.address_in()?,
                kind: nonempty(&a.kind),
                response: a
                    .status
                    .as_ref()
                    .and_then(|s| s.response.as_deref())
                    .and_then(|r| lookup(ATTENDEE_RESPONSES, r))
                    .map(str::to_string),
                comment: None,
            })
        })
        .collect();
    let permissions = if v.hide_attendees == Some(true) {
        vec!["inviteOthers".to_string()]
    } else {
        vec!["inviteOthers".to_string(), "seeOthers".to_string()]
    };
    MeetingInfo {
        canceled: v.is_cancelled,
        attendee_permissions: (!attendees.is_empty()).then_some(permissions),
        attendees: (!attendees.is_empty()).then_some(attendees),
        response: v
            .response_status
            .as_ref()
            .and_then(|s| s.response.as_deref())
            .and_then(|r| lookup(RESPONSES, r))
            .map(str::to_string),
        online_meeting: v.is_online_meeting,
        online_meeting_provider: nonempty(&v.online_meeting_provider).filter(|p| p != "unknown"),
        online_meeting_details: v.online_meeting.as_ref().map(|o| OnlineMeetingDetails {
            url: nonempty(&o.join_url),
            phone: nonempty(&o.toll_number),
            pin: nonempty(&o.conference_id),
        }),
    }
}

/// Writes what the caller gave of `meetingInfo`; what Outlook cannot do is refused.
pub fn meeting_to_graph(
    info: &MeetingInfo,
    m: &mut Map<String, Value>,
) -> Result<(), ProviderError> {
    if let Some(attendees) = &info.attendees {
        let list: Vec<Value> = attendees
            .iter()
            .map(|a| {
                let kind = a.kind.as_deref().unwrap_or("required");
                if !matches!(kind, "required" | "optional" | "resource") {
                    return Err(bad(format!(
                        "attendee type '{kind}' is not one of required, optional, resource"
                    )));
                }
                let name = a
                    .email_address
                    .name
                    .as_deref()
                    .unwrap_or(&a.email_address.address);
                Ok(json!({ "emailAddress": { "address": a.email_address.address, "name": name }, "type": kind }))
            })
            .collect::<Result<_, _>>()?;
        m.insert("attendees".into(), json!(list));
    }
    if let Some(permissions) = &info.attendee_permissions {
        if let Some(p) = permissions
            .iter()
            .find(|p| !PERMISSIONS.contains(&p.as_str()))
        {
            return Err(bad(format!(
                "attendeePermissions: '{p}' is not one of {}",
                PERMISSIONS.join(", ")
            )));
        }
        if permissions.iter().any(|p| p == "modify") {
            return Err(bad(
                "attendeePermissions: Outlook does not let attendees change a meeting (modify)",
            ));
        }
        m.insert(
            "hideAttendees".into(),
            json!(!permissions.iter().any(|p| p == "seeOthers")),
        );
    }
    if let Some(online) = info.online_meeting {
        m.insert("isOnlineMeeting".into(), json!(online));
        if online {
            m.insert(
                "onlineMeetingProvider".into(),
                json!(info
                    .online_meeting_provider
                    .as_deref()
                    .unwrap_or("teamsForBusiness")),
            );
        }
    }
    Ok(())
}
