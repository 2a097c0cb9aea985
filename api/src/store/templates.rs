//! Response templates.

use chrono::{DateTime, Utc};
use entity::response_template;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};

pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<response_template::Model>, DbErr> {
    response_template::Entity::find_by_id(id).one(db).await
}

/// Templates for a triplet (and the general ones), optionally only approved; at most 200.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    triplet: Option<&str>,
    office_id: Option<i64>,
    approved_only: bool,
) -> Result<Vec<response_template::Model>, DbErr> {
    let mut s = response_template::Entity::find();
    if let Some(t) = triplet {
        s = s.filter(
            Condition::any()
                .add(response_template::Column::TripletCode.eq(t))
                .add(response_template::Column::TripletCode.is_null()),
        );
    }
    if let Some(o) = office_id {
        s = s.filter(
            Condition::any()
                .add(response_template::Column::OfficeId.eq(o))
                .add(response_template::Column::OfficeId.is_null()),
        );
    }
    if approved_only {
        s = s.filter(response_template::Column::Status.eq("APPROVED"));
    }
    s.order_by_asc(response_template::Column::Id)
        .limit(200)
        .all(db)
        .await
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    m: response_template::ActiveModel,
) -> Result<response_template::Model, DbErr> {
    m.insert(db).await
}

pub async fn approve<C: ConnectionTrait>(
    db: &C,
    t: response_template::Model,
    by: i64,
    at: DateTime<Utc>,
) -> Result<response_template::Model, DbErr> {
    let mut am = t.into_active_model();
    am.status = Set("APPROVED".into());
    am.approved_by_user_id = Set(Some(by));
    am.approved_at = Set(Some(at));
    am.update(db).await
}
