//! Zones whose Windows name would put Outlook on another clock are sent by their IANA name.

use crate::calendar::create;
use crate::helpers::{account, spawn_app, ADELE};
use serde_json::json;

#[tokio::test]
async fn a_zone_the_windows_table_gets_wrong_is_written_by_its_iana_name() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    // Scoresbysund moved to Greenland's clock in 2024; CLDR still files it under the Azores.
    let created = create(
        &app,
        &l,
        json!({
            "subject": "Ittoqqortoormiit call",
            "start": {"dateTime": "2025-01-15T09:00:00-02:00", "timezone": "America/Scoresbysund"},
            "end": {"dateTime": "2025-01-15T10:00:00-02:00", "timezone": "America/Scoresbysund"}
        }),
    )
    .await;
    let stored = app
        .ms
        .stored_event(ADELE, created["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        stored["start"],
        json!({"dateTime": "2025-01-15T09:00:00.0000000", "timeZone": "America/Scoresbysund"})
    );
    assert_eq!(
        created["record"]["start"],
        json!({"dateTime": "2025-01-15T09:00:00-02:00", "timezone": "America/Scoresbysund"})
    );
    // A zone the table gets right still goes out under its Windows name.
    let paris = create(
        &app,
        &l,
        json!({
            "subject": "Paris",
            "start": {"dateTime": "2025-01-15T09:00:00+01:00", "timezone": "Europe/Paris"},
            "end": {"dateTime": "2025-01-15T10:00:00+01:00", "timezone": "Europe/Paris"}
        }),
    )
    .await;
    let stored = app
        .ms
        .stored_event(ADELE, paris["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(stored["start"]["timeZone"], "Romance Standard Time");
}
