//! `inquiry_history`: One status / owner / triplet change of an inquiry (§4.3, R27). Append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inquiry_id: i64,
    pub kind: String,
    pub at: DateTimeUtc,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub from_office_id: Option<i64>,
    pub to_office_id: i64,
    pub from_team_id: Option<i64>,
    pub to_team_id: i64,
    pub from_assignee_id: Option<i64>,
    pub to_assignee_id: Option<i64>,
    pub from_triplet: Option<String>,
    pub to_triplet: String,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
