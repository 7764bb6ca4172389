//! Who signed in: the id_token claims (tenant, object id) and Graph `/me` (address, name).

use crate::error::Code;
use crate::providers::office365::graph::client::{GraphFailure, GraphRequest};
use crate::providers::office365::identity::token_client::TokenSet;
use crate::providers::office365::Office365;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;

/// The id_token claims we use. The token comes straight from the token endpoint over TLS, so its
/// signature is not needed to trust it (OpenID Connect Core §3.1.3.7); we read it only.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct IdClaims {
    pub tid: Option<String>,
    pub oid: Option<String>,
    pub sub: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub preferred_username: Option<String>,
}

pub fn read_id_token(id_token: &str) -> Option<IdClaims> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The parts of Graph `/me` we use. Personal accounts may have `mail: null`.
pub struct Me {
    pub id: Option<String>,
    pub mail: Option<String>,
    pub user_principal_name: Option<String>,
    pub display_name: Option<String>,
}

impl Me {
    pub fn from_json(v: &Value) -> Me {
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Me {
            id: s("id"),
            mail: s("mail"),
            user_principal_name: s("userPrincipalName"),
            display_name: s("displayName"),
        }
    }
}

pub use crate::providers::linking::Identity;
use crate::providers::linking::LinkFailure;

/// Who signed in: tenant and object id from the id_token, address and name from `/me`, the
/// mailbox time zone from `/me/mailboxSettings` (absent for accounts without a mailbox).
impl Office365 {
    pub async fn identify(&self, set: &TokenSet) -> Result<Identity, LinkFailure> {
        let claims = set
            .id_token
            .as_deref()
            .and_then(read_id_token)
            .unwrap_or_default();
        let get = |path: &str| GraphRequest::get(self.graph.url(path), vec![]);
        let mailbox = format!("link:{}", claims.oid.clone().unwrap_or_default());
        let me = match self
            .graph
            .send(&mailbox, &set.access_token, &get("/me"))
            .await
        {
            Ok(r) => Me::from_json(&r.json().unwrap_or_default()),
            Err(GraphFailure::Failed(e) | GraphFailure::Unauthorized(e)) => {
                return Err(LinkFailure::new(
                    Code::AuthProfileUnavailable,
                    format!(
                        "Could not read the user's profile from Microsoft Graph: {}",
                        e.message
                    ),
                ))
            }
        };
        let timezone = match self
            .graph
            .send(&mailbox, &set.access_token, &get("/me/mailboxSettings"))
            .await
        {
            Ok(r) => r
                .json()
                .unwrap_or_default()
                .get("timeZone")
                .and_then(Value::as_str)
                .map(|z| {
                    crate::providers::office365::time::iana_name(z).unwrap_or_else(|| z.to_string())
                }),
            Err(_) => None,
        };
        let object_id = claims.oid.clone().or(me.id.clone()).ok_or_else(|| {
            LinkFailure::new(Code::AuthFailed, "Microsoft did not say who signed in.")
        })?;
        Ok(Identity {
            tenant_id: claims.tid.clone().unwrap_or_else(|| "unknown".into()),
            object_id,
            email: me
                .mail
                .or(claims.email)
                .or(me.user_principal_name)
                .or(claims.preferred_username),
            name: me.display_name.or(claims.name),
            timezone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_claims_from_an_unsigned_looking_token() {
        let payload =
            URL_SAFE_NO_PAD.encode(br#"{"tid":"t1","oid":"o1","name":"Abe","ver":"2.0"}"#);
        let claims = read_id_token(&format!("eyJhbGciOiJSUzI1NiJ9.{payload}.sig")).unwrap();
        assert_eq!(claims.tid.as_deref(), Some("t1"));
        assert_eq!(claims.oid.as_deref(), Some("o1"));
        assert!(read_id_token("not-a-jwt").is_none());
    }
}
