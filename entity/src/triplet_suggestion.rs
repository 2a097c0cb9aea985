//! `triplet_suggestions`: A triplet the classifier suggested for an inquiry, as shown (R8).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "triplet_suggestions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inquiry_id: i64,
    pub model_version: String,
    pub rank: i16,
    pub triplet_code: String,
    #[sea_orm(column_type = "Double")]
    pub probability: f64,
    pub abstained: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
