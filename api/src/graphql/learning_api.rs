//! Classifier operations for data scientists (§5.1.1, R8): the model registry with acceptance
//! per version, main topic and week; redacted feedback; retraining and promotion (rollback is
//! promoting an earlier version). Thin: the rules live in `service::learning`.

use std::collections::BTreeMap;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::classifier_model;

use super::context::CtxExt;
use super::dashboard_api::{Acceptance, TopicAcceptance, by_main_topic, main_topic_of};
use super::errors::{ApiError, GqlResult};
use crate::service::learning;
use crate::store::learning::WeeklyAcceptanceRow;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ClassifierModelStatus {
    /// Being retrained in the background; poll `classifierModels`.
    Training,
    /// The retraining did not finish (see `gateReasons`); nothing to promote.
    Failed,
    /// Passed the promotion gate; not serving.
    Candidate,
    /// Serving on every replica.
    Active,
    /// Failed the promotion gate; cannot be promoted.
    Rejected,
    /// Served before; can be promoted again (rollback).
    Retired,
}

/// Acceptance of one week (weeks start on Sunday).
#[derive(SimpleObject)]
pub struct WeekAcceptance {
    /// The week's Sunday, `YYYY-MM-DD`.
    pub week: String,
    pub acceptance: Acceptance,
}

/// How often clerks kept this version's top-1 suggestion.
#[derive(SimpleObject)]
pub struct ModelAcceptanceDetail {
    pub total: Acceptance,
    pub by_main_topic: Vec<TopicAcceptance>,
    pub by_week: Vec<WeekAcceptance>,
}

/// A registered classifier version.
pub struct ClassifierModel {
    pub row: classifier_model::Model,
    /// Every version's rows, read once per `classifierModels` and shared by its versions.
    pub acceptance: std::sync::Arc<Vec<WeeklyAcceptanceRow>>,
}

impl ClassifierModel {
    fn metric(&self, path: &[&str]) -> Option<f64> {
        let v: serde_json::Value = serde_json::from_str(&self.row.metrics).ok()?;
        path.iter().try_fold(&v, |v, k| v.get(k))?.as_f64()
    }
}

