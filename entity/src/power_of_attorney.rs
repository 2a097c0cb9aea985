//! `powers_of_attorney`: A power of attorney (ייפוי כוח) of a representative for a client in one tax domain.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "powers_of_attorney")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub representative_id: i64,
    pub customer_id: i64,
    pub tax_domain: String,
    pub source: String,
    pub approved_by_client: bool,
    pub approved_at: Option<DateTimeUtc>,
    pub valid_from: DateTimeUtc,
    pub valid_to: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
