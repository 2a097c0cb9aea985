//! Reference tables: offices, team kinds, teams, cities, topics and triplets (§4.1, §7).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("offices")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_uniq("code"))
                    .col(string("name_he"))
                    .col(string("name_en"))
                    .col(string("kind"))
                    .col(string("city_he"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("team_kinds")
                    .if_not_exists()
                    .col(string("code"))
                    .col(string("name_he"))
                    .col(string("name_en"))
                    .col(string("office_kind"))
                    .col(string_null("unit"))
                    .primary_key(Index::create().col("code"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("teams")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("office_id"))
                    .col(string("kind_code"))
                    .col(string("name_he"))
                    .col(string("name_en"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("teams", "office_id")
                            .to("offices", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("teams", "kind_code")
                            .to("team_kinds", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("cities")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_uniq("name_he"))
                    .col(string("name_en"))
                    .col(string("income_tax_office"))
                    .col(string("vat_office"))
                    .col(string("real_estate_office"))
                    .col(string_null("mshm_office"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("topics")
                    .if_not_exists()
                    .col(string("code"))
                    .col(string_null("parent_code"))
                    .col(small_integer("level"))
                    .col(string("name_he"))
                    .col(string("name_en"))
                    .col(integer("sort_order"))
                    .primary_key(Index::create().col("code"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("triplets")
                    .if_not_exists()
                    .col(string("code"))
                    .col(string("main_code"))
                    .col(string("secondary_code"))
                    .col(string("detail_he"))
                    .col(string("detail_en"))
                    .col(boolean("tax_year_required"))
                    .col(string("default_team_kind"))
                    .col(string("routing"))
                    .col(boolean("customer_selectable"))
                    .col(boolean("representative_poa_topic"))
                    .col(integer_null("sla_target_hours"))
                    .col(boolean("active"))
                    .col(integer("sort_order"))
                    .primary_key(Index::create().col("code"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("triplets", "main_code")
                            .to("topics", "code"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("triplets", "secondary_code")
                            .to("topics", "code"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("triplets", "default_team_kind")
                            .to("team_kinds", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("triplets").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("topics").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("cities").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("teams").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("team_kinds").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("offices").if_exists().to_owned())
            .await?;
        Ok(())
    }
}
