//! Inquiry queries: scoped lookups, keyset-paginated lists, and the nested lists the GraphQL
//! loaders batch (last N history rows per inquiry via a window function, correspondences).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    attachment, correspondence, inquiry, inquiry_history, power_of_attorney, triplet_suggestion,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Statement,
};
use serde::{Deserialize, Serialize};

use crate::domain::ReadScope;
use crate::domain::search::{self, SearchKind, SearchQuery, SearchTerm};
use entity::customer;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};

/// Filters of the inquiries list; every field narrows (AND).
#[derive(Debug, Clone, Default)]
pub struct InquiryFilter {
    pub statuses: Vec<String>,
    pub team_ids: Vec<i64>,
    pub office_ids: Vec<i64>,
    pub assignee_ids: Vec<i64>,
    pub unassigned: Option<bool>,
    pub triplet_codes: Vec<String>,
    pub channels: Vec<String>,
    pub customer_id: Option<i64>,
    pub customer_ids: Vec<i64>,
    pub representative_ids: Vec<i64>,
    /// true: opened by a representative; false: by the customer or staff.
    pub has_representative: Option<bool>,
    pub numbers: Vec<i64>,
    /// Main topic codes: triplets whose code starts with `<main>.`.
    pub main_topic_codes: Vec<String>,
    /// The triplet the customer chose at opening.
    pub customer_triplet_codes: Vec<String>,
    pub tax_years: Vec<i32>,
    pub documents_pending: Option<bool>,
    pub opened_from: Option<DateTime<Utc>>,
    pub opened_to: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_to: Option<DateTime<Utc>>,
    pub closed_from: Option<DateTime<Utc>>,
    pub closed_to: Option<DateTime<Utc>>,
    pub open: Option<bool>,
    /// Inquiries whose stored due date is at or before this instant: `now` gives the SLA
    /// breaches, a later instant "due within" (an index range on `due_at`).
    pub due_by: Option<DateTime<Utc>>,
    /// The clerk's view (R44), applied on top of the filters.
    pub view: Option<ViewScope>,
    /// Search inside the view (R45).
    pub search: Option<SearchQuery>,
}

/// The rows a view shows (R44); every present list narrows.
#[derive(Debug, Clone, Default)]
pub struct ViewScope {
    pub team_ids: Option<Vec<i64>>,
    pub office_ids: Option<Vec<i64>>,
    pub assignee_ids: Option<Vec<i64>>,
    pub unassigned: bool,
    pub open_only: bool,
    pub exclude_statuses: Vec<String>,
}

/// Sortable columns of the inquiries list (R44). Nullable ones sort as if NULL were the
/// largest value (`COALESCE` to a sentinel), the same on PostgreSQL and SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortField {
    OpenedAt,
    UpdatedAt,
    Number,
    StatusChangedAt,
    ClosedAt,
    DueAt,
    Status,
    Channel,
    TripletCode,
    TeamId,
    OfficeId,
    AssigneeId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortDir {
    Asc,
    Desc,
}

/// Position of a row in a sort order: the sort value and the id as a tie-breaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeysetPos {
    pub field: SortField,
    pub dir: SortDir,
    pub time: Option<DateTime<Utc>>,
    pub int: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub id: i64,
}

