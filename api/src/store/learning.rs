//! The classifier's learning loop in the database (§5.1.1, R8): clerks' current triplet
//! validations with the texts they judged (for the feedback export), the model registry, and
//! acceptance per model version, main topic and week.

use chrono::{DateTime, Utc};
use entity::classifier_model;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Statement,
};

/// One current validation with its inquiry's text and the names to redact from it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FeedbackRow {
    pub id: i64,
    pub inquiry_id: i64,
    pub verdict: String,
    pub customer_triplet_code: String,
    pub final_triplet_code: String,
    pub model_version: Option<String>,
    pub suggested_top1: Option<String>,
    pub created_at: DateTime<Utc>,
    pub subject: String,
    pub body: String,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub rep_first_name: Option<String>,
    pub rep_last_name: Option<String>,
}

fn placeholder(backend: DbBackend, n: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

/// Current (not superseded) validations with id > `after`, oldest first, at most `limit`.
pub async fn feedback_rows<C: ConnectionTrait>(
    db: &C,
    after: i64,
    limit: u64,
) -> Result<Vec<FeedbackRow>, DbErr> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT v.id AS id, v.inquiry_id AS inquiry_id, v.verdict AS verdict, \
                v.customer_triplet_code AS customer_triplet_code, \
                v.final_triplet_code AS final_triplet_code, v.model_version AS model_version, \
                v.suggested_top1 AS suggested_top1, v.created_at AS created_at, \
                i.subject AS subject, i.body AS body, \
                c.first_name AS customer_first_name, c.last_name AS customer_last_name, \
                r.first_name AS rep_first_name, r.last_name AS rep_last_name \
         FROM triplet_validations v \
         JOIN inquiries i ON i.id = v.inquiry_id \
         JOIN customers c ON c.id = i.customer_id \
         LEFT JOIN representatives r ON r.id = i.representative_id \
         WHERE v.superseded_at IS NULL AND v.id > {} \
         ORDER BY v.id LIMIT {}",
        placeholder(backend, 1),
        placeholder(backend, 2)
    );
    FeedbackRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [after.into(), (limit as i64).into()],
    ))
    .all(db)
    .await
}

/// Every registered version, newest first.
pub async fn models(db: &DatabaseConnection) -> Result<Vec<classifier_model::Model>, DbErr> {
    classifier_model::Entity::find()
        .order_by_desc(classifier_model::Column::Id)
        .all(db)
        .await
}

pub async fn model<C: ConnectionTrait>(
    db: &C,
    version: &str,
) -> Result<Option<classifier_model::Model>, DbErr> {
    classifier_model::Entity::find()
        .filter(classifier_model::Column::Version.eq(version))
        .one(db)
        .await
}

pub async fn active<C: ConnectionTrait>(db: &C) -> Result<Option<classifier_model::Model>, DbErr> {
    classifier_model::Entity::find()
        .filter(classifier_model::Column::Status.eq("ACTIVE"))
        .one(db)
        .await
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    m: classifier_model::ActiveModel,
) -> Result<classifier_model::Model, DbErr> {
    m.insert(db).await
}

/// Records how a retraining ended: its status, label set, data hash and metrics.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    version: &str,
    status: &str,
    label_set_hash: &str,
    data_hash: Option<String>,
    metrics: String,
) -> Result<classifier_model::Model, DbErr> {
    let row = model(db, version)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(version.to_string()))?;
    let mut am: classifier_model::ActiveModel = row.into();
    am.status = Set(status.to_string());
    am.label_set_hash = Set(label_set_hash.to_string());
    am.data_hash = Set(data_hash);
    am.metrics = Set(metrics);
    am.update(db).await
}

/// Marks retrainings started before `before` and still TRAINING as FAILED (their replica
/// stopped).
pub async fn fail_stale_training<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let r = classifier_model::Entity::update_many()
        .col_expr(
            classifier_model::Column::Status,
            sea_orm::sea_query::Expr::value("FAILED"),
        )
        .col_expr(
            classifier_model::Column::Metrics,
            sea_orm::sea_query::Expr::value(
                r#"{"reasons":["interrupted: the replica running it stopped"]}"#,
            ),
        )
        .filter(classifier_model::Column::Status.eq("TRAINING"))
        .filter(classifier_model::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

/// Retires the active version and activates `version` (inside the caller's transaction; the
/// partial unique index refuses a second active row if two promotions race).
pub async fn activate<C: ConnectionTrait>(
    db: &C,
    version: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<classifier_model::Model, DbErr> {
    if let Some(cur) = active(db).await? {
        if cur.version == version {
            return Ok(cur);
        }
        let mut am: classifier_model::ActiveModel = cur.into();
        am.status = Set("RETIRED".into());
        am.update(db).await?;
    }
    let target = model(db, version)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(version.to_string()))?;
    let mut am: classifier_model::ActiveModel = target.into();
    am.status = Set("ACTIVE".into());
    am.promoted_by = Set(Some(by.to_string()));
    am.promoted_at = Set(Some(at));
    am.update(db).await
}

/// Acceptance of the model's top-1 suggestion by clerks, per model version, final triplet and
/// week (weeks start on Sunday, the Israeli working week; UTC dates).
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct WeeklyAcceptanceRow {
    pub model_version: String,
    pub final_triplet_code: String,
    pub week: String,
    pub validated: i64,
    pub accepted: i64,
}

pub async fn weekly_acceptance(db: &DatabaseConnection) -> Result<Vec<WeeklyAcceptanceRow>, DbErr> {
    let backend = db.get_database_backend();
    let week = match backend {
        DbBackend::Postgres => {
            "to_char(date_trunc('week', v.created_at + interval '1 day') - interval '1 day', 'YYYY-MM-DD')"
        }
        _ => "date(v.created_at, '+1 day', 'weekday 0', '-7 days')",
    };
    let sql = format!(
        "SELECT v.model_version AS model_version, v.final_triplet_code AS final_triplet_code, \
                {week} AS week, COUNT(*) AS validated, \
                SUM(CASE WHEN v.final_triplet_code = v.suggested_top1 THEN 1 ELSE 0 END) AS accepted \
         FROM triplet_validations v \
         WHERE v.superseded_at IS NULL AND v.suggested_top1 IS NOT NULL \
           AND v.model_version IS NOT NULL \
         GROUP BY v.model_version, v.final_triplet_code, {week}"
    );
    WeeklyAcceptanceRow::find_by_statement(Statement::from_string(backend, sql))
        .all(db)
        .await
}
