//! SLA storage (§2.1.7, R16, R28-R30): the status/owner history the clock reads, the
//! document-pending intervals, the extra non-working days table, and the stored `due_at`.
//!
//! Must not: decide anything. The clock and the calendar live in `domain::sla`; the use cases in
//! `service::sla`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{attachment, inquiry, inquiry_history, non_working_day};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Every history row of each inquiry, oldest first, in one statement (the clock's segments).
pub async fn histories<C: ConnectionTrait>(
    db: &C,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, Vec<inquiry_history::Model>>, DbErr> {
    if inquiry_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = inquiry_history::Entity::find()
        .filter(inquiry_history::Column::InquiryId.is_in(inquiry_ids.to_vec()))
        .order_by_asc(inquiry_history::Column::InquiryId)
        .order_by_asc(inquiry_history::Column::At)
        .order_by_asc(inquiry_history::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<inquiry_history::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.inquiry_id).or_default().push(r);
    }
    Ok(out)
}

/// Documents uploaded by the customer side, as `(uploaded, loaded)` intervals per inquiry, in
/// one statement (R16: the clock does not run while they are not yet loaded; `None` = pending).
/// A file that will never load (rejected by sanitising: no `loaded_at`, status not `PENDING`)
/// pauses nothing, so it cannot stop the clock of a reopened inquiry for good.
pub async fn document_pauses<C: ConnectionTrait>(
    db: &C,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>>, DbErr> {
    if inquiry_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::InquiryId)
        .column(attachment::Column::CreatedAt)
        .column(attachment::Column::LoadedAt)
        .filter(attachment::Column::InquiryId.is_in(inquiry_ids.to_vec()))
        .filter(attachment::Column::Direction.is_in(["FROM_CUSTOMER", "FROM_REPRESENTATIVE"]))
        .filter(
            Condition::any()
                .add(attachment::Column::LoadedAt.is_not_null())
                .add(attachment::Column::SanitizeStatus.eq("PENDING")),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<_>> = HashMap::new();
    for (id, from, to) in rows {
        out.entry(id).or_default().push((from, to));
    }
    Ok(out)
}

/// All extra non-working days (a small table: elections, strikes, emergencies), by date.
pub async fn all_extra_days<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<non_working_day::Model>, DbErr> {
    non_working_day::Entity::find()
        .order_by_asc(non_working_day::Column::Date)
        .all(db)
        .await
}

/// Extra non-working days in `from..=to`, by date.
pub async fn extra_days_between<C: ConnectionTrait>(
    db: &C,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<non_working_day::Model>, DbErr> {
    non_working_day::Entity::find()
        .filter(non_working_day::Column::Date.between(from, to))
        .order_by_asc(non_working_day::Column::Date)
        .all(db)
        .await
}

/// The extra non-working day on a date, if any.
pub async fn extra_day<C: ConnectionTrait>(
    db: &C,
    date: NaiveDate,
) -> Result<Option<non_working_day::Model>, DbErr> {
    non_working_day::Entity::find()
        .filter(non_working_day::Column::Date.eq(date))
        .one(db)
        .await
}

/// A new extra non-working day to record.
#[derive(Debug, Clone)]
pub struct NewExtraDay {
    pub date: NaiveDate,
    pub name_he: String,
    pub name_en: String,
    pub created_by_user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

pub async fn insert_extra_day<C: ConnectionTrait>(
    db: &C,
    d: NewExtraDay,
) -> Result<non_working_day::Model, DbErr> {
    non_working_day::ActiveModel {
        date: Set(d.date),
        name_he: Set(d.name_he),
        name_en: Set(d.name_en),
        created_by_user_id: Set(d.created_by_user_id),
        created_at: Set(d.at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Deletes the extra non-working day on a date; returns how many rows went (0 or 1).
pub async fn delete_extra_day<C: ConnectionTrait>(db: &C, date: NaiveDate) -> Result<u64, DbErr> {
    let res = non_working_day::Entity::delete_many()
        .filter(non_working_day::Column::Date.eq(date))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// An inquiry's stored SLA columns: `due_at` and the working time and target it was measured
/// with (derived columns: neither its version nor `updated_at` moves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredSla {
    pub due_at: Option<DateTime<Utc>>,
    pub working_seconds: i64,
    pub target_seconds: i64,
}

impl StoredSla {
    pub fn of(m: &inquiry::Model) -> Option<Self> {
        Some(Self {
            due_at: m.due_at,
            working_seconds: m.sla_working_seconds?,
            target_seconds: m.sla_target_seconds?,
        })
    }
}

/// Stores an inquiry's SLA columns.
pub async fn set_sla<C: ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
    sla: StoredSla,
) -> Result<(), DbErr> {
    inquiry::Entity::update_many()
        .col_expr(inquiry::Column::DueAt, Expr::value(sla.due_at))
        .col_expr(
            inquiry::Column::SlaWorkingSeconds,
            Expr::value(sla.working_seconds),
        )
        .col_expr(
            inquiry::Column::SlaTargetSeconds,
            Expr::value(sla.target_seconds),
        )
        .filter(inquiry::Column::Id.eq(inquiry_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Inquiries a calendar change on the local day `[day_start, day_end)` can alter, by id after
/// `after_id` (keyset), at most `limit`: those whose stored `due_at` is at or after the day's start
/// (an open clock crosses it), and those whose life overlaps the day (opened before its end, not
/// closed before its start: their working time counted it or must now count it, even when they
/// are closed or paused).
pub async fn touched_by_day<C: ConnectionTrait>(
    db: &C,
    day_start: DateTime<Utc>,
    day_end: DateTime<Utc>,
    after_id: i64,
    limit: u64,
) -> Result<Vec<inquiry::Model>, DbErr> {
    let lived_through = Condition::all()
        .add(inquiry::Column::OpenedAt.lt(day_end))
        .add(
            Condition::any()
                .add(inquiry::Column::ClosedAt.is_null())
                .add(inquiry::Column::ClosedAt.gte(day_start)),
        );
    inquiry::Entity::find()
        .filter(
            Condition::any()
                .add(inquiry::Column::DueAt.gte(day_start))
                .add(lived_through),
        )
        .filter(inquiry::Column::Id.gt(after_id))
        .order_by_asc(inquiry::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Inquiries without stored SLA figures (imported or demo rows), in id order after `after_id`,
/// at most `limit` (backfill at start).
pub async fn without_sla<C: ConnectionTrait>(
    db: &C,
    after_id: i64,
    limit: u64,
) -> Result<Vec<inquiry::Model>, DbErr> {
    inquiry::Entity::find()
        .filter(inquiry::Column::SlaWorkingSeconds.is_null())
        .filter(inquiry::Column::Id.gt(after_id))
        .order_by_asc(inquiry::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