/// What NULL sorts as: after every real value (9999-12-31, which both databases order as text
/// and as a timestamp).
fn time_sentinel() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(253_402_214_400, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl KeysetPos {
    pub fn of(row: &inquiry::Model, field: SortField, dir: SortDir) -> Self {
        let (time, int, text) = match field {
            SortField::OpenedAt => (Some(row.opened_at), None, None),
            SortField::UpdatedAt => (Some(row.updated_at), None, None),
            SortField::StatusChangedAt => (Some(row.status_changed_at), None, None),
            SortField::ClosedAt => (
                Some(row.closed_at.unwrap_or_else(time_sentinel)),
                None,
                None,
            ),
            SortField::DueAt => (Some(row.due_at.unwrap_or_else(time_sentinel)), None, None),
            SortField::Number => (None, Some(row.number), None),
            SortField::TeamId => (None, Some(row.team_id), None),
            SortField::OfficeId => (None, Some(row.office_id), None),
            SortField::AssigneeId => (None, Some(row.assignee_id.unwrap_or(i64::MAX)), None),
            SortField::Status => (None, None, Some(row.status.clone())),
            SortField::Channel => (None, None, Some(row.channel.clone())),
            SortField::TripletCode => (None, None, Some(row.triplet_code.clone())),
        };
        Self {
            field,
            dir,
            time,
            int,
            text,
            id: row.id,
        }
    }

    /// The sort value as a bound SQL value.
    fn value(&self) -> sea_orm::Value {
        match (&self.time, self.int, &self.text) {
            (Some(t), _, _) => (*t).into(),
            (_, Some(i), _) => i.into(),
            (_, _, Some(s)) => s.clone().into(),
            _ => sea_orm::Value::BigInt(None),
        }
    }
}

/// A page request: `limit` rows after (or, backwards, before) `cursor`.
#[derive(Debug, Clone)]
pub struct Window {
    pub limit: u64,
    pub cursor: Option<KeysetPos>,
    pub backward: bool,
}

/// The expression a list sorts by. A nullable column the filter already makes non-null sorts
/// by the plain column, so its index serves the order.
fn sort_expr(field: SortField, f: &InquiryFilter) -> Expr {
    use inquiry::Column as C;
    let coalesce = |c: C, v: sea_orm::Value| {
        Expr::expr(sea_orm::sea_query::Func::coalesce([
            Expr::col(c),
            Expr::val(v),
        ]))
    };
    match field {
        SortField::OpenedAt => Expr::col(C::OpenedAt),
        SortField::UpdatedAt => Expr::col(C::UpdatedAt),
        SortField::StatusChangedAt => Expr::col(C::StatusChangedAt),
        SortField::ClosedAt
            if f.open == Some(false) || f.closed_from.is_some() || f.closed_to.is_some() =>
        {
            Expr::col(C::ClosedAt)
        }
        SortField::ClosedAt => coalesce(C::ClosedAt, time_sentinel().into()),
        SortField::DueAt if f.due_by.is_some() => Expr::col(C::DueAt),
        SortField::DueAt => coalesce(C::DueAt, time_sentinel().into()),
        SortField::Number => Expr::col(C::Number),
        SortField::TeamId => Expr::col(C::TeamId),
        SortField::OfficeId => Expr::col(C::OfficeId),
        SortField::AssigneeId => coalesce(C::AssigneeId, i64::MAX.into()),
        SortField::Status => Expr::col(C::Status),
        SortField::Channel => Expr::col(C::Channel),
        SortField::TripletCode => Expr::col(C::TripletCode),
    }
}

/// Whether the filter alone keeps the rows inside an office-bound staff scope (a view of the
/// own office, the own teams, or the own assignments): the scope's OR of three predicates is
/// then left out, so the planner sees a plain, indexable condition.
fn scope_implied(scope: &ReadScope, f: &InquiryFilter) -> bool {
    let ReadScope::Staff {
        office_ids,
        team_ids,
        user_id,
    } = scope
    else {
        return false;
    };
    let within =
        |ids: &[i64], allowed: &[i64]| !ids.is_empty() && ids.iter().all(|i| allowed.contains(i));
    let view = f.view.as_ref();
    within(&f.office_ids, office_ids)
        || within(&f.team_ids, team_ids)
        || f.assignee_ids == [*user_id]
        || view
            .and_then(|v| v.office_ids.as_deref())
            .is_some_and(|o| within(o, office_ids))
        || view
            .and_then(|v| v.team_ids.as_deref())
            .is_some_and(|t| within(t, team_ids))
        || view.and_then(|v| v.assignee_ids.as_deref()) == Some(&[*user_id][..])
}

/// The inquiries a scope may read, narrowed by a filter.
fn scoped_filtered(scope: &ReadScope, f: &InquiryFilter) -> Select<inquiry::Entity> {
    if scope_implied(scope, f) {
        filtered(inquiry::Entity::find(), f)
    } else {
        filtered(scoped(inquiry::Entity::find(), scope), f)
    }
}

/// Restricts a select to what the scope may read.
pub fn scoped(select: Select<inquiry::Entity>, scope: &ReadScope) -> Select<inquiry::Entity> {
    match scope {
        ReadScope::All => select,
        ReadScope::Staff {
            office_ids,
            team_ids,
            user_id,
        } => select.filter(
            Condition::any()
                .add(inquiry::Column::OfficeId.is_in(office_ids.clone()))
                .add(inquiry::Column::TeamId.is_in(team_ids.clone()))
                .add(inquiry::Column::AssigneeId.eq(*user_id)),
        ),
        ReadScope::Customer(id) => select.filter(inquiry::Column::CustomerId.eq(*id)),
        ReadScope::Representative { id, at } => select.filter(representative_reads(*id, *at)),
    }
}

/// R33, R34: what a representative reads, as SQL: the inquiries it opened, and each client's
/// inquiries in a domain that a registry POA in force at `at` covers (never real estate, whose
/// link is checked at opening only). The rule's parts are `domain::representation`'s.
fn representative_reads(rep: i64, at: DateTime<Utc>) -> Condition {
    use crate::domain::representation::{access_domain, grants_access};
    use strum::IntoEnumIterator;
    let counting: Vec<&str> = crate::domain::PoaSource::iter()
        .filter(|s| grants_access(*s))
        .map(|s| s.code())
        .collect();
    let mut any = Condition::any().add(inquiry::Column::RepresentativeId.eq(rep));
    for domain in crate::domain::TaxDomain::iter() {
        let Some(poa_domain) = access_domain(domain) else {
            continue;
        };
        let clients = Query::select()
            .column(power_of_attorney::Column::CustomerId)
            .from(power_of_attorney::Entity)
            .and_where(power_of_attorney::Column::RepresentativeId.eq(rep))
            .and_where(power_of_attorney::Column::RevokedAt.is_null())
            .and_where(power_of_attorney::Column::TaxDomain.eq(poa_domain.code()))
            .and_where(power_of_attorney::Column::Source.is_in(counting.clone()))
            .and_where(power_of_attorney::Column::ValidFrom.lte(at))
            .cond_where(
                Condition::any()
                    .add(power_of_attorney::Column::ValidTo.is_null())
                    .add(power_of_attorney::Column::ValidTo.gt(at)),
            )
            .to_owned();
        any = any.add(
            Condition::all()
                .add(inquiry::Column::TripletCode.like(format!("{}.%", domain.triplet_prefix())))
                .add(inquiry::Column::CustomerId.in_subquery(clients)),
        );
    }
    any
}

/// Whether the scope reads inquiry `id` (the same predicate as listing).
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    scope: &ReadScope,
    id: i64,
) -> Result<bool, DbErr> {
    Ok(scoped(inquiry::Entity::find_by_id(id), scope)
        .count(db)
        .await?
        > 0)
}

