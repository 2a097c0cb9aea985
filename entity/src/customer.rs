//! `customers`: A customer (לקוח) of the ITA: an individual or a company, with files and verified contacts.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub national_id: String,
    pub last_name: String,
    pub first_name: String,
    /// "last first" folded for search (final letters, niqqud and quotes folded; R45).
    pub search_name: String,
    pub is_company: bool,
    pub file_number: Option<String>,
    pub file_type: Option<String>,
    pub file_active: bool,
    pub annual_report_required: bool,
    pub file_office: Option<String>,
    pub vat_file_number: Option<String>,
    pub vat_dealer_active: bool,
    pub vat_office: Option<String>,
    pub residence_city: String,
    pub business_city: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub mobile: Option<String>,
    pub mobile_verified: bool,
    pub preferred_channel: String,
    pub verification_level: String,
    pub personal_area_registered: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
