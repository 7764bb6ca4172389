//! Unified scopes → Graph permissions (what we ask Microsoft for), and back (what was granted).

use super::ScopeCatalog;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeError {
    Unknown {
        name: String,
        valid: Vec<String>,
    },
    BadNative {
        value: String,
        why: &'static str,
    },
    /// The scope has no application permissions (it cannot be granted to a whole organisation).
    NotForApplications {
        name: String,
    },
}

impl std::fmt::Display for ScopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScopeError::Unknown { name, valid } => {
                write!(
                    f,
                    "Unknown scope '{name}'. Valid scopes: {}.",
                    valid.join(", ")
                )
            }
            ScopeError::BadNative { value, why } => {
                write!(f, "Native scope '{value}' is not accepted: {why}.")
            }
            ScopeError::NotForApplications { name } => write!(
                f,
                "Scope '{name}' cannot be granted to a whole organisation (Microsoft has no application permission for it); link each user instead."
            ),
        }
    }
}

/// Why a permission is in (or out of) the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum PermissionLine {
    Implicit {
        permission: String,
    },
    Requested {
        permission: String,
        by: Vec<String>,
    },
    Native {
        permission: String,
    },
    Dropped {
        permission: String,
        covered_by: String,
    },
}

impl PermissionLine {
    pub fn permission(&self) -> &str {
        match self {
            PermissionLine::Implicit { permission }
            | PermissionLine::Requested { permission, .. }
            | PermissionLine::Native { permission }
            | PermissionLine::Dropped { permission, .. } => permission,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    pub scopes: Vec<String>,
    pub permissions: Vec<String>,
    pub lines: Vec<PermissionLine>,
}

/// The outcome of resolving a request's scopes.
pub type Resolved = Explanation;

/// Splits `Mail.Read Calendar.Read` (or comma-separated) into names.
pub fn split_list(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .collect()
}

impl ScopeCatalog {
    /// Resolves unified scope names and native Graph scopes into the deterministic permission list
    /// to request: implicit permissions first (file order), then the rest sorted, without any
    /// permission that another requested one covers.
    pub fn resolve(&self, scopes: &[&str], native: &[&str]) -> Result<Resolved, ScopeError> {
        let mut canonical: Vec<String> = Vec::new();
        let mut wanted: Vec<(String, Option<String>)> = Vec::new(); // (permission, from scope)
        for name in scopes {
            let scope = self.canonical(name).ok_or_else(|| ScopeError::Unknown {
                name: (*name).to_string(),
                valid: self.names().iter().map(|s| s.to_string()).collect(),
            })?;
            if !canonical.contains(&scope.name) {
                canonical.push(scope.name.clone());
            }
            for permission in &scope.office365 {
                wanted.push((permission.clone(), Some(scope.name.clone())));
            }
        }
        for value in native {
            wanted.push((self.check_native(value)?, None));
        }
        Ok(self.explain(canonical, &wanted, self.office365.implicit()))
    }

    /// The application permissions a service account needs for unified scopes: those every
    /// service account needs first, then the scopes' own, without any another one covers.
    pub fn resolve_application(&self, scopes: &[&str]) -> Result<Resolved, ScopeError> {
        let mut canonical: Vec<String> = Vec::new();
        let mut wanted: Vec<(String, Option<String>)> = Vec::new();
        for name in scopes {
            let scope = self.canonical(name).ok_or_else(|| ScopeError::Unknown {
                name: (*name).to_string(),
                valid: self.names().iter().map(|s| s.to_string()).collect(),
            })?;
            let app = scope
                .application
                .as_ref()
                .ok_or_else(|| ScopeError::NotForApplications {
                    name: scope.name.clone(),
                })?;
            if !canonical.contains(&scope.name) {
                canonical.push(scope.name.clone());
            }
            for permission in &app.office365 {
                wanted.push((permission.clone(), Some(scope.name.clone())));
            }
        }
        Ok(self.explain(canonical, &wanted, self.office365.application_implicit()))
    }

    /// The permissions to ask for: `implicit` first (in its order), then the `wanted` ones
    /// (with the scope each came from, none for a native one) sorted, without any permission
    /// another one covers; with a line saying why each is in or out.
    fn explain(
        &self,
        mut canonical: Vec<String>,
        wanted: &[(String, Option<String>)],
        implicit: &[String],
    ) -> Explanation {
        canonical.sort();
        let mut all: Vec<String> = implicit.to_vec();
        for (permission, _) in wanted {
            if !all.contains(permission) {
                all.push(permission.clone());
            }
        }
        let mut lines = Vec::new();
        let mut kept = Vec::new();
        for permission in &all {
            let coverer = all
                .iter()
                .find(|other| *other != permission && self.office365.satisfies(other, permission));
            if let Some(by) = coverer {
                lines.push(PermissionLine::Dropped {
                    permission: permission.clone(),
                    covered_by: by.clone(),
                });
                continue;
            }
            kept.push(permission.clone());
            let by: Vec<String> = wanted
                .iter()
                .filter(|(p, _)| p == permission)
                .filter_map(|(_, s)| s.clone())
                .collect();
            lines.push(if implicit.contains(permission) {
                PermissionLine::Implicit {
                    permission: permission.clone(),
                }
            } else if by.is_empty() {
                PermissionLine::Native {
                    permission: permission.clone(),
                }
            } else {
                PermissionLine::Requested {
                    permission: permission.clone(),
                    by,
                }
            });
        }
        let (mut head, mut tail): (Vec<String>, Vec<String>) =
            kept.into_iter().partition(|p| implicit.contains(p));
        head.sort_by_key(|p| implicit.iter().position(|i| i == p));
        tail.sort();
        head.extend(tail);
        let rank = |line: &PermissionLine| {
            let p = line.permission();
            (
                implicit
                    .iter()
                    .position(|i| i == p)
                    .unwrap_or(implicit.len()),
                p.to_string(),
            )
        };
        lines.sort_by_key(rank);
        Explanation {
            scopes: canonical,
            permissions: head,
            lines,
        }
    }

    /// A native scope: a Graph permission name, bare or with the Graph prefix.
    fn check_native(&self, value: &str) -> Result<String, ScopeError> {
        let bad = |why| {
            Err(ScopeError::BadNative {
                value: value.to_string(),
                why,
            })
        };
        if value.len() > 120 {
            return bad("longer than 120 characters");
        }
        let bare = self.office365.bare(value);
        if bare.eq_ignore_ascii_case(".default") {
            return bad(
                "'.default' cannot be combined with the scopes switchboard always requests",
            );
        }
        let shape = bare.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && bare
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !shape {
            return bad("expected a Microsoft Graph permission name such as 'Files.Read'");
        }
        Ok(self.office365.canonical(bare).unwrap_or(bare).to_string())
    }

    /// Graph permissions from a token response's `scope` field: case and prefix normalised.
    pub fn normalize_granted(&self, scope_field: &str) -> Vec<String> {
        let mut out: Vec<String> = split_list(scope_field)
            .into_iter()
            .map(|p| {
                let bare = self.office365.bare(p);
                self.office365.canonical(bare).unwrap_or(bare).to_string()
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The requested unified scopes that the granted permissions actually satisfy.
    pub fn granted_scopes(&self, requested: &[String], granted: &[String]) -> Vec<String> {
        requested
            .iter()
            .filter(|name| {
                self.scope(name).is_some_and(|scope| {
                    scope.office365.iter().all(|needed| {
                        granted
                            .iter()
                            .any(|held| self.office365.satisfies(held, needed))
                    })
                })
            })
            .cloned()
            .collect()
    }

    /// The unified scopes (those of `requested`, or every one when `None`) whose application
    /// permissions the granted roles hold.
    pub fn granted_application_scopes(
        &self,
        requested: Option<&[String]>,
        roles: &[String],
    ) -> Vec<String> {
        let all: Vec<String>;
        let names = match requested {
            Some(r) => r,
            None => {
                all = self.names().iter().map(|n| n.to_string()).collect();
                &all
            }
        };
        names
            .iter()
            .filter(|name| {
                let app = self.scope(name).and_then(|s| s.application.as_ref());
                app.is_some_and(|app| {
                    app.office365.iter().all(|needed| {
                        roles
                            .iter()
                            .any(|held| self.office365.satisfies(held, needed))
                    })
                })
            })
            .cloned()
            .collect()
    }
}
