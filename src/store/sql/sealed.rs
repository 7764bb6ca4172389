// Master keys added by rotation, and every value sealed under a master key, for re-encryption.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`). A sealed value reads `v1.<key id>.<data>` with 8-character key ids.

use crate::store::dialect::Dialect;
use crate::store::sealed::{Sealed, SealedAt, SealedStore, WrappedKey};
use crate::store::StoreResult;
use async_trait::async_trait;
use sqlx::Row;

/// Every sealed column (table, column).
const COLUMNS: [(&str, &str); 7] = [
    ("provider_tokens", "access_token_enc"),
    ("provider_tokens", "refresh_token_enc"),
    ("app_office365", "client_secret_enc"),
    ("app_office365", "private_key_enc"),
    ("apps", "signing_secret_enc"),
    ("auth_sessions", "pkce_verifier_enc"),
    ("meta", "value"),
];

#[async_trait]
impl SealedStore for Store {
    async fn wrapped_keys(&self) -> StoreResult<Vec<WrappedKey>> {
        let rows = sqlx::query(
            "SELECT id, wrapped, wrapped_by, created_at, use_from FROM master_keys ORDER BY use_from",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| WrappedKey {
                id: r.get("id"),
                wrapped: r.get("wrapped"),
                wrapped_by: r.get("wrapped_by"),
                created_at: r.get("created_at"),
                use_from: r.get("use_from"),
            })
            .collect())
    }

    async fn add_wrapped_key(&self, key: &WrappedKey) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO master_keys (id, wrapped, wrapped_by, created_at, use_from) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.id)
        .bind(&key.wrapped)
        .bind(&key.wrapped_by)
        .bind(key.created_at)
        .bind(key.use_from)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn forget_key(&self, id: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM master_keys WHERE id = $1 OR wrapped_by = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn sealed_elsewhere(&self, key_id: &str, limit: i64) -> StoreResult<Vec<Sealed>> {
        let mut found = Vec::new();
        for which in ["access", "refresh"] {
            // Only the key id is compared, so that it is read from its index and the tokens' rows
            // are read only for what is found (a missing token's key id is NULL, which `<>`
            // leaves out).
            let rows = sqlx::query(&format!(
                "SELECT t.account_id, a.app_id, a.tenant_id, a.object_id, t.{which}_token_enc AS v \
                 FROM provider_tokens t {} JOIN accounts a ON a.id = t.account_id \
                 WHERE substr(t.{which}_token_enc, 4, 8) <> $1 \
                 LIMIT $2",
                Db::tokens_by(&format!("{which}_key"))
            ))
            .bind(key_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            found.extend(rows.iter().map(|r| Sealed {
                at: SealedAt::ProviderToken {
                    account_id: r.get("account_id"),
                    which,
                    app_id: r.get("app_id"),
                    tenant_id: r.get("tenant_id"),
                    object_id: r.get("object_id"),
                },
                value: r.get("v"),
            }));
        }
        let by_app = [
            ("app_office365", "app_id", "client_secret_enc"),
            ("app_office365", "app_id", "private_key_enc"),
            ("apps", "id", "signing_secret_enc"),
        ];
        for (table, id, column) in by_app {
            let rows = sqlx::query(&format!(
                "SELECT {id} AS app_id, {column} AS v FROM {table} \
                 WHERE {column} IS NOT NULL AND substr({column}, 4, 8) <> $1 LIMIT $2"
            ))
            .bind(key_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            found.extend(rows.iter().map(|r| {
                let app_id = r.get("app_id");
                Sealed {
                    at: match column {
                        "client_secret_enc" => SealedAt::Office365Secret { app_id },
                        "private_key_enc" => SealedAt::CertificateKey { app_id },
                        _ => SealedAt::SigningSecret { app_id },
                    },
                    value: r.get("v"),
                }
            }));
        }
        let sessions = sqlx::query(
            "SELECT state_hash, pkce_verifier_enc AS v FROM auth_sessions \
             WHERE substr(pkce_verifier_enc, 4, 8) <> $1 LIMIT $2",
        )
        .bind(key_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        found.extend(sessions.iter().map(|r| Sealed {
            at: SealedAt::SessionVerifier {
                state_hash: r.get("state_hash"),
            },
            value: r.get("v"),
        }));
        let check = sqlx::query(
            "SELECT key, value AS v FROM meta WHERE key = 'key_check' AND substr(value, 4, 8) <> $1",
        )
        .bind(key_id)
        .fetch_all(&self.pool)
        .await?;
        found.extend(check.iter().map(|r| Sealed {
            at: SealedAt::KeyCheck { key: r.get("key") },
            value: r.get("v"),
        }));
        Ok(found)
    }

    async fn reseal(&self, sealed: &Sealed, value: &str) -> StoreResult<bool> {
        let (table, column, row) = match &sealed.at {
            SealedAt::ProviderToken {
                which: "access", ..
            } => ("provider_tokens", "access_token_enc", "account_id"),
            SealedAt::ProviderToken { .. } => {
                ("provider_tokens", "refresh_token_enc", "account_id")
            }
            SealedAt::Office365Secret { .. } => ("app_office365", "client_secret_enc", "app_id"),
            SealedAt::CertificateKey { .. } => ("app_office365", "private_key_enc", "app_id"),
            SealedAt::SigningSecret { .. } => ("apps", "signing_secret_enc", "id"),
            SealedAt::SessionVerifier { .. } => {
                ("auth_sessions", "pkce_verifier_enc", "state_hash")
            }
            SealedAt::KeyCheck { .. } => ("meta", "value", "key"),
        };
        let sql = format!("UPDATE {table} SET {column} = $1 WHERE {row} = $2 AND {column} = $3");
        let query = sqlx::query(&sql).bind(value);
        let query = match &sealed.at {
            SealedAt::ProviderToken { account_id, .. } => query.bind(*account_id),
            SealedAt::Office365Secret { app_id }
            | SealedAt::CertificateKey { app_id }
            | SealedAt::SigningSecret { app_id } => query.bind(*app_id),
            SealedAt::SessionVerifier { state_hash } => query.bind(state_hash.clone()),
            SealedAt::KeyCheck { key } => query.bind(key.clone()),
        };
        let done = query.bind(&sealed.value).execute(&self.pool).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn sealed_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let every = COLUMNS
            .iter()
            .map(|(table, column)| {
                let only = if *table == "meta" {
                    " WHERE key = 'key_check'"
                } else {
                    ""
                };
                format!("SELECT {column} AS v FROM {table}{only}")
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let rows = sqlx::query(&format!(
            "SELECT substr(v, 4, 8) AS k, COUNT(*) AS n FROM ({every}) s WHERE v IS NOT NULL \
             GROUP BY substr(v, 4, 8) ORDER BY 1"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get("k"), r.get("n"))).collect())
    }
}
