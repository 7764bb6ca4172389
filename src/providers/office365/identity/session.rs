//! A Graph call on behalf of an account: a fresh token, one retry with a refreshed token when
//! Graph rejects it, and the account marked `invalid` when even a fresh token is refused.

use crate::clock::now;
use crate::error::Code;
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::client::{GraphFailure, GraphRequest, GraphResponse};
use crate::providers::office365::Office365;
use crate::store::{AccountKind, AccountRecord, TokenError, TokenStatus};
use secrecy::ExposeSecret;
use serde_json::Value;

/// A service account reaches mailboxes only through its managed accounts.
pub fn no_mailbox(account: &AccountRecord) -> ProviderError {
    ProviderError::invalid(
        Code::AccountServiceAccount,
        format!(
            "Account {} is a service account: it has no mailbox of its own. Add a mailbox of its organisation with POST /v1/am/svc_accounts/{}/accounts and use that account.",
            account.id, account.id
        ),
    )
}

impl Office365 {
    pub async fn graph_call(
        &self,
        account: &AccountRecord,
        req: &GraphRequest<'_>,
    ) -> Result<GraphResponse, ProviderError> {
        let on_user;
        let req = match &account.kind {
            AccountKind::Personal => req,
            AccountKind::Managed { user, .. } => {
                on_user = req.on_user(self.graph.base(), user);
                on_user.as_ref().unwrap_or(req)
            }
            AccountKind::Daemon => return Err(no_mailbox(account)),
        };
        let mailbox = account.id.to_string();
        let token = self.access_token(account, None).await?;
        let refused = match self.graph.send(&mailbox, &token, req).await {
            Ok(r) => return self.worked(account, r).await,
            Err(GraphFailure::Failed(e)) => return Err(e),
            Err(GraphFailure::Unauthorized(e)) => e,
        };
        // A token issued moments ago is not replaced (see FORCED_REFRESH_SECONDS): then the
        // answer stands without asking Graph again.
        let fresh = self.access_token(account, Some(&token)).await?;
        let refused = if fresh.expose_secret() == token.expose_secret() {
            refused
        } else {
            match self.graph.send(&mailbox, &fresh, req).await {
                Ok(r) => return self.worked(account, r).await,
                Err(GraphFailure::Failed(e)) => return Err(e),
                Err(GraphFailure::Unauthorized(e)) => e,
            }
        };
        let error = TokenError {
            code: "graph.unauthorized".into(),
            message: refused.message.clone(),
        };
        self.store
            .set_token_status(account.id, TokenStatus::Invalid, Some(&error), now())
            .await?;
        Err(refused)
    }

    /// A Graph call whose answer is JSON (`null` for Graph's empty 202/204).
    /// A call whose answer `read` turns into `R` while the answer is at hand (so that `read` can
    /// borrow from it); a read whose answer arrived unreadable is asked once more.
    pub async fn graph_read<R>(
        &self,
        account: &AccountRecord,
        req: &GraphRequest<'_>,
        read: impl Fn(&GraphResponse) -> Result<R, ProviderError>,
    ) -> Result<R, ProviderError> {
        let answer = self.graph_call(account, req).await?;
        match read(&answer) {
            Err(e) if answer.idempotent && e.code == Code::ProviderBadResponse => {
                read(&self.graph_call(account, req).await?)
            }
            read => read,
        }
    }

    /// A request on one item at `path` (on the Graph base), only if it still has the etag
    /// `if_match` when one is given; the answer turned into `R` by `read`.
    pub async fn graph_item<R>(
        &self,
        account: &AccountRecord,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
        read: impl Fn(&GraphResponse) -> Result<R, ProviderError>,
    ) -> Result<R, ProviderError> {
        let request = GraphRequest::with(method, self.graph.url(path), body).if_match(if_match);
        self.graph_read(account, &request, read).await
    }

    pub async fn graph_json(
        &self,
        account: &AccountRecord,
        req: &GraphRequest<'_>,
    ) -> Result<Value, ProviderError> {
        let answer = self.graph_call(account, req).await?;
        match answer.json() {
            // A read whose answer arrived unreadable is asked once more.
            Err(_) if answer.idempotent => self.graph_call(account, req).await?.json(),
            parsed => parsed,
        }
    }

    /// A call went through: an account marked `invalid` works again.
    async fn worked(
        &self,
        account: &AccountRecord,
        response: GraphResponse,
    ) -> Result<GraphResponse, ProviderError> {
        if account.token_status == TokenStatus::Invalid {
            self.store
                .set_token_status(account.id, TokenStatus::Active, None, now())
                .await?;
        }
        Ok(response)
    }
}
