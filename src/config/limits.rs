//! Limits that keep hostile or broken clients from taking the service down: how long a client
//! gets to send its headers and its body, how long a request may run, how many connections,
//! password hashes and large bodies run at once, how long a request waits for its turn, and who
//! may sign up to the portal.

use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::time::Duration;

/// Who may create a portal owner account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupPolicy {
    /// Anyone.
    Open,
    /// The first owner signs up; later owners need an invitation (or the CLI).
    Invite,
    /// Only the CLI creates owners.
    Closed,
}

/// Where a mailbox's share of Graph (four calls at once) is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxSlots {
    /// In the database on PostgreSQL (a fleet shares it), in this process on SQLite.
    Auto,
    /// In this process: right for one instance.
    Local,
    /// In the database, across every instance on it.
    Shared,
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Time to send a request's headers; also how long an idle keep-alive connection stays open.
    pub header_timeout: Duration,
    /// Longest pause while a request body arrives.
    pub body_timeout: Duration,
    /// Longest a request may take, body included (the direct API, which streams, has its own).
    pub request_timeout: Duration,
    pub max_connections: usize,
    /// Open connections one client address may hold (a quarter of all by default; no limit of
    /// its own behind a trusted proxy, whose address every client shares).
    pub max_connections_per_client: usize,
    /// Password hashes (portal sign-in and sign-up) computed at once.
    pub password_hashing: usize,
    /// Memory for large request bodies (mail with attachments) in flight at once, in bytes.
    pub large_body_budget: usize,
    /// Longest a request waits for a shared resource (a slot of its mailbox, room for a large
    /// body, a password hash) before it is told to retry (503 with `Retry-After`).
    pub queue_wait: Duration,
    /// How long an account token's account and an app are held in memory: a change made by
    /// another instance or the CLI (a deleted account, a revoked token) is seen within it.
    pub cache_bound: Duration,
    /// How long Microsoft gets to answer a Graph call (a token request gets at most 30 s of it).
    pub provider_timeout: Duration,
    /// Take the client address from the last `X-Forwarded-For` hop (behind a reverse proxy).
    pub trust_forwarded_for: bool,
    pub signup: SignupPolicy,
    pub mailbox_slots: MailboxSlots,
    /// Threads serving connections (a single-threaded runtime each; one per core by default).
    pub lanes: usize,
}

impl Limits {
    /// From the settings by name (`HEADER_TIMEOUT`, …), defaults for those not given.
    pub fn read(values: &BTreeMap<String, String>) -> anyhow::Result<Limits> {
        let get = |name: &str| values.get(name).map(String::as_str);
        let seconds = |name: &str, default: u64| -> anyhow::Result<Duration> {
            Ok(Duration::from_secs(number(values, name, default)?))
        };
        let signup = match get("PORTAL_SIGNUP").unwrap_or("invite") {
            "open" => SignupPolicy::Open,
            "invite" => SignupPolicy::Invite,
            "closed" => SignupPolicy::Closed,
            other => bail!("SWITCHBOARD_PORTAL_SIGNUP: '{other}' is not open, invite or closed"),
        };
        let trust_forwarded_for = match get("TRUST_FORWARDED_FOR").unwrap_or("false") {
            "true" => true,
            "false" => false,
            other => bail!("SWITCHBOARD_TRUST_FORWARDED_FOR: '{other}' is not true or false"),
        };
        let mailbox_slots = match get("MAILBOX_SLOTS").unwrap_or("auto") {
            "auto" => MailboxSlots::Auto,
            "local" => MailboxSlots::Local,
            "shared" => MailboxSlots::Shared,
            other => bail!("SWITCHBOARD_MAILBOX_SLOTS: '{other}' is not auto, local or shared"),
        };
        let max_connections = number(values, "MAX_CONNECTIONS", 1024)? as usize;
        let per_client = number(
            values,
            "MAX_CONNECTIONS_PER_CLIENT",
            (max_connections as u64 / 4).max(1),
        )? as usize;
        Ok(Limits {
            header_timeout: seconds("HEADER_TIMEOUT", 10)?,
            body_timeout: seconds("BODY_TIMEOUT", 30)?,
            request_timeout: seconds("REQUEST_TIMEOUT", 120)?,
            max_connections,
            max_connections_per_client: if trust_forwarded_for {
                max_connections
            } else {
                per_client.min(max_connections)
            },
            password_hashing: number(values, "PASSWORD_HASHING", 2)? as usize,
            large_body_budget: number(values, "LARGE_BODY_BUDGET_MB", 160)? as usize * 1024 * 1024,
            queue_wait: seconds("QUEUE_WAIT", 5)?,
            cache_bound: match get("CACHE_SECONDS").map(str::trim) {
                Some("0") => Duration::ZERO,
                _ => seconds("CACHE_SECONDS", 1)?,
            },
            provider_timeout: seconds("PROVIDER_TIMEOUT", 60)?,
            trust_forwarded_for,
            signup,
            mailbox_slots,
            lanes: number(
                values,
                "LANES",
                std::thread::available_parallelism().map_or(2, |n| n.get() as u64),
            )? as usize,
        })
    }
}

/// A whole number of at least 1.
pub(super) fn number(
    values: &BTreeMap<String, String>,
    name: &str,
    default: u64,
) -> anyhow::Result<u64> {
    let Some(text) = values.get(name) else {
        return Ok(default);
    };
    let n: u64 = text
        .trim()
        .parse()
        .with_context(|| format!("SWITCHBOARD_{name}: '{text}' is not a whole number"))?;
    if n == 0 {
        bail!("SWITCHBOARD_{name} must be at least 1");
    }
    Ok(n)
}