fn filtered(select: Select<inquiry::Entity>, f: &InquiryFilter) -> Select<inquiry::Entity> {
    let mut s = select;
    if !f.statuses.is_empty() {
        s = s.filter(inquiry::Column::Status.is_in(f.statuses.clone()));
    }
    if !f.team_ids.is_empty() {
        s = s.filter(inquiry::Column::TeamId.is_in(f.team_ids.clone()));
    }
    if !f.office_ids.is_empty() {
        s = s.filter(inquiry::Column::OfficeId.is_in(f.office_ids.clone()));
    }
    if !f.assignee_ids.is_empty() {
        s = s.filter(inquiry::Column::AssigneeId.is_in(f.assignee_ids.clone()));
    }
    match f.unassigned {
        Some(true) => s = s.filter(inquiry::Column::AssigneeId.is_null()),
        Some(false) => s = s.filter(inquiry::Column::AssigneeId.is_not_null()),
        None => {}
    }
    if !f.triplet_codes.is_empty() {
        s = s.filter(inquiry::Column::TripletCode.is_in(f.triplet_codes.clone()));
    }
    if !f.channels.is_empty() {
        s = s.filter(inquiry::Column::Channel.is_in(f.channels.clone()));
    }
    if let Some(c) = f.customer_id {
        s = s.filter(inquiry::Column::CustomerId.eq(c));
    }
    if !f.customer_ids.is_empty() {
        s = s.filter(inquiry::Column::CustomerId.is_in(f.customer_ids.clone()));
    }
    if !f.representative_ids.is_empty() {
        s = s.filter(inquiry::Column::RepresentativeId.is_in(f.representative_ids.clone()));
    }
    match f.has_representative {
        Some(true) => s = s.filter(inquiry::Column::RepresentativeId.is_not_null()),
        Some(false) => s = s.filter(inquiry::Column::RepresentativeId.is_null()),
        None => {}
    }
    if !f.numbers.is_empty() {
        s = s.filter(inquiry::Column::Number.is_in(f.numbers.clone()));
    }
    if !f.main_topic_codes.is_empty() {
        let mut any = Condition::any();
        for m in &f.main_topic_codes {
            any = any.add(
                Expr::col(inquiry::Column::TripletCode)
                    .like(like(format!("{}.%", search::escape_like(m)))),
            );
        }
        s = s.filter(any);
    }
    if !f.customer_triplet_codes.is_empty() {
        s = s.filter(inquiry::Column::CustomerTripletCode.is_in(f.customer_triplet_codes.clone()));
    }
    if !f.tax_years.is_empty() {
        s = s.filter(inquiry::Column::TaxYear.is_in(f.tax_years.clone()));
    }
    if let Some(p) = f.documents_pending {
        s = s.filter(inquiry::Column::DocumentsPending.eq(p));
    }
    for (col, from, to) in [
        (inquiry::Column::UpdatedAt, f.updated_from, f.updated_to),
        (inquiry::Column::ClosedAt, f.closed_from, f.closed_to),
    ] {
        if let Some(t) = from {
            s = s.filter(col.gte(t));
        }
        if let Some(t) = to {
            s = s.filter(col.lt(t));
        }
    }
    if let Some(t) = f.opened_from {
        s = s.filter(inquiry::Column::OpenedAt.gte(t));
    }
    if let Some(t) = f.opened_to {
        s = s.filter(inquiry::Column::OpenedAt.lt(t));
    }
    match f.open {
        Some(true) => s = s.filter(inquiry::Column::ClosedAt.is_null()),
        Some(false) => s = s.filter(inquiry::Column::ClosedAt.is_not_null()),
        None => {}
    }
    if let Some(t) = f.due_by {
        s = s
            .filter(inquiry::Column::DueAt.lte(t))
            .filter(inquiry::Column::ClosedAt.is_null());
    }
    if let Some(v) = &f.view {
        if let Some(ids) = &v.team_ids {
            s = s.filter(inquiry::Column::TeamId.is_in(ids.clone()));
        }
        if let Some(ids) = &v.office_ids {
            s = s.filter(inquiry::Column::OfficeId.is_in(ids.clone()));
        }
        if let Some(ids) = &v.assignee_ids {
            s = s.filter(inquiry::Column::AssigneeId.is_in(ids.clone()));
        }
        if v.unassigned {
            s = s.filter(inquiry::Column::AssigneeId.is_null());
        }
        if v.open_only {
            s = s.filter(inquiry::Column::ClosedAt.is_null());
        }
        if !v.exclude_statuses.is_empty() {
            s = s.filter(inquiry::Column::Status.is_not_in(v.exclude_statuses.clone()));
        }
    }
    if let Some(q) = &f.search {
        s = s.filter(search_condition(q));
    }
    s
}

