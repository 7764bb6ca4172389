//! What is read of many accounts' tokens at once — an account's token expiry, the key a token is
//! sealed with — comes from the tokens' own rows or from indexes of them (SQLite), and must read
//! the same either way, before and after a refresh writes them.

use super::{app, link, tokens, NOW};
use switchboard::store::sealed::SealedAt;
use switchboard::store::*;

pub async fn token_times_and_key_ids_read_as_written(s: &dyn Store) {
    let a = app(s, "c1", None).await;
    // One account without a refresh token (as an app-only token is kept), one with.
    let mut only_access = link(a.id, "u1", AccountKind::Personal);
    only_access.tokens = Some(tokens("v1.keyAAAAA.access-1", None));
    let (first, _) = s.link_account(&only_access, NOW).await.unwrap();
    let mut both = link(a.id, "u2", AccountKind::Personal);
    both.tokens = Some(tokens(
        "v1.keyBBBBB.access-2",
        Some("v1.keyAAAAA.refresh-2"),
    ));
    let (second, _) = s.link_account(&both, NOW).await.unwrap();

    let found = |key: &'static str| async move {
        let mut found: Vec<(i64, &str, String)> = s
            .sealed_elsewhere(key, 100)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|x| match x.at {
                SealedAt::ProviderToken {
                    account_id, which, ..
                } => Some((account_id, which, x.value)),
                _ => None,
            })
            .collect();
        found.sort();
        found
    };
    // A missing refresh token is under no key, so it is never found.
    assert_eq!(
        found("keyAAAAA").await,
        vec![(second.id, "access", "v1.keyBBBBB.access-2".to_string())]
    );
    assert_eq!(
        found("keyBBBBB").await,
        vec![
            (first.id, "access", "v1.keyAAAAA.access-1".to_string()),
            (second.id, "refresh", "v1.keyAAAAA.refresh-2".to_string()),
        ]
    );

    let expiry = |id: i64| async move {
        s.account(a.id, id)
            .await
            .unwrap()
            .unwrap()
            .access_expires_at
    };
    assert_eq!(expiry(first.id).await, Some(NOW + 3600));
    let mut refreshed = tokens("v1.keyBBBBB.access-3", Some("v1.keyBBBBB.refresh-3"));
    refreshed.access_expires_at = NOW + 7200;
    s.save_refresh(first.id, &refreshed, NOW + 60)
        .await
        .unwrap();
    assert_eq!(expiry(first.id).await, Some(NOW + 7200), "the new expiry");
    assert_eq!(expiry(second.id).await, Some(NOW + 3600));
    assert!(found("keyBBBBB").await.iter().all(|f| f.0 != first.id));

    // Idle accounts are found by their last refresh: the first was refreshed since.
    let idle: Vec<i64> = s
        .idle_accounts(NOW + 30, 10)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(idle, vec![second.id]);
}
