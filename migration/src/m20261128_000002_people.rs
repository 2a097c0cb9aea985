//! People: customers, representatives, powers of attorney, assessments, staff users, roles, team memberships.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("customers")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_uniq("national_id"))
                    .col(string("last_name"))
                    .col(string("first_name"))
                    .col(string("search_name"))
                    .col(boolean("is_company"))
                    .col(string_null("file_number"))
                    .col(string_null("file_type"))
                    .col(boolean("file_active"))
                    .col(boolean("annual_report_required"))
                    .col(string_null("file_office"))
                    .col(string_null("vat_file_number"))
                    .col(boolean("vat_dealer_active"))
                    .col(string_null("vat_office"))
                    .col(string("residence_city"))
                    .col(string_null("business_city"))
                    .col(string_null("email"))
                    .col(boolean("email_verified"))
                    .col(string_null("mobile"))
                    .col(boolean("mobile_verified"))
                    .col(string("preferred_channel"))
                    .col(string("verification_level"))
                    .col(boolean("personal_area_registered"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("representatives")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_uniq("license_number"))
                    .col(string_uniq("smart_card_id"))
                    .col(string("last_name"))
                    .col(string("first_name"))
                    .col(string("kind"))
                    .col(boolean("active_lawyer"))
                    .col(string_null("firm_name"))
                    .col(string_null("email"))
                    .col(string_null("mobile"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("powers_of_attorney")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("representative_id"))
                    .col(big_integer("customer_id"))
                    .col(string("tax_domain"))
                    .col(string("source"))
                    .col(boolean("approved_by_client"))
                    .col(timestamp_with_time_zone_null("approved_at"))
                    .col(timestamp_with_time_zone("valid_from"))
                    .col(timestamp_with_time_zone_null("valid_to"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("powers_of_attorney", "representative_id")
                            .to("representatives", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("powers_of_attorney", "customer_id")
                            .to("customers", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("assessments")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_uniq("number"))
                    .col(big_integer("customer_id"))
                    .col(big_integer_null("representative_id"))
                    .col(string("property_city"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("assessments", "customer_id")
                            .to("customers", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("assessments", "representative_id")
                            .to("representatives", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_uniq("login"))
                    .col(string("last_name"))
                    .col(string("first_name"))
                    .col(big_integer_null("office_id"))
                    .col(string_null("email"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("users", "office_id")
                            .to("offices", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("user_roles")
                    .if_not_exists()
                    .col(big_integer("user_id"))
                    .col(string("role"))
                    .primary_key(Index::create().col("user_id").col("role"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("user_roles", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("team_members")
                    .if_not_exists()
                    .col(big_integer("user_id"))
                    .col(big_integer("team_id"))
                    .primary_key(Index::create().col("user_id").col("team_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("team_members", "user_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("team_members", "team_id")
                            .to("teams", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("team_members").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("user_roles").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("users").if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("assessments").if_exists().to_owned())
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table("powers_of_attorney")
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table("representatives")
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("customers").if_exists().to_owned())
            .await?;
        Ok(())
    }
}