fn like(pattern: String) -> LikeExpr {
    LikeExpr::new(pattern).escape('\\')
}

/// R45: inquiry number, national ID (leading zeros optional), file number (leading 0 kept),
/// assessment number, or the customer's name in either order; `*` searches for a part. User
/// input reaches SQL only as bound values with LIKE metacharacters escaped.
fn search_condition(q: &SearchQuery) -> Condition {
    let contains = matches!(q.term, SearchTerm::Contains(_));
    let customer_ids = |c: Condition| {
        inquiry::Column::CustomerId.in_subquery(
            Query::select()
                .column(customer::Column::Id)
                .from(customer::Entity)
                .cond_where(c)
                .to_owned(),
        )
    };
    match &q.kind {
        SearchKind::Number(n) => {
            let mut any = Condition::any();
            let mut people = Condition::any();
            if contains {
                if let Some(v) = &n.national_id {
                    people = people.add(
                        Expr::col(customer::Column::NationalId)
                            .like(like(search::contains_pattern(v))),
                    );
                }
                if let Some(v) = &n.file_number {
                    people = people.add(
                        Expr::col(customer::Column::FileNumber)
                            .like(like(search::contains_pattern(v))),
                    );
                }
                if let Some(v) = &n.assessment_number {
                    any = any.add(
                        Expr::col(inquiry::Column::AssessmentNumber)
                            .like(like(search::contains_pattern(v))),
                    );
                }
                if let Some(v) = &n.inquiry_number_part {
                    // The number as text: the same CAST in PostgreSQL and SQLite.
                    any = any.add(
                        Expr::cust(r#"CAST("inquiries"."number" AS TEXT)"#)
                            .like(like(search::contains_pattern(v))),
                    );
                }
            } else {
                if let Some(v) = n.inquiry_number {
                    any = any.add(inquiry::Column::Number.eq(v));
                }
                if let Some(v) = &n.national_id {
                    people = people.add(customer::Column::NationalId.eq(v.clone()));
                }
                if let Some(v) = &n.file_number {
                    people = people.add(customer::Column::FileNumber.eq(v.clone()));
                }
                if let Some(v) = &n.assessment_number {
                    any = any.add(inquiry::Column::AssessmentNumber.eq(v.clone()));
                }
            }
            any.add(customer_ids(people))
        }
        SearchKind::Name { orders } => {
            let mut names = Condition::any();
            for o in orders {
                names = if contains {
                    names.add(
                        Expr::col(customer::Column::SearchName)
                            .like(like(search::contains_pattern(o))),
                    )
                } else {
                    // "last first" exactly, or a prefix of whole words ("last" alone).
                    names.add(customer::Column::SearchName.eq(o.clone())).add(
                        Expr::col(customer::Column::SearchName)
                            .like(like(format!("{} %", search::escape_like(o)))),
                    )
                };
            }
            Condition::all().add(customer_ids(names))
        }
    }
}

/// One page of inquiries in keyset order, and whether more rows exist beyond it (LIMIT n+1).
pub async fn list(
    db: &DatabaseConnection,
    scope: &ReadScope,
    filter: &InquiryFilter,
    field: SortField,
    dir: SortDir,
    window: &Window,
) -> Result<(Vec<inquiry::Model>, bool), DbErr> {
    let key = sort_expr(field, filter);
    // Walking backwards reverses the order; results are flipped back below.
    let ascending = (dir == SortDir::Asc) != window.backward;
    let mut s = scoped_filtered(scope, filter);
    if let Some(pos) = &window.cursor {
        let value = pos.value();
        let (past, id_past) = if ascending {
            (
                key.clone().gt(value.clone()),
                inquiry::Column::Id.gt(pos.id),
            )
        } else {
            (
                key.clone().lt(value.clone()),
                inquiry::Column::Id.lt(pos.id),
            )
        };
        s = s.filter(
            Condition::any()
                .add(past)
                .add(Condition::all().add(key.clone().eq(value)).add(id_past)),
        );
    }
    let order = if ascending {
        sea_orm::Order::Asc
    } else {
        sea_orm::Order::Desc
    };
    s = s
        .order_by(key, order.clone())
        .order_by(inquiry::Column::Id, order);
    let mut rows = s.limit(window.limit + 1).all(db).await?;
    let more = rows.len() as u64 > window.limit;
    rows.truncate(window.limit as usize);
    if window.backward {
        rows.reverse();
    }
    Ok((rows, more))
}

/// Number of inquiries matching, computed only when a client asks for `totalCount`.
pub async fn count(
    db: &DatabaseConnection,
    scope: &ReadScope,
    filter: &InquiryFilter,
) -> Result<u64, DbErr> {
    scoped_filtered(scope, filter).count(db).await
}

pub async fn find(
    db: &DatabaseConnection,
    scope: &ReadScope,
    id: i64,
) -> Result<Option<inquiry::Model>, DbErr> {
    scoped(inquiry::Entity::find_by_id(id), scope).one(db).await
}

pub async fn find_many(
    db: &DatabaseConnection,
    scope: &ReadScope,
    ids: &[i64],
) -> Result<Vec<inquiry::Model>, DbErr> {
    scoped(
        inquiry::Entity::find().filter(inquiry::Column::Id.is_in(ids.to_vec())),
        scope,
    )
    .all(db)
    .await
}

pub async fn find_by_number(
    db: &DatabaseConnection,
    scope: &ReadScope,
    number: i64,
) -> Result<Option<inquiry::Model>, DbErr> {
    scoped(
        inquiry::Entity::find().filter(inquiry::Column::Number.eq(number)),
        scope,
    )
    .one(db)
    .await
}

/// The last `n` history rows (newest first) of each inquiry, in one statement (window function).
pub async fn last_history(
    db: &DatabaseConnection,
    inquiry_ids: &[i64],
    n: u32,
) -> Result<HashMap<i64, Vec<inquiry_history::Model>>, DbErr> {
    if inquiry_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let placeholders: Vec<String> = (1..=inquiry_ids.len())
        .map(|i| {
            if backend == sea_orm::DbBackend::Postgres {
                format!("${i}")
            } else {
                "?".to_string()
            }
        })
        .collect();
    let limit_ph = if backend == sea_orm::DbBackend::Postgres {
        format!("${}", inquiry_ids.len() + 1)
    } else {
        "?".into()
    };
    let sql = format!(
        "SELECT * FROM (SELECT h.*, ROW_NUMBER() OVER (PARTITION BY h.inquiry_id ORDER BY h.at DESC, h.id DESC) AS rn \
         FROM inquiry_history h WHERE h.inquiry_id IN ({})) ranked WHERE rn <= {limit_ph} ORDER BY inquiry_id, rn",
        placeholders.join(", ")
    );
    let mut values: Vec<sea_orm::Value> = inquiry_ids.iter().map(|&i| i.into()).collect();
    values.push(i64::from(n).into());
    let rows = inquiry_history::Model::find_by_statement(Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .all(db)
    .await?;
    let mut out: HashMap<i64, Vec<inquiry_history::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.inquiry_id).or_default().push(r);
    }
    Ok(out)
}

