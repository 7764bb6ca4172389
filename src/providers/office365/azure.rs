//! An app's Azure registration, read for the token endpoint, and Microsoft's token answer sealed
//! for storage.

use super::token_client::{AzureApp, TokenSet};
use super::Office365;
use crate::apps::office365_purpose;
use crate::error::{ApiError, ErrorKind};
use crate::store::crypto::Keyring;
use crate::store::RefreshedTokens;
use secrecy::ExposeSecret;

/// Microsoft's answer sealed for storage: both tokens encrypted under the account's purposes
/// (`purpose("access")`, `purpose("refresh")`), the expiry made absolute from `t`.
pub fn seal_tokens(
    keys: &Keyring,
    set: &TokenSet,
    purpose: impl Fn(&str) -> String,
    permissions: Vec<String>,
    t: i64,
) -> RefreshedTokens {
    RefreshedTokens {
        access_token_enc: keys.encrypt_str(set.access_token.expose_secret(), &purpose("access")),
        refresh_token_enc: set
            .refresh_token
            .as_ref()
            .map(|rt| keys.encrypt_str(rt.expose_secret(), &purpose("refresh"))),
        access_expires_at: t + set.expires_in,
        permissions,
    }
}

impl Office365 {
    /// The app's Azure registration with its secret decrypted, ready for the token endpoint.
    pub async fn azure_app(&self, app_id: i64) -> Result<AzureApp, ApiError> {
        let settings = self.store.office365(app_id).await?.ok_or_else(|| {
            ApiError::new(
                ErrorKind::FailedDependency,
                "app.office365.missing",
                "This app has no Office 365 settings yet. Set them with `switchboard app office365 <clientId> …`.",
            )
        })?;
        let secret = match &settings.client_secret_enc {
            Some(enc) => Some(
                self.keys
                    .decrypt_string(enc, &office365_purpose(app_id))
                    .map_err(ApiError::internal)?,
            ),
            None => None,
        };
        Ok(AzureApp {
            client_id: settings.azure_client_id,
            secret,
            authority: settings.authority,
        })
    }
}
