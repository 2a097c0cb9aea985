//! Dashboard aggregates (R43, R23), all computed in SQL (GROUP BY), never in Rust loops.

use chrono::{DateTime, Utc};
use entity::inquiry;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    Select,
};

#[derive(Debug, Clone)]
pub struct DashboardScope {
    pub office_id: Option<i64>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

#[derive(Debug, FromQueryResult)]
pub struct KeyCount {
    pub key: String,
    pub count: i64,
}

#[derive(Debug, FromQueryResult)]
pub struct IdCount {
    pub key: i64,
    pub count: i64,
}

fn base(s: &DashboardScope) -> Select<inquiry::Entity> {
    let mut q = inquiry::Entity::find()
        .filter(inquiry::Column::OpenedAt.gte(s.from))
        .filter(inquiry::Column::OpenedAt.lt(s.to));
    if let Some(o) = s.office_id {
        q = q.filter(inquiry::Column::OfficeId.eq(o));
    }
    q
}

async fn by_text(
    db: &DatabaseConnection,
    s: &DashboardScope,
    col: inquiry::Column,
) -> Result<Vec<KeyCount>, DbErr> {
    base(s)
        .select_only()
        .column_as(col, "key")
        .column_as(inquiry::Column::Id.count(), "count")
        .group_by(col)
        .into_model::<KeyCount>()
        .all(db)
        .await
}

pub async fn by_status(
    db: &DatabaseConnection,
    s: &DashboardScope,
) -> Result<Vec<KeyCount>, DbErr> {
    by_text(db, s, inquiry::Column::Status).await
}
pub async fn by_channel(
    db: &DatabaseConnection,
    s: &DashboardScope,
) -> Result<Vec<KeyCount>, DbErr> {
    by_text(db, s, inquiry::Column::Channel).await
}
pub async fn by_triplet(
    db: &DatabaseConnection,
    s: &DashboardScope,
) -> Result<Vec<KeyCount>, DbErr> {
    by_text(db, s, inquiry::Column::TripletCode).await
}

pub async fn by_team(db: &DatabaseConnection, s: &DashboardScope) -> Result<Vec<IdCount>, DbErr> {
    base(s)
        .select_only()
        .column_as(inquiry::Column::TeamId, "key")
        .column_as(inquiry::Column::Id.count(), "count")
        .group_by(inquiry::Column::TeamId)
        .into_model::<IdCount>()
        .all(db)
        .await
}

/// Open inquiries by age bucket at `now`: 0-2, 3-7, 8-30, over 30 days.
pub async fn open_age_buckets(
    db: &DatabaseConnection,
    s: &DashboardScope,
    now: DateTime<Utc>,
) -> Result<[i64; 4], DbErr> {
    let day = chrono::Duration::days(1);
    let bounds = [
        (now - day * 3, now + day),
        (now - day * 8, now - day * 3),
        (now - day * 31, now - day * 8),
        (s.from, now - day * 31),
    ];
    let mut out = [0i64; 4];
    for (i, (lo, hi)) in bounds.iter().enumerate() {
        let mut q = inquiry::Entity::find()
            .filter(inquiry::Column::ClosedAt.is_null())
            .filter(inquiry::Column::OpenedAt.gte(*lo))
            .filter(inquiry::Column::OpenedAt.lt(*hi));
        if let Some(o) = s.office_id {
            q = q.filter(inquiry::Column::OfficeId.eq(o));
        }
        out[i] = q
            .select_only()
            .column_as(inquiry::Column::Id.count(), "n")
            .into_tuple::<i64>()
            .one(db)
            .await?
            .unwrap_or(0);
    }
    Ok(out)
}
