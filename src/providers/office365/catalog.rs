//! `providers/office365.yaml`: implicit permissions, which permission covers which, throttling
//! limits, and the AADSTS catalogue.

use super::identity::aadsts::{decode, AadstsEntry, Decoded};
use crate::scopes::permissions::Permissions;
use crate::scopes::read_or_builtin;
use anyhow::{bail, Context};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const BUILTIN: &str = include_str!("../../../providers/office365.yaml");
const GRAPH_PREFIX: &str = "https://graph.microsoft.com/";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionEntry {
    #[serde(default)]
    covers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Throttling {
    pub mailbox_concurrency: usize,
    pub max_retries: u32,
    pub max_backoff_seconds: u64,
    pub max_retry_wait_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Endpoints {
    login: String,
    graph: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[allow(dead_code)]
    endpoints: Endpoints,
    implicit: Vec<String>,
    application_implicit: Vec<String>,
    application: Vec<String>,
    permissions: BTreeMap<String, PermissionEntry>,
    throttling: Throttling,
    aadsts: BTreeMap<u32, AadstsEntry>,
}

/// The validated catalogue.
#[derive(Debug, Clone)]
pub struct Office365Catalog {
    pub implicit: Vec<String>,
    pub application_implicit: Vec<String>,
    application: Vec<String>,
    permissions: BTreeMap<String, Vec<String>>,
    pub throttling: Throttling,
    aadsts: BTreeMap<u32, AadstsEntry>,
}

impl Office365Catalog {
    /// The built-in `providers/office365.yaml`, or the operator's replacement.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let (text, name) = read_or_builtin(file, BUILTIN, "providers/office365.yaml")?;
        Self::parse(&text, &name)
    }

    pub fn parse(text: &str, file: &str) -> anyhow::Result<Self> {
        let raw: Raw = serde_yaml::from_str(text).with_context(|| format!("{file}: invalid"))?;
        for url in [&raw.endpoints.login, &raw.endpoints.graph] {
            url::Url::parse(url)
                .with_context(|| format!("{file}: endpoints: '{url}' is not a URL"))?;
        }
        for (name, entry) in &raw.permissions {
            for covered in &entry.covers {
                if !raw.permissions.contains_key(covered) {
                    bail!("{file}: permissions.{name}.covers: unknown permission '{covered}'");
                }
            }
        }
        for (list, names) in [
            ("implicit", &raw.implicit),
            ("application", &raw.application),
        ] {
            if let Some(name) = names.iter().find(|n| !raw.permissions.contains_key(*n)) {
                bail!("{file}: {list}: '{name}' is not listed under permissions");
            }
        }
        if let Some(name) = raw
            .application_implicit
            .iter()
            .find(|n| !raw.application.contains(n))
        {
            bail!("{file}: application_implicit: '{name}' is not listed under application");
        }
        if raw.throttling.mailbox_concurrency == 0 {
            bail!("{file}: throttling.mailbox_concurrency must be at least 1");
        }
        for (code, entry) in &raw.aadsts {
            if entry.meaning.trim().is_empty() || entry.remedy.trim().is_empty() {
                bail!("{file}: aadsts.{code}: meaning and remedy must not be empty");
            }
        }
        let permissions = raw
            .permissions
            .into_iter()
            .map(|(k, v)| (k, v.covers))
            .collect();
        let catalog = Office365Catalog {
            implicit: raw.implicit,
            application_implicit: raw.application_implicit,
            application: raw.application,
            permissions,
            throttling: raw.throttling,
            aadsts: raw.aadsts,
        };
        for name in catalog.permissions.keys() {
            if catalog.covered_by_closure(name).contains(name) {
                bail!("{file}: permissions.{name}: 'covers' forms a cycle");
            }
        }
        Ok(catalog)
    }

    pub fn is_known(&self, permission: &str) -> bool {
        self.permissions.contains_key(permission)
    }

    /// The catalogue's spelling of a permission, matched without case and without the Graph prefix.
    pub fn canonical(&self, permission: &str) -> Option<&str> {
        let bare = strip_graph_prefix(permission);
        self.permissions
            .keys()
            .find(|k| k.eq_ignore_ascii_case(bare))
            .map(String::as_str)
    }

    /// Every permission `permission` includes, directly or through others.
    pub fn covered_by_closure(&self, permission: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<&str> = self
            .permissions
            .get(permission)
            .map(|c| c.iter().map(String::as_str).collect())
            .unwrap_or_default();
        while let Some(next) = stack.pop() {
            if out.iter().any(|o| o == next) {
                continue;
            }
            out.push(next.to_string());
            if let Some(more) = self.permissions.get(next) {
                stack.extend(more.iter().map(String::as_str));
            }
        }
        out
    }

    /// Whether holding `held` gives `needed`.
    pub fn satisfies(&self, held: &str, needed: &str) -> bool {
        held == needed || self.covered_by_closure(held).iter().any(|c| c == needed)
    }

    /// Explains an OAuth error (`error` + AADSTS number/text) with this catalogue.
    pub fn decode(&self, error: &str, codes: &[u32], description: &str) -> Decoded {
        decode(|c| self.aadsts(c), error, codes, description)
    }

    pub fn aadsts(&self, code: u32) -> Option<&AadstsEntry> {
        self.aadsts.get(&code)
    }

    pub fn aadsts_codes(&self) -> impl Iterator<Item = u32> + '_ {
        self.aadsts.keys().copied()
    }
}

