//! Customers, representatives and staff users: batched lookups for loaders, the customers list,
//! and the principal lookups of `api token`.

use std::collections::HashMap;
use std::str::FromStr;

use entity::{customer, power_of_attorney, representative, team_member, user, user_role};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::domain::ReadScope;

pub async fn customers_by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, customer::Model>, DbErr> {
    Ok(customer::Entity::find()
        .filter(customer::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

pub async fn users_by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, user::Model>, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

pub async fn representatives_by_ids(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, representative::Model>, DbErr> {
    Ok(representative::Entity::find()
        .filter(representative::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

pub async fn roles_of(db: &DatabaseConnection, user_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect())
}

pub async fn team_ids_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<i64>, DbErr> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.team_id)
        .collect())
}

/// Whether a customer is visible in a read scope (R2: staff; the customer; a representative
/// with a power of attorney for the customer).
pub async fn customer_visible<C: sea_orm::ConnectionTrait>(
    db: &C,
    scope: &ReadScope,
    customer_id: i64,
) -> Result<bool, DbErr> {
    Ok(match scope {
        // Staff find any customer (a phone caller from anywhere in the country, R1); their
        // inquiries stay scoped.
        ReadScope::All | ReadScope::Staff { .. } => true,
        ReadScope::Customer(id) => *id == customer_id,
        // R33: a client is one with a POA in force that the registry recorded (any domain).
        ReadScope::Representative { id, at } => valid_poas(db, *id, customer_id, *at)
            .await?
            .iter()
            .filter_map(|p| crate::domain::PoaSource::from_str(&p.source).ok())
            .any(crate::domain::representation::grants_access),
    })
}

/// Customers ordered by id, one keyset page: after `cursor` going forward, or before it going
/// backward (`last`/`before`), optionally matching a search text on national ID (with or without
/// leading zeros), file number or name. Staff only (checked by the caller).
pub async fn list_customers(
    db: &DatabaseConnection,
    search: Option<&str>,
    cursor: Option<i64>,
    backward: bool,
    limit: u64,
) -> Result<(Vec<customer::Model>, bool), DbErr> {
    let mut s = customers_matching(search);
    s = match (cursor, backward) {
        (Some(c), false) => s.filter(customer::Column::Id.gt(c)),
        (Some(c), true) => s.filter(customer::Column::Id.lt(c)),
        (None, _) => s,
    };
    let s = if backward {
        s.order_by_desc(customer::Column::Id)
    } else {
        s.order_by_asc(customer::Column::Id)
    };
    let mut rows = s.limit(limit + 1).all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backward {
        rows.reverse();
    }
    Ok((rows, more))
}

/// How many customers match the search (the connection's `totalCount`, only when asked).
pub async fn count_customers(db: &DatabaseConnection, search: Option<&str>) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    customers_matching(search).count(db).await
}

fn customers_matching(search: Option<&str>) -> sea_orm::Select<customer::Entity> {
    let mut s = customer::Entity::find();
    if let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) {
        let mut any = Condition::any();
        if q.bytes().all(|b| b.is_ascii_digit()) && q.len() <= 9 {
            any = any.add(customer::Column::NationalId.eq(format!("{q:0>9}")));
            any = any.add(customer::Column::FileNumber.eq(q.to_string()));
        }
        let folded = crate::domain::search::fold(q);
        if !folded.is_empty() {
            // "last first" exactly, or whole-word prefixes ("last" alone), on the folded name.
            any = any
                .add(customer::Column::SearchName.eq(folded.clone()))
                .add(
                    sea_orm::sea_query::Expr::col(customer::Column::SearchName).like(
                        sea_orm::sea_query::LikeExpr::new(format!(
                            "{} %",
                            crate::domain::search::escape_like(&folded)
                        ))
                        .escape('\\'),
                    ),
                );
        }
        s = s.filter(any);
    }
    s
}

pub async fn user_by_login(
    db: &DatabaseConnection,
    login: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Login.eq(login.to_lowercase()))
        .one(db)
        .await
}

pub async fn first_user_with_role(
    db: &DatabaseConnection,
    role: &str,
) -> Result<Option<user::Model>, DbErr> {
    let Some(r) = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(role))
        .order_by_asc(user_role::Column::UserId)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    user::Entity::find_by_id(r.user_id).one(db).await
}

