//! Operations: response templates, classifier suggestions/validations/models, audit log, extra non-working days.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(Table::create().table("response_templates").if_not_exists()
            .col(big_pk_auto("id"))
            .col(string_null("triplet_code"))
            .col(big_integer_null("office_id"))
            .col(string("title"))
            .col(text("body_he"))
            .col(string("status"))
            .col(boolean("system"))
            .col(big_integer_null("created_by_user_id"))
            .col(timestamp_with_time_zone("created_at"))
            .col(big_integer_null("approved_by_user_id"))
            .col(timestamp_with_time_zone_null("approved_at"))
            .to_owned()).await?;
        manager.create_table(Table::create().table("triplet_suggestions").if_not_exists()
            .col(big_pk_auto("id"))
            .col(big_integer("inquiry_id"))
            .col(string("model_version"))
            .col(small_integer("rank"))
            .col(string("triplet_code"))
            .col(double("probability"))
            .col(boolean("abstained"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(ForeignKey::create().from("triplet_suggestions", "inquiry_id").to("inquiries", "id"))
            .to_owned()).await?;
        manager.create_table(Table::create().table("triplet_validations").if_not_exists()
            .col(big_pk_auto("id"))
            .col(big_integer("inquiry_id"))
            .col(big_integer("user_id"))
            .col(string("verdict"))
            .col(string("customer_triplet_code"))
            .col(string("final_triplet_code"))
            .col(string_null("model_version"))
            .col(string_null("suggested_top1"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("superseded_at"))
            .foreign_key(ForeignKey::create().from("triplet_validations", "inquiry_id").to("inquiries", "id"))
            .foreign_key(ForeignKey::create().from("triplet_validations", "user_id").to("users", "id"))
            .to_owned()).await?;
        manager.create_table(Table::create().table("classifier_models").if_not_exists()
            .col(big_pk_auto("id"))
            .col(string_uniq("version"))
            .col(string_null("parent_version"))
            .col(string("status"))
            .col(string("path"))
            .col(string("label_set_hash"))
            .col(string_null("data_hash"))
            .col(text("metrics"))
            .col(string_null("trained_by"))
            .col(string_null("promoted_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("promoted_at"))
            .to_owned()).await?;
        manager.create_table(Table::create().table("audit_log").if_not_exists()
            .col(big_pk_auto("id"))
            .col(timestamp_with_time_zone("at"))
            .col(string_null("request_id"))
            .col(string("actor_kind"))
            .col(big_integer_null("actor_id"))
            .col(string("roles"))
            .col(string("operation"))
            .col(string_null("object_type"))
            .col(text("object_ids"))
            .col(text("fields"))
            .col(string("outcome"))
            .col(text_null("details"))
            .to_owned()).await?;
        manager.create_table(Table::create().table("non_working_days").if_not_exists()
            .col(big_pk_auto("id"))
            .col(date_uniq("date"))
            .col(string("name_he"))
            .col(string("name_en"))
            .col(big_integer_null("created_by_user_id"))
            .col(timestamp_with_time_zone("created_at"))
            .to_owned()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("non_working_days").if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table("audit_log").if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table("classifier_models").if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table("triplet_validations").if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table("triplet_suggestions").if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table("response_templates").if_exists().to_owned()).await?;
        Ok(())
    }
}
