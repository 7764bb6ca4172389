//! Parsed inputs for apps: a value of these types is valid by construction.

use std::fmt;
use url::Url;

/// Which input of an app a problem is about, so forms can show it next to that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    ReturnUrl,
    /// The set of return URLs as a whole (e.g. removing the last one).
    ReturnUrls,
    AzureClientId,
    ClientSecret,
    Authority,
    /// The certificate credential (certificate and private key).
    Certificate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub field: Field,
    pub message: String,
}

impl InputError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        InputError {
            field,
            message: message.into(),
        }
    }
}

/// An app's return URL: absolute, https (plain http only for localhost), no fragment, no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnUrl(String);

impl ReturnUrl {
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let bad = |why: &str| {
            Err(InputError::new(
                Field::ReturnUrl,
                format!("return URL '{text}' is not accepted: {why}"),
            ))
        };
        let Ok(url) = Url::parse(text.trim()) else {
            return bad("it is not an absolute URL");
        };
        if url.fragment().is_some() {
            return bad("it must not have a #fragment");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return bad("it must not contain a user name or password");
        }
        let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        match url.scheme() {
            "https" => {}
            "http" if local => {}
            "http" => {
                return bad("use https (plain http is allowed only for localhost and 127.0.0.1)")
            }
            _ => return bad("the scheme must be https"),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return bad("it has no host");
        }
        Ok(ReturnUrl(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReturnUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `common`, `organizations`, `consumers`, a tenant GUID or a verified domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority(String);

impl Authority {
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let t = text.trim().to_ascii_lowercase();
        let guid = t.len() == 36
            && t.chars().enumerate().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        let domain = t.contains('.')
            && t.len() <= 253
            && t.split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if matches!(t.as_str(), "common" | "organizations" | "consumers") || guid || domain {
            Ok(Authority(t))
        } else {
            Err(InputError::new(Field::Authority, format!(
                "authority '{text}' is not accepted: use common, organizations, consumers, a tenant id (GUID) or a tenant domain"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An Azure application (client) id: a GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureClientId(String);

impl AzureClientId {
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let t = text.trim().to_ascii_lowercase();
        match Authority::parse(&t) {
            Ok(a) if a.as_str().len() == 36 && !a.as_str().contains('.') => Ok(AzureClientId(t)),
            _ => Err(InputError::new(Field::AzureClientId, format!(
                "Azure client id '{text}' is not accepted: copy the Application (client) ID, a GUID, from the app's Overview page in Azure"
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client secret value. Refuses what is obviously the secret's *id* (a GUID) instead of its value.
pub fn check_client_secret(secret: &str) -> Result<(), InputError> {
    let s = secret.trim();
    if s.is_empty() {
        return Err(InputError::new(
            Field::ClientSecret,
            "the client secret is empty",
        ));
    }
    if AzureClientId::parse(s).is_ok() {
        return Err(InputError::new(
            Field::ClientSecret,
            "the client secret looks like a GUID: that is the secret's ID. Paste the secret's Value column from Certificates & secrets in Azure",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_urls() {
        assert!(ReturnUrl::parse("https://app.example.com/cb?x=1").is_ok());
        assert!(ReturnUrl::parse("http://localhost:3000/cb").is_ok());
        assert!(ReturnUrl::parse("http://127.0.0.1/cb").is_ok());
        assert!(ReturnUrl::parse("http://app.example.com/cb")
            .unwrap_err()
            .message
            .contains("use https"));
        assert!(ReturnUrl::parse("https://app.example.com/cb#x")
            .unwrap_err()
            .message
            .contains("fragment"));
        assert!(ReturnUrl::parse("/relative").is_err());
        assert!(ReturnUrl::parse("javascript:alert(1)").is_err());
        assert!(ReturnUrl::parse("https://u:p@app.example.com/").is_err());
    }

    #[test]
    fn authorities_and_ids() {
        for ok in [
            "common",
            "Organizations",
            "consumers",
            "contoso.onmicrosoft.com",
            "9188040d-6c67-4c5b-b112-36a304b66dad",
        ] {
            assert!(Authority::parse(ok).is_ok(), "{ok}");
        }
        assert!(Authority::parse("common/../x").is_err());
        assert!(Authority::parse("").is_err());
        assert!(AzureClientId::parse("00001111-aaaa-2222-bbbb-3333cccc4444").is_ok());
        assert!(AzureClientId::parse("contoso.com").is_err());
        let id_not_value = check_client_secret("00001111-aaaa-2222-bbbb-3333cccc4444").unwrap_err();
        assert!(id_not_value.message.contains("Value"));
        assert_eq!(id_not_value.field, Field::ClientSecret);
        assert!(check_client_secret("Xy8Q~abc.def").is_ok());
    }
}
