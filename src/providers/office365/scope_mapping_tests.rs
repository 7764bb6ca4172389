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
