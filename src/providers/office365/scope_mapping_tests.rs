//! The Office 365 side of `scopes.yaml`: unified scopes resolved into Graph permissions and
//! granted permissions read back, against the built-in catalogues.

use super::catalog::{Office365Catalog, BUILTIN};
use crate::scopes::{PermissionLine, ScopeCatalog};
use std::sync::Arc;

fn catalog() -> ScopeCatalog {
    ScopeCatalog::load(
        None,
        Arc::new(Office365Catalog::parse(BUILTIN, "o").unwrap()),
    )
    .unwrap()
}

#[test]
fn resolves_deterministically_with_implicit_first_and_covered_dropped() {
    let c = catalog();
    let r = c
        .resolve(
            &[
                "Mail.Read",
                "mail.readwrite",
                "Calendar.ReadOnly",
                "Mail.Send",
            ],
            &[],
        )
        .unwrap();
    assert_eq!(
        r.scopes,
        vec!["Calendar.Read", "Mail.Read", "Mail.ReadWrite", "Mail.Send"]
    );
    assert_eq!(
        r.permissions,
        vec![
            "offline_access",
            "openid",
            "email",
            "profile",
            "User.Read",
            "MailboxSettings.Read",
            "Calendars.Read",
            "Mail.ReadWrite",
            "Mail.Send"
        ]
    );
    assert!(r.lines.contains(&PermissionLine::Dropped {
        permission: "Mail.Read".into(),
        covered_by: "Mail.ReadWrite".into()
    }));
    let again = c
        .resolve(
            &[
                "Mail.Send",
                "Calendar.ReadOnly",
                "mail.readwrite",
                "Mail.Read",
            ],
            &[],
        )
        .unwrap();
    assert_eq!(again.permissions, r.permissions);
}

#[test]
fn drafts_and_all_map_as_documented() {
    let c = catalog();
    let drafts = c.resolve(&["Mail.Draft"], &[]).unwrap();
    assert!(drafts.permissions.contains(&"Mail.ReadWrite".to_string()));
    let all = c.resolve(&["Mail.All"], &[]).unwrap();
    assert!(all
        .permissions
        .ends_with(&["Mail.ReadWrite".to_string(), "Mail.Send".to_string()]));
}

#[test]
fn unknown_scope_lists_valid_ones_and_native_scopes_are_checked() {
    let c = catalog();
    let err = c.resolve(&["Mail.Reed"], &[]).unwrap_err();
    assert!(
        err.to_string().contains("Mail.Read, Mail.ReadWrite"),
        "{err}"
    );
    let r = c
        .resolve(
            &[],
            &[
                "https://graph.microsoft.com/files.read",
                "Calendars.ReadWrite",
            ],
        )
        .unwrap();
    assert!(r.permissions.contains(&"files.read".to_string()));
    assert!(r.permissions.contains(&"Calendars.ReadWrite".to_string()));
    assert!(c
        .resolve(&[], &["https://graph.microsoft.com/.default"])
        .is_err());
    assert!(c.resolve(&[], &["Mail.Read<script>"]).is_err());
}

#[test]
fn granted_scopes_follow_what_microsoft_returned() {
    let c = catalog();
    let granted =
        c.normalize_granted("https://graph.microsoft.com/mail.readwrite User.Read openid");
    assert_eq!(granted, vec!["Mail.ReadWrite", "User.Read", "openid"]);
    let requested = vec!["Mail.Read".to_string(), "Mail.Send".to_string()];
    assert_eq!(c.granted_scopes(&requested, &granted), vec!["Mail.Read"]);
}

#[test]
fn service_accounts_get_application_permissions_with_the_implicit_ones_first() {
    let c = catalog();
    let r = c
        .resolve_application(&[
            "Mail.Read",
            "Mail.All",
            "Calendar.ReadWrite",
            "Tasks.ReadWrite",
        ])
        .unwrap();
    assert_eq!(
        r.permissions,
        vec![
            "User.Read.All",
            "MailboxSettings.Read",
            "Calendars.ReadWrite",
            "Mail.ReadWrite",
            "Mail.Send",
            "Tasks.ReadWrite.All"
        ]
    );
    assert!(r.lines.contains(&PermissionLine::Dropped {
        permission: "Mail.Read".into(),
        covered_by: "Mail.ReadWrite".into()
    }));
    // A scope's application permissions allow what the scope does, unless it says less.
    let tasks = vec!["Tasks.ReadWrite".to_string()];
    use crate::scopes::Operation;
    assert!(c.allows_application(&tasks, Operation::TasksRead));
    assert!(c.allows_application(&tasks, Operation::TasksWrite));
    let reading = crate::scopes::BUILTIN.replace(
        "application: { office365: [Tasks.ReadWrite.All] }",
        "application: { office365: [Tasks.ReadWrite.All], allows: [tasks.read] }",
    );
    let office365 = Arc::new(Office365Catalog::parse(BUILTIN, "o").unwrap());
    let reading = ScopeCatalog::parse(&reading, "s", office365).unwrap();
    assert!(!reading.allows_application(&tasks, Operation::TasksWrite));
    assert!(reading.allows(&tasks, Operation::TasksWrite));
}

#[test]
fn a_scope_mapping_to_a_delegated_only_permission_is_refused_for_applications() {
    let office365 = Arc::new(Office365Catalog::parse(BUILTIN, "o").unwrap());
    let text = crate::scopes::BUILTIN.replace(
        "application: { office365: [Tasks.Read.All] }",
        "application: { office365: [Tasks.Read] }",
    );
    let e = ScopeCatalog::parse(&text, "s", office365.clone()).unwrap_err();
    assert!(
        e.to_string()
            .contains("'Tasks.Read' is not an application permission"),
        "{e}"
    );
    let text = crate::scopes::BUILTIN.replace(
        "application: { office365: [Tasks.Read.All] }",
        "application: { office365: [Tasks.Read.All], allows: [email.send] }",
    );
    let e = ScopeCatalog::parse(&text, "s", office365).unwrap_err();
    assert!(
        e.to_string().contains("not allowed by the scope itself"),
        "{e}"
    );
}

#[test]
fn a_scope_without_application_permissions_cannot_be_granted_to_an_organisation() {
    let office365 = Arc::new(Office365Catalog::parse(BUILTIN, "o").unwrap());
    let text =
        crate::scopes::BUILTIN.replace("    application: { office365: [Contacts.Read] }\n", "");
    let c = ScopeCatalog::parse(&text, "s", office365).unwrap();
    let e = c.resolve_application(&["Contacts.Read"]).unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot be granted to a whole organisation"),
        "{e}"
    );
    assert!(
        c.resolve(&["Contacts.Read"], &[]).is_ok(),
        "delegated still works"
    );
}
