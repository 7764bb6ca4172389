//! Settings: built-in defaults, then an optional YAML file (`--config` / `SWITCHBOARD_CONFIG`), then
//! the environment. Every setting `X` may also be given as `X_FILE` (the value is read from that file,
//! trailing newline removed), which is how secrets are usually mounted.

use anyhow::{bail, Context};
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

mod jobs;
mod limits;
mod webhooks;
pub use jobs::Jobs;
pub use limits::{Limits, SignupPolicy};
pub use webhooks::Webhooks;

const PREFIX: &str = "SWITCHBOARD_";

/// Settings an operator can give, by their name without the `SWITCHBOARD_` prefix.
const KNOWN: &[&str] = &[
    "CONFIG",
    "LISTEN",
    "PUBLIC_URL",
    "DATABASE_URL",
    "MASTER_KEY",
    "OFFICE365_LOGIN_URL",
    "OFFICE365_GRAPH_URL",
    "SCOPES_FILE",
    "OFFICE365_FILE",
    "LOG",
    "HEADER_TIMEOUT",
    "BODY_TIMEOUT",
    "REQUEST_TIMEOUT",
    "MAX_CONNECTIONS",
    "MAX_CONNECTIONS_PER_CLIENT",
    "PASSWORD_HASHING",
    "LARGE_BODY_BUDGET_MB",
    "QUEUE_WAIT",
    "CACHE_SECONDS",
    "PROVIDER_TIMEOUT",
    "MAILBOX_SLOTS",
    "LANES",
    "METRICS_LISTEN",
    "LOG_FORMAT",
    "TRUST_FORWARDED_FOR",
    "PORTAL_SIGNUP",
    "KEEP_ALIVE_DAYS",
    "KEEP_ALIVE_EVERY",
    "KEYS_EVERY",
    "WEBHOOK_POLL_EVERY",
    "WEBHOOK_RETRY_FIRST",
    "WEBHOOK_RETRY_FOR",
    "WEBHOOK_TIMEOUT",
    "WEBHOOK_ALLOW_HTTP",
    "WEBHOOK_ALLOW_PRIVATE",
    "WEBHOOK_PUSH",
];

#[derive(Clone)]
pub enum MasterKeySource {
    /// Given by the operator (environment, `_FILE`, or the config file).
    Given(SecretString),
    /// Nothing given: a local key file, generated on first run.
    LocalFile(PathBuf),
    /// Already turned into the keyring: the running service keeps no copy of the key text.
    Taken,
}

#[derive(Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub public_url: Url,
    pub database_url: SecretString,
    pub master_key: MasterKeySource,
    pub office365_login_url: Url,
    pub office365_graph_url: Url,
    pub scopes_file: Option<PathBuf>,
    pub office365_file: Option<PathBuf>,
    pub log: String,
    /// `json` for one JSON object per log line; plain text otherwise.
    pub log_json: bool,
    /// Serve `/metrics` on this address only (instead of on the main one).
    pub metrics_listen: Option<SocketAddr>,
    pub limits: Limits,
    pub jobs: Jobs,
    pub webhooks: Webhooks,
}

impl Settings {
    /// The key source, leaving `Taken` in its place, so that the settings the service keeps for
    /// its whole life hold no key.
    pub fn take_master_key(&mut self) -> MasterKeySource {
        std::mem::replace(&mut self.master_key, MasterKeySource::Taken)
    }

    /// Whether mailbox slots are counted in the database, across instances.
    pub fn slots_shared(&self) -> bool {
        match self.limits.mailbox_slots {
            limits::MailboxSlots::Shared => true,
            limits::MailboxSlots::Local => false,
            limits::MailboxSlots::Auto => {
                secrecy::ExposeSecret::expose_secret(&self.database_url).starts_with("postgres")
            }
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("public_url", &self.public_url.as_str())
            .field("database_url", &"[redacted]")
            .field("master_key", &"[redacted]")
            .field("office365_login_url", &self.office365_login_url.as_str())
            .field("office365_graph_url", &self.office365_graph_url.as_str())
            .finish()
    }
}

impl Settings {
    /// The one OAuth redirect URI of this instance.
    pub fn redirect_uri(&self) -> String {
        format!(
            "{}/v1/auth/callback",
            self.public_url.as_str().trim_end_matches('/')
        )
    }

