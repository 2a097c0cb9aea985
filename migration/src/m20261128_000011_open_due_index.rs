//! The SLA filters (breached, due within N hours) list open inquiries by due date: a partial
//! index over open rows only, so closed rows with past due dates are never walked (both
//! PostgreSQL and SQLite have partial indexes).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS ix_inquiries_open_due \
                 ON inquiries (due_at, id) WHERE closed_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ix_inquiries_open_due")
            .await?;
        Ok(())
    }
}
