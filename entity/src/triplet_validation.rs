//! `triplet_validations`: A clerk's verdict on the triplet (אימות שלשה, R8); later ones supersede earlier.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "triplet_validations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inquiry_id: i64,
    pub user_id: i64,
    pub verdict: String,
    pub customer_triplet_code: String,
    pub final_triplet_code: String,
    pub model_version: Option<String>,
    pub suggested_top1: Option<String>,
    pub created_at: DateTimeUtc,
    pub superseded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