    /// Where the portal's test-account link comes back to: accepted for the app without
    /// registering it.
    pub fn link_return_url(&self, client_id: &str) -> String {
        format!(
            "{}/portal/apps/{client_id}/linked",
            self.public_url.as_str().trim_end_matches('/')
        )
    }

    /// Loads settings from the process environment and the optional config file.
    pub fn load(config_flag: Option<&Path>) -> anyhow::Result<(Settings, Vec<String>)> {
        let env: BTreeMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with(PREFIX))
            .collect();
        Self::from_sources(config_flag, &env)
    }

    /// Builds settings from explicit sources; returns them with warnings to log once logging is up.
    pub fn from_sources(
        config_flag: Option<&Path>,
        env: &BTreeMap<String, String>,
    ) -> anyhow::Result<(Settings, Vec<String>)> {
        let mut warnings = Vec::new();
        for key in env.keys() {
            let name = key.trim_start_matches(PREFIX);
            let base = name.strip_suffix("_FILE").unwrap_or(name);
            if !KNOWN.contains(&base) {
                warnings.push(format!(
                    "unknown setting {key} is ignored (known: {})",
                    known_list()
                ));
            }
        }
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let config_path = config_flag
            .map(Path::to_path_buf)
            .or_else(|| lookup(env, "CONFIG").ok().flatten().map(PathBuf::from));
        if let Some(path) = config_path {
            values.extend(read_config_file(&path)?);
        }
        for name in KNOWN {
            if let Some(value) = lookup(env, name)? {
                values.insert((*name).to_string(), value);
            }
        }
        let get = |name: &str| values.get(name).map(String::as_str);

        let listen = get("LISTEN").unwrap_or("127.0.0.1:8000");
        let listen: SocketAddr = listen.parse().with_context(|| {
            format!("SWITCHBOARD_LISTEN: '{listen}' is not an address like 127.0.0.1:8000")
        })?;
        let public_url = parse_url(
            "PUBLIC_URL",
            get("PUBLIC_URL").unwrap_or("http://localhost:8000"),
        )?;
        if public_url.query().is_some() || public_url.fragment().is_some() {
            bail!("SWITCHBOARD_PUBLIC_URL must not have a query or fragment");
        }
        let master_key = match get("MASTER_KEY") {
            Some(key) => MasterKeySource::Given(SecretString::from(key.to_string())),
            None => MasterKeySource::LocalFile(PathBuf::from("switchboard.key")),
        };
        let webhooks = Webhooks::read(&values, &public_url)?;
        let settings = Settings {
            listen,
            public_url,
            database_url: SecretString::from(
                get("DATABASE_URL")
                    .unwrap_or("sqlite://switchboard.db?mode=rwc")
                    .to_string(),
            ),
            master_key,
            office365_login_url: parse_url(
                "OFFICE365_LOGIN_URL",
                get("OFFICE365_LOGIN_URL").unwrap_or("https://login.microsoftonline.com"),
            )?,
            office365_graph_url: parse_url(
                "OFFICE365_GRAPH_URL",
                get("OFFICE365_GRAPH_URL").unwrap_or("https://graph.microsoft.com/v1.0"),
            )?,
            scopes_file: get("SCOPES_FILE").map(PathBuf::from),
            office365_file: get("OFFICE365_FILE").map(PathBuf::from),
            log: get("LOG").unwrap_or("info").to_string(),
            log_json: match get("LOG_FORMAT").unwrap_or("text") {
                "json" => true,
                "text" => false,
                other => bail!("SWITCHBOARD_LOG_FORMAT: '{other}' is not text or json"),
            },
            metrics_listen: get("METRICS_LISTEN")
                .map(|a| {
                    a.parse().with_context(|| {
                        format!("SWITCHBOARD_METRICS_LISTEN: '{a}' is not an address like 127.0.0.1:9100")
                    })
                })
                .transpose()?,
            limits: Limits::read(&values)?,
            jobs: Jobs::read(&values)?,
            webhooks,
        };
        Ok((settings, warnings))
    }
}

