//! The store's contract, checked on the store itself (not through HTTP), the same checks for every
//! backend: each `tests/store_*.rs` binary runs them on its own store. What is checked is what
//! the service relies on: an account linked twice is one account; a service account's managed
//! accounts go with it; one refresh lease at a time; a rotated refresh token replaces the old
//! one only when Microsoft sent one; sessions, codes and hosted links are used once; a state
//! event is recorded once; an Azure registration belongs to one owner; a mailbox's slots are
//! held once each and free themselves when their holder dies; a wake during a subscription's
//! look is kept for the next look, and a channel made due while it is tended stays due; token
//! times and the keys tokens are sealed with read as written.

#![allow(dead_code)]

mod tokens;
mod watches;

use switchboard::store::*;
pub use tokens::*;
pub use watches::*;

pub const NOW: i64 = 1_800_000_000;

/// Runs each check against a new, empty store from `open`.
#[macro_export]
macro_rules! conformance {
    ($open:expr; $($check:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $check() {
            let store = $open.await;
            $crate::store::$check(store.as_ref()).await;
        }
    )*};
}

pub async fn app(s: &dyn Store, client_id: &str, owner_id: Option<i64>) -> AppRecord {
    s.create_app(NewApp {
        client_id: client_id.into(),
        name: format!("App {client_id}"),
        secret_hash: vec![1, 2, 3],
        return_urls: vec!["https://crm.example.com/linked".into()],
        owner_id,
        now: NOW,
    })
    .await
    .unwrap()
}

fn tokens(access: &str, refresh: Option<&str>) -> RefreshedTokens {
    RefreshedTokens {
        access_token_enc: access.into(),
        refresh_token_enc: refresh.map(str::to_string),
        access_expires_at: NOW + 3600,
        permissions: vec!["Mail.Read".into()],
    }
}

pub fn link(app_id: i64, object_id: &str, kind: AccountKind) -> LinkAccount {
    let with_tokens = !matches!(kind, AccountKind::Managed { .. });
    LinkAccount {
        app_id,
        service_type: "Office365".into(),
        account_id: None,
        tenant_id: "tenant-1".into(),
        object_id: object_id.into(),
        email: Some(format!("{object_id}@contoso.com")),
        name: Some("Adele".into()),
        timezone: Some("Europe/Berlin".into()),
        auth_scopes: vec!["Mail.Read".into()],
        tokens: with_tokens.then(|| tokens("access-1", Some("refresh-1"))),
        permissions: vec!["Mail.Read".into()],
        kind,
        account_token_hash: None,
    }
}

pub async fn an_account_linked_twice_is_one_account(s: &dyn Store) {
    let a = app(s, "c1", None).await;
    let (first, created) = s
        .link_account(&link(a.id, "u1", AccountKind::Personal), NOW)
        .await
        .unwrap();
    assert!(created);
    let mut again = link(a.id, "u1", AccountKind::Personal);
    again.email = Some("adele.new@contoso.com".into());
    let (second, created) = s.link_account(&again, NOW + 5).await.unwrap();
    assert!(!created);
    assert_eq!(second.id, first.id);
    assert_eq!(second.email.as_deref(), Some("adele.new@contoso.com"));
    assert_eq!(second.kind, AccountKind::Personal);
    assert_eq!(second.access_expires_at, Some(NOW + 3600));
    let found = s.account(a.id, first.id).await.unwrap().unwrap();
    assert_eq!(found.auth_scopes, vec!["Mail.Read"]);
    let other = app(s, "c2", None).await;
    assert!(
        s.account(other.id, first.id).await.unwrap().is_none(),
        "another app's"
    );
}

