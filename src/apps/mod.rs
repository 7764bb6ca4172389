//! The app service layer: the one place that creates and configures apps. The CLI uses it now,
//! the portal later.

pub mod certificate;
pub mod input;

use crate::store::crypto::{hash_secret, random_id, random_token, Keyring};
use crate::store::{
    AppRecord, CertificateCredential, NewApp, Office365Settings, Store, StoreError,
};
use certificate::Certificate;
use input::{check_client_secret, Authority, AzureClientId, Field, InputError, ReturnUrl};
use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("no app with client id '{0}'")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct CreatedApp {
    pub app: AppRecord,
    pub client_secret: SecretString,
}

#[derive(Clone)]
pub struct AppDetails {
    pub app: AppRecord,
    pub return_urls: Vec<String>,
    pub office365: Option<Office365Settings>,
}

pub fn office365_purpose(app_id: i64) -> String {
    format!("app:{app_id}:office365:secret")
}

/// What the certificate credential's private key is bound to.
pub fn certificate_purpose(app_id: i64) -> String {
    format!("app:{app_id}:office365:certificate-key")
}

/// Sets the certificate credential of the app's Azure settings — a PEM certificate and its RSA
/// private key (at least 2048 bits, belonging to it), the key stored encrypted — or removes it
/// (`None`). Token requests then use it instead of the client secret.
pub async fn set_certificate(
    store: &dyn Store,
    keys: &Keyring,
    client_id: &str,
    pems: Option<(&str, &SecretString)>,
    now: i64,
) -> Result<AppDetails, AppError> {
    let app = find(store, client_id).await?;
    let credential = match pems {
        Some((certificate, key)) => {
            Certificate::parse(certificate, key.expose_secret())
                .map_err(|e| InputError::new(Field::Certificate, e))?;
            let purpose = certificate_purpose(app.id);
            Some(CertificateCredential {
                certificate_pem: certificate.trim().to_string(),
                private_key_enc: keys.encrypt_str(key.expose_secret().trim(), &purpose),
            })
        }
        None => None,
    };
    if !store
        .set_office365_certificate(app.id, credential.as_ref(), now)
        .await?
    {
        return Err(InputError::new(
            Field::Certificate,
            "set the app's Office 365 settings (its Azure client id) first",
        )
        .into());
    }
    let told = crate::events::Details::default();
    crate::events::tell(store, app.id, None, "app.credentialsUpdated", told, now).await?;
    details(store, client_id).await
}

pub async fn create(
    store: &dyn Store,
    name: &str,
    return_urls: &[String],
    owner_id: Option<i64>,
    now: i64,
) -> Result<CreatedApp, AppError> {
    let name = check_name(name)?;
    if return_urls.is_empty() {
        return Err(InputError::new(Field::ReturnUrl, "give at least one return URL").into());
    }
    let urls = return_urls
        .iter()
        .map(|u| ReturnUrl::parse(u).map(|r| r.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let client_secret = random_token();
    let app = store
        .create_app(NewApp {
            client_id: random_id(16),
            name: name.to_string(),
            secret_hash: hash_secret(client_secret.expose_secret()),
            return_urls: urls,
            owner_id,
            now,
        })
        .await?;
    Ok(CreatedApp { app, client_secret })
}

/// The Azure client secret to keep with the settings.
pub enum SecretChoice<'a> {
    New(&'a SecretString),
    /// Keep the one already saved (the portal never shows it back).
    Keep,
    /// A public client: PKCE only, no secret.
    Public,
}

fn check_name(name: &str) -> Result<&str, InputError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(InputError::new(
            Field::Name,
            "the app name must be 1 to 100 characters",
        ));
    }
    Ok(name)
}

pub async fn rename(
    store: &dyn Store,
    app: &AppRecord,
    name: &str,
    now: i64,
) -> Result<(), AppError> {
    Ok(store.rename_app(app.id, check_name(name)?, now).await?)
}

