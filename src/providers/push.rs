//! Push: a provider telling switchboard that something changed, instead of switchboard asking
//! on a schedule. switchboard opens a channel per subscription (a Graph subscription, for Office
//! 365) that calls its public push endpoint, renews it before it expires, and closes it when the
//! app's subscription goes. What arrives there only wakes the subscription's watch: the changes
//! themselves are read from the delta, so a notification lost, repeated or forged changes nothing.

use crate::model::sync::Feed;
use crate::providers::error::ProviderError;
use crate::store::AccountRecord;

/// Where the provider is to call, and the secret it must send back with every call.
pub struct PushTarget<'a> {
    pub notify_url: &'a str,
    pub lifecycle_url: &'a str,
    pub client_state: &'a str,
}

/// A channel the provider opened.
#[derive(Debug, Clone)]
pub struct Channel {
    pub id: String,
    /// When it ends unless renewed (Unix seconds).
    pub expires_at: i64,
}

/// What the provider says about a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Something changed in what the channel watches.
    Changed,
    /// The channel needs renewing (its authorization is about to end).
    Reauthorize,
    /// The provider removed the channel: open another.
    Removed,
    /// The provider could not tell some changes: read the delta.
    Missed,
}

/// One thing the provider said, for a channel, with the secret it sent.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub channel_id: String,
    pub client_state: String,
    pub signal: Signal,
}

#[async_trait::async_trait]
pub trait Push: Send + Sync {
    /// Opens a channel for `feed`'s changes.
    async fn open_channel(
        &self,
        account: &AccountRecord,
        feed: &Feed,
        target: &PushTarget<'_>,
    ) -> Result<Channel, ProviderError>;
    /// Renews it; when it now ends. A channel the provider no longer has fails with
    /// `Failure::NotFound`.
    async fn renew_channel(&self, account: &AccountRecord, id: &str) -> Result<i64, ProviderError>;
    async fn close_channel(&self, account: &AccountRecord, id: &str) -> Result<(), ProviderError>;
    /// Reads what the provider POSTed to the push endpoint (`lifecycle`: to the lifecycle one).
    fn read_incoming(&self, body: &[u8], lifecycle: bool) -> Vec<Incoming>;
}