/// All history rows of one inquiry in order (R27).
pub async fn history(
    db: &DatabaseConnection,
    inquiry_id: i64,
) -> Result<Vec<inquiry_history::Model>, DbErr> {
    inquiry_history::Entity::find()
        .filter(inquiry_history::Column::InquiryId.eq(inquiry_id))
        .order_by_asc(inquiry_history::Column::At)
        .order_by_asc(inquiry_history::Column::Id)
        .all(db)
        .await
}

/// Correspondences of several inquiries, oldest first.
pub async fn correspondences(
    db: &DatabaseConnection,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, Vec<correspondence::Model>>, DbErr> {
    let rows = correspondence::Entity::find()
        .filter(correspondence::Column::InquiryId.is_in(inquiry_ids.to_vec()))
        .order_by_asc(correspondence::Column::CreatedAt)
        .order_by_asc(correspondence::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<correspondence::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.inquiry_id).or_default().push(r);
    }
    Ok(out)
}

#[derive(Debug, FromQueryResult)]
struct UnreadRow {
    inquiry_id: i64,
    unread: i64,
}

/// Unread customer/representative correspondences per inquiry (R12), one grouped statement.
pub async fn unread_correspondences(
    db: &DatabaseConnection,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbErr> {
    let rows = correspondence::Entity::find()
        .select_only()
        .column(correspondence::Column::InquiryId)
        .column_as(correspondence::Column::Id.count(), "unread")
        .filter(correspondence::Column::InquiryId.is_in(inquiry_ids.to_vec()))
        .filter(correspondence::Column::ReadAt.is_null())
        .filter(correspondence::Column::Direction.is_in(["FROM_CUSTOMER", "FROM_REPRESENTATIVE"]))
        .group_by(correspondence::Column::InquiryId)
        .into_model::<UnreadRow>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.inquiry_id, r.unread)).collect())
}

