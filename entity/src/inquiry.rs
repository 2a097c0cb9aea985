//! `inquiries`: An inquiry (פנייה) with its routing, status and owner. `version` is the optimistic lock.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: i64,
    pub channel: String,
    pub triplet_code: String,
    pub tax_year: Option<i32>,
    pub unit: Option<String>,
    pub office_id: i64,
    pub team_id: i64,
    pub assignee_id: Option<i64>,
    pub customer_id: i64,
    pub representative_id: Option<i64>,
    pub opened_by_user_id: Option<i64>,
    pub assessment_number: Option<String>,
    pub status: String,
    pub closure_reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub proposed_solution: Option<String>,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub customer_triplet_code: String,
    pub routing_note: Option<String>,
    pub documents_pending: bool,
    pub due_at: Option<DateTimeUtc>,
    /// Working time counted up to the last change (final once closed), seconds.
    pub sla_working_seconds: Option<i64>,
    /// The SLA target it was measured against, seconds.
    pub sla_target_seconds: Option<i64>,
    pub opened_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the current status began (the 3-month waiting rule, R22).
    pub status_changed_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
    /// When a clerk verified the caller by phone (§4.6, R37), and who.
    pub caller_verified_at: Option<DateTimeUtc>,
    pub caller_verified_by_user_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
