//! The provider's own API, passed through with the account's credentials.
use crate::model::requests::Forward;
use crate::providers::error::ProviderError;
use crate::store::AccountRecord;
use axum::body::Body;
use axum::http::Response;

#[async_trait::async_trait]
pub trait Direct: Send + Sync {
    async fn forward(
        &self,
        account: &AccountRecord,
        f: Forward,
    ) -> Result<Response<Body>, ProviderError>;
}