fn known_list() -> String {
    KNOWN
        .iter()
        .map(|k| format!("{PREFIX}{k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SWITCHBOARD_X`, or the content of the file named by `SWITCHBOARD_X_FILE`.
fn lookup(env: &BTreeMap<String, String>, name: &str) -> anyhow::Result<Option<String>> {
    let direct = env.get(&format!("{PREFIX}{name}"));
    let file = env.get(&format!("{PREFIX}{name}_FILE"));
    match (direct, file) {
        (Some(_), Some(_)) => {
            bail!("both {PREFIX}{name} and {PREFIX}{name}_FILE are set; set only one")
        }
        (Some(value), None) => Ok(Some(value.clone())),
        (None, Some(path)) => {
            let content = std::fs::read_to_string(path)
                .with_context(|| format!("{PREFIX}{name}_FILE: cannot read '{path}'"))?;
            Ok(Some(content.trim_end_matches(['\n', '\r']).to_string()))
        }
        (None, None) => Ok(None),
    }
}

/// The config file uses the setting names in lower case without the prefix (`public_url: …`).
fn read_config_file(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("config file '{}': cannot read", path.display()))?;
    let raw: BTreeMap<String, serde_yaml::Value> = serde_yaml::from_str(&text)
        .with_context(|| format!("config file '{}': not a YAML mapping", path.display()))?;
    let mut out = BTreeMap::new();
    for (key, value) in raw {
        let upper = key.to_ascii_uppercase();
        let base = upper.strip_suffix("_FILE").unwrap_or(&upper);
        if !KNOWN.contains(&base) || base == "CONFIG" {
            bail!("config file '{}': unknown key '{key}'", path.display());
        }
        let value = match value {
            serde_yaml::Value::String(s) => s,
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::Bool(b) => b.to_string(),
            _ => bail!(
                "config file '{}': key '{key}' must be a plain value",
                path.display()
            ),
        };
        if let Some(base) = upper.strip_suffix("_FILE") {
            let content = std::fs::read_to_string(&value).with_context(|| {
                format!(
                    "config file '{}': {key}: cannot read '{value}'",
                    path.display()
                )
            })?;
            out.insert(
                base.to_string(),
                content.trim_end_matches(['\n', '\r']).to_string(),
            );
        } else {
            out.insert(upper, value);
        }
    }
    Ok(out)
}

fn parse_url(name: &str, value: &str) -> anyhow::Result<Url> {
    let url = Url::parse(value)
        .with_context(|| format!("{PREFIX}{name}: '{value}' is not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("{PREFIX}{name}: '{value}' must be an http or https URL");
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_local_and_safe() {
        let (s, warnings) = Settings::from_sources(None, &env(&[])).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8000");
        assert_eq!(s.redirect_uri(), "http://localhost:8000/v1/auth/callback");
        assert!(matches!(s.master_key, MasterKeySource::LocalFile(_)));
        assert!(warnings.is_empty());
    }

    #[test]
    fn unknown_variables_are_warned_about_and_file_variants_read() {
        let dir = std::env::temp_dir().join(format!("sb-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let key_file = dir.join("key");
        std::fs::write(&key_file, "c2VjcmV0\n").unwrap();
        let (s, warnings) = Settings::from_sources(
            None,
            &env(&[
                ("SWITCHBOARD_LISTNE", "x"),
                ("SWITCHBOARD_MASTER_KEY_FILE", key_file.to_str().unwrap()),
                ("SWITCHBOARD_PUBLIC_URL", "https://sb.example.com/"),
            ]),
        )
        .unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("SWITCHBOARD_LISTNE"));
        assert_eq!(s.redirect_uri(), "https://sb.example.com/v1/auth/callback");
        match s.master_key {
            MasterKeySource::Given(k) => {
                assert_eq!(secrecy::ExposeSecret::expose_secret(&k), "c2VjcmV0")
            }
            _ => panic!("key file not read"),
        }
    }

    #[test]
    fn environment_overrides_config_file() {
        let dir = std::env::temp_dir().join(format!("sb-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.yaml");
        std::fs::write(
            &file,
            "listen: 127.0.0.1:9000\npublic_url: https://a.example.com\n",
        )
        .unwrap();
        let (s, _) = Settings::from_sources(
            Some(&file),
            &env(&[("SWITCHBOARD_PUBLIC_URL", "https://b.example.com")]),
        )
        .unwrap();
        assert_eq!(s.listen.port(), 9000);
        assert_eq!(s.public_url.host_str(), Some("b.example.com"));
        std::fs::write(&file, "lisen: 1\n").unwrap();
        let err = Settings::from_sources(Some(&file), &env(&[]))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("unknown key 'lisen'"), "{err}");
    }
}
