//! Inquiries and what hangs on them: correspondences, attachments, status/owner history, outbound activities.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("inquiries")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer_uniq("number"))
                    .col(string("channel"))
                    .col(string("triplet_code"))
                    .col(integer_null("tax_year"))
                    .col(string_null("unit"))
                    .col(big_integer("office_id"))
                    .col(big_integer("team_id"))
                    .col(big_integer_null("assignee_id"))
                    .col(big_integer("customer_id"))
                    .col(big_integer_null("representative_id"))
                    .col(big_integer_null("opened_by_user_id"))
                    .col(string_null("assessment_number"))
                    .col(string("status"))
                    .col(string_null("closure_reason"))
                    .col(text_null("proposed_solution"))
                    .col(string("subject"))
                    .col(text("body"))
                    .col(string("customer_triplet_code"))
                    .col(string_null("routing_note"))
                    .col(boolean("documents_pending"))
                    .col(timestamp_with_time_zone_null("due_at"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone("status_changed_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(integer("version"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiries", "office_id")
                            .to("offices", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiries", "team_id")
                            .to("teams", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiries", "assignee_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiries", "customer_id")
                            .to("customers", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiries", "representative_id")
                            .to("representatives", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiries", "opened_by_user_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiries", "triplet_code")
                            .to("triplets", "code"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("correspondences")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("inquiry_id"))
                    .col(string("direction"))
                    .col(big_integer_null("author_customer_id"))
                    .col(big_integer_null("author_representative_id"))
                    .col(big_integer_null("author_user_id"))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .col(big_integer_null("read_by_user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("correspondences", "inquiry_id")
                            .to("inquiries", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("attachments")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("inquiry_id"))
                    .col(string("direction"))
                    .col(big_integer_null("author_customer_id"))
                    .col(big_integer_null("author_representative_id"))
                    .col(big_integer_null("author_user_id"))
                    .col(string("file_name"))
                    .col(string("content_type"))
                    .col(big_integer("size_bytes"))
                    .col(string("sha256"))
                    .col(string("storage_key"))
                    .col(boolean("show_on_internet"))
                    .col(text_null("clerk_note"))
                    .col(string("sanitize_status"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("loaded_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("attachments", "inquiry_id")
                            .to("inquiries", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inquiry_history")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("inquiry_id"))
                    .col(string("kind"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string("actor_kind"))
                    .col(big_integer_null("actor_id"))
                    .col(string_null("from_status"))
                    .col(string("to_status"))
                    .col(big_integer_null("from_office_id"))
                    .col(big_integer("to_office_id"))
                    .col(big_integer_null("from_team_id"))
                    .col(big_integer("to_team_id"))
                    .col(big_integer_null("from_assignee_id"))
                    .col(big_integer_null("to_assignee_id"))
                    .col(string_null("from_triplet"))
                    .col(string("to_triplet"))
                    .col(text_null("note"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("inquiry_history", "inquiry_id")
                            .to("inquiries", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("activities")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("inquiry_id"))
                    .col(string("kind"))
                    .col(string("to_address"))
                    .col(string_null("subject"))
                    .col(text("body"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(string_uniq("idempotency_key"))
                    .col(string_null("last_error"))
                    .col(big_integer_null("created_by_user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("activities", "inquiry_id")
                            .to("inquiries", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // Inquiry numbers: a sequence on PostgreSQL (no hot row); SQLite serialises writers and
        // takes max + 1 inside the opening transaction.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE SEQUENCE IF NOT EXISTS inquiry_number_seq START WITH 10000000",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("activities").if_exists().to_owned())
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table("inquiry_history")
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("attachments").if_exists().to_owned())
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table("correspondences")
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("inquiries").if_exists().to_owned())
            .await?;
        Ok(())
    }
}
