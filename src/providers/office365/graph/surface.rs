//! Every request switchboard makes to Microsoft Graph, each with the Microsoft documentation page
//! that says Graph accepts it that way. The test suite drives every entry through a fake Graph that
//! refuses what Graph refuses, and fails on any request that is not listed here: adding a Graph
//! call means reading its page and adding it below. (The direct API is the caller's own request.)

/// One kind of request.
#[derive(Debug)]
pub struct GraphCall {
    /// A stable name, `resource.action`.
    pub name: &'static str,
    pub method: &'static str,
    /// Below the Graph base. `{x}` is one path segment (an id, or a well-known name where the
    /// page allows one); `{calendar}` is `calendar` (the default one) or `calendars/{id}`.
    pub path: &'static str,
    /// The query options sent, or carried by the `@odata.nextLink` Graph hands back for it.
    pub query: &'static [&'static str],
    /// The `Prefer` preferences sent.
    pub prefer: &'static [&'static str],
    /// The page on learn.microsoft.com (`/graph/api/{doc}` unless it is a full URL).
    pub doc: &'static str,
}

impl GraphCall {
    pub fn doc_url(&self) -> String {
        if self.doc.starts_with("https://") {
            self.doc.to_string()
        } else {
            format!(
                "https://learn.microsoft.com/graph/api/{}?view=graph-rest-1.0",
                self.doc
            )
        }
    }

    fn matches_path(&self, path: &str) -> bool {
        matches_template(self.path, path)
    }

    /// Whether every query option (decoded name, e.g. `$top`) is one this entry sends.
    pub fn accepts_query<'a>(&self, mut names: impl Iterator<Item = &'a str>) -> bool {
        names.all(|n| self.query.contains(&n))
    }
}

/// Whether `path` has the shape of `template` (see [`GraphCall::path`]).
pub fn matches_template(template: &str, path: &str) -> bool {
    let given: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let same_shape = |form: &str| {
        let wanted: Vec<&str> = form.trim_start_matches('/').split('/').collect();
        wanted.len() == given.len()
            && wanted
                .iter()
                .zip(&given)
                .all(|(w, g)| !g.is_empty() && (w == g || (w.starts_with('{') && w.ends_with('}'))))
    };
    if template.contains("{calendar}") {
        same_shape(&template.replace("{calendar}", "calendar"))
            || same_shape(&template.replace("{calendar}", "calendars/{id}"))
    } else {
        same_shape(template)
    }
}

/// The entry a request belongs to: same method, a path of the template's shape (the first listed;
/// a fixed segment such as `delta` is listed before the `{id}` it would match).
pub fn find(method: &str, path: &str) -> Option<&'static GraphCall> {
    GRAPH_REQUESTS
        .iter()
        .find(|c| c.method.eq_ignore_ascii_case(method) && c.matches_path(path))
}

const IDS: &[&str] = &["IdType"];
const MAIL_READ: &[&str] = &["IdType", "outlook.body-content-type"];
const CALENDAR: &[&str] = &["outlook.timezone", "IdType"];
/// A message listing: one of `$filter`+`$orderby` or `$search`, and the paging Graph adds.
const MESSAGE_QUERY: &[&str] = &[
    "$select",
    "$top",
    "$filter",
    "$orderby",
    "$search",
    "$skip",
    "$skiptoken",
];
const FOLDER_QUERY: &[&str] = &["$select", "$top", "$skip", "$skiptoken"];
const PAGED: &[&str] = &["$top", "$skip", "$skiptoken"];
/// A delta round: the state tokens Graph's next and delta links carry.
const DELTA: &[&str] = &["$skiptoken", "$deltatoken"];
const DELTA_PAGE: &[&str] = &["odata.maxpagesize"];
const CALENDAR_DELTA: &[&str] = &["odata.maxpagesize", "outlook.timezone", "IdType"];
const WINDOW: &[&str] = &[
    "startDateTime",
    "endDateTime",
    "$top",
    "$skip",
    "$skiptoken",
];

macro_rules! call {
    ($name:literal, $method:literal, $path:literal, $query:expr, $prefer:expr, $doc:literal) => {
        GraphCall {
            name: $name,
            method: $method,
            path: $path,
            query: $query,
            prefer: $prefer,
            doc: $doc,
        }
    };
}

