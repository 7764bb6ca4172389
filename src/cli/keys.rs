//! `switchboard keys …`: rotating the master key while the service serves (see `crate::keys`).

use crate::clock::now;
use crate::config::Settings;
use crate::model::rfc3339;
use crate::startup::open_store;
use anyhow::Context;
use clap::Subcommand;
use secrecy::ExposeSecret;
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Adds a new master key: every instance takes it up within SWITCHBOARD_KEYS_EVERY, encrypts
    /// with it four looks later, and re-encrypts every stored secret under it meanwhile.
    Rotate {
        /// Where the new key is written (created, readable by this user only); it is printed
        /// when not given. Keep it: it becomes SWITCHBOARD_MASTER_KEY.
        #[arg(long = "key-file")]
        key_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Each key, whether it is in use, and how many stored secrets are still encrypted under it.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Forgets an old key once no stored secret is under it and SWITCHBOARD_MASTER_KEY is the
    /// newer one. Instances still started with the old key cannot start again.
    Retire { key_id: String },
}

pub async fn command(settings: &mut Settings, cmd: KeysCommand) -> anyhow::Result<()> {
    let every = settings.jobs.keys_every;
    let (store, keys) = open_store(settings).await?;
    let store = store.as_ref();
    match cmd {
        KeysCommand::Rotate { key_file, json } => {
            let (added, text) = crate::keys::rotate(store, &keys, every, now()).await?;
            if let Some(path) = &key_file {
                crate::startup::write_private(path, text.expose_secret())
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            let printed = key_file.is_none().then(|| text.expose_secret().to_string());
            if json {
                println!(
                    "{}",
                    json!({ "id": added.id, "useFrom": rfc3339(added.use_from), "key": printed })
                );
            } else {
                println!(
                    "Key {} added; instances encrypt with it from {} and re-encrypt every stored secret under it.",
                    added.id,
                    rfc3339(added.use_from)
                );
                match printed {
                    Some(key) => println!("The new key (keep it; make it SWITCHBOARD_MASTER_KEY at your next deploy):\n{key}"),
                    None => println!("The new key is in the key file; make it SWITCHBOARD_MASTER_KEY at your next deploy."),
                }
                println!("`switchboard keys status` shows when nothing is left under the old key.");
            }
        }
        KeysCommand::Status { json } => {
            let states = crate::keys::status(store, &keys, &keys.configured_id(), now()).await?;
            if json {
                println!("{}", json!({ "keys": states }));
            } else {
                for k in &states {
                    let configured = if k.configured {
                        " (SWITCHBOARD_MASTER_KEY)"
                    } else {
                        ""
                    };
                    println!(
                        "  {}  {:<7} {:>8} secrets{configured}",
                        k.id, k.state, k.secrets
                    );
                }
            }
        }
        KeysCommand::Retire { key_id } => {
            crate::keys::retire(store, &keys, &keys.configured_id(), &key_id).await?;
            println!("Key {key_id} retired: nothing in the database can be read with it any more.");
        }
    }
    Ok(())
}