pub async fn a_service_accounts_managed_accounts_go_with_it(s: &dyn Store) {
    let a = app(s, "c1", None).await;
    s.link_account(&link(a.id, "u1", AccountKind::Personal), NOW)
        .await
        .unwrap();
    let (service, _) = s
        .link_account(&link(a.id, "daemon", AccountKind::Daemon), NOW)
        .await
        .unwrap();
    for user in ["u1", "u2"] {
        let kind = AccountKind::Managed {
            service_account: service.id,
            user: user.into(),
        };
        let (m, _) = s
            .link_account(&link(a.id, &format!("managed:{user}"), kind.clone()), NOW)
            .await
            .unwrap();
        assert_eq!(m.kind, kind);
        assert_eq!(m.access_expires_at, None, "no tokens of its own");
    }
    let only = |kind, service_account| AccountFilter {
        tenant: None,
        kind,
        service_account,
    };
    let (all, total) = s
        .list_accounts(a.id, only(None, None), 10, 0)
        .await
        .unwrap();
    assert_eq!((all.len(), total), (4, 4));
    let (daemons, _) = s
        .list_accounts(a.id, only(Some("daemon"), None), 10, 0)
        .await
        .unwrap();
    assert_eq!(
        daemons.iter().map(|d| d.id).collect::<Vec<_>>(),
        [service.id]
    );
    let (managed, total) = s
        .list_accounts(a.id, only(None, Some(service.id)), 1, 1)
        .await
        .unwrap();
    assert_eq!((managed.len(), total), (1, 2), "paged");

    let dead = TokenError {
        code: "AADSTS700016".into(),
        message: "gone".into(),
    };
    for m in s
        .list_accounts(a.id, only(None, Some(service.id)), 10, 0)
        .await
        .unwrap()
        .0
    {
        s.set_token_status(m.id, TokenStatus::Dead, Some(&dead), NOW)
            .await
            .unwrap();
    }
    let revived = s.revive_managed(service.id, NOW + 1).await.unwrap();
    assert_eq!(revived.len(), 2);
    let (managed, _) = s
        .list_accounts(a.id, only(None, Some(service.id)), 10, 0)
        .await
        .unwrap();
    assert!(managed
        .iter()
        .all(|m| m.token_status == TokenStatus::Active && m.token_error.is_none()));

    assert!(s.delete_account(a.id, service.id).await.unwrap());
    let (left, _) = s
        .list_accounts(a.id, only(None, None), 10, 0)
        .await
        .unwrap();
    assert_eq!(
        left.len(),
        1,
        "the managed accounts went with their service account"
    );
    assert_eq!(left[0].kind, AccountKind::Personal);
}

pub async fn one_refresh_lease_at_a_time_and_rotation_is_kept(s: &dyn Store) {
    let a = app(s, "c1", None).await;
    let (acc, _) = s
        .link_account(&link(a.id, "u1", AccountKind::Personal), NOW)
        .await
        .unwrap();
    assert!(s.try_lease(acc.id, "a", NOW + 6, NOW).await.unwrap());
    assert!(
        !s.try_lease(acc.id, "b", NOW + 6, NOW).await.unwrap(),
        "held"
    );
    assert!(s.renew_lease(acc.id, "a", NOW + 12).await.unwrap());
    assert!(
        !s.renew_lease(acc.id, "b", NOW + 12).await.unwrap(),
        "not b's"
    );
    assert!(
        !s.try_lease(acc.id, "b", NOW + 18, NOW + 11).await.unwrap(),
        "renewed"
    );
    assert!(
        s.try_lease(acc.id, "b", NOW + 19, NOW + 13).await.unwrap(),
        "expired: taken over"
    );
    assert!(
        !s.renew_lease(acc.id, "a", NOW + 20).await.unwrap(),
        "a lost it"
    );

    // Microsoft sent no new refresh token: the stored one stays. The lease is let go.
    s.save_refresh(acc.id, &tokens("access-2", None), NOW + 14)
        .await
        .unwrap();
    let t = s.provider_tokens(acc.id).await.unwrap().unwrap();
    assert_eq!(t.access_token_enc, "access-2");
    assert_eq!(t.refresh_token_enc.as_deref(), Some("refresh-1"));
    assert_eq!(t.lease_owner, None);
    s.save_refresh(acc.id, &tokens("access-3", Some("refresh-2")), NOW + 15)
        .await
        .unwrap();
    let t = s.provider_tokens(acc.id).await.unwrap().unwrap();
    assert_eq!(t.refresh_token_enc.as_deref(), Some("refresh-2"), "rotated");
    assert!(s.try_lease(acc.id, "c", NOW + 30, NOW + 16).await.unwrap());
    s.release_lease(acc.id, "c").await.unwrap();
    assert!(
        s.try_lease(acc.id, "d", NOW + 30, NOW + 16).await.unwrap(),
        "released"
    );
}

