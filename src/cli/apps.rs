//! `switchboard app …`: create apps, set their Azure registration, show them (with their signing
//! secret) and rotate secrets.

use crate::apps::certificate::thumbprint;
use crate::apps::{self, AppDetails, Office365Input, SecretChoice};
use crate::clock::now;
use crate::config::Settings;
use crate::startup::open_store;
use crate::webhooks::signing;
use anyhow::Context;
use clap::{Args, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AppCommand {
    /// Create an app; prints its clientId and a clientSecret shown only once.
    Create {
        #[arg(long)]
        name: String,
        /// A return URL the app may send users back to (repeat for several).
        #[arg(long = "return-url", required = true)]
        return_urls: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set the app's Azure registration.
    Office365(Office365Args),
    /// Give the app's Azure registration a certificate credential (the certificate uploaded to
    /// the Azure app, and its private key), used instead of the client secret; or remove it.
    Certificate {
        client_id: String,
        /// The PEM certificate (-----BEGIN CERTIFICATE-----).
        #[arg(
            long,
            required_unless_present = "remove",
            requires = "private_key_file"
        )]
        certificate_file: Option<PathBuf>,
        /// Its unencrypted RSA private key in PEM (PKCS #8 or PKCS #1).
        #[arg(long, requires = "certificate_file")]
        private_key_file: Option<PathBuf>,
        #[arg(long, conflicts_with_all = ["certificate_file", "private_key_file"])]
        remove: bool,
        #[arg(long)]
        json: bool,
    },
    /// List apps.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show an app, with the redirect URI to register in Azure and the secret its webhooks are
    /// signed with.
    Show {
        client_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Set where the app is told of its accounts' events (the URL must answer the validation
    /// request), or clear it.
    EventsUrl {
        client_id: String,
        #[arg(conflicts_with = "clear", required_unless_present = "clear")]
        url: Option<String>,
        #[arg(long)]
        clear: bool,
        #[arg(long)]
        json: bool,
    },
    /// Give the app a new webhook signing secret; notifications are signed with it from now on.
    RotateSigningSecret {
        client_id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct Office365Args {
    client_id: String,
    /// The Application (client) ID from the Azure app's Overview page.
    #[arg(long)]
    azure_client_id: String,
    /// A file holding the client secret's Value.
    #[arg(
        long,
        conflicts_with = "public_client",
        required_unless_present = "public_client"
    )]
    azure_client_secret_file: Option<PathBuf>,
    /// The Azure app is a public client: PKCE only, no secret.
    #[arg(long)]
    public_client: bool,
    /// common, organizations, consumers, or a tenant id / domain.
    #[arg(long, default_value = "common")]
    authority: String,
    /// When the client secret expires (YYYY-MM-DD), to be warned in time.
    #[arg(long)]
    secret_expires: Option<String>,
    #[arg(long)]
    json: bool,
}

pub async fn app_command(settings: &mut Settings, cmd: AppCommand) -> anyhow::Result<()> {
    let (store, keys) = open_store(settings).await?;
    let store = store.as_ref();
    match cmd {
        AppCommand::Create {
            name,
            return_urls,
            json,
        } => {
            let created = apps::create(store, &name, &return_urls, None, now()).await?;
            let secret = created.client_secret.expose_secret();
            if json {
                println!(
                    "{}",
                    json!({ "clientId": created.app.client_id, "clientSecret": secret, "name": created.app.name })
                );
            } else {
                println!(
                    "App created: {}\nclientId:     {}\nclientSecret: {secret}\n",
                    created.app.name, created.app.client_id
                );
                println!("The client secret is shown only this once; store it now.");
                println!("Next: switchboard app office365 {} --azure-client-id <id> --azure-client-secret-file <file>", created.app.client_id);
            }
        }
        AppCommand::Office365(a) => {
            let secret = match &a.azure_client_secret_file {
                Some(path) => Some(SecretString::from(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?
                        .trim()
                        .to_string(),
                )),
                None => None,
            };
            let expires = a.secret_expires.as_deref().map(parse_date).transpose()?;
            let input = Office365Input {
                azure_client_id: &a.azure_client_id,
                client_secret: secret
                    .as_ref()
                    .map_or(SecretChoice::Public, SecretChoice::New),
                authority: &a.authority,
                secret_expires_at: expires,
            };
            let details = apps::set_office365(store, &keys, &a.client_id, input, now()).await?;
            let signing = signing::secret(store, &keys, details.app.id).await?;
            let events = store.events_url(details.app.id).await?;
            print_details(settings, &details, (&signing, events.as_deref()), a.json);
        }
        AppCommand::Certificate {
            client_id,
            certificate_file,
            private_key_file,
            remove: _,
            json,
        } => {
            let read = |path: &PathBuf| {
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))
            };
            let pems = match (&certificate_file, &private_key_file) {
                (Some(c), Some(k)) => Some((read(c)?, SecretString::from(read(k)?))),
                _ => None,
            };
            let pems_ref = pems.as_ref().map(|(c, k)| (c.as_str(), k));
            let details = apps::set_certificate(store, &keys, &client_id, pems_ref, now()).await?;
            let signing = signing::secret(store, &keys, details.app.id).await?;
            let events = store.events_url(details.app.id).await?;
            print_details(settings, &details, (&signing, events.as_deref()), json);
        }
        AppCommand::List { json } => {
            let list = store.list_apps().await?;
            if json {
                let apps: Vec<_> = list
                    .iter()
                    .map(|a| json!({ "clientId": a.client_id, "name": a.name }))
                    .collect();
                println!("{}", json!({ "apps": apps }));
            } else {
                for a in list {
                    println!("{}  {}", a.client_id, a.name);
                }
            }
        }
        AppCommand::Show { client_id, json } => {
            let details = apps::details(store, &client_id).await?;
            let signing = signing::secret(store, &keys, details.app.id).await?;
            let events = store.events_url(details.app.id).await?;
            print_details(settings, &details, (&signing, events.as_deref()), json)
        }
        AppCommand::EventsUrl {
            client_id,
            url,
            clear: _,
            json,
        } => {
            let app = apps::find(store, &client_id).await?;
            let client = crate::webhooks::handshake::client(&settings.webhooks)?;
            let outbound = (&client, &settings.webhooks);
            crate::webhooks::set_events_url(store, outbound, app.id, url.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            if json {
                println!("{}", json!({ "clientId": app.client_id, "eventsUrl": url }));
            } else {
                match url {
                    Some(url) => println!("Account events go to {url}"),
                    None => println!("Account events are no longer sent"),
                }
            }
        }
        AppCommand::RotateSigningSecret { client_id, json } => {
            let app = apps::find(store, &client_id).await?;
            let signing = signing::rotate(store, &keys, app.id).await?;
            if json {
                println!(
                    "{}",
                    json!({ "clientId": app.client_id, "signingSecret": signing.expose_secret() })
                );
            } else {
                println!("New signing secret: {}", signing.expose_secret());
                println!("Notifications are signed with it from now on; update your receiver.");
            }
        }
    }
    Ok(())
}

