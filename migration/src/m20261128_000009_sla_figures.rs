//! Stored SLA figures per inquiry (§2.1.7, issue 5): the working time counted so far and the
//! target it is measured against, kept current with `due_at` by every change. For a closed
//! inquiry they are final, so dashboards aggregate them in SQL (share within target, median).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Inquiries {
    Table,
    SlaWorkingSeconds,
    SlaTargetSeconds,
    ClosedAt,
    OfficeId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [Inquiries::SlaWorkingSeconds, Inquiries::SlaTargetSeconds] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Inquiries::Table)
                        .add_column(ColumnDef::new(col).big_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_inquiries_closed")
                    .table(Inquiries::Table)
                    .col(Inquiries::ClosedAt)
                    .col(Inquiries::OfficeId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_inquiries_closed")
                    .table(Inquiries::Table)
                    .to_owned(),
            )
            .await?;
        for col in [Inquiries::SlaTargetSeconds, Inquiries::SlaWorkingSeconds] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Inquiries::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