fn session(app_id: i64, state_hash: &[u8], daemon: bool) -> AuthSession {
    AuthSession {
        state_hash: state_hash.to_vec(),
        app_id,
        service_type: "Office365".into(),
        return_url: "https://crm.example.com/linked".into(),
        app_state: Some("s".into()),
        scopes: vec!["Mail.Read".into()],
        permissions: vec!["Mail.Read".into()],
        ensure_scopes: true,
        expected_email: None,
        ensure_access: false,
        account_id: None,
        pkce_verifier_enc: "v".into(),
        expires_at: NOW + 900,
        link_hash: None,
        link_name: None,
        daemon,
    }
}

pub async fn sessions_codes_and_links_are_used_once(s: &dyn Store) {
    let a = app(s, "c1", None).await;
    s.insert_auth_session(&session(a.id, b"state-1", true))
        .await
        .unwrap();
    let taken = s.take_auth_session(b"state-1").await.unwrap().unwrap();
    assert!(taken.daemon && taken.ensure_scopes);
    assert_eq!(taken.scopes, vec!["Mail.Read"]);
    assert!(
        s.take_auth_session(b"state-1").await.unwrap().is_none(),
        "once"
    );

    let (acc, _) = s
        .link_account(&link(a.id, "u1", AccountKind::Personal), NOW)
        .await
        .unwrap();
    s.insert_auth_code(b"code-1", a.id, acc.id, NOW + 600)
        .await
        .unwrap();
    let other = app(s, "c2", None).await;
    assert_eq!(
        s.redeem_auth_code(b"code-1", other.id, NOW).await.unwrap(),
        CodeRedemption::Unknown
    );
    assert_eq!(
        s.redeem_auth_code(b"code-1", a.id, NOW).await.unwrap(),
        CodeRedemption::Redeemed(acc.id)
    );
    assert_eq!(
        s.redeem_auth_code(b"code-1", a.id, NOW).await.unwrap(),
        CodeRedemption::AlreadyUsed
    );
    s.insert_auth_code(b"code-2", a.id, acc.id, NOW + 600)
        .await
        .unwrap();
    assert_eq!(
        s.redeem_auth_code(b"code-2", a.id, NOW + 601)
            .await
            .unwrap(),
        CodeRedemption::Expired
    );

    let hosted = HostedLink {
        app_id: a.id,
        params: "{}".into(),
        name: Some("n".into()),
        expires_at: NOW + 60,
    };
    s.insert_link(b"link-1", &hosted, NOW).await.unwrap();
    assert!(s.hosted_link(b"link-1", NOW).await.unwrap().is_some());
    assert!(s.use_link(b"link-1", NOW).await.unwrap());
    assert!(!s.use_link(b"link-1", NOW).await.unwrap(), "once");
    assert!(s.hosted_link(b"link-1", NOW).await.unwrap().is_none());
}

pub async fn a_state_is_recorded_once_until_something_else_happens(s: &dyn Store) {
    let a = app(s, "c1", None).await;
    let (acc, _) = s
        .link_account(&link(a.id, "u1", AccountKind::Personal), NOW)
        .await
        .unwrap();
    let event = |kind, detail| EventRecord {
        app_id: a.id,
        account_id: acc.id,
        kind,
        detail,
        body: "{}",
        states: &["account.tokenDead"],
        now: NOW,
    };
    assert!(s
        .record_event(&event("account.tokenDead", "AADSTS50173"))
        .await
        .unwrap());
    assert!(
        !s.record_event(&event("account.tokenDead", "AADSTS50173"))
            .await
            .unwrap(),
        "told once"
    );
    assert!(s
        .record_event(&event("account.reauthorized", ""))
        .await
        .unwrap());
    assert!(
        s.record_event(&event("account.tokenDead", "AADSTS50173"))
            .await
            .unwrap(),
        "again after"
    );
}