/// A new client secret; the old one stops working at once.
pub async fn rotate_secret(
    store: &dyn Store,
    app: &AppRecord,
    now: i64,
) -> Result<SecretString, AppError> {
    let secret = random_token();
    store
        .set_app_secret(app.id, &hash_secret(secret.expose_secret()), now)
        .await?;
    Ok(secret)
}

pub async fn add_return_url(store: &dyn Store, app: &AppRecord, url: &str) -> Result<(), AppError> {
    let url = ReturnUrl::parse(url)?;
    Ok(store.add_return_url(app.id, url.as_str()).await?)
}

/// Removes a return URL; the last one stays (an app needs somewhere to send its users back).
pub async fn remove_return_url(
    store: &dyn Store,
    app: &AppRecord,
    url: &str,
) -> Result<(), AppError> {
    let urls = store.return_urls(app.id).await?;
    if urls.len() <= 1 && urls.iter().any(|u| u == url) {
        return Err(InputError::new(
            Field::ReturnUrls,
            "an app keeps at least one return URL; add another before removing this one",
        )
        .into());
    }
    Ok(store.remove_return_url(app.id, url).await?)
}

pub async fn delete(store: &dyn Store, app: &AppRecord) -> Result<(), AppError> {
    Ok(store.delete_app(app.id).await?)
}

pub struct Office365Input<'a> {
    pub azure_client_id: &'a str,
    pub client_secret: SecretChoice<'a>,
    pub authority: &'a str,
    pub secret_expires_at: Option<i64>,
}

pub async fn set_office365(
    store: &dyn Store,
    keys: &Keyring,
    client_id: &str,
    input: Office365Input<'_>,
    now: i64,
) -> Result<AppDetails, AppError> {
    let app = find(store, client_id).await?;
    let azure_client_id = AzureClientId::parse(input.azure_client_id)?;
    let authority = Authority::parse(input.authority)?;
    let client_secret_enc = match input.client_secret {
        SecretChoice::New(secret) => {
            check_client_secret(secret.expose_secret())?;
            Some(keys.encrypt_str(secret.expose_secret().trim(), &office365_purpose(app.id)))
        }
        SecretChoice::Public => None,
        SecretChoice::Keep => match store
            .office365(app.id)
            .await?
            .and_then(|o| o.client_secret_enc)
        {
            Some(saved) => Some(saved),
            None => {
                return Err(InputError::new(
                    Field::ClientSecret,
                    "enter the client secret value (or make it a public client)",
                )
                .into())
            }
        },
    };
    let settings = Office365Settings {
        azure_client_id: azure_client_id.as_str().to_string(),
        client_secret_enc,
        authority: authority.as_str().to_string(),
        secret_expires_at: input.secret_expires_at,
        problem: None,
        updated_at: now,
        // Kept by the store: the certificate is set on its own.
        certificate: None,
    };
    if !store.put_office365(app.id, &settings).await? {
        return Err(InputError::new(
            Field::AzureClientId,
            "another owner's app on this switchboard uses this Azure application: an Azure registration belongs to one owner. Register your own application in Azure.",
        )
        .into());
    }
    let told = crate::events::Details::default();
    crate::events::tell(store, app.id, None, "app.credentialsUpdated", told, now).await?;
    details(store, client_id).await
}

pub async fn find(store: &dyn Store, client_id: &str) -> Result<AppRecord, AppError> {
    store
        .app_by_client_id(client_id)
        .await?
        .ok_or_else(|| AppError::NotFound(client_id.to_string()))
}

pub async fn details(store: &dyn Store, client_id: &str) -> Result<AppDetails, AppError> {
    let app = find(store, client_id).await?;
    let return_urls = store.return_urls(app.id).await?;
    let office365 = store.office365(app.id).await?;
    Ok(AppDetails {
        app,
        return_urls,
        office365,
    })
}
