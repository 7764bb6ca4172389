//! Rows as records, once for every backend: each backend's row type reads the columns the store
//! uses through [`Columns`], and the mappings from a row to a record live here.

use crate::store::{
    AccountKind, AccountRecord, AppRecord, DeliveryRecord, DeliveryState, OwnerRecord, StoreError,
    StoreResult, SubscriptionRecord, SyncRecord, TokenError,
};

/// The column types the store reads.
pub trait Columns {
    fn int(&self, name: &str) -> i64;
    fn int_opt(&self, name: &str) -> Option<i64>;
    fn text(&self, name: &str) -> String;
    fn text_opt(&self, name: &str) -> Option<String>;
    fn bytes(&self, name: &str) -> Vec<u8>;
}

macro_rules! columns {
    ($row:ty) => {
        impl Columns for $row {
            fn int(&self, name: &str) -> i64 {
                sqlx::Row::get(self, name)
            }
            fn int_opt(&self, name: &str) -> Option<i64> {
                sqlx::Row::get(self, name)
            }
            fn text(&self, name: &str) -> String {
                sqlx::Row::get(self, name)
            }
            fn text_opt(&self, name: &str) -> Option<String> {
                sqlx::Row::get(self, name)
            }
            fn bytes(&self, name: &str) -> Vec<u8> {
                sqlx::Row::get(self, name)
            }
        }
    };
}

columns!(sqlx::sqlite::SqliteRow);
columns!(sqlx::postgres::PgRow);

/// A list column (JSON text).
pub fn json_list(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("list column: {e}")))
}

pub fn to_json_list(items: &[String]) -> String {
    serde_json::to_string(items).expect("a list of strings serialises")
}

pub fn app(r: &impl Columns) -> AppRecord {
    AppRecord {
        id: r.int("id"),
        client_id: r.text("client_id"),
        name: r.text("name"),
        secret_hash: r.bytes("secret_hash"),
        owner_id: r.int_opt("owner_id"),
        created_at: r.int("created_at"),
        updated_at: r.int("updated_at"),
    }
}

pub fn owner(r: &impl Columns) -> OwnerRecord {
    OwnerRecord {
        id: r.int("id"),
        email: r.text("email"),
        password_hash: r.text("password_hash"),
        created_at: r.int("created_at"),
    }
}

fn kind(r: &impl Columns) -> StoreResult<AccountKind> {
    let kind = r.text("kind");
    match (
        kind.as_str(),
        r.int_opt("parent_id"),
        r.text_opt("mailbox_user"),
    ) {
        ("personal", _, _) => Ok(AccountKind::Personal),
        ("daemon", _, _) => Ok(AccountKind::Daemon),
        ("managed", Some(service_account), Some(user)) => Ok(AccountKind::Managed {
            service_account,
            user,
        }),
        _ => Err(StoreError::Corrupt(format!("account kind '{kind}'"))),
    }
}

/// An account row (its columns as the backends' `ACCOUNT_COLUMNS` name them).
pub fn account(r: &impl Columns) -> StoreResult<AccountRecord> {
    let status = r.text("token_status");
    Ok(AccountRecord {
        id: r.int("id"),
        app_id: r.int("app_id"),
        service_type: r.text("service_type"),
        tenant_id: r.text("tenant_id"),
        object_id: r.text("object_id"),
        email: r.text_opt("email"),
        name: r.text_opt("name"),
        timezone: r.text_opt("timezone"),
        auth_scopes: json_list(&r.text("auth_scopes"))?,
        permissions: json_list(&r.text("permissions"))?,
        token_status: status
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("token_status '{status}'")))?,
        token_error: r.text_opt("token_error_code").map(|code| TokenError {
            code,
            message: r.text_opt("token_error").unwrap_or_default(),
        }),
        auth_obtained_at: r.int_opt("auth_obtained_at"),
        created_at: r.int("created_at"),
        updated_at: r.int("updated_at"),
        access_expires_at: r.int_opt("access_expires_at"),
        kind: kind(r)?,
    })
}

pub fn sync(r: &impl Columns) -> SyncRecord {
    SyncRecord {
        id: r.int("id"),
        account_id: r.int("account_id"),
        stream: r.text("stream"),
        params: r.text("params"),
        generation: r.int("generation"),
        cursor: r.text_opt("cursor"),
        round_complete: r.int("round_complete") != 0,
        updated_ack: r.int("updated_ack"),
        deleted_ack: r.int("deleted_ack"),
    }
}

pub fn subscription(r: &impl Columns) -> StoreResult<SubscriptionRecord> {
    Ok(SubscriptionRecord {
        id: r.int("id"),
        app_id: r.int("app_id"),
        account_id: r.int("account_id"),
        resource: r.text("resource"),
        notification_url: r.text("notification_url"),
        filters: json_list(&r.text("filters"))?,
        feed: r.text("feed"),
        cursor: r.text_opt("cursor"),
        quiet: r.int("quiet") != 0,
        active: r.int("active") != 0,
        fail_since: r.int_opt("fail_since"),
        fail_description: r.text_opt("fail_description"),
        channel_id: r.text_opt("channel_id"),
    })
}

pub fn subscriptions<R: Columns>(rows: &[R]) -> StoreResult<Vec<SubscriptionRecord>> {
    rows.iter().map(subscription).collect()
}

pub fn delivery(r: &impl Columns) -> StoreResult<DeliveryRecord> {
    let state = r.text("state");
    Ok(DeliveryRecord {
        id: r.int("id"),
        app_id: r.int("app_id"),
        subscription_id: r.int_opt("subscription_id"),
        url: r.text("url"),
        body: r.text("body"),
        state: DeliveryState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery state '{state}'")))?,
        attempts: r.int("attempts"),
        next_at: r.int("next_at"),
        last_status: r.int_opt("last_status"),
        last_error: r.text_opt("last_error"),
        created_at: r.int("created_at"),
        done_at: r.int_opt("done_at"),
    })
}

pub fn deliveries<R: Columns>(rows: &[R]) -> StoreResult<Vec<DeliveryRecord>> {
    rows.iter().map(delivery).collect()
}
