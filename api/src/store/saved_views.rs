//! Saved custom views (R44): a user's own rows only.

use chrono::{DateTime, Utc};
use entity::saved_view;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

pub async fn list<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<saved_view::Model>, DbErr> {
    saved_view::Entity::find()
        .filter(saved_view::Column::UserId.eq(user_id))
        .order_by_asc(saved_view::Column::Name)
        .all(db)
        .await
}

pub async fn count<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<u64, DbErr> {
    saved_view::Entity::find()
        .filter(saved_view::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// The user's view `id`; another user's view is not found.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    id: i64,
) -> Result<Option<saved_view::Model>, DbErr> {
    saved_view::Entity::find_by_id(id)
        .filter(saved_view::Column::UserId.eq(user_id))
        .one(db)
        .await
}

pub async fn find_by_name<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    name: &str,
) -> Result<Option<saved_view::Model>, DbErr> {
    saved_view::Entity::find()
        .filter(saved_view::Column::UserId.eq(user_id))
        .filter(saved_view::Column::Name.eq(name))
        .one(db)
        .await
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    name: &str,
    definition: String,
    now: DateTime<Utc>,
) -> Result<saved_view::Model, DbErr> {
    saved_view::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.into()),
        definition: Set(definition),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn update<C: ConnectionTrait>(
    db: &C,
    row: saved_view::Model,
    definition: String,
    now: DateTime<Utc>,
) -> Result<saved_view::Model, DbErr> {
    let mut a: saved_view::ActiveModel = row.into();
    a.definition = Set(definition);
    a.updated_at = Set(now);
    a.update(db).await
}

pub async fn delete<C: ConnectionTrait>(db: &C, id: i64) -> Result<u64, DbErr> {
    Ok(saved_view::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected)
}

/// Locks the user's row (a no-op update) so that the per-user view limit holds under
/// concurrent saves.
pub async fn lock_user<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<bool, DbErr> {
    use sea_orm::sea_query::Expr;
    let res = entity::user::Entity::update_many()
        .col_expr(
            entity::user::Column::Id,
            Expr::col(entity::user::Column::Id),
        )
        .filter(entity::user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
