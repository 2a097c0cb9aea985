//! Storage: SeaORM queries per aggregate. This is the only place that builds SQL.

pub mod activities;
pub mod audit;
pub mod dashboard;
pub mod inquiries;
pub mod learning;
pub mod people;
pub mod reference;
pub mod saved_views;
pub mod sla;
pub mod templates;
pub mod validations;
pub mod writes;

use sea_orm::{ConnectOptions, Database};
pub use sea_orm::{DatabaseConnection, DatabaseConnection as Db, DbErr, DbErr as StoreError};

/// Opens the database. Every SQLite connection gets WAL, foreign keys and a busy timeout;
/// every PostgreSQL connection a 10 s statement timeout.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        if let Some(path) = sqlite_path(url)
            && let Some(dir) = std::path::Path::new(&path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
        opts.max_connections(8).min_connections(1);
        opts.map_sqlx_sqlite_opts(|o| {
            o.foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(5))
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
        });
    } else {
        opts.max_connections(16).min_connections(1);
        opts.map_sqlx_postgres_opts(|o| o.options([("statement_timeout", "10s")]));
    }
    Database::connect(opts).await
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Liveness of the database, for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
