//! `triplets`: A leaf triplet (שלשה): main / secondary / detail topic, with its routing data (§4.1, §7).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "triplets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub main_code: String,
    pub secondary_code: String,
    pub detail_he: String,
    pub detail_en: String,
    pub tax_year_required: bool,
    pub default_team_kind: String,
    pub routing: String,
    pub customer_selectable: bool,
    pub representative_poa_topic: bool,
    pub sla_target_hours: Option<i32>,
    pub active: bool,
    pub sort_order: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
