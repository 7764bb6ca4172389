//! What the store keeps for webhooks: the apps' subscriptions to an account's changes, and the
//! notifications waiting to be delivered (or kept as the delivery log).

/// An app's subscription to the changes of one of an account's resources.
#[derive(Debug, Clone)]
pub struct SubscriptionRecord {
    pub id: i64,
    pub app_id: i64,
    pub account_id: i64,
    /// As the app named it (`/email/messages`, `/calendars/primary/events`, …).
    pub resource: String,
    pub notification_url: String,
    pub filters: Vec<String>,
    /// The provider-neutral feed watched (JSON).
    pub feed: String,
    /// The provider's position in the feed's changes.
    pub cursor: Option<String>,
    /// While the feed's first round is read: its changes are not reported.
    pub quiet: bool,
    pub active: bool,
    pub fail_since: Option<i64>,
    pub fail_description: Option<String>,
    /// The provider's push channel, while there is one.
    pub channel_id: Option<String>,
}

/// What became of a subscription's push channel.
pub enum ChannelChange<'a> {
    /// The provider opened one; the hash is SHA-256 of the secret it sends back with each call.
    Opened {
        id: &'a str,
        expires_at: i64,
        state_hash: &'a [u8],
    },
    Renewed {
        expires_at: i64,
    },
    /// There is none (any more).
    Closed,
    Unchanged,
}

/// A subscription to create, or to take up again (the same account, resource and URL): it is
/// active again, and keeps its position in the changes when it has one.
pub struct NewSubscription<'a> {
    pub app_id: i64,
    pub account_id: i64,
    pub resource: &'a str,
    pub notification_url: &'a str,
    pub filters: &'a [String],
    pub feed: &'a str,
    pub cursor: Option<&'a str>,
    /// Whether the first round is still being read at `cursor`.
    pub quiet: bool,
    pub poll_at: i64,
    /// When its push channel is to be opened (`None`: the subscription is not pushed).
    pub channel_due_at: Option<i64>,
    pub now: i64,
}

/// Where a subscription's changes were read to, and what they gave to deliver: written only if
/// the subscription still stood at `from` (so two readers never report a change twice).
pub struct Advance<'a> {
    pub subscription_id: i64,
    pub from: Option<&'a str>,
    /// `None` starts the feed again (its first round is then read quietly).
    pub to: Option<&'a str>,
    pub quiet: bool,
    pub deliveries: &'a [NewDelivery],
    /// When the subscription is next looked at (`None`: the look reads on, its claim stands). A
    /// poll time that has come by `now` stays: a wake during the look is looked at next.
    pub poll_at: Option<i64>,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        match text {
            "pending" => Some(DeliveryState::Pending),
            "delivered" => Some(DeliveryState::Delivered),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// A notification to deliver: a subscription's, or (without one) an account event to the app.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub app_id: i64,
    pub subscription_id: Option<i64>,
    pub url: String,
    pub body: String,
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    pub id: i64,
    #[serde(skip)]
    pub app_id: i64,
    pub subscription_id: Option<i64>,
    pub url: String,
    pub body: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub done_at: Option<i64>,
}

/// How an attempt to deliver went.
#[derive(Debug, Clone)]
pub enum Attempt {
    /// The receiver answered 2xx.
    Delivered { status: i64 },
    /// It did not; tried again at `retry_at`, or given up on without one (and the subscription
    /// is then inactive, with its other pending notifications).
    Failed {
        status: Option<i64>,
        error: String,
        retry_at: Option<i64>,
    },
}

/// An event of an account (`account_id` 0: of the app itself), with what its app's events URL is
/// sent about it.
pub struct EventRecord<'a> {
    pub app_id: i64,
    pub account_id: i64,
    pub kind: &'a str,
    pub detail: &'a str,
    pub body: &'a str,
    /// The kinds that are states (dead, credentials refused, …): a state is told once, until an
    /// event that is not another state happens to the account (or app).
    pub states: &'a [&'a str],
    pub now: i64,
}