#[Object]
impl ClassifierModel {
    async fn version(&self) -> &str {
        &self.row.version
    }
    async fn parent_version(&self) -> Option<&str> {
        self.row.parent_version.as_deref()
    }
    async fn status(&self) -> ClassifierModelStatus {
        match self.row.status.as_str() {
            "ACTIVE" => ClassifierModelStatus::Active,
            "REJECTED" => ClassifierModelStatus::Rejected,
            "RETIRED" => ClassifierModelStatus::Retired,
            "TRAINING" => ClassifierModelStatus::Training,
            "FAILED" => ClassifierModelStatus::Failed,
            _ => ClassifierModelStatus::Candidate,
        }
    }
    /// `user:<id>` of who trained it (`bundled` for the model shipped with the release).
    async fn trained_by(&self) -> Option<&str> {
        self.row.trained_by.as_deref()
    }
    async fn promoted_by(&self) -> Option<&str> {
        self.row.promoted_by.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    async fn promoted_at(&self) -> Option<DateTime<Utc>> {
        self.row.promoted_at
    }
    /// SHA-256 of the training data (the feedback for a retrained version).
    async fn data_hash(&self) -> Option<&str> {
        self.row.data_hash.as_deref()
    }
    async fn label_set_hash(&self) -> &str {
        &self.row.label_set_hash
    }
    /// Leaf top-1 on the fixed dev set.
    async fn dev_top1(&self) -> Option<f64> {
        self.metric(&["dev_after", "top1"])
            .or_else(|| self.metric(&["dev", "top1"]))
    }
    /// Dev top-1 of the parent, measured in the same run (retrained versions).
    async fn parent_dev_top1(&self) -> Option<f64> {
        self.metric(&["dev_before", "top1"])
    }
    /// Top-1 on feedback held back from training, before (parent) and after (this version).
    async fn feedback_top1_before(&self) -> Option<f64> {
        self.metric(&["feedback_before", "top1"])
    }
    async fn feedback_top1_after(&self) -> Option<f64> {
        self.metric(&["feedback_after", "top1"])
    }
    async fn training_seconds(&self) -> Option<f64> {
        self.metric(&["training_seconds"])
    }
    /// The promotion gate's reasons, in words (retrained versions).
    async fn gate_reasons(&self) -> Vec<String> {
        serde_json::from_str::<serde_json::Value>(&self.row.metrics)
            .ok()
            .and_then(|v| v.get("reasons").cloned())
            .and_then(|r| serde_json::from_value(r).ok())
            .unwrap_or_default()
    }
    /// Every metric as recorded, JSON.
    async fn metrics_json(&self) -> &str {
        &self.row.metrics
    }
    /// Clerks' acceptance of this version's top-1 suggestion, in total, per main topic and per week.
    async fn acceptance(&self, ctx: &Context<'_>) -> GqlResult<ModelAcceptanceDetail> {
        let reference = &ctx.shared()?.reference;
        let mut total = (0, 0);
        let mut topics: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut weeks: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for r in self
            .acceptance
            .iter()
            .filter(|r| r.model_version == self.row.version)
        {
            let main = main_topic_of(reference, &r.final_triplet_code);
            for acc in [
                topics.entry(main).or_default(),
                weeks.entry(&r.week).or_default(),
                &mut total,
            ] {
                acc.0 += r.validated;
                acc.1 += r.accepted;
            }
        }
        Ok(ModelAcceptanceDetail {
            total: Acceptance::new(total.0, total.1),
            by_main_topic: by_main_topic(reference, topics),
            by_week: weeks
                .into_iter()
                .map(|(w, (n, a))| WeekAcceptance {
                    week: w.to_owned(),
                    acceptance: Acceptance::new(n, a),
                })
                .collect(),
        })
    }
}

/// A clerk's verdict as training data: personal data redacted from the text.
#[derive(SimpleObject)]
pub struct FeedbackExample {
    /// Pass as `after` to read the next page.
    pub cursor: i64,
    pub text: String,
    /// The right triplet (the clerk's final decision).
    pub triplet_code: String,
    pub customer_triplet_code: String,
    /// ACCEPTED or CORRECTED.
    pub verdict: String,
    pub model_version: Option<String>,
    pub suggested_top1: Option<String>,
    pub validated_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct LearningQuery;

#[Object]
impl LearningQuery {
    /// Every registered classifier version, newest first.
    async fn classifier_models(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<Vec<ClassifierModel>>> {
        let r: GqlResult<Vec<ClassifierModel>> = async {
            let (svc, _) = ctx.services()?;
            let rows = crate::store::learning::models(&svc.db)
                .await
                .map_err(ApiError::from)?;
            let acceptance = std::sync::Arc::new(
                crate::store::learning::weekly_acceptance(&svc.db)
                    .await
                    .map_err(ApiError::from)?,
            );
            Ok(rows
                .into_iter()
                .map(|row| ClassifierModel {
                    row,
                    acceptance: acceptance.clone(),
                })
                .collect())
        }
        .await;
        r.map(Some)
    }

    /// Clerks' current triplet validations as training data, oldest first, personal data
    /// redacted (ID, phone, email, file and assessment numbers, the customer's and the
    /// representative's names). At most 1000 per page.
    async fn classifier_feedback(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] after: i64,
        #[graphql(default = 100)] first: i32,
    ) -> GqlResult<Option<Vec<FeedbackExample>>> {
        let r: GqlResult<Vec<FeedbackExample>> = async {
            let (svc, actor) = ctx.services()?;
            if !(1..=1000).contains(&first) {
                return Err(ApiError::validation("first must be between 1 and 1000").into());
            }
            let items = learning::feedback(svc, &actor, after, first as u64).await?;
            Ok(items
                .into_iter()
                .map(|i| FeedbackExample {
                    cursor: i.id,
                    text: i.text,
                    triplet_code: i.label,
                    customer_triplet_code: i.customer_label,
                    verdict: i.verdict,
                    model_version: i.model_version,
                    suggested_top1: i.suggested_top1,
                    validated_at: i.validated_at,
                })
                .collect())
        }
        .await;
        r.map(Some)
    }
}

#[derive(InputObject, Default)]
pub struct RetrainClassifierInput {
    /// Largest dev top-1 loss accepted (default from the configuration, 0.01 = one point).
    pub tolerance: Option<f64>,
    /// Promote the new version when it passes the gate (default true).
    pub promote: Option<bool>,
}

#[derive(InputObject)]
pub struct PromoteClassifierModelInput {
    pub version: String,
}

#[derive(SimpleObject)]
pub struct ClassifierModelPayload {
    pub model: ClassifierModel,
}

#[derive(Default)]
pub struct LearningMutations;

#[Object]
impl LearningMutations {
    /// Starts fine-tuning the active model on the clerks' feedback with a replay of the training
    /// corpus and answers at once with the new version, status TRAINING (bad input and too
    /// little feedback are refused here). In the background the version becomes ACTIVE when it
    /// keeps dev top-1 within the tolerance and improves on held-back feedback (and `promote`),
    /// CANDIDATE when it passes but `promote` is false, REJECTED with its metrics otherwise.
    /// Poll `classifierModels` for the outcome.
    async fn retrain_classifier(
        &self,
        ctx: &Context<'_>,
        input: Option<RetrainClassifierInput>,
    ) -> GqlResult<ClassifierModelPayload> {
        let (_, actor) = ctx.services()?;
        let input = input.unwrap_or_default();
        let shared = ctx.shared()?;
        let row = learning::retrain(
            &shared.services,
            &actor,
            shared.job_lock.clone(),
            learning::RetrainInput {
                tolerance: input.tolerance,
                promote: input.promote,
            },
        )
        .await?;
        Ok(ClassifierModelPayload {
            model: ClassifierModel {
                row,
                acceptance: Default::default(),
            },
        })
    }

    /// Makes a version the active model on every replica, without a restart; promoting an
    /// earlier version is the rollback.
    async fn promote_classifier_model(
        &self,
        ctx: &Context<'_>,
        input: PromoteClassifierModelInput,
    ) -> GqlResult<ClassifierModelPayload> {
        let (svc, actor) = ctx.services()?;
        let row = learning::promote(svc, &actor, input.version.trim()).await?;
        Ok(ClassifierModelPayload {
            model: ClassifierModel {
                row,
                acceptance: Default::default(),
            },
        })
    }
}
