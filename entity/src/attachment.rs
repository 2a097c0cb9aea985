//! `attachments`: Metadata of a file attached to an inquiry (§4.5); content lives in object storage.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inquiry_id: i64,
    pub direction: String,
    pub author_customer_id: Option<i64>,
    pub author_representative_id: Option<i64>,
    pub author_user_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub show_on_internet: bool,
    #[sea_orm(column_type = "Text")]
    pub clerk_note: Option<String>,
    pub sanitize_status: String,
    pub created_at: DateTimeUtc,
    pub loaded_at: Option<DateTimeUtc>,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