#[rustfmt::skip]
pub const GRAPH_REQUESTS: &[GraphCall] = &[
    // Who signed in, and their mailbox's time zone.
    call!("me.get", "GET", "/me", &[], &[], "user-get"),
    call!("mailboxSettings.get", "GET", "/me/mailboxSettings", &[], &[], "user-get-mailboxsettings"),
    // A service account finding a mailbox of its organisation (then read as `/users/{id}/…`,
    // the same calls as `/me/…` below).
    call!("user.get", "GET", "/users/{user}", &["$select"], &[], "user-get"),
    // Reading mail.
    call!("messages.list", "GET", "/me/messages", MESSAGE_QUERY, MAIL_READ, "user-list-messages"),
    call!("folder.messages.list", "GET", "/me/mailFolders/{folder}/messages", MESSAGE_QUERY, MAIL_READ, "mailfolder-list-messages"),
    // Graph tracks messages per folder only (`/me/messages/delta` is refused).
    call!("folder.messages.delta", "GET", "/me/mailFolders/{folder}/messages/delta", &["$select", "$filter", "$skiptoken", "$deltatoken"], &["odata.maxpagesize", "IdType", "outlook.body-content-type"], "message-delta"),
    call!("message.get", "GET", "/me/messages/{id}", &["$select", "$expand"], MAIL_READ, "message-get"),
    call!("message.mime", "GET", "/me/messages/{id}/$value", &[], IDS, "message-get"),
    call!("message.attachments.list", "GET", "/me/messages/{id}/attachments", &["$select"], IDS, "message-list-attachments"),
    call!("message.attachment.get", "GET", "/me/messages/{id}/attachments/{attachment}", &[], IDS, "attachment-get"),
    // Changing mail.
    call!("message.update", "PATCH", "/me/messages/{id}", &[], MAIL_READ, "message-update"),
    call!("message.delete", "DELETE", "/me/messages/{id}", &[], IDS, "message-delete"),
    call!("message.move", "POST", "/me/messages/{id}/move", &[], IDS, "message-move"),
    // Sending.
    call!("mail.send", "POST", "/me/sendMail", &[], IDS, "user-sendmail"),
    call!("draft.create", "POST", "/me/messages", &[], MAIL_READ, "user-post-messages"),
    call!("draft.send", "POST", "/me/messages/{id}/send", &[], IDS, "message-send"),
    call!("message.reply", "POST", "/me/messages/{id}/reply", &[], IDS, "message-reply"),
    call!("message.createReply", "POST", "/me/messages/{id}/createReply", &[], IDS, "message-createreply"),
    call!("message.attachment.add", "POST", "/me/messages/{id}/attachments", &[], IDS, "message-post-attachments"),
    call!("message.attachment.delete", "DELETE", "/me/messages/{id}/attachments/{attachment}", &[], IDS, "attachment-delete"),
    call!("message.attachment.uploadSession", "POST", "/me/messages/{id}/attachments/createUploadSession", &[], IDS, "attachment-createuploadsession"),
    // Folders.
    call!("mailFolders.list", "GET", "/me/mailFolders", FOLDER_QUERY, IDS, "user-list-mailfolders"),
    call!("mailFolder.children.list", "GET", "/me/mailFolders/{folder}/childFolders", FOLDER_QUERY, IDS, "mailfolder-list-childfolders"),
    call!("mailFolder.get", "GET", "/me/mailFolders/{folder}", &["$select"], IDS, "mailfolder-get"),
    call!("mailFolder.create", "POST", "/me/mailFolders", &[], IDS, "user-post-mailfolders"),
    call!("mailFolder.child.create", "POST", "/me/mailFolders/{folder}/childFolders", &[], IDS, "mailfolder-post-childfolders"),
    // Calendars and events.
    call!("calendars.list", "GET", "/me/calendars", PAGED, CALENDAR, "user-list-calendars"),
    call!("calendar.get", "GET", "/me/{calendar}", &[], CALENDAR, "calendar-get"),
    call!("calendar.create", "POST", "/me/calendars", &[], CALENDAR, "user-post-calendars"),
    call!("calendar.update", "PATCH", "/me/{calendar}", &[], CALENDAR, "calendar-update"),
    call!("calendarView.list", "GET", "/me/{calendar}/calendarView", WINDOW, CALENDAR, "calendar-list-calendarview"),
    call!("events.find", "GET", "/me/{calendar}/events", &["$filter", "$top", "$skip", "$skiptoken"], CALENDAR, "calendar-list-events"),
    call!("event.create", "POST", "/me/{calendar}/events", &[], CALENDAR, "calendar-post-events"),
    call!("event.get", "GET", "/me/{calendar}/events/{id}", &["$expand"], CALENDAR, "event-get"),
    call!("event.update", "PATCH", "/me/{calendar}/events/{id}", &[], CALENDAR, "event-update"),
    call!("event.delete", "DELETE", "/me/{calendar}/events/{id}", &[], CALENDAR, "event-delete"),
    call!("event.accept", "POST", "/me/{calendar}/events/{id}/accept", &[], CALENDAR, "event-accept"),
    call!("event.tentativelyAccept", "POST", "/me/{calendar}/events/{id}/tentativelyAccept", &[], CALENDAR, "event-tentativelyaccept"),
    call!("event.decline", "POST", "/me/{calendar}/events/{id}/decline", &[], CALENDAR, "event-decline"),
    call!("event.instances", "GET", "/me/{calendar}/events/{id}/instances", WINDOW, CALENDAR, "event-list-instances"),
    call!("event.attachment.get", "GET", "/me/{calendar}/events/{id}/attachments/{attachment}", &[], CALENDAR, "attachment-get"),
    call!("schedule.get", "POST", "/me/calendar/getSchedule", &[], CALENDAR, "calendar-getschedule"),
    // v1.0 tracks the primary calendar's view only; the window goes on the first request.
    call!("calendarView.delta", "GET", "/me/calendarView/delta", &["startDateTime", "endDateTime", "$skiptoken", "$deltatoken"], CALENDAR_DELTA, "event-delta"),
    // Contacts.
    call!("contacts.list", "GET", "/me/contacts", PAGED, &[], "user-list-contacts"),
    // The default folder's delta: `contact-delta` documents it per folder; Microsoft's answer on
    // Q&A 1634378 says `/me/contacts/delta` is the same function on the default folder.
    call!("contacts.delta", "GET", "/me/contacts/delta", DELTA, DELTA_PAGE, "contact-delta"),
    call!("contact.get", "GET", "/me/contacts/{id}", &[], &[], "contact-get"),
    call!("contact.photo", "GET", "/me/contacts/{id}/photo/$value", &[], &[], "profilephoto-get"),
    call!("contact.create", "POST", "/me/contacts", &[], &[], "user-post-contacts"),
    call!("contact.update", "PATCH", "/me/contacts/{id}", &[], &[], "contact-update"),
    call!("contact.delete", "DELETE", "/me/contacts/{id}", &[], &[], "contact-delete"),
    // Microsoft To Do.
    call!("todoLists.list", "GET", "/me/todo/lists", PAGED, &[], "todo-list-lists"),
    call!("todoList.create", "POST", "/me/todo/lists", &[], &[], "todo-post-lists"),
    call!("todoList.get", "GET", "/me/todo/lists/{list}", &[], &[], "todotasklist-get"),
    call!("todoList.update", "PATCH", "/me/todo/lists/{list}", &[], &[], "todotasklist-update"),
    call!("todoList.delete", "DELETE", "/me/todo/lists/{list}", &[], &[], "todotasklist-delete"),
    call!("todoTasks.list", "GET", "/me/todo/lists/{list}/tasks", PAGED, &[], "todotasklist-list-tasks"),
    call!("todoTask.create", "POST", "/me/todo/lists/{list}/tasks", &[], &[], "todotasklist-post-tasks"),
    call!("todoTasks.delta", "GET", "/me/todo/lists/{list}/tasks/delta", DELTA, DELTA_PAGE, "todotask-delta"),
    call!("todoTask.get", "GET", "/me/todo/lists/{list}/tasks/{id}", &[], &[], "todotask-get"),
    call!("todoTask.update", "PATCH", "/me/todo/lists/{list}/tasks/{id}", &[], &[], "todotask-update"),
    call!("todoTask.delete", "DELETE", "/me/todo/lists/{list}/tasks/{id}", &[], &[], "todotask-delete"),
    // Change notifications (push channels for webhooks).
    call!("subscription.create", "POST", "/subscriptions", &[], &[], "subscription-post-subscriptions"),
    call!("subscription.update", "PATCH", "/subscriptions/{id}", &[], &[], "subscription-update"),
    call!("subscription.delete", "DELETE", "/subscriptions/{id}", &[], &[], "subscription-delete"),
];