pub async fn an_azure_registration_belongs_to_one_owner(s: &dyn Store) {
    let dana = s
        .create_owner("dana@example.com", "h", NOW, Admission::Any)
        .await
        .unwrap()
        .unwrap();
    let eve = s
        .create_owner("eve@example.com", "h", NOW, Admission::Any)
        .await
        .unwrap()
        .unwrap();
    assert!(
        s.create_owner("DANA@example.com", "h", NOW, Admission::Any)
            .await
            .unwrap()
            .is_none(),
        "e-mail without case"
    );
    let settings = Office365Settings {
        azure_client_id: "00001111-aaaa-2222-bbbb-3333cccc4444".into(),
        client_secret_enc: Some("enc".into()),
        authority: "common".into(),
        secret_expires_at: None,
        problem: None,
        updated_at: NOW,
        certificate: None,
    };
    let mine = app(s, "c1", Some(dana.id)).await;
    let theirs = app(s, "c2", Some(eve.id)).await;
    assert!(s.put_office365(mine.id, &settings).await.unwrap());
    let mut upper = settings.clone();
    upper.azure_client_id = settings.azure_client_id.to_uppercase();
    assert!(
        !s.put_office365(theirs.id, &upper).await.unwrap(),
        "another owner's"
    );
    let also_mine = app(s, "c3", Some(dana.id)).await;
    assert!(
        s.put_office365(also_mine.id, &settings).await.unwrap(),
        "the same owner's"
    );

    let certificate = CertificateCredential {
        certificate_pem: "pem".into(),
        private_key_enc: "key".into(),
    };
    assert!(s
        .set_office365_certificate(mine.id, Some(&certificate), NOW)
        .await
        .unwrap());
    assert!(s.put_office365(mine.id, &settings).await.unwrap());
    let kept = s.office365(mine.id).await.unwrap().unwrap();
    assert_eq!(
        kept.certificate.map(|c| c.certificate_pem).as_deref(),
        Some("pem"),
        "settings saved again keep the certificate"
    );
    assert!(
        !s.set_office365_certificate(theirs.id, None, NOW)
            .await
            .unwrap(),
        "no settings yet"
    );
}

pub async fn a_mailbox_has_so_many_slots_and_a_dead_holders_free_themselves(s: &dyn Store) {
    let until = NOW + 30;
    // holders[slot] is the holder of that slot.
    let mut holders = [String::new(), String::new(), String::new(), String::new()];
    for i in 0..4 {
        let holder = format!("h{i}");
        let slot = s
            .take_mailbox_slot("7", 4, &holder, until, NOW)
            .await
            .unwrap()
            .expect("a free slot");
        assert!(holders[slot as usize].is_empty(), "each slot once");
        holders[slot as usize] = holder;
    }
    assert_eq!(
        s.take_mailbox_slot("7", 4, "h4", until, NOW).await.unwrap(),
        None
    );
    // Another mailbox has slots of its own.
    assert!(s
        .take_mailbox_slot("8", 4, "h4", until, NOW)
        .await
        .unwrap()
        .is_some());

    // A released slot is free; only its holder releases it.
    s.release_mailbox_slot("7", 0, "someone else")
        .await
        .unwrap();
    assert_eq!(
        s.take_mailbox_slot("7", 4, "h5", until, NOW).await.unwrap(),
        None
    );
    s.release_mailbox_slot("7", 0, &holders[0]).await.unwrap();
    assert_eq!(
        s.take_mailbox_slot("7", 4, "h5", until, NOW).await.unwrap(),
        Some(0)
    );
    holders[0] = "h5".into();

    // A renewed lease holds; one that ran out is taken by another, and its old holder knows.
    assert!(s
        .renew_mailbox_slot("7", 1, &holders[1], until + 60)
        .await
        .unwrap());
    let later = until + 1;
    let taken = s
        .take_mailbox_slot("7", 4, "h6", later + 30, later)
        .await
        .unwrap()
        .expect("an expired lease is free");
    assert_ne!(taken, 1, "the renewed one is still held");
    let loser = &holders[taken as usize];
    assert!(!s
        .renew_mailbox_slot("7", taken, loser, later + 60)
        .await
        .unwrap());
    assert!(s
        .renew_mailbox_slot("7", taken, "h6", later + 60)
        .await
        .unwrap());
}
