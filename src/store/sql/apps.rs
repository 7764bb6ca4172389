// Apps, their secrets, return URLs and Office 365 settings.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::dialect::Dialect;
use crate::store::rows;
use crate::store::{
    AppProblem, AppRecord, AppStore, CertificateCredential, NewApp, Office365Settings, StoreResult,
};
use async_trait::async_trait;
use sqlx::Row;

const APP_COLUMNS: &str = "id, client_id, name, secret_hash, owner_id, created_at, updated_at";

#[async_trait]
impl AppStore for Store {
    async fn create_app(&self, app: NewApp) -> StoreResult<AppRecord> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        let row = sqlx::query(&format!(
            "INSERT INTO apps (client_id, name, secret_hash, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING {APP_COLUMNS}"
        ))
        .bind(&app.client_id)
        .bind(&app.name)
        .bind(&app.secret_hash)
        .bind(app.owner_id)
        .bind(app.now)
        .bind(app.now)
        .fetch_one(&mut *tx)
        .await?;
        let record = rows::app(&row);
        for url in &app.return_urls {
            sqlx::query(
                "INSERT INTO app_return_urls (app_id, url) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(record.id)
            .bind(url)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    async fn app_by_client_id(&self, client_id: &str) -> StoreResult<Option<AppRecord>> {
        if let Some(held) = self.hot.app(client_id) {
            return Ok(Some(held));
        }
        let row = sqlx::query(&format!(
            "SELECT {APP_COLUMNS} FROM apps WHERE client_id = $1"
        ))
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        let app = row.as_ref().map(rows::app);
        if let Some(app) = &app {
            self.hot.keep_app(app);
        }
        Ok(app)
    }

    async fn list_apps(&self) -> StoreResult<Vec<AppRecord>> {
        let rows = sqlx::query(&format!("SELECT {APP_COLUMNS} FROM apps ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(rows::app).collect())
    }

    async fn rename_app(&self, app_id: i64, name: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE apps SET name = $1, updated_at = $2 WHERE id = $3")
            .bind(name)
            .bind(now)
            .bind(app_id)
            .execute(&self.pool)
            .await?;
        self.hot.forget_apps();
        Ok(())
    }

    async fn set_app_secret(&self, app_id: i64, secret_hash: &[u8], now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE apps SET secret_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(secret_hash)
            .bind(now)
            .bind(app_id)
            .execute(&self.pool)
            .await?;
        self.hot.forget_apps();
        Ok(())
    }

    async fn delete_app(&self, app_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM apps WHERE id = $1")
            .bind(app_id)
            .execute(&self.pool)
            .await?;
        self.hot.forget_apps();
        self.hot.forget_accounts();
        Ok(())
    }

    async fn add_return_url(&self, app_id: i64, url: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO app_return_urls (app_id, url) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(app_id)
        .bind(url)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn remove_return_url(&self, app_id: i64, url: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM app_return_urls WHERE app_id = $1 AND url = $2")
            .bind(app_id)
            .bind(url)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn owner_apps(&self, owner_id: i64) -> StoreResult<Vec<AppRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {APP_COLUMNS} FROM apps WHERE owner_id = $1 ORDER BY id"
        ))
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(rows::app).collect())
    }

    async fn return_urls(&self, app_id: i64) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT url FROM app_return_urls WHERE app_id = $1 ORDER BY url")
            .bind(app_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn put_office365(&self, app_id: i64, s: &Office365Settings) -> StoreResult<bool> {
        // One statement, so that two owners saving the same Azure client id at once cannot
        // both succeed: refused while another owner's app uses it.
        let saved = sqlx::query(
            "INSERT INTO app_office365 (app_id, azure_client_id, client_secret_enc, authority, secret_expires_at, \
             problem_code, problem_message, problem_at, updated_at) SELECT $1, $2, $3, $4, $5, NULL, NULL, NULL, $6 \
             WHERE NOT EXISTS (SELECT 1 FROM app_office365 o JOIN apps other ON other.id = o.app_id \
               WHERE lower(o.azure_client_id) = lower($7) AND o.app_id != $8 \
               AND other.owner_id IS DISTINCT FROM (SELECT owner_id FROM apps WHERE id = $9)) \
             ON CONFLICT (app_id) DO UPDATE SET azure_client_id = excluded.azure_client_id, \
             client_secret_enc = excluded.client_secret_enc, authority = excluded.authority, \
             secret_expires_at = excluded.secret_expires_at, problem_code = NULL, problem_message = NULL, \
             problem_at = NULL, updated_at = excluded.updated_at",
        )
        .bind(app_id)
        .bind(&s.azure_client_id)
        .bind(&s.client_secret_enc)
        .bind(&s.authority)
        .bind(s.secret_expires_at)
        .bind(s.updated_at)
        .bind(&s.azure_client_id)
        .bind(app_id)
        .bind(app_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(saved > 0)
    }

    async fn office365(&self, app_id: i64) -> StoreResult<Option<Office365Settings>> {
        let row = sqlx::query(
            "SELECT azure_client_id, client_secret_enc, authority, secret_expires_at, problem_code, \
             problem_message, problem_at, updated_at, certificate_pem, private_key_enc \
             FROM app_office365 WHERE app_id = $1",
        )
        .bind(app_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| {
            let code: Option<String> = r.get("problem_code");
            Office365Settings {
                azure_client_id: r.get("azure_client_id"),
                client_secret_enc: r.get("client_secret_enc"),
                authority: r.get("authority"),
                secret_expires_at: r.get("secret_expires_at"),
                problem: code.map(|code| AppProblem {
                    code,
                    message: r
                        .get::<Option<String>, _>("problem_message")
                        .unwrap_or_default(),
                    at: r.get::<Option<i64>, _>("problem_at").unwrap_or_default(),
                }),
                updated_at: r.get("updated_at"),
                certificate: match (r.get("certificate_pem"), r.get("private_key_enc")) {
                    (Some(certificate_pem), Some(private_key_enc)) => Some(CertificateCredential {
                        certificate_pem,
                        private_key_enc,
                    }),
                    _ => None,
                },
            }
        }))
    }

    async fn set_office365_certificate(
        &self,
        app_id: i64,
        certificate: Option<&CertificateCredential>,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE app_office365 SET certificate_pem = $1, private_key_enc = $2, problem_code = NULL, \
             problem_message = NULL, problem_at = NULL, updated_at = $3 WHERE app_id = $4",
        )
        .bind(certificate.map(|c| c.certificate_pem.as_str()))
        .bind(certificate.map(|c| c.private_key_enc.as_str()))
        .bind(now)
        .bind(app_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_office365_problem(
        &self,
        app_id: i64,
        problem: Option<&AppProblem>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE app_office365 SET problem_code = $1, problem_message = $2, problem_at = $3 WHERE app_id = $4")
            .bind(problem.map(|p| p.code.as_str()))
            .bind(problem.map(|p| p.message.as_str()))
            .bind(problem.map(|p| p.at))
            .bind(app_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
