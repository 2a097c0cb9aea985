//! The classifier learns from clerks (directive §5.1.1, R8): feedback for data scientists with
//! personal data redacted, retraining with a promotion gate, the model registry, promotion and
//! rollback, and hot reload on every replica.
//!
//! The registry rows live in the database; the artifacts on disk under `models_dir`
//! (`triplet/<version>/`). The database says which version is ACTIVE; each replica loads it at
//! start, on a reload signal (Redis pub/sub, or in-process), and on the scheduler's check.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use classifier::data::Example;
use entity::classifier_model;
use sea_orm::{ActiveValue::Set, TransactionTrait};

use crate::domain::error::{DomainError, ErrorCode};
use crate::domain::redact::redact;
use crate::domain::{Role, principal::PrincipalKind};
use crate::infra::locks::JobLock;
use crate::service::inquiries::{Actor, Services};
use crate::store::{learning as store, writes};

/// A clerk's current verdict as data scientists see it: the text with personal data redacted.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedbackItem {
    /// Validation id (a cursor: export after it).
    pub id: i64,
    /// The inquiry's text as the model saw it, redacted.
    pub text: String,
    /// The final (right) triplet.
    pub label: String,
    pub verdict: String,
    pub customer_label: String,
    pub model_version: Option<String>,
    pub suggested_top1: Option<String>,
    pub validated_at: DateTime<Utc>,
}

fn to_item(r: store::FeedbackRow) -> FeedbackItem {
    let mut names = vec![r.customer_first_name, r.customer_last_name];
    names.extend(r.rep_first_name);
    names.extend(r.rep_last_name);
    FeedbackItem {
        id: r.id,
        text: redact(&r.body, &names),
        label: r.final_triplet_code,
        verdict: r.verdict,
        customer_label: r.customer_triplet_code,
        model_version: r.model_version,
        suggested_top1: r.suggested_top1,
        validated_at: r.created_at,
    }
}

fn require_data_scientist(actor: &Actor) -> Result<(), DomainError> {
    if actor.principal.has(Role::DataScientist) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "classifier operations are for data scientists",
        ))
    }
}

/// A page of feedback after validation `after` (redacted).
pub async fn feedback(
    svc: &Services,
    actor: &Actor,
    after: i64,
    limit: u64,
) -> Result<Vec<FeedbackItem>, DomainError> {
    require_data_scientist(actor)?;
    let rows = store::feedback_rows(&svc.db, after, limit.clamp(1, 1000)).await?;
    Ok(rows.into_iter().map(to_item).collect())
}

/// Every current validation, redacted, oldest first.
pub async fn all_feedback(
    db: &sea_orm::DatabaseConnection,
) -> Result<Vec<FeedbackItem>, DomainError> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = store::feedback_rows(db, after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        out.extend(page.into_iter().map(to_item));
    }
    Ok(out)
}

/// `api export-feedback`: writes every current validation as JSONL (`text`, `label`, ...).
pub async fn export_feedback(
    db: &sea_orm::DatabaseConnection,
    out: &Path,
) -> Result<usize, DomainError> {
    use std::io::Write;
    let items = all_feedback(db).await?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out).map_err(DomainError::internal)?);
    for i in &items {
        let line = serde_json::to_string(i).map_err(DomainError::internal)?;
        writeln!(f, "{line}").map_err(DomainError::internal)?;
    }
    f.flush().map_err(DomainError::internal)?;
    Ok(items.len())
}

fn version_dir(svc: &Services, version: &str) -> PathBuf {
    svc.settings.models_dir.join("triplet").join(version)
}

fn artifact_error(e: impl std::fmt::Display) -> DomainError {
    DomainError::new(
        ErrorCode::ModelArtifactInvalid,
        format!("the model's artifact cannot be loaded: {e}"),
    )
}

