//! `activities`: An outbound email or SMS (פעילות) in the outbox, sent by the dispatcher with retries.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inquiry_id: i64,
    pub kind: String,
    pub to_address: String,
    pub subject: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub status: String,
    pub attempts: i32,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub last_error: Option<String>,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// When a queued message may next be tried (NULL: at once).
    pub next_attempt_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