pub async fn customer_by_national_id(
    db: &DatabaseConnection,
    id: &str,
) -> Result<Option<customer::Model>, DbErr> {
    customer::Entity::find()
        .filter(customer::Column::NationalId.eq(id))
        .one(db)
        .await
}

pub async fn first_customer(db: &DatabaseConnection) -> Result<Option<customer::Model>, DbErr> {
    customer::Entity::find()
        .order_by_asc(customer::Column::Id)
        .one(db)
        .await
}

pub async fn representative_by_smart_card(
    db: &DatabaseConnection,
    card: &str,
) -> Result<Option<representative::Model>, DbErr> {
    representative::Entity::find()
        .filter(representative::Column::SmartCardId.eq(card))
        .one(db)
        .await
}

/// The first representative who holds a power of attorney (so demo tokens see data).
pub async fn first_representative(
    db: &DatabaseConnection,
) -> Result<Option<representative::Model>, DbErr> {
    let Some(p) = power_of_attorney::Entity::find()
        .order_by_asc(power_of_attorney::Column::Id)
        .one(db)
        .await?
    else {
        return representative::Entity::find()
            .order_by_asc(representative::Column::Id)
            .one(db)
            .await;
    };
    representative::Entity::find_by_id(p.representative_id)
        .one(db)
        .await
}

pub async fn user_by_id<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

pub async fn representative_by_id<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<representative::Model>, DbErr> {
    representative::Entity::find_by_id(id).one(db).await
}

/// Powers of attorney of a representative for a client that are in force at `now`.
pub async fn valid_poas<C: sea_orm::ConnectionTrait>(
    db: &C,
    rep: i64,
    customer: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<power_of_attorney::Model>, DbErr> {
    power_of_attorney::Entity::find()
        .filter(power_of_attorney::Column::RepresentativeId.eq(rep))
        .filter(power_of_attorney::Column::CustomerId.eq(customer))
        .filter(power_of_attorney::Column::RevokedAt.is_null())
        .filter(power_of_attorney::Column::ValidFrom.lte(now))
        .filter(
            Condition::any()
                .add(power_of_attorney::Column::ValidTo.is_null())
                .add(power_of_attorney::Column::ValidTo.gt(now)),
        )
        .all(db)
        .await
}

pub async fn assessment_by_number<C: sea_orm::ConnectionTrait>(
    db: &C,
    number: &str,
) -> Result<Option<entity::assessment::Model>, DbErr> {
    entity::assessment::Entity::find()
        .filter(entity::assessment::Column::Number.eq(number))
        .one(db)
        .await
}

pub async fn customer_by_id<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<customer::Model>, DbErr> {
    customer::Entity::find_by_id(id).one(db).await
}

/// Users who belong to any of the teams.
pub async fn members_of(db: &DatabaseConnection, team_ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    let mut ids: Vec<i64> = team_member::Entity::find()
        .filter(team_member::Column::TeamId.is_in(team_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// What the rules need of a staff user, in one statement: office, whether active, and teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffFacts {
    pub office_id: Option<i64>,
    pub active: bool,
    pub team_ids: Vec<i64>,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct StaffFactRow {
    office_id: Option<i64>,
    active: bool,
    team_id: Option<i64>,
}

pub async fn staff_facts<C: sea_orm::ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Option<StaffFacts>, DbErr> {
    use sea_orm::FromQueryResult;
    use sea_orm::sea_query::{Alias, Expr, JoinType, Query};
    let q = Query::select()
        .column((user::Entity, user::Column::OfficeId))
        .column((user::Entity, user::Column::Active))
        .expr_as(
            Expr::col((team_member::Entity, team_member::Column::TeamId)),
            Alias::new("team_id"),
        )
        .from(user::Entity)
        .join(
            JoinType::LeftJoin,
            team_member::Entity,
            Expr::col((team_member::Entity, team_member::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .and_where(Expr::col((user::Entity, user::Column::Id)).eq(user_id))
        .to_owned();
    let rows = StaffFactRow::find_by_statement(db.get_database_backend().build(&q))
        .all(db)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(StaffFacts {
        office_id: first.office_id,
        active: first.active,
        team_ids: rows.iter().filter_map(|r| r.team_id).collect(),
    }))
}
