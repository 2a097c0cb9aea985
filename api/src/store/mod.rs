//! Storage: SeaORM queries per aggregate. This is the only place that builds SQL.

pub mod inquiries;
pub mod people;
pub mod reference;

use sea_orm::{ConnectOptions, Database};
pub use sea_orm::{DatabaseConnection, DatabaseConnection as Db, DbErr, DbErr as StoreError};

/// Opens the database. SQLite gets WAL and foreign keys; PostgreSQL a statement timeout.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        if let Some(path) = sqlite_path(url) {
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
                }
            }
        }
        opts.max_connections(8).min_connections(1);
    } else {
        opts.max_connections(16).min_connections(1);
    }
    let db = Database::connect(opts).await?;
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            use sea_orm::ConnectionTrait;
            db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;").await?;
        }
        sea_orm::DbBackend::Postgres => {
            use sea_orm::ConnectionTrait;
            db.execute_unprepared("SET statement_timeout = '10s'").await?;
        }
        _ => {}
    }
    Ok(db)
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Liveness of the database, for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
