//! An app's Azure registration, read for the token endpoint.

use crate::apps::certificate::Certificate;
use crate::apps::{certificate_purpose, office365_purpose};
use crate::error::Code;
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::identity::token_client::AzureApp;
use crate::providers::office365::Office365;
use secrecy::ExposeSecret;

impl Office365 {
    /// The app's Azure registration with its secret decrypted, ready for the token endpoint.
    pub async fn azure_app(&self, app_id: i64) -> Result<AzureApp, ProviderError> {
        let settings = self.store.office365(app_id).await?.ok_or_else(|| {
            ProviderError::new(
                Failure::AppSettings,
                Code::AppOffice365Missing,
                "This app has no Office 365 settings yet. Set them with `switchboard app office365 <clientId> …`.",
            )
        })?;
        let secret = match &settings.client_secret_enc {
            Some(enc) => Some(
                self.keys
                    .decrypt_string(enc, &office365_purpose(app_id))
                    .map_err(ProviderError::internal)?,
            ),
            None => None,
        };
        let certificate = match &settings.certificate {
            Some(c) => {
                let key = self
                    .keys
                    .decrypt_string(&c.private_key_enc, &certificate_purpose(app_id))
                    .map_err(ProviderError::internal)?;
                let parsed = Certificate::parse(&c.certificate_pem, key.expose_secret());
                Some(parsed.map_err(ProviderError::internal)?)
            }
            None => None,
        };
        Ok(AzureApp {
            client_id: settings.azure_client_id,
            secret,
            certificate,
            authority: settings.authority,
        })
    }
}
