//! Webhooks: how often changes are looked for, how deliveries are retried, which notification
//! URLs are accepted, and whether the provider is asked to push its changes.

use super::limits::number;
use anyhow::bail;
use std::collections::BTreeMap;
use std::time::Duration;
use url::Url;

#[derive(Debug, Clone)]
pub struct Webhooks {
    /// How often a subscription's changes are looked at when nothing tells switchboard of them.
    pub poll_every: Duration,
    /// The first retry of a failed delivery comes this much later; each next one twice as late
    /// (at most an hour), with jitter.
    pub retry_first: Duration,
    /// A delivery failing for this long is given up, and its subscription made inactive.
    pub retry_for: Duration,
    /// How long a receiver has to answer a delivery or the validation request.
    pub timeout: Duration,
    /// Whether notification URLs may be plain `http://` (local development).
    pub allow_http: bool,
    /// Whether notifications may go to addresses on private or local networks.
    pub allow_private: bool,
    /// Whether providers are asked to push their changes to switchboard's public URL (else the
    /// changes are only looked for every `poll_every`).
    pub push: bool,
}

impl Webhooks {
    /// From `WEBHOOK_POLL_EVERY` (seconds, default 60, or 900 when changes are pushed), `WEBHOOK_RETRY_FIRST` (10),
    /// `WEBHOOK_RETRY_FOR` (86400), `WEBHOOK_TIMEOUT` (10) and `WEBHOOK_ALLOW_HTTP` (default:
    /// true when the public URL is on this machine, else false), `WEBHOOK_ALLOW_PRIVATE` (the same
    /// default) and `WEBHOOK_PUSH` (`auto`, the
    /// default: when the public URL is https; `on`; `off`).
    pub fn read(values: &BTreeMap<String, String>, public_url: &Url) -> anyhow::Result<Webhooks> {
        let seconds = |name, default| number(values, name, default).map(Duration::from_secs);
        let local = matches!(
            public_url.host_str(),
            Some("localhost" | "127.0.0.1" | "[::1]")
        );
        let flag = |name: &str| match values.get(name).map(String::as_str) {
            None => Ok(local),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(anyhow::anyhow!(
                "SWITCHBOARD_{name}: '{other}' is not true or false"
            )),
        };
        let allow_http = flag("WEBHOOK_ALLOW_HTTP")?;
        let allow_private = flag("WEBHOOK_ALLOW_PRIVATE")?;
        let timeout = seconds("WEBHOOK_TIMEOUT", 10)?;
        if timeout > Duration::from_secs(60) {
            bail!("SWITCHBOARD_WEBHOOK_TIMEOUT: at most 60 seconds");
        }
        let push = match values.get("WEBHOOK_PUSH").map_or("auto", String::as_str) {
            "auto" => public_url.scheme() == "https",
            "on" => true,
            "off" => false,
            other => bail!("SWITCHBOARD_WEBHOOK_PUSH: '{other}' is not auto, on or off"),
        };
        Ok(Webhooks {
            push,
            // Pushed changes need looking for only as a safety net.
            poll_every: seconds("WEBHOOK_POLL_EVERY", if push { 900 } else { 60 })?,
            retry_first: seconds("WEBHOOK_RETRY_FIRST", 10)?,
            retry_for: seconds("WEBHOOK_RETRY_FOR", 86_400)?,
            timeout,
            allow_http,
            allow_private,
        })
    }
}