/// The ranges of an attachment upload go to the upload session's own URL (not below the Graph
/// base, and without our token): Graph documents them with large attachments.
pub const UPLOAD_RANGE: GraphCall = call!(
    "message.attachment.uploadRange",
    "PUT",
    "{uploadUrl}",
    &[],
    &[],
    "https://learn.microsoft.com/graph/outlook-large-attachments"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_paths_find_their_entry() {
        let mut names: Vec<&str> = GRAPH_REQUESTS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "duplicate names");
        assert_eq!(
            find("GET", "/me/calendar/events/AAMk=").unwrap().name,
            "event.get"
        );
        assert_eq!(
            find("GET", "/me/calendars/c1/events/AAMk=").unwrap().name,
            "event.get"
        );
        assert_eq!(
            find("GET", "/me/mailFolders/inbox").unwrap().name,
            "mailFolder.get"
        );
        assert!(find("GET", "/me/events/AAMk=").is_none());
        assert!(find("GET", "/me/messages//x").is_none());
        assert!(find("PUT", "/me/messages/AAMk=").is_none());
        assert!(find("GET", "/me/messages/AAMk=")
            .unwrap()
            .accepts_query(["$select", "$expand"].into_iter()));
        assert!(!find("GET", "/me/messages/AAMk=")
            .unwrap()
            .accepts_query(["$top"].into_iter()));
    }
}
