//! `POST /v1/auth/token/{code}`: the app trades a one-time code for the account's API token.

use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::model::account::AccountSaveResult;
use crate::state::Services;
use crate::store::crypto::{hash_secret, random_token};
use crate::store::{AppRecord, CodeRedemption};
use secrecy::ExposeSecret;

pub async fn exchange(
    services: &Services,
    app: &AppRecord,
    code: &str,
) -> Result<AccountSaveResult, ApiError> {
    let t = now();
    let account_id = match services
        .store
        .redeem_auth_code(&hash_secret(code), app.id, t)
        .await?
    {
        CodeRedemption::Redeemed(id) => id,
        CodeRedemption::AlreadyUsed => {
            return Err(ApiError::bad_request(
                Code::CodeUsed,
                "This code was already exchanged; each code can be used once.",
            ))
        }
        CodeRedemption::Expired => {
            return Err(ApiError::bad_request(
                Code::CodeExpired,
                "This code is older than 10 minutes; link the account again.",
            ))
        }
        CodeRedemption::Unknown => {
            return Err(ApiError::bad_request(
                Code::CodeInvalid,
                "Unknown code for this app.",
            ))
        }
    };
    let token = random_token();
    services
        .store
        .insert_account_token(account_id, &hash_secret(token.expose_secret()), t)
        .await?;
    Ok(AccountSaveResult {
        account_id,
        access_token: token.expose_secret().to_string(),
    })
}
