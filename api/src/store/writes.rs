//! Inquiry writes, always inside the caller's transaction: row locks, numbering, inserts of
//! inquiries, history, correspondence and audit rows.

use chrono::{DateTime, Utc};
use entity::{audit_log, correspondence, customer, inquiry, inquiry_history, triplet_suggestion};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

/// Takes the write lock on an inquiry for the rest of the transaction and bumps its version;
/// returns the row as it stands after the bump (None if it does not exist). PostgreSQL locks the
/// row; SQLite takes the database write lock. Concurrent mutations of one inquiry serialise here.
pub async fn lock_inquiry<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<inquiry::Model>, DbErr> {
    let res = inquiry::Entity::update_many()
        .col_expr(
            inquiry::Column::Version,
            Expr::col(inquiry::Column::Version).add(1),
        )
        .filter(inquiry::Column::Id.eq(id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    inquiry::Entity::find_by_id(id).one(db).await
}

/// Locks a customer row so that limits over the customer's inquiries (R39) hold under
/// concurrent openings.
pub async fn lock_customer<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<customer::Model>, DbErr> {
    let res = customer::Entity::update_many()
        .col_expr(
            customer::Column::NationalId,
            Expr::col(customer::Column::NationalId),
        )
        .filter(customer::Column::Id.eq(id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    customer::Entity::find_by_id(id).one(db).await
}

/// Open inquiries of a customer on one triplet.
pub async fn open_on_triplet<C: ConnectionTrait>(
    db: &C,
    customer_id: i64,
    triplet: &str,
) -> Result<u64, DbErr> {
    inquiry::Entity::find()
        .filter(inquiry::Column::CustomerId.eq(customer_id))
        .filter(inquiry::Column::TripletCode.eq(triplet))
        .filter(inquiry::Column::ClosedAt.is_null())
        .count(db)
        .await
}

#[derive(FromQueryResult)]
struct NextNumber {
    n: i64,
}

/// The next human inquiry number: a sequence on PostgreSQL, max + 1 under the write lock on SQLite.
pub async fn next_number<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT nextval('inquiry_number_seq') AS n",
        _ => "SELECT MAX(COALESCE((SELECT MAX(number) FROM inquiries), 0) + 1, 10000000) AS n",
    };
    let row = NextNumber::find_by_statement(Statement::from_string(backend, sql))
        .one(db)
        .await?;
    row.map(|r| r.n)
        .ok_or_else(|| DbErr::Custom("no inquiry number".into()))
}

pub async fn insert_inquiry<C: ConnectionTrait>(
    db: &C,
    m: inquiry::ActiveModel,
) -> Result<inquiry::Model, DbErr> {
    m.insert(db).await
}

pub async fn update_inquiry<C: ConnectionTrait>(
    db: &C,
    m: inquiry::ActiveModel,
) -> Result<inquiry::Model, DbErr> {
    m.update(db).await
}

/// A history row to append (R27).
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub kind: &'static str,
    pub at: DateTime<Utc>,
    pub actor_kind: &'static str,
    pub actor_id: Option<i64>,
    pub note: Option<String>,
}

/// Appends a history row describing the move from `before` (None when opening) to `after`.
pub async fn append_history<C: ConnectionTrait>(
    db: &C,
    before: Option<&inquiry::Model>,
    after: &inquiry::Model,
    row: HistoryRow,
) -> Result<inquiry_history::Model, DbErr> {
    inquiry_history::ActiveModel {
        inquiry_id: Set(after.id),
        kind: Set(row.kind.to_string()),
        at: Set(row.at),
        actor_kind: Set(row.actor_kind.to_string()),
        actor_id: Set(row.actor_id),
        from_status: Set(before.map(|b| b.status.clone())),
        to_status: Set(after.status.clone()),
        from_office_id: Set(before.map(|b| b.office_id)),
        to_office_id: Set(after.office_id),
        from_team_id: Set(before.map(|b| b.team_id)),
        to_team_id: Set(after.team_id),
        from_assignee_id: Set(before.and_then(|b| b.assignee_id)),
        to_assignee_id: Set(after.assignee_id),
        from_triplet: Set(before.map(|b| b.triplet_code.clone())),
        to_triplet: Set(after.triplet_code.clone()),
        note: Set(row.note),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A correspondence to record.
#[derive(Debug, Clone)]
pub struct NewCorrespondence {
    pub inquiry_id: i64,
    pub direction: &'static str,
    pub author_customer_id: Option<i64>,
    pub author_representative_id: Option<i64>,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub at: DateTime<Utc>,
}

pub async fn insert_correspondence<C: ConnectionTrait>(
    db: &C,
    c: NewCorrespondence,
) -> Result<correspondence::Model, DbErr> {
    let from_staff = c.direction == "FROM_CLERK" || c.direction == "FROM_SYSTEM";
    correspondence::ActiveModel {
        inquiry_id: Set(c.inquiry_id),
        direction: Set(c.direction.to_string()),
        author_customer_id: Set(c.author_customer_id),
        author_representative_id: Set(c.author_representative_id),
        author_user_id: Set(c.author_user_id),
        body: Set(c.body),
        created_at: Set(c.at),
        // Staff's own messages need no reading by staff.
        read_at: Set(from_staff.then_some(c.at)),
        read_by_user_id: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Directions of an inquiry's correspondences, oldest first (for R10).
pub async fn correspondence_directions<C: ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
) -> Result<Vec<String>, DbErr> {
    correspondence::Entity::find()
        .select_only()
        .column(correspondence::Column::Direction)
        .filter(correspondence::Column::InquiryId.eq(inquiry_id))
        .order_by_asc(correspondence::Column::CreatedAt)
        .order_by_asc(correspondence::Column::Id)
        .into_tuple::<String>()
        .all(db)
        .await
}

/// Marks the customer/representative correspondences of an inquiry read (R12); returns how many.
pub async fn mark_correspondences_read<C: ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let res = correspondence::Entity::update_many()
        .col_expr(correspondence::Column::ReadAt, Expr::value(at))
        .col_expr(correspondence::Column::ReadByUserId, Expr::value(user_id))
        .filter(correspondence::Column::InquiryId.eq(inquiry_id))
        .filter(correspondence::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// R12: marks the customer side's files on the inquiry read (a clerk's own are read on upload).
pub async fn mark_attachments_read<C: ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let res = entity::attachment::Entity::update_many()
        .col_expr(entity::attachment::Column::ReadAt, Expr::value(at))
        .filter(entity::attachment::Column::InquiryId.eq(inquiry_id))
        .filter(entity::attachment::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// An audit row (R3), written in the mutation's transaction.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub roles: String,
    pub operation: String,
    pub object_type: Option<String>,
    pub object_ids: String,
    pub fields: String,
    pub outcome: String,
    pub details: Option<String>,
}

pub async fn append_audit<C: ConnectionTrait>(db: &C, a: AuditRow) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(a.at),
        request_id: Set(a.request_id),
        actor_kind: Set(a.actor_kind),
        actor_id: Set(a.actor_id),
        roles: Set(a.roles),
        operation: Set(a.operation),
        object_type: Set(a.object_type),
        object_ids: Set(a.object_ids),
        fields: Set(a.fields),
        outcome: Set(a.outcome),
        details: Set(a.details),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Waiting-for-customer inquiries whose status began before `cutoff` (R22), oldest first.
pub async fn stale_waiting<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    inquiry::Entity::find()
        .select_only()
        .column(inquiry::Column::Id)
        .filter(inquiry::Column::Status.eq("WAITING_FOR_CUSTOMER"))
        .filter(inquiry::Column::StatusChangedAt.lt(cutoff))
        .order_by_asc(inquiry::Column::StatusChangedAt)
        .limit(limit)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// The classifier's ranked suggestions for an inquiry, as shown (R8).
pub async fn insert_suggestions<C: ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
    model_version: &str,
    abstained: bool,
    ranked: &[(String, f64)],
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ranked.is_empty() {
        return Ok(());
    }
    triplet_suggestion::Entity::insert_many(ranked.iter().enumerate().map(|(i, (code, p))| {
        triplet_suggestion::ActiveModel {
            inquiry_id: Set(inquiry_id),
            model_version: Set(model_version.to_string()),
            rank: Set(i as i16 + 1),
            triplet_code: Set(code.clone()),
            probability: Set(*p),
            abstained: Set(abstained),
            created_at: Set(at),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}
