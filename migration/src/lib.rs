//! Schema migrations, the ITA reference data and the demo data set.
//!
//! Production applies migrations explicitly (`api migrate`); the embedded SQLite default migrates
//! at start. Reference data are the customer's taxonomy export (CSV under `src/data/`), loaded
//! idempotently: codes are stable ids, names may change.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_reference_tables;
mod m20261128_000002_people;
mod m20261128_000003_inquiries;
mod m20261128_000004_operations;
mod m20261128_000005_indexes;
mod m20261128_000006_reference_data;
mod m20261128_000007_audit_append_only;
mod m20261128_000008_system_templates;
mod m20261128_000009_sla_figures;
mod m20261128_000010_saved_views;
mod m20261128_000011_open_due_index;
mod m20261128_000012_audit_retention;
mod m20261128_000013_outbox_schedule;
mod m20261129_000014_one_active_model;
mod m20261129_000015_caller_verification;
pub mod reference;
pub mod seed;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_reference_tables::Migration),
            Box::new(m20261128_000002_people::Migration),
            Box::new(m20261128_000003_inquiries::Migration),
            Box::new(m20261128_000004_operations::Migration),
            Box::new(m20261128_000005_indexes::Migration),
            Box::new(m20261128_000006_reference_data::Migration),
            Box::new(m20261128_000007_audit_append_only::Migration),
            Box::new(m20261128_000008_system_templates::Migration),
            Box::new(m20261128_000009_sla_figures::Migration),
            Box::new(m20261128_000010_saved_views::Migration),
            Box::new(m20261128_000011_open_due_index::Migration),
            Box::new(m20261128_000012_audit_retention::Migration),
            Box::new(m20261128_000013_outbox_schedule::Migration),
            Box::new(m20261129_000014_one_active_model::Migration),
            Box::new(m20261129_000015_caller_verification::Migration),
        ]
    }
}
