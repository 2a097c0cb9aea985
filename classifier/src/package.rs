//! Trains a version from a data directory and writes everything a release carries: weights,
//! tokenizer, labels, manifest (with data hashes and dev/test metrics) and the model card. Shared
//! by `classifier train` and the learning bench.

use std::collections::BTreeMap;
use std::path::Path;

use crate::artifact::{self, Manifest, StoredMetrics};
use crate::data::{Example, read_jsonl};
use crate::eval::{self, Metrics};
use crate::features::NORMALISATION_VERSION;
use crate::train::{self, TrainConfig};
use crate::{Classifier, ClassifierError, card};

/// What training a version produced.
#[derive(Debug, Clone)]
pub struct Built {
    pub manifest: Manifest,
    pub dev: Metrics,
    /// On `test.jsonl` when the data directory has one and it was asked for.
    pub test: Option<Metrics>,
    /// Bytes of the artifact directory.
    pub bytes: u64,
}

fn read(path: &Path) -> Result<Vec<Example>, ClassifierError> {
    let (ex, bad) = read_jsonl(path)?;
    if bad > 0 {
        return Err(ClassifierError::Load(format!(
            "{}: {bad} unparsable lines",
            path.display()
        )));
    }
    Ok(ex)
}

/// Trains on `data/train.jsonl`, selects and calibrates on `data/dev.jsonl`, evaluates on
/// `data/test.jsonl` when `with_test` and it exists, and writes the version into `out` (its last
/// path component is the version). `labels` adds leaves the training data may lack (the model
/// then knows them, so a later fine-tuning on feedback can teach them).
pub fn train_version(
    data: &Path,
    out: &Path,
    cfg: TrainConfig,
    labels: &[String],
    with_test: bool,
) -> Result<Built, ClassifierError> {
    let version = out
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or_else(|| ClassifierError::Load("the output needs a version directory".into()))?;
    let (tr_path, dv_path, te_path) = (
        data.join("train.jsonl"),
        data.join("dev.jsonl"),
        data.join("test.jsonl"),
    );
    let (tr, dv) = (read(&tr_path)?, read(&dv_path)?);
    let trained = train::train_with_labels(&tr, &dv, labels, &cfg)?;
    let mut hashes = BTreeMap::new();
    hashes.insert("train.jsonl".to_string(), artifact::file_hash(&tr_path)?);
    hashes.insert("dev.jsonl".to_string(), artifact::file_hash(&dv_path)?);
    let mut counts = BTreeMap::new();
    counts.insert("train".to_string(), tr.len());
    counts.insert("dev".to_string(), dv.len());
    let labels = trained.hierarchy.leaves.clone();
    let mut manifest = Manifest {
        version,
        architecture: "hashed embedding bag (words, bigrams, prefix-stripped stems, char 2-5-grams, WordPiece subwords) + leaf/secondary/main linear heads, hierarchy-combined leaf scores".into(),
        label_set_hash: artifact::label_set_hash(&labels),
        labels,
        features: cfg.features,
        normalisation_version: NORMALISATION_VERSION,
        dim: cfg.dim,
        temperature: trained.temperature,
        abstain_threshold: trained.abstain_threshold,
        train_config: cfg,
        best_epoch: trained.best_epoch,
        dev_top1_by_epoch: trained.dev_top1_by_epoch.clone(),
        training_seconds: trained.train_seconds,
        data_counts: counts,
        data_hashes: hashes,
        metrics: StoredMetrics::default(),
        parent_version: None,
        root_train_config: None,
    };
    artifact::save(out, &trained.model, &trained.tokenizer, &manifest)?;
    let clf = Classifier::load(out)?;
    let dev = eval::evaluate(&clf, &dv)?;
    let test = if with_test && te_path.exists() {
        let te = read(&te_path)?;
        manifest
            .data_hashes
            .insert("test.jsonl".into(), artifact::file_hash(&te_path)?);
        manifest.data_counts.insert("test".into(), te.len());
        Some(eval::evaluate(&clf, &te)?)
    } else {
        None
    };
    manifest.metrics = StoredMetrics {
        dev: Some(dev.clone()),
        test: test.clone(),
    };
    artifact::write_manifest(out, &manifest)?;
    let bytes = dir_size(out);
    std::fs::write(out.join("CARD.md"), card::model_card(&manifest, bytes))
        .map_err(|e| ClassifierError::Load(format!("cannot write the card: {e}")))?;
    Ok(Built {
        manifest,
        dev,
        test,
        bytes,
    })
}

/// Total size of the files directly in `dir`.
pub fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
