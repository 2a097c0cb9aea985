//! `audit_log`: Append-only audit trail of every action and personal-data read (§4.3, R3).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub request_id: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub roles: String,
    pub operation: String,
    pub object_type: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub object_ids: String,
    #[sea_orm(column_type = "Text")]
    pub fields: String,
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub details: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
