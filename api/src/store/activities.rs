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

/// Messages to try now, oldest first: queued ones whose next attempt is due, and ones a
/// replica claimed but never finished (it stopped mid-send) once their lease ran out.
pub async fn due<C: ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<Vec<activity::Model>, DbErr> {
    use sea_orm::{Condition, QueryOrder, QuerySelect};
    activity::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(activity::Column::Status.eq("QUEUED"))
                        .add(
                            Condition::any()
                                .add(activity::Column::NextAttemptAt.is_null())
                                .add(activity::Column::NextAttemptAt.lte(now)),
                        ),
                )
                .add(
                    Condition::all()
                        .add(activity::Column::Status.eq("SENDING"))
                        .add(activity::Column::NextAttemptAt.lte(now)),
                ),
        )
        .order_by_asc(activity::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Claims a message for sending until `lease_until`: true for exactly one caller among
/// replicas. A queued message, or one whose earlier claim's lease ran out, can be claimed.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
    lease_until: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    use sea_orm::Condition;
    use sea_orm::sea_query::Expr;
    let res = activity::Entity::update_many()
        .col_expr(activity::Column::Status, Expr::value("SENDING"))
        .col_expr(activity::Column::NextAttemptAt, Expr::value(lease_until))
        .filter(activity::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(activity::Column::Status.eq("QUEUED"))
                .add(
                    Condition::all()
                        .add(activity::Column::Status.eq("SENDING"))
                        .add(activity::Column::NextAttemptAt.lte(now)),
                ),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records the outcome of one attempt on a claimed message.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: &str,
    attempts: i32,
    last_error: Option<String>,
    sent_at: Option<chrono::DateTime<chrono::Utc>>,
    next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    activity::Entity::update_many()
        .col_expr(activity::Column::Status, Expr::value(status))
        .col_expr(activity::Column::Attempts, Expr::value(attempts))
        .col_expr(activity::Column::LastError, Expr::value(last_error))
        .col_expr(activity::Column::SentAt, Expr::value(sent_at))
        .col_expr(
            activity::Column::NextAttemptAt,
            Expr::value(next_attempt_at),
        )
        .filter(activity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
