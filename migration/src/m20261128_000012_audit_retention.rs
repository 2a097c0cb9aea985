//! Audit retention (issue 4 §7): rows stay append-only (no update, ever), and a delete is
//! accepted only for a row older than 24 months — the floor of the retention setting — so a
//! purge can never remove what the retention period protects, whatever it is configured to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                     BEGIN \
                       IF TG_OP = 'DELETE' AND OLD.at < now() - interval '24 months' THEN \
                         RETURN OLD; \
                       END IF; \
                       RAISE EXCEPTION 'audit_log is append-only'; \
                     END; $$ LANGUAGE plpgsql;",
                )
                .await?;
            }
            _ => {
                // A new name, then the old trigger goes (SQLite cannot alter a trigger).
                db.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_log_no_young_delete \
                     BEFORE DELETE ON audit_log \
                     WHEN OLD.at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-24 months') \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_no_delete")
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
                )
                .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_no_young_delete")
                    .await?;
            }
        }
        Ok(())
    }
}
