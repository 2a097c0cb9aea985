//! `response_templates`: A response template per triplet (§2.2.5); usable only once approved.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "response_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub triplet_code: Option<String>,
    pub office_id: Option<i64>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body_he: String,
    pub status: String,
    pub system: bool,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub approved_by_user_id: Option<i64>,
    pub approved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