async fn load_version(
    svc: &Services,
    version: &str,
) -> Result<classifier::Classifier, DomainError> {
    let dir = version_dir(svc, version);
    tokio::task::spawn_blocking(move || classifier::Classifier::load(&dir))
        .await
        .map_err(DomainError::internal)?
        .map_err(artifact_error)
}

fn who(actor: &Actor) -> String {
    match actor.principal.kind {
        PrincipalKind::Staff(id) => format!("user:{id}"),
        PrincipalKind::Customer(id) => format!("customer:{id}"),
        PrincipalKind::Representative(id) => format!("representative:{id}"),
    }
}

async fn audit<C: sea_orm::ConnectionTrait>(
    svc: &Services,
    db: &C,
    actor: &Actor,
    operation: &str,
    version: &str,
    details: String,
) -> Result<(), DomainError> {
    writes::append_audit(
        db,
        writes::AuditRow {
            details: Some(details),
            ..actor.audit_row(
                svc.now(),
                operation,
                Some("ClassifierModel"),
                version.into(),
                "model",
            )
        },
    )
    .await?;
    Ok(())
}

/// At start: registers the bundled model (`models/triplet/CURRENT`) when the registry does not
/// know it — as ACTIVE in an empty registry, as a CANDIDATE beside earlier versions (a release
/// that ships a new model leaves the choice to the data scientists) — and makes this replica
/// serve the registry's ACTIVE version.
pub async fn bootstrap(svc: &Services) -> Result<(), DomainError> {
    if let Some(version) = svc.suggestions.version()
        && store::model(&svc.db, &version).await?.is_none()
    {
        let status = if store::models(&svc.db).await?.is_empty() {
            "ACTIVE"
        } else {
            "CANDIDATE"
        };
        register_bundled(svc, &version, status).await?;
    }
    match store::active(&svc.db).await? {
        Some(active) => sync_active(svc, &active.version).await,
        None => Ok(()),
    }
}

async fn register_bundled(svc: &Services, version: &str, status: &str) -> Result<(), DomainError> {
    let manifest =
        classifier::artifact::read_manifest(&version_dir(svc, version)).map_err(artifact_error)?;
    let active = status == "ACTIVE";
    let row = classifier_model::ActiveModel {
        version: Set(version.to_string()),
        parent_version: Set(manifest.parent_version.clone()),
        status: Set(status.into()),
        path: Set(format!("triplet/{version}")),
        label_set_hash: Set(manifest.label_set_hash.clone()),
        data_hash: Set(manifest.data_hashes.get("train.jsonl").cloned()),
        metrics: Set(
            serde_json::json!({ "dev": manifest.metrics.dev, "test": manifest.metrics.test })
                .to_string(),
        ),
        trained_by: Set(Some("bundled".into())),
        promoted_by: Set(active.then(|| "bundled".into())),
        created_at: Set(svc.now()),
        promoted_at: Set(active.then(|| svc.now())),
        ..Default::default()
    };
    // Two replicas starting together: one insert wins, the other sees a duplicate.
    if let Err(e) = store::insert(&svc.db, row).await {
        tracing::debug!(error = %e, "bundled model already registered");
    }
    Ok(())
}

/// Makes this replica serve `version` if it does not already (hot reload). A version that
/// cannot be loaded leaves the current model serving.
pub async fn sync_active(svc: &Services, version: &str) -> Result<(), DomainError> {
    if svc.suggestions.version().as_deref() == Some(version) {
        return Ok(());
    }
    let model = load_version(svc, version).await?;
    svc.suggestions.replace(model);
    tracing::info!(version, "triplet classifier reloaded");
    Ok(())
}

/// The scheduler's check: the registry's ACTIVE version is the one served here (covers a
/// reload signal this replica missed).
pub async fn reconcile(svc: &Services) -> Result<(), DomainError> {
    // A run whose replica stopped: its lock has expired, so it will never finish.
    let before =
        svc.now() - chrono::Duration::from_std(RETRAIN_TTL).map_err(DomainError::internal)?;
    store::fail_stale_training(&svc.db, before).await?;
    if let Some(active) = store::active(&svc.db).await? {
        sync_active(svc, &active.version).await?;
    }
    Ok(())
}

