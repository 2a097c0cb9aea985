//! `cities`: A locality and the offices that serve it (residence/business-address routing, §7).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name_he: String,
    pub name_en: String,
    pub income_tax_office: String,
    pub vat_office: String,
    pub real_estate_office: String,
    pub mshm_office: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
