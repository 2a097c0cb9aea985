//! `representatives`: A representative (מייצג): lawyer, accountant or tax consultant, identified by smart card.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "representatives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub license_number: String,
    #[sea_orm(unique)]
    pub smart_card_id: String,
    pub last_name: String,
    pub first_name: String,
    pub kind: String,
    pub active_lawyer: bool,
    pub firm_name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