pub async fn history_entry(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<inquiry_history::Model>, DbErr> {
    inquiry_history::Entity::find_by_id(id).one(db).await
}

pub async fn correspondence(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<correspondence::Model>, DbErr> {
    correspondence::Entity::find_by_id(id).one(db).await
}

/// Unscoped lookup inside a transaction (callers check access).
pub async fn find_in<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<inquiry::Model>, DbErr> {
    inquiry::Entity::find_by_id(id).one(db).await
}

/// R46: the customer's other open inquiries on the same topic (main and secondary topic).
pub async fn similar_open(
    db: &DatabaseConnection,
    scope: &ReadScope,
    of: &inquiry::Model,
    limit: u64,
) -> Result<Vec<inquiry::Model>, DbErr> {
    let prefix = of
        .triplet_code
        .rsplit_once('.')
        .map(|(p, _)| format!("{p}."))
        .unwrap_or_default();
    scoped(inquiry::Entity::find(), scope)
        .filter(inquiry::Column::CustomerId.eq(of.customer_id))
        .filter(inquiry::Column::Id.ne(of.id))
        .filter(inquiry::Column::ClosedAt.is_null())
        .filter(inquiry::Column::TripletCode.starts_with(&prefix))
        .order_by_desc(inquiry::Column::OpenedAt)
        .limit(limit)
        .all(db)
        .await
}

/// Stored triplet suggestions of several inquiries, best first.
pub async fn suggestions(
    db: &DatabaseConnection,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, Vec<triplet_suggestion::Model>>, DbErr> {
    let rows = triplet_suggestion::Entity::find()
        .filter(triplet_suggestion::Column::InquiryId.is_in(inquiry_ids.to_vec()))
        .order_by_asc(triplet_suggestion::Column::InquiryId)
        .order_by_asc(triplet_suggestion::Column::Rank)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<triplet_suggestion::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.inquiry_id).or_default().push(r);
    }
    Ok(out)
}

/// Attachments of several inquiries, oldest first.
pub async fn attachments(
    db: &DatabaseConnection,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, Vec<attachment::Model>>, DbErr> {
    let rows = attachment::Entity::find()
        .filter(attachment::Column::InquiryId.is_in(inquiry_ids.to_vec()))
        .order_by_asc(attachment::Column::CreatedAt)
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<attachment::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.inquiry_id).or_default().push(r);
    }
    Ok(out)
}

