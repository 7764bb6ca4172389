//! Linking an account through the provider's OAuth sign-in: the sign-in page, the provider's
//! refusal decoded, and the code exchanged for tokens with who signed in. What switchboard
//! checks around it (return URLs, scopes, re-authorization, the app's one-time code) is the same
//! for every provider and lives in `auth`.

use crate::error::Code;
use crate::providers::error::ProviderError;
use crate::store::crypto::Keyring;
use crate::store::RefreshedTokens;
use secrecy::{ExposeSecret, SecretString};

/// An OAuth 2 token answer: the access token, the refresh token when one was issued, how long
/// the access token lives, the permissions granted and the OpenID Connect id token.
pub struct TokenSet {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_in: i64,
    pub scope: String,
    pub id_token: Option<String>,
}

impl TokenSet {
    /// Sealed for storage: both tokens encrypted under the account's purposes
    /// (`purpose("access")`, `purpose("refresh")`), the expiry made absolute from `t`.
    pub fn seal(
        &self,
        keys: &Keyring,
        purpose: impl Fn(&str) -> String,
        permissions: Vec<String>,
        t: i64,
    ) -> RefreshedTokens {
        RefreshedTokens {
            access_token_enc: keys
                .encrypt_str(self.access_token.expose_secret(), &purpose("access")),
            refresh_token_enc: self
                .refresh_token
                .as_ref()
                .map(|rt| keys.encrypt_str(rt.expose_secret(), &purpose("refresh"))),
            access_expires_at: t + self.expires_in,
            permissions,
        }
    }
}

/// Who signed in: the directory (tenant) and the user's id in it, address, name, mailbox zone.
pub struct Identity {
    pub tenant_id: String,
    pub object_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub timezone: Option<String>,
}

/// What a sign-in asks the provider for.
pub struct SignInRequest<'a> {
    pub app_id: i64,
    /// Where the provider sends the user back (switchboard's callback).
    pub redirect_uri: &'a str,
    pub permissions: &'a [String],
    pub state: &'a str,
    /// PKCE S256 challenge.
    pub code_challenge: &'a str,
    pub login_hint: Option<&'a str>,
    /// Re-authorizing: let the user choose the account rather than reuse a session.
    pub select_account: bool,
}

/// A completed sign-in: the provider's tokens, who signed in, what was granted (the provider's
/// permission names, normalised).
pub struct SignedIn {
    pub tokens: TokenSet,
    pub identity: Identity,
    pub granted: Vec<String>,
}

/// Why a link failed, as the app's return URL hears it: a stable code, plain advice, and the
/// provider's error number where it has one (Microsoft's AADSTS, passed on as `aadsts`).
pub struct LinkFailure {
    pub code: Code,
    pub message: String,
    pub aadsts: Option<u32>,
}

impl LinkFailure {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        LinkFailure {
            code,
            message: message.into(),
            aadsts: None,
        }
    }
}

#[async_trait::async_trait]
pub trait Linking: Send + Sync {
    /// The provider's sign-in page for this request.
    async fn sign_in_url(&self, request: &SignInRequest<'_>) -> Result<String, ProviderError>;

    /// The provider sent the user back with an error instead of a code.
    fn sign_in_refused(&self, error: &str, description: &str) -> LinkFailure;

    /// Exchanges the code (with the PKCE verifier) for tokens and learns who signed in. A
    /// refusal that is the app's fault is recorded on the app.
    async fn complete_sign_in(
        &self,
        app_id: i64,
        code: &str,
        redirect_uri: &str,
        verifier: &SecretString,
        permissions: &[String],
    ) -> Result<SignedIn, LinkFailure>;

    /// `ensureAccess`: reads a little of each kind of data the unified scopes allow.
    async fn probe(&self, signed_in: &SignedIn, scopes: &[String]) -> Result<(), ProviderError>;
}
