//! `switchboard db copy`: everything in a SQLite store moved into an empty PostgreSQL one — the
//! way from one machine to a fleet. Rows are copied as they are (secrets stay encrypted under
//! the same master key, which the copy never needs), in one transaction, tables in the order
//! their references need; then the counters of generated ids are moved past the copied ids, and
//! every table's count is compared on both sides.

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use anyhow::{bail, Context};
use sqlx::{Row, SqlitePool};
use std::collections::BTreeMap;

/// One table copied: its name and how many rows it holds on both sides.
pub struct Copied {
    pub table: String,
    pub rows: i64,
}

/// Copies the SQLite store at `from` into the empty PostgreSQL store at `to` (both migrated to
/// this version first).
pub async fn sqlite_to_postgres(from: &str, to: &str) -> anyhow::Result<Vec<Copied>> {
    if !from.starts_with("sqlite:") {
        bail!("--from must be a sqlite:// URL (the store to move)");
    }
    if !(to.starts_with("postgres:") || to.starts_with("postgresql:")) {
        bail!("--to must be a postgres:// URL (the store to move to)");
    }
    if from.contains("mode=rwc") {
        bail!("--from must name an existing database (without mode=rwc)");
    }
    let source = SqliteStore::connect(from).await.context("--from")?;
    let target = PgStore::connect(to).await.context("--to")?;
    let held: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM owners) + (SELECT COUNT(*) FROM apps) \
         + (SELECT COUNT(*) FROM accounts)",
    )
    .fetch_one(&target.pool)
    .await?;
    if held > 0 {
        bail!("--to already holds owners, apps or accounts; copy into an empty database");
    }
    let tables = in_reference_order(&source.pool).await?;
    let mut tx = target.pool.begin().await?;
    for table in &tables {
        copy_table(&source.pool, &mut tx, table).await?;
    }
    move_id_counters(&mut tx).await?;
    tx.commit().await?;
    let mut copied = Vec::new();
    for table in tables {
        let count = format!("SELECT COUNT(*) FROM {table}");
        let here: i64 = sqlx::query_scalar(&count).fetch_one(&source.pool).await?;
        let there: i64 = sqlx::query_scalar(&count).fetch_one(&target.pool).await?;
        if here != there {
            bail!("{table}: {here} rows in --from but {there} in --to");
        }
        copied.push(Copied { table, rows: here });
    }
    Ok(copied)
}

/// The source's tables, each after the tables it refers to.
async fn in_reference_order(pool: &SqlitePool) -> anyhow::Result<Vec<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let mut refers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in &names {
        let targets: Vec<String> =
            sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                .bind(name)
                .fetch_all(pool)
                .await?;
        refers.insert(name.clone(), targets);
    }
    let mut ordered: Vec<String> = Vec::new();
    while ordered.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .filter(|n| !ordered.contains(n))
            .filter(|n| refers[*n].iter().all(|t| t == *n || ordered.contains(t)))
            .cloned()
            .collect();
        if ready.is_empty() {
            bail!("the tables refer to each other in a circle");
        }
        ordered.extend(ready);
    }
    Ok(ordered)
}

async fn copy_table(
    source: &SqlitePool,
    tx: &mut sqlx::PgConnection,
    table: &str,
) -> anyhow::Result<()> {
    let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
        .bind(table)
        .fetch_all(source)
        .await?;
    let types: BTreeMap<String, String> = sqlx::query_as(
        "SELECT column_name::TEXT, data_type::TEXT FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1",
    )
    .bind(table)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let kinds = columns
        .iter()
        .map(|c| {
            types
                .get(c)
                .cloned()
                .with_context(|| format!("{table}.{c} is not in the PostgreSQL schema"))
        })
        .collect::<anyhow::Result<Vec<String>>>()?;
    let list = columns.join(", ");
    let insert = format!(
        "INSERT INTO {table} ({list}) VALUES ({})",
        super::dialect::params(columns.len())
    );
    let rows = sqlx::query(&format!("SELECT {list} FROM {table}"))
        .fetch_all(source)
        .await?;
    for row in rows {
        let mut query = sqlx::query(&insert);
        for (i, kind) in kinds.iter().enumerate() {
            let at = || format!("{table}.{}", columns[i]);
            query = match kind.as_str() {
                "bigint" | "integer" => {
                    query.bind(row.try_get::<Option<i64>, _>(i).with_context(at)?)
                }
                "boolean" => query.bind(
                    row.try_get::<Option<i64>, _>(i)
                        .with_context(at)?
                        .map(|n| n != 0),
                ),
                "text" => query.bind(row.try_get::<Option<String>, _>(i).with_context(at)?),
                "bytea" => query.bind(row.try_get::<Option<Vec<u8>>, _>(i).with_context(at)?),
                other => bail!("{}: a column of type {other} cannot be copied", at()),
            };
        }
        query
            .execute(&mut *tx)
            .await
            .with_context(|| table.to_string())?;
    }
    Ok(())
}

/// Generated ids continue after the copied ones.
async fn move_id_counters(tx: &mut sqlx::PgConnection) -> anyhow::Result<()> {
    let generated: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (table, column) in generated {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
             COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
