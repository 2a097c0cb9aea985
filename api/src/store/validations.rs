//! Triplet validations (אימות שלשה, R8): the clerk's verdict on the customer's triplet.

use chrono::{DateTime, Utc};
use entity::{activity, triplet_validation};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Records a verdict; earlier ones of the inquiry are superseded (history kept).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    m: triplet_validation::ActiveModel,
    at: DateTime<Utc>,
    inquiry_id: i64,
) -> Result<triplet_validation::Model, DbErr> {
    triplet_validation::Entity::update_many()
        .col_expr(triplet_validation::Column::SupersededAt, Expr::value(at))
        .filter(triplet_validation::Column::InquiryId.eq(inquiry_id))
        .filter(triplet_validation::Column::SupersededAt.is_null())
        .exec(db)
        .await?;
    m.insert(db).await
}

/// The current (not superseded) validation of an inquiry.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
) -> Result<Option<triplet_validation::Model>, DbErr> {
    triplet_validation::Entity::find()
        .filter(triplet_validation::Column::InquiryId.eq(inquiry_id))
        .filter(triplet_validation::Column::SupersededAt.is_null())
        .order_by_desc(triplet_validation::Column::Id)
        .one(db)
        .await
}

/// The outbox entries of an inquiry, newest first (at most 100).
pub async fn activities<C: ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
) -> Result<Vec<activity::Model>, DbErr> {
    activity::Entity::find()
        .filter(activity::Column::InquiryId.eq(inquiry_id))
        .order_by_desc(activity::Column::Id)
        .limit(100)
        .all(db)
        .await
}