/// The top-ranked stored suggestion of an inquiry.
pub async fn suggestions_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
) -> Result<Option<triplet_suggestion::Model>, DbErr> {
    triplet_suggestion::Entity::find()
        .filter(triplet_suggestion::Column::InquiryId.eq(inquiry_id))
        .order_by_asc(triplet_suggestion::Column::Rank)
        .one(db)
        .await
}

pub async fn attachment(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<attachment::Model>, DbErr> {
    attachment::Entity::find_by_id(id).one(db).await
}

/// One attachment, inside a transaction.
pub async fn attachment_in<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<attachment::Model>, DbErr> {
    attachment::Entity::find_by_id(id).one(db).await
}

/// What makes two uploads the same file (a client's retry).
pub struct UploadIdentity<'a> {
    pub inquiry_id: i64,
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub customer_id: Option<i64>,
    pub representative_id: Option<i64>,
    pub user_id: Option<i64>,
}

/// The attachment an identical earlier upload created, if any.
pub async fn same_upload<C: sea_orm::ConnectionTrait>(
    db: &C,
    u: UploadIdentity<'_>,
) -> Result<Option<attachment::Model>, DbErr> {
    let by = |col: attachment::Column, v: Option<i64>| match v {
        Some(v) => col.eq(v),
        None => col.is_null(),
    };
    attachment::Entity::find()
        .filter(attachment::Column::InquiryId.eq(u.inquiry_id))
        .filter(attachment::Column::Sha256.eq(u.sha256))
        .filter(attachment::Column::FileName.eq(u.file_name))
        .filter(by(attachment::Column::AuthorCustomerId, u.customer_id))
        .filter(by(
            attachment::Column::AuthorRepresentativeId,
            u.representative_id,
        ))
        .filter(by(attachment::Column::AuthorUserId, u.user_id))
        .order_by_asc(attachment::Column::Id)
        .one(db)
        .await
}

