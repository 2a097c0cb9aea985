//! Indexes for the clerks' queues, the customer file (R1), search keys (R45) and the audit trail.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index name, table, columns, unique)
const INDEXES: &[(&str, &str, &[&str], bool)] = &[
    (
        "ux_teams_office_kind",
        "teams",
        &["office_id", "kind_code"],
        true,
    ),
    ("ix_team_members_team", "team_members", &["team_id"], false),
    ("ix_users_office", "users", &["office_id"], false),
    (
        "ix_customers_name",
        "customers",
        &["last_name", "first_name"],
        false,
    ),
    (
        "ix_customers_file_number",
        "customers",
        &["file_number"],
        false,
    ),
    (
        "ix_customers_search_name",
        "customers",
        &["search_name"],
        false,
    ),
    (
        "ix_poa_rep_customer",
        "powers_of_attorney",
        &["representative_id", "customer_id"],
        false,
    ),
    (
        "ix_poa_customer",
        "powers_of_attorney",
        &["customer_id"],
        false,
    ),
    (
        "ix_assessments_customer",
        "assessments",
        &["customer_id"],
        false,
    ),
    // Keyset pagination: every queue index ends with (opened_at, id).
    (
        "ix_inquiries_opened",
        "inquiries",
        &["opened_at", "id"],
        false,
    ),
    (
        "ix_inquiries_team_status",
        "inquiries",
        &["team_id", "status", "opened_at", "id"],
        false,
    ),
    (
        "ix_inquiries_office",
        "inquiries",
        &["office_id", "opened_at", "id"],
        false,
    ),
    (
        "ix_inquiries_assignee",
        "inquiries",
        &["assignee_id", "status", "opened_at", "id"],
        false,
    ),
    (
        "ix_inquiries_customer",
        "inquiries",
        &["customer_id", "opened_at", "id"],
        false,
    ),
    (
        "ix_inquiries_customer_triplet",
        "inquiries",
        &["customer_id", "triplet_code", "status"],
        false,
    ),
    (
        "ix_inquiries_representative",
        "inquiries",
        &["representative_id", "opened_at", "id"],
        false,
    ),
    (
        "ix_inquiries_status_due",
        "inquiries",
        &["status", "due_at"],
        false,
    ),
    ("ix_inquiries_due", "inquiries", &["due_at", "id"], false),
    (
        "ix_inquiries_triplet",
        "inquiries",
        &["triplet_code", "opened_at"],
        false,
    ),
    (
        "ix_inquiries_assessment",
        "inquiries",
        &["assessment_number"],
        false,
    ),
    (
        "ix_correspondences_inquiry",
        "correspondences",
        &["inquiry_id", "created_at", "id"],
        false,
    ),
    (
        "ix_attachments_inquiry",
        "attachments",
        &["inquiry_id", "created_at", "id"],
        false,
    ),
    (
        "ix_history_inquiry",
        "inquiry_history",
        &["inquiry_id", "at", "id"],
        false,
    ),
    (
        "ix_activities_outbox",
        "activities",
        &["status", "created_at"],
        false,
    ),
    (
        "ix_activities_inquiry",
        "activities",
        &["inquiry_id"],
        false,
    ),
    (
        "ix_templates_triplet",
        "response_templates",
        &["triplet_code", "status"],
        false,
    ),
    (
        "ix_suggestions_inquiry",
        "triplet_suggestions",
        &["inquiry_id", "rank"],
        false,
    ),
    (
        "ix_validations_inquiry",
        "triplet_validations",
        &["inquiry_id", "created_at"],
        false,
    ),
    ("ix_audit_at", "audit_log", &["at", "id"], false),
    (
        "ix_audit_actor",
        "audit_log",
        &["actor_kind", "actor_id", "at"],
        false,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, cols, unique) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(*table).if_not_exists();
            for c in *cols {
                index.col(*c);
            }
            if *unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        // R45: contains-search on names uses trigram indexes on PostgreSQL.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                .await?;
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS ix_customers_search_name_trgm ON customers USING gin (search_name gin_trgm_ops)",
            )
            .await?;
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS ix_customers_national_id_trgm ON customers USING gin (national_id gin_trgm_ops)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
