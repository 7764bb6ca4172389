//! Where the two SQL engines differ. Each table's statements are written once, in
//! `store/sql/*.rs`, and compiled for each backend: `sqlite/mod.rs` and `postgres/mod.rs`
//! include them in a module that names the engine (`Db`) and the store (`Store`). The
//! statements keep to what both engines read alike — `$n` parameters (SQLite takes `$n` as the
//! n-th), `ON CONFLICT`, `IS [NOT] DISTINCT FROM`, `CAST`, `lower()`, `RETURNING` — and ask
//! this trait for the rest.

/// `count` parameters, `$1, $2, …`, for a list whose length the statement is written for.
pub fn params(count: usize) -> String {
    (1..=count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub trait Dialect {
    /// Said after a claim's sub-select of `table`: rows another instance is claiming are
    /// skipped rather than waited for.
    fn skip_locked(table: &str) -> String;
    /// The rows (one `value` column) of a JSON list of strings bound at `param`.
    fn text_list(param: &str) -> String;
    /// A statement that makes transactions creating owners take turns across instances.
    const OWNERS_TAKE_TURNS: Option<&'static str>;
    /// How a transaction starts.
    const BEGIN: &'static str;
    /// Said after `provider_tokens t` in a statement that needs of most rows only what the
    /// index `provider_tokens_{index}` holds (a token's times, the key a token is sealed with):
    /// looking up or scanning accounts then never reads a token, which is kilobytes.
    fn tokens_by(index: &str) -> String;
}

/// SQLite writes one statement at a time per file, so a claim is already alone.
impl Dialect for sqlx::Sqlite {
    fn skip_locked(_table: &str) -> String {
        String::new()
    }

    fn text_list(param: &str) -> String {
        format!("json_each({param})")
    }

    const OWNERS_TAKE_TURNS: Option<&'static str> = None;

    /// Taking the write lock at the start: a transaction that read first and took it later would
    /// fail at once (not wait) when another connection wrote in between.
    const BEGIN: &'static str = "BEGIN IMMEDIATE";

    /// SQLite keeps a row's values together (what overflows a page goes to a chain of pages,
    /// read through to reach a value after it), and would take the row by its key.
    fn tokens_by(index: &str) -> String {
        format!("INDEXED BY provider_tokens_{index}")
    }
}

impl Dialect for sqlx::Postgres {
    fn skip_locked(table: &str) -> String {
        format!("FOR UPDATE OF {table} SKIP LOCKED")
    }

    fn text_list(param: &str) -> String {
        format!("jsonb_array_elements_text({param}::jsonb)")
    }

    const OWNERS_TAKE_TURNS: Option<&'static str> =
        Some("SELECT pg_advisory_xact_lock(hashtext('switchboard.owners'))");

    const BEGIN: &'static str = "BEGIN";

    /// PostgreSQL keeps long values out of the row (TOAST), so the row is small already.
    fn tokens_by(_index: &str) -> String {
        String::new()
    }
}

/// Compiles the statements of `store/sql/` for one backend, each table in its own module.
macro_rules! statements {
    ($store:ident, $db:ty: $($table:ident),+) => {
        $(mod $table {
            // Not every table needs the engine or the store by name.
            #[allow(dead_code)]
            type Db = $db;
            #[allow(unused_imports)]
            use super::$store as Store;
            include!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/store/sql/",
                stringify!($table),
                ".rs"
            ));
        })+
    };
}
pub(crate) use statements;