/// Customer-side files of an inquiry still waiting for the virus scanner (R16).
pub async fn pending_customer_files<C: sea_orm::ConnectionTrait>(
    db: &C,
    inquiry_id: i64,
) -> Result<u64, DbErr> {
    attachment::Entity::find()
        .filter(attachment::Column::InquiryId.eq(inquiry_id))
        .filter(attachment::Column::SanitizeStatus.eq("PENDING"))
        .filter(attachment::Column::Direction.is_in(["FROM_CUSTOMER", "FROM_REPRESENTATIVE"]))
        .count(db)
        .await
}

/// Pending files uploaded before `before`, oldest first.
pub async fn pending_files_before(
    db: &DatabaseConnection,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    attachment::Entity::find()
        .select_only()
        .column(attachment::Column::Id)
        .filter(attachment::Column::SanitizeStatus.eq("PENDING"))
        .filter(attachment::Column::CreatedAt.lt(before))
        .order_by_asc(attachment::Column::CreatedAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scope may be left out only when the filter keeps every row inside it: a wrong
    /// "implied" would be a leak, so every other case keeps the scope.
    #[test]
    fn r2_a_staff_scope_is_left_out_only_when_the_filter_implies_it() {
        let scope = ReadScope::Staff {
            office_ids: vec![1],
            team_ids: vec![10, 11],
            user_id: 7,
        };
        let with = |f: InquiryFilter| scope_implied(&scope, &f);
        let view = |v: ViewScope| InquiryFilter {
            view: Some(v),
            ..Default::default()
        };
        assert!(with(InquiryFilter {
            office_ids: vec![1],
            ..Default::default()
        }));
        assert!(with(InquiryFilter {
            team_ids: vec![11],
            ..Default::default()
        }));
        assert!(with(InquiryFilter {
            assignee_ids: vec![7],
            ..Default::default()
        }));
        assert!(with(view(ViewScope {
            office_ids: Some(vec![1]),
            ..Default::default()
        })));
        assert!(with(view(ViewScope {
            team_ids: Some(vec![10, 11]),
            ..Default::default()
        })));
        assert!(with(view(ViewScope {
            assignee_ids: Some(vec![7]),
            ..Default::default()
        })));
        // Not implied: nothing, another office among them, another clerk, another team.
        assert!(!with(InquiryFilter::default()));
        assert!(!with(InquiryFilter {
            office_ids: vec![1, 2],
            ..Default::default()
        }));
        assert!(!with(InquiryFilter {
            assignee_ids: vec![7, 8],
            ..Default::default()
        }));
        assert!(!with(view(ViewScope {
            team_ids: Some(vec![12]),
            ..Default::default()
        })));
        assert!(!with(view(ViewScope {
            assignee_ids: Some(vec![8, 9]),
            ..Default::default()
        })));
        // Other scopes are always applied.
        assert!(!scope_implied(
            &ReadScope::Customer(3),
            &InquiryFilter {
                customer_ids: vec![3],
                ..Default::default()
            }
        ));
    }
}
