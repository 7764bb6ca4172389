//! Linking accounts and keeping their Microsoft tokens alive.

pub mod callback;
pub mod exchange;
pub mod import;
pub mod link;
pub mod outcome;
pub mod refresh;
pub mod revoke;

use crate::apps::office365_purpose;
use crate::error::{ApiError, ErrorKind};
use crate::providers::office365::token_client::AzureApp;
use crate::state::Services;

/// The app's Azure registration with its secret decrypted, ready for the token endpoint.
pub async fn azure_app(services: &Services, app_id: i64) -> Result<AzureApp, ApiError> {
    let settings = services.store.office365(app_id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorKind::FailedDependency,
            "app.office365.missing",
            "This app has no Office 365 settings yet. Set them with `switchboard app office365 <clientId> …`.",
        )
    })?;
    let secret = match &settings.client_secret_enc {
        Some(enc) => Some(
            services
                .keys
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
