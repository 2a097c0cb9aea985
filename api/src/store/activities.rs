//! The email/SMS outbox.

use entity::activity;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

pub async fn by_key<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> Result<Option<activity::Model>, DbErr> {
    activity::Entity::find()
        .filter(activity::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
}
