//! `switchboard db copy`: a SQLite store moved into an empty PostgreSQL one.

use crate::store::copy::sqlite_to_postgres;
use clap::Subcommand;
use serde_json::json;

#[derive(Subcommand)]
pub enum DbCommand {
    /// Copies everything in a SQLite store (apps, accounts, encrypted secrets as they are,
    /// owners, syncs, subscriptions, deliveries, events) into an empty PostgreSQL database and
    /// compares every table's count. Stop the service first; start it on the copy with the same
    /// master key.
    Copy {
        /// The SQLite store, e.g. sqlite://switchboard.db
        #[arg(long)]
        from: String,
        /// The PostgreSQL database, e.g. postgres://user@host/switchboard
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn command(cmd: DbCommand) -> anyhow::Result<()> {
    let DbCommand::Copy { from, to, json } = cmd;
    let copied = sqlite_to_postgres(&from, &to).await?;
    if json {
        let tables: serde_json::Map<String, serde_json::Value> = copied
            .iter()
            .map(|c| (c.table.clone(), json!(c.rows)))
            .collect();
        println!("{}", json!({ "copied": tables }));
    } else {
        for c in &copied {
            println!("  {:<20} {:>8} rows", c.table, c.rows);
        }
        println!("Copied; every table holds as many rows in both databases.");
    }
    Ok(())
}
