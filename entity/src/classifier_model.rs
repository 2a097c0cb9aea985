//! `classifier_models`: A registered classifier model version and its lifecycle.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "classifier_models")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub version: String,
    pub parent_version: Option<String>,
    pub status: String,
    pub path: String,
    pub label_set_hash: String,
    pub data_hash: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub metrics: String,
    pub trained_by: Option<String>,
    pub promoted_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub promoted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
