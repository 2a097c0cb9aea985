//! At most one active classifier model (R8): a partial unique index, so two promotions racing on
//! two replicas cannot both win (both PostgreSQL and SQLite have partial indexes).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_classifier_models_active \
                 ON classifier_models (status) WHERE status = 'ACTIVE'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ux_classifier_models_active")
            .await?;
        Ok(())
    }
}