pub fn strip_graph_prefix(permission: &str) -> &str {
    if permission.len() > GRAPH_PREFIX.len()
        && permission[..GRAPH_PREFIX.len()].eq_ignore_ascii_case(GRAPH_PREFIX)
    {
        &permission[GRAPH_PREFIX.len()..]
    } else {
        permission
    }
}

impl Permissions for Office365Catalog {
    fn is_known(&self, permission: &str) -> bool {
        Office365Catalog::is_known(self, permission)
    }

    fn bare<'a>(&self, permission: &'a str) -> &'a str {
        strip_graph_prefix(permission)
    }

    fn canonical(&self, permission: &str) -> Option<&str> {
        Office365Catalog::canonical(self, permission)
    }

    fn satisfies(&self, held: &str, needed: &str) -> bool {
        Office365Catalog::satisfies(self, held, needed)
    }

    fn implicit(&self) -> &[String] {
        &self.implicit
    }

    fn is_application(&self, permission: &str) -> bool {
        self.application.iter().any(|a| a == permission)
    }

    fn application_implicit(&self) -> &[String] {
        &self.application_implicit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads_and_covers_the_seed_codes() {
        let c = Office365Catalog::parse(BUILTIN, "office365.yaml").unwrap();
        for code in [
            50011, 50020, 50076, 50173, 50194, 53003, 65001, 65004, 70008, 70011, 700016, 700082,
            7000215, 90099, 7000222, 7000218, 700025, 54005, 501481, 70043, 700084, 9002332, 90002,
            900144, 50079,
        ] {
            assert!(c.aadsts(code).is_some(), "AADSTS{code} missing");
        }
        assert!(c.satisfies("Mail.ReadWrite", "Mail.ReadBasic"));
        assert!(!c.satisfies("Mail.Read", "Mail.ReadWrite"));
        assert_eq!(
            c.canonical("https://graph.microsoft.com/mail.read"),
            Some("Mail.Read")
        );
    }

    #[test]
    fn errors_name_the_key() {
        let bad = BUILTIN.replace(
            "Mail.ReadWrite: { covers: [Mail.Read] }",
            "Mail.ReadWrite: { covers: [Mail.Reed] }",
        );
        let err = Office365Catalog::parse(&bad, "office365.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("permissions.Mail.ReadWrite.covers") && err.contains("Mail.Reed"),
            "{err}"
        );
    }

    use crate::scopes::{ScopeCatalog, BUILTIN as SCOPES};

    fn o365() -> std::sync::Arc<Office365Catalog> {
        std::sync::Arc::new(Office365Catalog::parse(BUILTIN, "o").unwrap())
    }

    #[test]
    fn builtin_mapping_is_valid() {
        let c = ScopeCatalog::load(None, o365()).unwrap();
        assert_eq!(c.canonical("mail.readonly").unwrap().name, "Mail.Read");
        assert!(c.allows(&["Mail.All".into()], "email.send".parse().unwrap()));
        assert!(!c.allows(&["Mail.Read".into()], "email.send".parse().unwrap()));
        assert_eq!(
            c.scopes_allowing("email.read".parse().unwrap())[0],
            "Mail.Read"
        );
    }

    #[test]
    fn bad_files_name_file_key_and_problem() {
        let bad = SCOPES.replace("office365: [Calendars.Read]", "office365: [Calendar.Read]");
        let err = ScopeCatalog::parse(&bad, "scopes.yaml", o365())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("scopes.yaml: scopes.Calendar.Read.office365: 'Calendar.Read'"),
            "{err}"
        );
        let bad = SCOPES.replace("allows: [tasks.read]", "allows: [task.read]");
        let err = ScopeCatalog::parse(&bad, "scopes.yaml", o365())
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown operation 'task.read'"), "{err}");
        let bad = SCOPES.replace("Mail.Draft: Mail.Drafts", "Mail.Draft: Mail.Draftz");
        let err = ScopeCatalog::parse(&bad, "scopes.yaml", o365())
            .unwrap_err()
            .to_string();
        assert!(err.contains("aliases.Mail.Draft"), "{err}");
        let bad = SCOPES.replace("  tasks.write: create", "  tasks.writes: create");
        let err = ScopeCatalog::parse(&bad, "scopes.yaml", o365())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("operations.tasks.writes: not an operation switchboard performs"),
            "{err}"
        );
        let bad = SCOPES.replace(
            "  tasks.write: create and change task lists and tasks\n",
            "",
        );
        let err = ScopeCatalog::parse(&bad, "scopes.yaml", o365())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("operations: 'tasks.write' is missing"),
            "{err}"
        );
        let err = ScopeCatalog::parse("scopes: [", "scopes.yaml", o365()).unwrap_err();
        assert!(format!("{err:#}").starts_with("scopes.yaml: invalid"));
    }

    use super::super::identity::aadsts::AadstsCategory;

    #[test]
    fn decodes_with_the_catalogue_and_falls_back_on_the_error_name() {
        let c = Office365Catalog::parse(BUILTIN, "o").unwrap();
        let d = c.decode(
            "invalid_client",
            &[7000215],
            "AADSTS7000215: Invalid client secret provided.",
        );
        assert_eq!(d.category, AadstsCategory::AppMisconfigured);
        assert!(d.advice().contains("not its Secret ID"), "{}", d.advice());
        let d = c.decode(
            "invalid_grant",
            &[99999999],
            "AADSTS99999999: Something new.\r\nTrace ID: x",
        );
        assert_eq!(d.category, AadstsCategory::Reauthorize);
        assert_eq!(d.meaning, "AADSTS99999999: Something new.");
    }
}
