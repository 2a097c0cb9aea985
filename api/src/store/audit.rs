//! Reading the audit trail (writes are in `writes.rs`; the table is append-only).

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub operation: Option<String>,
    pub actor_kind: Option<String>,
    pub actor_id: Option<i64>,
    pub outcome: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Newest first, keyset on (at, id) after `before`.
pub async fn list(
    db: &DatabaseConnection,
    f: &AuditFilter,
    before: Option<(DateTime<Utc>, i64)>,
    limit: u64,
) -> Result<(Vec<audit_log::Model>, bool), DbErr> {
    let mut s = audit_log::Entity::find();
    if let Some(v) = &f.operation {
        s = s.filter(audit_log::Column::Operation.eq(v.clone()));
    }
    if let Some(v) = &f.actor_kind {
        s = s.filter(audit_log::Column::ActorKind.eq(v.clone()));
    }
    if let Some(v) = f.actor_id {
        s = s.filter(audit_log::Column::ActorId.eq(v));
    }
    if let Some(v) = &f.outcome {
        s = s.filter(audit_log::Column::Outcome.eq(v.clone()));
    }
    if let Some(v) = f.from {
        s = s.filter(audit_log::Column::At.gte(v));
    }
    if let Some(v) = f.to {
        s = s.filter(audit_log::Column::At.lt(v));
    }
    if let Some((at, id)) = before {
        s = s.filter(
            Condition::any().add(audit_log::Column::At.lt(at)).add(
                Condition::all()
                    .add(audit_log::Column::At.eq(at))
                    .add(audit_log::Column::Id.lt(id)),
            ),
        );
    }
    let mut rows = s
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// Deletes audit rows older than `cutoff` (retention purge); the database refuses any row
/// younger than its 24-month floor.
pub async fn purge_before<C: sea_orm::ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(audit_log::Entity::delete_many()
        .filter(audit_log::Column::At.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
