//! The command line: `serve` (the default), `app …`, `owner …`, `webhooks …`, `db copy`, `keys …`
//! and `scopes explain`.

use crate::clock::now;
use crate::config::Settings;
use crate::owners;
use crate::providers::office365::catalog::Office365Catalog;
use crate::scopes::{resolve::split_list, PermissionLine, ScopeCatalog};
use crate::startup::{init_tracing, open_store, Application};
use crate::store::Admission;
use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

mod apps;
mod db;
mod keys;
mod webhooks;

use apps::AppCommand;

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
    /// An app's webhook subscriptions and delivery log.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Move a store from SQLite to PostgreSQL.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Rotate the master key while the service serves.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
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
enum ScopesCommand {
    /// Print the Graph permissions for unified scopes, marking implicit and dropped ones.
    Explain {
        scopes: Vec<String>,
        /// Extra Microsoft Graph permissions, as with nativeScopes.
        #[arg(long = "native", conflicts_with = "daemon")]
        native: Vec<String>,
        /// The application permissions for a service account (a whole organisation, granted
        /// once by a tenant administrator) instead of the delegated ones.
        #[arg(long)]
        daemon: bool,
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
        Command::App(cmd) => apps::app_command(&mut settings, cmd).await,
        Command::Owner(cmd) => owner_command(&mut settings, cmd).await,
        Command::Webhooks(cmd) => webhooks::command(&mut settings, cmd).await,
        Command::Db(cmd) => db::command(cmd).await,
        Command::Keys(cmd) => keys::command(&mut settings, cmd).await,
        Command::Scopes(ScopesCommand::Explain {
            scopes,
            native,
            daemon,
            json,
        }) => explain(&settings, &scopes, (&native, daemon), json),
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

fn explain(
    settings: &Settings,
    scopes: &[String],
    (native, daemon): (&[String], bool),
    as_json: bool,
) -> anyhow::Result<()> {
    let office365 = Office365Catalog::load(settings.office365_file.as_deref())?;
    let catalog = ScopeCatalog::load(settings.scopes_file.as_deref(), Arc::new(office365))?;
    let names: Vec<&str> = scopes.iter().flat_map(|s| split_list(s)).collect();
    let native: Vec<&str> = native.iter().flat_map(|s| split_list(s)).collect();
    let resolved = if daemon {
        catalog.resolve_application(&names)
    } else {
        catalog.resolve(&names, &native)
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if as_json {
        println!("{}", serde_json::to_string(&resolved)?);
        return Ok(());
    }
    if daemon {
        println!("Microsoft Graph application permissions to add in Azure (API permissions → Microsoft Graph → Application permissions),");
        println!("then granted by a tenant administrator (Grant admin consent, or the admin-consent link):");
    } else {
        println!("Microsoft Graph delegated permissions to add in Azure (API permissions → Microsoft Graph → Delegated):");
    }
    for line in &resolved.lines {
        match line {
            PermissionLine::Implicit { permission } if daemon => {
                println!("  {permission:<28} implicit (finds the organisation's mailboxes and their time zones)")
            }
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
    if daemon {
        println!(
            "\nAn app-only token asks for https://graph.microsoft.com/.default and carries these in `roles`."
        );
        return Ok(());
    }
    println!(
        "\nRequested from Microsoft: {}",
        resolved.permissions.join(" ")
    );
    Ok(())
}
