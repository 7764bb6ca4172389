//! `switchboard webhooks …`: an app's subscriptions, its delivery log, and replaying a delivery.

use crate::apps;
use crate::clock::now;
use crate::config::Settings;
use crate::model::rfc3339;
use crate::startup::open_store;
use crate::store::DeliveryRecord;
use clap::Subcommand;
use serde_json::json;

#[derive(Subcommand)]
pub enum WebhooksCommand {
    /// The app's subscriptions, of every account, newest first.
    List {
        client_id: String,
        #[arg(long)]
        json: bool,
    },
    /// The app's latest notifications and how their delivery went, newest first.
    Deliveries {
        client_id: String,
        /// Only this subscription's.
        #[arg(long)]
        subscription: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Sends a notification again (as a new delivery, signed anew).
    Replay {
        client_id: String,
        delivery_id: i64,
        #[arg(long)]
        json: bool,
    },
}

pub async fn command(settings: &mut Settings, cmd: WebhooksCommand) -> anyhow::Result<()> {
    let (store, _) = open_store(settings).await?;
    let store = store.as_ref();
    match cmd {
        WebhooksCommand::List { client_id, json } => {
            let app = apps::find(store, &client_id).await?;
            let list = store.app_subscriptions(app.id, 500).await?;
            if json {
                let rows: Vec<_> = list.iter().map(|s| {
                    json!({ "id": s.id, "accountId": s.account_id, "resource": s.resource, "notificationUrl": s.notification_url,
                            "active": s.active, "failSince": s.fail_since.map(rfc3339), "failDescription": s.fail_description })
                }).collect();
                println!("{}", json!({ "subscriptions": rows }));
            }
            for s in list.iter().filter(|_| !json) {
                let state = match (s.active, &s.fail_description) {
                    (false, Some(why)) => format!("INACTIVE ({why})"),
                    (false, None) => "INACTIVE".to_string(),
                    (true, Some(why)) => format!("failing: {why}"),
                    (true, None) => "active".to_string(),
                };
                println!(
                    "{:>6}  account {:<6} {:<28} {}  {state}",
                    s.id, s.account_id, s.resource, s.notification_url
                );
            }
        }
        WebhooksCommand::Deliveries {
            client_id,
            subscription,
            limit,
            json,
        } => {
            let app = apps::find(store, &client_id).await?;
            let log = store
                .deliveries(app.id, subscription, limit.clamp(1, 1000))
                .await?;
            if json {
                println!("{}", json!({ "deliveries": log }));
            } else {
                log.iter().for_each(print_delivery);
            }
        }
        WebhooksCommand::Replay {
            client_id,
            delivery_id,
            json,
        } => {
            let app = apps::find(store, &client_id).await?;
            if !crate::webhooks::replay(store, app.id, delivery_id, now()).await? {
                anyhow::bail!("app {client_id} has no delivery {delivery_id}");
            }
            if json {
                println!("{}", json!({ "replayed": delivery_id }));
            } else {
                println!(
                    "Delivery {delivery_id} queued again; the service sends it within a second."
                );
            }
        }
    }
    Ok(())
}

fn print_delivery(d: &DeliveryRecord) {
    let how = match (d.last_status, &d.last_error) {
        (_, Some(error)) => error.clone(),
        (Some(status), None) => format!("HTTP {status}"),
        (None, None) => String::new(),
    };
    println!(
        "{:>6}  {}  {:<9} attempts {:<3} {}  {how}",
        d.id,
        rfc3339(d.created_at),
        d.state.as_str(),
        d.attempts,
        d.url
    );
}
