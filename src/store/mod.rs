//! Persistence. One trait per concern, one implementation per backend (SQLite now; PostgreSQL
//! implements the same traits). Everything above this module speaks only these traits.

pub mod copy;
pub mod crypto;
pub mod dialect;
pub mod hot;
pub mod mailbox_slots;
pub mod postgres;
pub mod records;
pub mod rows;
pub mod sealed;
pub mod sqlite;
pub mod sync_records;
pub mod token_lookups;
pub mod webhook_records;

use async_trait::async_trait;
pub use records::*;
use std::sync::Arc;
pub use sync_records::*;
pub use webhook_records::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database file {0}")]
    Io(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait MetaStore: Send + Sync {
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()>;
    async fn ping(&self) -> StoreResult<()>;
    /// The look-ups held in memory (see `hot`).
    fn hot(&self) -> &hot::HotCache;
}

#[async_trait]
pub trait AppStore: Send + Sync {
    async fn create_app(&self, app: NewApp) -> StoreResult<AppRecord>;
    async fn app_by_client_id(&self, client_id: &str) -> StoreResult<Option<AppRecord>>;
    async fn list_apps(&self) -> StoreResult<Vec<AppRecord>>;
    async fn rename_app(&self, app_id: i64, name: &str, now: i64) -> StoreResult<()>;
    async fn set_app_secret(&self, app_id: i64, secret_hash: &[u8], now: i64) -> StoreResult<()>;
    /// Deletes the app with its settings, accounts and tokens.
    async fn delete_app(&self, app_id: i64) -> StoreResult<()>;
    async fn add_return_url(&self, app_id: i64, url: &str) -> StoreResult<()>;
    async fn remove_return_url(&self, app_id: i64, url: &str) -> StoreResult<()>;
    /// The apps a portal owner owns.
    async fn owner_apps(&self, owner_id: i64) -> StoreResult<Vec<AppRecord>>;
    async fn return_urls(&self, app_id: i64) -> StoreResult<Vec<String>>;
    /// `false` (nothing saved) when another owner's app uses the same Azure client id: an Azure
    /// registration belongs to one owner (apps made with the CLI have none, and share theirs).
    async fn put_office365(&self, app_id: i64, settings: &Office365Settings) -> StoreResult<bool>;
    async fn office365(&self, app_id: i64) -> StoreResult<Option<Office365Settings>>;
    /// Sets (or removes) the certificate credential of the app's Azure settings; `false` when
    /// the app has no Office 365 settings.
    async fn set_office365_certificate(
        &self,
        app_id: i64,
        certificate: Option<&CertificateCredential>,
        now: i64,
    ) -> StoreResult<bool>;
    /// Records (or clears, with `None`) a problem with the app's Azure credentials.
    async fn set_office365_problem(
        &self,
        app_id: i64,
        problem: Option<&AppProblem>,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait AuthStore: Send + Sync {
    async fn insert_auth_session(&self, session: &AuthSession) -> StoreResult<()>;
    /// Removes and returns the session: a state can be used once.
    async fn take_auth_session(&self, state_hash: &[u8]) -> StoreResult<Option<AuthSession>>;
    /// Deletes expired sign-in sessions (API and portal) and codes; returns how many rows went.
    async fn purge_expired(&self, now: i64) -> StoreResult<u64>;
    async fn insert_auth_code(
        &self,
        code_hash: &[u8],
        app_id: i64,
        account_id: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    async fn insert_link(&self, token_hash: &[u8], link: &HostedLink, now: i64) -> StoreResult<()>;
    /// The hosted link, if it is unused and unexpired at `now`.
    async fn hosted_link(&self, token_hash: &[u8], now: i64) -> StoreResult<Option<HostedLink>>;
    /// Uses the link up; `false` when it was used or expired already.
    async fn use_link(&self, token_hash: &[u8], now: i64) -> StoreResult<bool>;
    /// Marks the code used and returns its account, if it exists, is unused, unexpired and the app's.
    async fn redeem_auth_code(
        &self,
        code_hash: &[u8],
        app_id: i64,
        now: i64,
    ) -> StoreResult<CodeRedemption>;
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates the account, or updates the one with the same app + tenant + user, with its tokens,
    /// in one transaction.
    async fn link_account(
        &self,
        link: &LinkAccount,
        now: i64,
    ) -> StoreResult<(AccountRecord, bool)>;
    /// An account as held in memory (shared, not copied, by the requests that use it).
    async fn account(&self, app_id: i64, id: i64) -> StoreResult<Option<Arc<AccountRecord>>>;
    async fn account_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<Arc<AccountRecord>>>;
    async fn insert_account_token(
        &self,
        account_id: i64,
        token_hash: &[u8],
        now: i64,
    ) -> StoreResult<()>;
    /// A page of the app's accounts (those `filter` lets through), and how many there are in all.
    async fn list_accounts(
        &self,
        app_id: i64,
        filter: AccountFilter<'_>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<AccountRecord>, i64)>;
    /// How many accounts, of one app or of all, are in each token status.
    async fn account_status_counts(
        &self,
        app_id: Option<i64>,
    ) -> StoreResult<Vec<(TokenStatus, i64)>>;
    /// Deletes the account with its tokens; false when it did not exist for that app.
    async fn delete_account(&self, app_id: i64, id: i64) -> StoreResult<bool>;
    /// Takes access away in one write: the account token (or, with `None`, all of them) and the
    /// Microsoft tokens go, and the account is `dead` with `reason` until it is re-authorized.
    async fn revoke_access(
        &self,
        account_id: i64,
        token_hash: Option<&[u8]>,
        reason: &TokenError,
        now: i64,
    ) -> StoreResult<()>;
    /// A service account's managed accounts that are dead are active again (its consent was
    /// given again); their ids.
    async fn revive_managed(&self, service_account: i64, now: i64) -> StoreResult<Vec<i64>>;
    async fn set_token_status(
        &self,
        account_id: i64,
        status: TokenStatus,
        error: Option<&TokenError>,
        now: i64,
    ) -> StoreResult<()>;
    /// Records an event of an account (or of the app, account 0) and, when the app has an events
    /// URL, queues its notification, in one write. A state the account (or app) is already in
    /// (`EventRecord::state`, the same kind and detail as its latest event) is not recorded again:
    /// `false`.
    async fn record_event(&self, event: &EventRecord<'_>) -> StoreResult<bool>;
    /// Accounts not dead whose grant was last used (refreshed) before `before`, longest idle
    /// first.
    async fn idle_accounts(&self, before: i64, limit: i64) -> StoreResult<Vec<AccountRecord>>;
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn provider_tokens(&self, account_id: i64) -> StoreResult<Option<ProviderTokens>>;
    /// Takes the refresh lease if it is free or expired.
    async fn try_lease(
        &self,
        account_id: i64,
        owner: &str,
        until: i64,
        now: i64,
    ) -> StoreResult<bool>;
    /// Extends a lease `owner` still holds; `false` if it lost it.
    async fn renew_lease(&self, account_id: i64, owner: &str, until: i64) -> StoreResult<bool>;
    async fn release_lease(&self, account_id: i64, owner: &str) -> StoreResult<()>;
    /// Saves a refresh result in one write: new access token, the rotated refresh token, expiry,
    /// granted permissions; releases the lease and marks the account active.
    async fn save_refresh(
        &self,
        account_id: i64,
        refreshed: &RefreshedTokens,
        now: i64,
    ) -> StoreResult<()>;
}

/// Portal owners and their sign-in sessions (session tokens stored as hashes).
#[async_trait]
pub trait OwnerStore: Send + Sync {
    /// `None` when the e-mail address is taken (compared without case), or when `admission`
    /// does not let this owner in (there are owners already; the invitation is not valid for
    /// this address at `now`). An invitation is used up only when the owner is created.
    async fn create_owner(
        &self,
        email: &str,
        password_hash: &str,
        now: i64,
        admission: Admission<'_>,
    ) -> StoreResult<Option<OwnerRecord>>;
    async fn has_owners(&self) -> StoreResult<bool>;
    async fn create_invite(&self, invite: &NewInvite<'_>) -> StoreResult<()>;
    /// The address of an invitation that can still be used at `now`.
    async fn invite_email(&self, token_hash: &[u8], now: i64) -> StoreResult<Option<String>>;
    async fn owner_by_email(&self, email: &str) -> StoreResult<Option<OwnerRecord>>;
    async fn insert_owner_session(
        &self,
        token_hash: &[u8],
        owner_id: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// The owner of a session that has not expired at `now`.
    async fn owner_by_session(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> StoreResult<Option<OwnerRecord>>;
    async fn delete_owner_session(&self, token_hash: &[u8]) -> StoreResult<()>;
}

/// What lets a new owner in.
#[derive(Debug, Clone, Copy)]
pub enum Admission<'a> {
    /// Anyone (the operator's CLI, an open portal).
    Any,
    /// Only while there is no owner yet.
    FirstOnly,
    /// An invitation (its token's hash) for this address.
    Invite(&'a [u8]),
}

pub struct NewInvite<'a> {
    pub token_hash: &'a [u8],
    pub email: &'a str,
    pub invited_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Webhooks: the apps' signing secrets, subscriptions and where each stands in the changes, and
/// the notifications to deliver. Due work is claimed (moved on in the same write), so that
/// several instances on one database do each piece once.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// The app's signing secret (encrypted), if it has one yet.
    async fn signing_secret(&self, app_id: i64) -> StoreResult<Option<String>>;
    /// Saves a signing secret; with `only_if_missing`, `false` (nothing saved) when the app has
    /// one already.
    async fn set_signing_secret(
        &self,
        app_id: i64,
        secret_enc: &str,
        only_if_missing: bool,
    ) -> StoreResult<bool>;
    async fn upsert_subscription(
        &self,
        new: &NewSubscription<'_>,
    ) -> StoreResult<SubscriptionRecord>;
    /// The account's subscription to `resource` at `url`, if there is one.
    async fn find_subscription(
        &self,
        account_id: i64,
        resource: &str,
        url: &str,
    ) -> StoreResult<Option<SubscriptionRecord>>;
    async fn subscription(
        &self,
        account_id: i64,
        id: i64,
    ) -> StoreResult<Option<SubscriptionRecord>>;
    /// A page of the account's subscriptions (active only, unless `include_inactive`), and how
    /// many there are.
    async fn list_subscriptions(
        &self,
        account_id: i64,
        include_inactive: bool,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<SubscriptionRecord>, i64)>;
    /// The app's subscriptions of every account, newest first (for the portal and the CLI).
    async fn app_subscriptions(
        &self,
        app_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<SubscriptionRecord>>;
    /// Deletes the subscription with its pending notifications; false when it did not exist.
    async fn delete_subscription(&self, account_id: i64, id: i64) -> StoreResult<bool>;
    /// Active subscriptions due a look at their changes at `now`, each moved on to `until`.
    async fn claim_watches(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<SubscriptionRecord>>;
    /// Moves a subscription on in its changes and queues what they gave, in one write; `false`
    /// (nothing written) when it no longer stands at `advance.from`. A wake that came while the
    /// look ran is kept.
    async fn advance_watch(&self, advance: &Advance<'_>) -> StoreResult<bool>;
    /// Makes the subscription due a look at once (its provider said something changed).
    async fn wake_watch(&self, subscription_id: i64, now: i64) -> StoreResult<()>;
    /// Active subscriptions whose push channel is due opening or renewing at `now`, each moved
    /// on to `until`.
    async fn claim_channels(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<SubscriptionRecord>>;
    /// Records what became of the subscription's channel, and when it is next due attention. A
    /// due time that has already come by `now` stays: a provider's call that made the channel
    /// due while it was being tended is not written over.
    async fn set_channel(
        &self,
        subscription_id: i64,
        change: ChannelChange<'_>,
        due_at: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// The subscription a channel belongs to, with the hash of the channel's secret.
    async fn by_channel(
        &self,
        channel_id: &str,
    ) -> StoreResult<Option<(SubscriptionRecord, Vec<u8>)>>;
    async fn enqueue(&self, deliveries: &[NewDelivery], now: i64) -> StoreResult<()>;
    /// Pending notifications due at `now` (of active subscriptions, or account events), each
    /// moved on to `until`.
    async fn claim_deliveries(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>>;
    /// Records an attempt, and what it means for the delivery's subscription, in one write.
    async fn record_attempt(
        &self,
        delivery_id: i64,
        attempt: &Attempt,
        now: i64,
    ) -> StoreResult<()>;
    /// The app's latest notifications (of one subscription, if given), newest first.
    async fn deliveries(
        &self,
        app_id: i64,
        subscription_id: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>>;
    async fn delivery(&self, app_id: i64, id: i64) -> StoreResult<Option<DeliveryRecord>>;
    /// Forgets deliveries done (delivered or given up) before `before`; how many.
    async fn prune_deliveries(&self, before: i64) -> StoreResult<u64>;
    async fn events_url(&self, app_id: i64) -> StoreResult<Option<String>>;
    async fn set_events_url(&self, app_id: i64, url: Option<&str>) -> StoreResult<()>;
}

pub trait Store:
    MetaStore
    + AppStore
    + AuthStore
    + AccountStore
    + TokenStore
    + OwnerStore
    + SyncStore
    + WebhookStore
    + mailbox_slots::MailboxSlotStore
    + sealed::SealedStore
{
}
impl<
        T: MetaStore
            + AppStore
            + AuthStore
            + AccountStore
            + TokenStore
            + OwnerStore
            + SyncStore
            + WebhookStore
            + mailbox_slots::MailboxSlotStore
            + sealed::SealedStore,
    > Store for T
{
}

/// Opens the store named by the database URL, running its migrations.
pub async fn connect(database_url: &str) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    if database_url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(
            sqlite::SqliteStore::connect(database_url).await?,
        ))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        Ok(std::sync::Arc::new(
            postgres::PgStore::connect(database_url).await?,
        ))
    } else {
        anyhow::bail!("SWITCHBOARD_DATABASE_URL must start with sqlite:// or postgres://")
    }
}
