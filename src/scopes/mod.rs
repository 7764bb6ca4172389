//! `scopes.yaml`: unified scopes, their aliases, the Graph permissions they need and the operations
//! they allow. Loaded and validated once at start.

pub mod operation;
pub mod permissions;
pub mod resolve;

use anyhow::{bail, Context};
pub use operation::Operation;
use permissions::Permissions;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use strum::VariantArray;

pub use resolve::{Explanation, PermissionLine, Resolved, ScopeError};

pub const BUILTIN: &str = include_str!("../../scopes.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    description: String,
    office365: Vec<String>,
    allows: Vec<String>,
    #[serde(default)]
    application: Option<RawApplication>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApplication {
    office365: Vec<String>,
    #[serde(default)]
    allows: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    operations: BTreeMap<String, String>,
    scopes: BTreeMap<String, RawScope>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct UnifiedScope {
    pub name: String,
    pub description: String,
    pub office365: Vec<String>,
    pub allows: Vec<Operation>,
    /// For service accounts: the application permissions and what they allow.
    pub application: Option<ApplicationGrant>,
}

#[derive(Debug, Clone)]
pub struct ApplicationGrant {
    pub office365: Vec<String>,
    pub allows: Vec<Operation>,
}

fn operations(names: &[String]) -> Vec<Operation> {
    names
        .iter()
        .filter_map(|op| Operation::from_str(op).ok())
        .collect()
}

/// The validated mapping, with the provider catalogue it was checked against.
#[derive(Debug, Clone)]
pub struct ScopeCatalog {
    scopes: Vec<UnifiedScope>,
    aliases: BTreeMap<String, String>,
    pub office365: Arc<dyn Permissions>,
}

impl ScopeCatalog {
    pub fn parse(text: &str, file: &str, office365: Arc<dyn Permissions>) -> anyhow::Result<Self> {
        let raw: Raw = serde_yaml::from_str(text).with_context(|| format!("{file}: invalid"))?;
        if raw.scopes.is_empty() {
            bail!("{file}: scopes: at least one scope is needed");
        }
        check_operations(&raw.operations, file)?;
        for (name, scope) in &raw.scopes {
            if scope.description.trim().is_empty() {
                bail!("{file}: scopes.{name}.description: must not be empty");
            }
            if scope.office365.is_empty() {
                bail!("{file}: scopes.{name}.office365: at least one permission is needed");
            }
            for permission in &scope.office365 {
                if !office365.is_known(permission) {
                    bail!("{file}: scopes.{name}.office365: '{permission}' is not a permission known in providers/office365.yaml");
                }
            }
            for op in &scope.allows {
                if !raw.operations.contains_key(op) {
                    bail!("{file}: scopes.{name}.allows: unknown operation '{op}' (not listed under operations)");
                }
            }
            if let Some(app) = &scope.application {
                check_application(file, name, scope, app, office365.as_ref())?;
            }
        }
        for (alias, target) in &raw.aliases {
            if raw.scopes.contains_key(alias) {
                bail!("{file}: aliases.{alias}: is also a scope name");
            }
            if !raw.scopes.contains_key(target) {
                bail!("{file}: aliases.{alias}: '{target}' is not a scope");
            }
        }
        let scopes = raw
            .scopes
            .into_iter()
            .map(|(name, s)| UnifiedScope {
                name,
                description: s.description,
                office365: s.office365,
                allows: operations(&s.allows),
                application: s.application.map(|a| ApplicationGrant {
                    allows: operations(a.allows.as_ref().unwrap_or(&s.allows)),
                    office365: a.office365,
                }),
            })
            .collect();
        Ok(ScopeCatalog {
            scopes,
            aliases: raw.aliases,
            office365,
        })
    }

    /// The built-in mapping, or the operator's replacement named in the settings, checked
    /// against the provider's permissions.
    pub fn load(
        scopes_file: Option<&std::path::Path>,
        office365: Arc<dyn Permissions>,
    ) -> anyhow::Result<Self> {
        let (text, name) = read_or_builtin(scopes_file, BUILTIN, "scopes.yaml")?;
        Self::parse(&text, &name, office365)
    }

    pub fn scope(&self, name: &str) -> Option<&UnifiedScope> {
        self.scopes.iter().find(|s| s.name == name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.scopes.iter().map(|s| s.name.as_str()).collect()
    }

    /// The canonical scope for a name or alias, matched without case.
    pub fn canonical(&self, name: &str) -> Option<&UnifiedScope> {
        if let Some(s) = self
            .scopes
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
        {
            return Some(s);
        }
        let target = self
            .aliases
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(name))
            .map(|(_, t)| t)?;
        self.scope(target)
    }

    /// Whether an account holding `scopes` may perform `op`.
    pub fn allows(&self, scopes: &[String], op: Operation) -> bool {
        scopes
            .iter()
            .filter_map(|s| self.scope(s))
            .any(|s| s.allows.contains(&op))
    }

    /// Whether a service account (application permissions) holding `scopes` may perform `op`.
    pub fn allows_application(&self, scopes: &[String], op: Operation) -> bool {
        scopes
            .iter()
            .filter_map(|s| self.scope(s)?.application.as_ref())
            .any(|a| a.allows.contains(&op))
    }

    /// The scopes that would allow `op`, weakest first (fewest operations).
    pub fn scopes_allowing(&self, op: Operation) -> Vec<&str> {
        let mut found: Vec<&UnifiedScope> = self
            .scopes
            .iter()
            .filter(|s| s.allows.contains(&op))
            .collect();
        found.sort_by_key(|s| (s.allows.len(), s.name.clone()));
        found.into_iter().map(|s| s.name.as_str()).collect()
    }
}

/// A scope's `application`: known application permissions, allowing no more than the scope does.
fn check_application(
    file: &str,
    name: &str,
    scope: &RawScope,
    app: &RawApplication,
    office365: &dyn Permissions,
) -> anyhow::Result<()> {
    if app.office365.is_empty() {
        bail!("{file}: scopes.{name}.application.office365: at least one permission is needed");
    }
    if let Some(p) = app.office365.iter().find(|p| !office365.is_application(p)) {
        bail!("{file}: scopes.{name}.application.office365: '{p}' is not an application permission listed in providers/office365.yaml");
    }
    if let Some(op) = app
        .allows
        .iter()
        .flatten()
        .find(|op| !scope.allows.contains(op))
    {
        bail!(
            "{file}: scopes.{name}.application.allows: '{op}' is not allowed by the scope itself"
        );
    }
    Ok(())
}

/// The file's `operations`: each one switchboard knows, described; nothing else.
fn check_operations(raw: &BTreeMap<String, String>, file: &str) -> anyhow::Result<()> {
    for (name, description) in raw {
        if Operation::from_str(name).is_err() {
            let known: Vec<&str> = Operation::VARIANTS.iter().map(|o| o.as_str()).collect();
            bail!(
                "{file}: operations.{name}: not an operation switchboard performs (it knows {})",
                known.join(", ")
            );
        }
        if description.trim().is_empty() {
            bail!("{file}: operations.{name}: the description must not be empty");
        }
    }
    if let Some(missing) = Operation::VARIANTS
        .iter()
        .find(|o| !raw.contains_key(o.as_str()))
    {
        bail!("{file}: operations: '{missing}' is missing (every operation is described, so that a scope can allow it)");
    }
    Ok(())
}

/// A file's text and name for messages: the operator's file, or the built-in one.
pub fn read_or_builtin(
    path: Option<&std::path::Path>,
    builtin: &str,
    name: &str,
) -> anyhow::Result<(String, String)> {
    match path {
        None => Ok((builtin.to_string(), name.to_string())),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read", p.display()))?;
            Ok((text, p.display().to_string()))
        }
    }
}