fn parse_date(text: &str) -> anyhow::Result<i64> {
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("'{text}' is not a date like 2027-06-30"))?;
    Ok(date
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp())
}

/// An app as `app show` prints it, with its webhook settings (signing secret, events URL).
fn print_details(
    settings: &Settings,
    d: &AppDetails,
    (signing, events): (&SecretString, Option<&str>),
    as_json: bool,
) {
    let o = d.office365.as_ref();
    if as_json {
        let office365 = o.map(|o| {
            json!({
                "azureClientId": o.azure_client_id, "publicClient": o.is_public(), "authority": o.authority,
                "certificateThumbprint": o.certificate.as_ref().and_then(|c| thumbprint(&c.certificate_pem)),
                "secretExpiresAt": o.secret_expires_at.map(crate::model::rfc3339), "problem": o.problem,
            })
        });
        println!(
            "{}",
            json!({ "clientId": d.app.client_id, "name": d.app.name, "returnUrls": d.return_urls, "redirectUri": settings.redirect_uri(), "office365": office365, "signingSecret": signing.expose_secret(), "eventsUrl": events })
        );
        return;
    }
    println!(
        "App:          {}\nclientId:     {}",
        d.app.name, d.app.client_id
    );
    println!(
        "Signing secret: {} (webhooks: X-Aurinko-Signature)",
        signing.expose_secret()
    );
    for url in &d.return_urls {
        println!("Return URL:   {url}");
    }
    println!(
        "\nRegister this redirect URI in Azure (Authentication → Web):\n  {}\n",
        settings.redirect_uri()
    );
    match o {
        None => println!("Office 365:   not configured"),
        Some(o) => {
            let kind = match (&o.certificate, &o.client_secret_enc) {
                (Some(_), _) => "confidential (certificate credential)",
                (None, Some(_)) => "confidential (client secret set)",
                (None, None) => "public client (PKCE, no secret)",
            };
            println!(
                "Office 365:   Azure client id {}, authority {}, {kind}",
                o.azure_client_id, o.authority
            );
            if let Some(p) = &o.problem {
                println!("PROBLEM:      {} — {}", p.code, p.message);
            }
        }
    }
}
