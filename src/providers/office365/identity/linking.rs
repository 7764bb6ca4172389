//! Linking through the Microsoft identity platform: the authorize URL for the app's Azure
//! registration, Microsoft's refusals decoded (AADSTS), the code exchanged and who signed in.

use crate::error::Code;
use crate::providers::error::{Failure, ProviderError};
use crate::providers::linking::{LinkFailure, SignInRequest, SignedIn};
use crate::providers::office365::identity::aadsts::{
    decode_failure, flag_app, is_app_problem, link_failure,
};
use crate::providers::office365::identity::token_client::TokenFailure;
use crate::providers::office365::Office365;
use crate::providers::Linking;
use secrecy::SecretString;
use url::Url;

#[async_trait::async_trait]
impl Linking for Office365 {
    async fn sign_in_url(&self, r: &SignInRequest<'_>) -> Result<String, ProviderError> {
        let azure = self.store.office365(r.app_id).await?.ok_or_else(|| {
            ProviderError::new(
                Failure::AppSettings,
                Code::AppOffice365Missing,
                "This app has no Office 365 settings yet.",
            )
        })?;
        let mut url = Url::parse(&self.tokens.authorize_endpoint(&azure.authority))
            .map_err(ProviderError::internal)?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &azure.azure_client_id)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", r.redirect_uri)
                .append_pair("response_mode", "query")
                .append_pair("scope", &r.permissions.join(" "))
                .append_pair("state", r.state)
                .append_pair("code_challenge", r.code_challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(hint) = r.login_hint.filter(|h| !h.is_empty()) {
                q.append_pair("login_hint", hint);
            }
            if r.select_account {
                q.append_pair("prompt", "select_account");
            }
        }
        Ok(url.to_string())
    }

    fn sign_in_refused(&self, error: &str, description: &str) -> LinkFailure {
        let d = self.catalog.decode(error, &[], description);
        link_failure(&d)
    }

    async fn complete_sign_in(
        &self,
        app_id: i64,
        code: &str,
        redirect_uri: &str,
        verifier: &SecretString,
        permissions: &[String],
    ) -> Result<SignedIn, LinkFailure> {
        let app = self
            .azure_app(app_id)
            .await
            .map_err(|e| LinkFailure::new(Code::AuthAppMisconfigured, e.message))?;
        let scope = permissions.join(" ");
        let exchanged = self
            .tokens
            .exchange_code(&app, code, redirect_uri, verifier, &scope)
            .await;
        let tokens = match exchanged {
            Ok(set) => set,
            Err(failure) => return Err(self.exchange_failed(app_id, &failure).await),
        };
        let identity = self.identify(&tokens).await?;
        let granted = if tokens.scope.is_empty() {
            permissions.to_vec()
        } else {
            self.scopes.normalize_granted(&tokens.scope)
        };
        Ok(SignedIn {
            tokens,
            identity,
            granted,
        })
    }

    async fn probe(&self, signed_in: &SignedIn, scopes: &[String]) -> Result<(), ProviderError> {
        Office365::probe(self, &signed_in.tokens, &signed_in.identity, scopes).await
    }
}

impl Office365 {
    /// A refused code (or app-only token) request as the app's return URL hears it; an app
    /// problem is recorded on the app.
    pub(in crate::providers::office365) async fn exchange_failed(
        &self,
        app_id: i64,
        failure: &TokenFailure,
    ) -> LinkFailure {
        match decode_failure(self, failure) {
            None => LinkFailure::new(
                Code::AuthUnavailable,
                "Microsoft could not be reached to complete the sign-in. Try again in a few minutes.",
            ),
            Some(d) => {
                if is_app_problem(&d) {
                    flag_app(self, app_id, &d).await;
                }
                link_failure(&d)
            }
        }
    }
}