/// Listens for reload signals for the life of the process.
pub fn spawn_reloader(svc: Arc<Services>) {
    let mut rx = svc.events.subscribe_models();
    tokio::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(version) => {
                    if let Err(e) = sync_active(&svc, &version).await {
                        tracing::error!(version, error = %e.message, "model reload failed; the previous model keeps serving");
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let _ = reconcile(&svc).await;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// `promoteClassifierModel`: activates a registered version (or an earlier one: rollback) on
/// every replica. Refused for a missing or rejected version and for an artifact that does not
/// load; in each case the active model keeps serving.
pub async fn promote(
    svc: &Services,
    actor: &Actor,
    version: &str,
) -> Result<classifier_model::Model, DomainError> {
    require_data_scientist(actor)?;
    let row = store::model(&svc.db, version)
        .await?
        .ok_or_else(|| DomainError::not_found("classifier model"))?;
    match row.status.as_str() {
        "REJECTED" => {
            return Err(DomainError::invalid_transition(
                "a version rejected by the promotion gate cannot be promoted",
            ));
        }
        "TRAINING" | "FAILED" => {
            return Err(DomainError::invalid_transition(format!(
                "version {version} is {}: only trained versions can be promoted",
                row.status
            )));
        }
        _ => {}
    }
    let model = load_version(svc, version).await?;
    let txn = svc.db.begin().await?;
    let updated = activate(svc, &txn, actor, version).await?;
    txn.commit().await?;
    serve(svc, version, model);
    Ok(updated)
}

/// Makes `version` the registry's ACTIVE one (inside the caller's transaction), audited.
async fn activate(
    svc: &Services,
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    version: &str,
) -> Result<classifier_model::Model, DomainError> {
    let previous = store::active(txn).await?.map(|m| m.version);
    let updated = store::activate(txn, version, &who(actor), svc.now()).await?;
    audit(
        svc,
        txn,
        actor,
        "promoteClassifierModel",
        version,
        format!("previous {}", previous.as_deref().unwrap_or("none")),
    )
    .await?;
    Ok(updated)
}

/// After the commit: this replica serves the model at once, the others on the signal.
fn serve(svc: &Services, version: &str, model: classifier::Classifier) {
    svc.suggestions.replace(model);
    svc.events.publish_model(version);
}

/// What `retrainClassifier` asks for.
#[derive(Debug, Clone, Default)]
pub struct RetrainInput {
    /// Overrides the configured tolerance.
    pub tolerance: Option<f64>,
    /// Promote when the gate passes (default true); otherwise the version stays a candidate.
    pub promote: Option<bool>,
}

const RETRAIN_LOCK: &str = "retrain-classifier";
/// Longest a retraining may hold the lock (a crashed replica's run is taken over after it).
const RETRAIN_TTL: Duration = Duration::from_secs(900);

/// `retrainClassifier`: checks the request and the clerks' feedback (redacted) at once, registers
/// the new version as TRAINING and fine-tunes it in the background from the active model, on the
/// feedback mixed with a replay of the training corpus. The run then records the version with
/// its metrics as CANDIDATE (gate passed) or REJECTED, or FAILED, and promotes it when the gate
/// passed and `promote`. One retraining at a time across replicas; the run outlives the request.
pub async fn retrain(
    svc: &Arc<Services>,
    actor: &Actor,
    lock: Arc<dyn JobLock>,
    input: RetrainInput,
) -> Result<classifier_model::Model, DomainError> {
    require_data_scientist(actor)?;
    let tolerance = input.tolerance.unwrap_or(svc.settings.retrain_tolerance);
    if !(0.0..=0.2).contains(&tolerance) {
        return Err(DomainError::validation(
            "tolerance must be between 0 and 0.2 (0.01 = one point of dev top-1)",
        ));
    }
    if !lock.try_acquire(RETRAIN_LOCK, RETRAIN_TTL).await {
        return Err(DomainError::new(
            ErrorCode::Conflict,
            "a retraining is already running",
        ));
    }
    match start_retrain(svc, actor, tolerance).await {
        Ok((row, job)) => {
            let (svc, actor) = (svc.clone(), actor.clone());
            let promote_when_passed = input.promote.unwrap_or(true);
            tokio::spawn(async move {
                let version = job.version.clone();
                if let Err(e) = finish_retrain(&svc, &actor, job, promote_when_passed).await {
                    tracing::error!(version, error = %e.message, "retraining failed");
                    let _ = fail(&svc, &actor, &version, &e.message).await;
                }
                lock.release(RETRAIN_LOCK).await;
            });
            Ok(row)
        }
        Err(e) => {
            lock.release(RETRAIN_LOCK).await;
            Err(e)
        }
    }
}

/// A retraining checked and registered, not yet run.
struct RetrainJob {
    version: String,
    base: String,
    prepared: classifier::retrain::Prepared,
    replay: Vec<Example>,
    dev: Vec<Example>,
    out: PathBuf,
    cfg: classifier::retrain::RetrainConfig,
}

async fn start_retrain(
    svc: &Services,
    actor: &Actor,
    tolerance: f64,
) -> Result<(classifier_model::Model, RetrainJob), DomainError> {
    let base = match store::active(&svc.db).await? {
        Some(m) => m.version,
        None => svc.suggestions.version().ok_or_else(|| {
            DomainError::new(ErrorCode::Internal, "no active classifier model to retrain")
        })?,
    };
    let feedback: Vec<Example> = all_feedback(&svc.db)
        .await?
        .into_iter()
        .map(|i| Example {
            text: i.text,
            label: i.label,
        })
        .collect();
    if feedback.is_empty() {
        return Err(DomainError::validation(
            "there is no clerks' feedback to retrain on",
        ));
    }
    let data = svc.settings.classifier_data_dir.clone();
    let cfg = classifier::retrain::RetrainConfig {
        tolerance,
        ..Default::default()
    };
    let base_dir = version_dir(svc, &base);
    let check_cfg = cfg.clone();
    let (prepared, replay, dev) = tokio::task::spawn_blocking(move || {
        let read = |name: &str| {
            classifier::data::read_jsonl(&data.join(name))
                .map(|(ex, _)| ex)
                .map_err(|e| DomainError::internal(format!("the retraining corpus: {e}")))
        };
        let prepared = classifier::retrain::prepare(&base_dir, &feedback, &check_cfg).map_err(
            |e| match e {
                classifier::ClassifierError::Load(m) => DomainError::validation(m),
                other => DomainError::internal(other),
            },
        )?;
        Ok::<_, DomainError>((prepared, read("train.jsonl")?, read("dev.jsonl")?))
    })
    .await
    .map_err(DomainError::internal)??;
    let version = next_version(svc).await?;
    let txn = svc.db.begin().await?;
    let row = store::insert(
        &txn,
        classifier_model::ActiveModel {
            version: Set(version.clone()),
            parent_version: Set(Some(base.clone())),
            status: Set("TRAINING".into()),
            path: Set(format!("triplet/{version}")),
            label_set_hash: Set(String::new()),
            data_hash: Set(None),
            metrics: Set(serde_json::json!({
                "feedback_train": prepared.train_count(),
                "feedback_held_back": prepared.held_back_count(),
            })
            .to_string()),
            trained_by: Set(Some(who(actor))),
            promoted_by: Set(None),
            created_at: Set(svc.now()),
            promoted_at: Set(None),
            ..Default::default()
        },
    )
    .await?;
    audit(
        svc,
        &txn,
        actor,
        "retrainClassifier",
        &version,
        format!("started from {base}"),
    )
    .await?;
    txn.commit().await?;
    let out = version_dir(svc, &version);
    Ok((
        row,
        RetrainJob {
            version,
            base,
            prepared,
            replay,
            dev,
            out,
            cfg,
        },
    ))
}

async fn finish_retrain(
    svc: &Services,
    actor: &Actor,
    job: RetrainJob,
    promote_when_passed: bool,
) -> Result<(), DomainError> {
    let RetrainJob {
        version,
        base,
        prepared,
        replay,
        dev,
        out,
        cfg,
    } = job;
    let out_dir = out.clone();
    let report = tokio::task::spawn_blocking(move || {
        classifier::retrain::run(prepared, &replay, &dev, &out_dir, &cfg)
    })
    .await
    .map_err(DomainError::internal)?;
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            // Nothing half-written: a failed run leaves no version directory behind.
            let _ = std::fs::remove_dir_all(&out);
            return Err(DomainError::internal(e));
        }
    };
    let manifest = classifier::artifact::read_manifest(&out).map_err(artifact_error)?;
    let status = if report.passed {
        "CANDIDATE"
    } else {
        "REJECTED"
    };
    // A version that passed and is to be promoted becomes ACTIVE in the same transaction, so
    // nobody sees it as a candidate in between.
    let model = if report.passed && promote_when_passed {
        Some(load_version(svc, &version).await?)
    } else {
        None
    };
    let txn = svc.db.begin().await?;
    let outcome = Outcome {
        status,
        label_set_hash: &manifest.label_set_hash,
        data_hash: report.data_hashes.get("feedback").cloned(),
        metrics: serde_json::to_string(&report).map_err(DomainError::internal)?,
    };
    let details = format!("{status} from {base}: {}", report.reasons.join("; "));
    record_outcome(svc, &txn, actor, &version, outcome, details).await?;
    if model.is_some() {
        activate(svc, &txn, actor, &version).await?;
    }
    txn.commit().await?;
    if let Some(model) = model {
        serve(svc, &version, model);
    }
    Ok(())
}

/// Records a run that did not finish (its reason in the metrics).
async fn fail(
    svc: &Services,
    actor: &Actor,
    version: &str,
    reason: &str,
) -> Result<(), DomainError> {
    let txn = svc.db.begin().await?;
    let outcome = Outcome {
        status: "FAILED",
        label_set_hash: "",
        data_hash: None,
        metrics: serde_json::json!({ "reasons": [reason] }).to_string(),
    };
    record_outcome(
        svc,
        &txn,
        actor,
        version,
        outcome,
        format!("FAILED: {reason}"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// How a retraining ended, as the registry row records it.
struct Outcome<'a> {
    status: &'a str,
    label_set_hash: &'a str,
    data_hash: Option<String>,
    metrics: String,
}

/// Writes a run's outcome on its registry row and audits it (inside the caller's transaction).
async fn record_outcome(
    svc: &Services,
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    version: &str,
    o: Outcome<'_>,
    details: String,
) -> Result<(), DomainError> {
    store::finish(
        txn,
        version,
        o.status,
        o.label_set_hash,
        o.data_hash,
        o.metrics,
    )
    .await?;
    audit(svc, txn, actor, "retrainClassifier", version, details).await
}

/// `v<n+1>` after the highest numbered version in the registry or on disk.
async fn next_version(svc: &Services) -> Result<String, DomainError> {
    let num = |v: &str| v.strip_prefix('v').and_then(|n| n.parse::<u32>().ok());
    let mut n = store::models(&svc.db)
        .await?
        .iter()
        .filter_map(|m| num(&m.version))
        .max()
        .unwrap_or(0);
    if let Ok(rd) = std::fs::read_dir(svc.settings.models_dir.join("triplet")) {
        for e in rd.filter_map(Result::ok) {
            if let Some(k) = num(&e.file_name().to_string_lossy()) {
                n = n.max(k);
            }
        }
    }
    Ok(format!("v{}", n + 1))
}
