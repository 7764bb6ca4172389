//! The command line: `serve` (the default), `app …` and `scopes explain`.

use crate::apps::{self, AppDetails, Office365Input, SecretChoice};
use crate::clock::now;
use crate::config::Settings;
use crate::owners;
use crate::providers::office365::catalog::Office365Catalog;
use crate::scopes::{resolve::split_list, PermissionLine, ScopeCatalog};
use crate::startup::{init_tracing, open_store, Application};
use crate::store::Admission;
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Unified API for Office 365 / Outlook.com accounts"
)]
struct Cli {
    /// YAML settings file (also SWITCHBOARD_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Create and configure apps.
    #[command(subcommand)]
    App(AppCommand),
    /// Show how unified scopes translate into Microsoft Graph permissions.
    #[command(subcommand)]
    Scopes(ScopesCommand),
    /// Manage the people who sign in to the portal.
    #[command(subcommand)]
    Owner(OwnerCommand),
}

#[derive(Subcommand)]
enum OwnerCommand {
    /// Create a portal owner; the password is read from a file (or `-` for standard input).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long = "password-file")]
        password_file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Invite someone to become a portal owner: prints a sign-up link for that address, valid
    /// for seven days and usable once.
    Invite {
        #[arg(long)]
        email: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AppCommand {
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
    /// List apps.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show an app, with the redirect URI to register in Azure.
    Show {
        client_id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct Office365Args {
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

#[derive(Subcommand)]
enum ScopesCommand {
    /// Print the Graph permissions for unified scopes, marking implicit and dropped ones.
    Explain {
        scopes: Vec<String>,
        /// Extra Microsoft Graph permissions, as with nativeScopes.
        #[arg(long = "native")]
        native: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")
        .and_then(|rt| rt.block_on(run(cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let (mut settings, warnings) = Settings::load(cli.config.as_deref())?;
    let command = cli.command.unwrap_or(Command::Serve);
    let filter = if matches!(command, Command::Serve) {
        settings.log.as_str()
    } else {
        "warn"
    };
    init_tracing(filter, settings.log_json);
    for w in warnings {
        tracing::warn!("{w}");
    }
    match command {
        Command::Serve => {
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        Command::App(cmd) => app_command(&mut settings, cmd).await,
        Command::Owner(cmd) => owner_command(&mut settings, cmd).await,
        Command::Scopes(ScopesCommand::Explain {
            scopes,
            native,
            json,
        }) => explain(&settings, &scopes, &native, json),
    }
}

async fn owner_command(settings: &mut Settings, cmd: OwnerCommand) -> anyhow::Result<()> {
    let (store, _) = open_store(settings).await?;
    match cmd {
        OwnerCommand::Create {
            email,
            password_file,
            json,
        } => {
            let text = if password_file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("cannot read the password")?
            } else {
                std::fs::read_to_string(&password_file)
                    .with_context(|| format!("cannot read {}", password_file.display()))?
            };
            let password = SecretString::from(text.trim_end_matches(['\r', '\n']).to_string());
            let hashing = owners::Hashing::new(1, std::time::Duration::from_secs(60));
            let owner = owners::create(
                store.as_ref(),
                &hashing,
                &email,
                &password,
                now(),
                Admission::Any,
            )
            .await?;
            if json {
                println!("{}", json!({ "id": owner.id, "email": owner.email }));
            } else {
                println!("Owner created: {} (id {})", owner.email, owner.id);
            }
        }
        OwnerCommand::Invite { email, json } => {
            let token = owners::invite(store.as_ref(), &email, None, now()).await?;
            let link = owners::invite_link(&settings.public_url, token.expose_secret());
            if json {
                println!(
                    "{}",
                    json!({ "email": email.trim().to_lowercase(), "link": link })
                );
            } else {
                println!(
                    "Send this link to {} (valid for 7 days, once):\n{link}",
                    email.trim()
                );
            }
        }
    }
    Ok(())
}

async fn app_command(settings: &mut Settings, cmd: AppCommand) -> anyhow::Result<()> {
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
            print_details(settings, &details, a.json);
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
            print_details(settings, &apps::details(store, &client_id).await?, json)
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

fn print_details(settings: &Settings, d: &AppDetails, as_json: bool) {
    let o = d.office365.as_ref();
    if as_json {
        let office365 = o.map(|o| {
            json!({
                "azureClientId": o.azure_client_id, "publicClient": o.client_secret_enc.is_none(), "authority": o.authority,
                "secretExpiresAt": o.secret_expires_at.map(crate::model::rfc3339), "problem": o.problem,
            })
        });
        println!(
            "{}",
            json!({ "clientId": d.app.client_id, "name": d.app.name, "returnUrls": d.return_urls, "redirectUri": settings.redirect_uri(), "office365": office365 })
        );
        return;
    }
    println!(
        "App:          {}\nclientId:     {}",
        d.app.name, d.app.client_id
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
            let kind = if o.client_secret_enc.is_some() {
                "confidential (client secret set)"
            } else {
                "public client (PKCE, no secret)"
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

fn explain(
    settings: &Settings,
    scopes: &[String],
    native: &[String],
    as_json: bool,
) -> anyhow::Result<()> {
    let office365 = Office365Catalog::load(settings.office365_file.as_deref())?;
    let catalog = ScopeCatalog::load(settings.scopes_file.as_deref(), Arc::new(office365))?;
    let names: Vec<&str> = scopes.iter().flat_map(|s| split_list(s)).collect();
    let native: Vec<&str> = native.iter().flat_map(|s| split_list(s)).collect();
    let resolved = catalog
        .resolve(&names, &native)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if as_json {
        println!("{}", serde_json::to_string(&resolved)?);
        return Ok(());
    }
    println!("Microsoft Graph delegated permissions to add in Azure (API permissions → Microsoft Graph → Delegated):");
    for line in &resolved.lines {
        match line {
            PermissionLine::Implicit { permission } => {
                println!("  {permission:<28} implicit (always requested)")
            }
            PermissionLine::Requested { permission, by } => {
                println!("  {permission:<28} for {}", by.join(", "))
            }
            PermissionLine::Native { permission } => println!("  {permission:<28} native scope"),
            PermissionLine::Dropped {
                permission,
                covered_by,
            } => println!("  {permission:<28} dropped: covered by {covered_by}"),
        }
    }
    println!(
        "\nRequested from Microsoft: {}",
        resolved.permissions.join(" ")
    );
    Ok(())
}
