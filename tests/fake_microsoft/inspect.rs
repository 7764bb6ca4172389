//! What tests set up directly in the fake's mailboxes, and read back from them.

use super::{attach, FakeMicrosoft};
use serde_json::Value;

impl FakeMicrosoft {
    /// Attaches a file to one of the user's messages.
    pub fn add_attachment(
        &self,
        email: &str,
        message_id: &str,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        use base64::Engine;
        let id = format!("AAMkAtt{}=", uuid::Uuid::new_v4().simple());
        let attachment = serde_json::json!({
            "@odata.type": "#microsoft.graph.fileAttachment", "id": id, "name": name, "contentType": content_type,
            "size": bytes.len(), "isInline": false, "contentId": null, "contentLocation": null,
            "lastModifiedDateTime": "2018-09-09T03:15:05Z",
            "contentBytes": base64::engine::general_purpose::STANDARD.encode(bytes)
        });
        self.with(|i| {
            let m = i
                .messages
                .get_mut(email)
                .and_then(|ms| ms.iter_mut().find(|m| m["id"] == message_id))
                .expect("message exists");
            attach(m, attachment);
        });
        id
    }

    /// Marks an attachment inline (a picture of the HTML body).
    pub fn make_inline(
        &self,
        email: &str,
        message_id: &str,
        attachment_id: &str,
        content_id: &str,
    ) {
        self.with(|i| {
            let m = i
                .messages
                .get_mut(email)
                .and_then(|ms| ms.iter_mut().find(|m| m["id"] == message_id))
                .expect("message exists");
            for a in m["_attachments"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .filter(|a| a["id"] == attachment_id)
            {
                a["isInline"] = Value::Bool(true);
                a["contentId"] = Value::String(content_id.to_string());
            }
        });
    }

    /// Gives a contact a photo.
    pub fn set_contact_photo(&self, email: &str, contact_id: &str, jpeg: &[u8]) {
        self.with(|i| {
            i.contact_photos
                .insert((email.to_string(), contact_id.to_string()), jpeg.to_vec())
        });
    }

    /// A contact of the user as stored.
    pub fn stored_contact(&self, email: &str, id: &str) -> Option<Value> {
        self.with(|i| {
            i.contacts
                .get(email)
                .and_then(|cs| cs.iter().find(|c| c["id"] == id).cloned())
        })
    }

    /// An event of the user as stored (its times as sent, in their zones).
    pub fn stored_event(&self, email: &str, id: &str) -> Option<Value> {
        self.with(|i| {
            i.events
                .get(email)
                .and_then(|es| es.iter().find(|e| e["id"] == id).cloned())
        })
    }

    /// A message of the user as stored (its folder, read state, categories…).
    pub fn stored_message(&self, email: &str, message_id: &str) -> Option<Value> {
        self.with(|i| {
            i.messages
                .get(email)
                .and_then(|ms| ms.iter().find(|m| m["id"] == message_id).cloned())
        })
    }

    /// Puts an event (times in UTC) straight into a user's default calendar.
    pub fn add_event(&self, email: &str, subject: &str, start: &str, end: &str, show_as: &str) {
        let at = |t: &str| serde_json::json!({ "dateTime": t, "timeZone": "UTC" });
        let event = serde_json::json!({
            "id": format!("AAMkAGI1event{}=", uuid::Uuid::new_v4().simple()), "subject": subject, "start": at(start), "end": at(end),
            "showAs": show_as, "isAllDay": false, "type": "singleInstance", "originalStartTimeZone": "UTC",
            "_calendar": format!("AAMkCal{}=", email.replace(['@', '.'], "")),
        });
        self.with(|i| i.events.entry(email.to_string()).or_default().push(event));
    }

    /// Attaches a file to an event.
    pub fn add_event_attachment(
        &self,
        email: &str,
        event_id: &str,
        name: &str,
        bytes: &[u8],
    ) -> String {
        use base64::Engine;
        let id = format!("AAMkEvAtt{}=", uuid::Uuid::new_v4().simple());
        let a = serde_json::json!({ "@odata.type": "#microsoft.graph.fileAttachment", "id": id, "name": name, "contentType": "application/pdf",
            "size": bytes.len(), "isInline": false, "contentBytes": base64::engine::general_purpose::STANDARD.encode(bytes) });
        self.with(|i| {
            let e = i
                .events
                .get_mut(email)
                .and_then(|es| es.iter_mut().find(|e| e["id"] == event_id))
                .expect("event exists");
            attach(e, a);
        });
        id
    }

    /// Adds `count` contacts to the user's default folder;
    /// their ids, in order.
    pub fn add_contacts(&self, email: &str, count: usize) -> Vec<String> {
        self.with(|i| {
            (0..count)
                .map(|n| {
                    let id = format!("AAMkAGVmcontact{}=", uuid::Uuid::new_v4().simple());
                    let c = serde_json::json!({ "id": id, "@odata.etag": format!("W/\"EQAAABYAAAAi{n}\""),
                        "displayName": format!("Contact {n}"), "givenName": "Contact", "surname": format!("{n}"),
                        "emailAddresses": [{"name": format!("Contact {n}"), "address": format!("c{n}@example.com")}],
                        "businessPhones": [], "homePhones": [], "categories": [], "homeAddress": {}, "businessAddress": {}, "otherAddress": {} });
                    i.contacts.entry(email.to_string()).or_default().push(c);
                    id
                })
                .collect()
        })
    }

    /// Forgets the state behind every delta token of the user issued so far, as Graph does when
    /// it evicts it: the next request with one is answered 410 `syncStateNotFound`.
    pub fn expire_delta(&self, email: &str) {
        self.with(|i| super::delta::expire_delta(i, email));
    }

    /// Moves a message to another folder (by id), with a new change key, as Outlook does.
    pub fn move_message(&self, email: &str, id: &str, folder: &str) {
        self.with(|i| {
            let m = i
                .messages
                .get_mut(email)
                .and_then(|ms| ms.iter_mut().find(|m| m["id"] == id))
                .expect("message exists");
            m["parentFolderId"] = serde_json::json!(folder);
            m["@odata.etag"] =
                serde_json::json!(format!("W/\"moved{}\"", uuid::Uuid::new_v4().simple()));
        });
    }

    /// Deletes a message for good (as emptying Deleted Items does).
    pub fn purge_message(&self, email: &str, id: &str) {
        self.with(|i| {
            if let Some(ms) = i.messages.get_mut(email) {
                ms.retain(|m| m["id"] != id);
            }
        });
    }
}
