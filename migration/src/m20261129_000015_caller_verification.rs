//! Phone verification of the caller, per inquiry (§4.6: information expansion is shown only in
//! inquiries whose customer "אומת" — identified in the personal area, "או שאומת טלפונית").

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Inquiries {
    Table,
    CallerVerifiedAt,
    CallerVerifiedByUserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Inquiries::Table)
                    .add_column(
                        ColumnDef::new(Inquiries::CallerVerifiedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Inquiries::Table)
                    .add_column(
                        ColumnDef::new(Inquiries::CallerVerifiedByUserId)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Inquiries::CallerVerifiedByUserId,
            Inquiries::CallerVerifiedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Inquiries::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
