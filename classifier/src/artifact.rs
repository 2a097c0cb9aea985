//! Model artifacts: `models/triplet/<version>/` with `model.safetensors`, `tokenizer.json`,
//! `labels.json`, `manifest.json` (and `CARD.md`, written by the CLI).
//!
//! `VarMap::save` writes no metadata, so everything needed to reproduce the features (label set
//! and its hash, hashing seed, bucket count, normalisation version) and to use the scores
//! (temperature, abstain threshold) lives in the manifest, checked at load.
//!
//! Owns: the artifact layout and its consistency checks. Must not: train or evaluate.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use crate::ClassifierError;
use crate::eval::Metrics;
use crate::features::{FeatureConfig, NORMALISATION_VERSION};
use crate::model::{Hierarchy, Model};
use crate::train::TrainConfig;

/// File names inside a version directory.
pub const WEIGHTS: &str = "model.safetensors";
/// Tokenizer file.
pub const TOKENIZER: &str = "tokenizer.json";
/// Labels file (JSON array of leaf codes, in output order).
pub const LABELS: &str = "labels.json";
/// Manifest file.
pub const MANIFEST: &str = "manifest.json";

/// Metrics stored in the manifest.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct StoredMetrics {
    /// On the dev split.
    pub dev: Option<Metrics>,
    /// On the test split.
    pub test: Option<Metrics>,
}

/// `manifest.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Version string (directory name), e.g. `v1`.
    pub version: String,
    /// Model family.
    pub architecture: String,
    /// Leaf codes in output order.
    pub labels: Vec<String>,
    /// SHA-256 of the labels joined by `\n`.
    pub label_set_hash: String,
    /// Hashing seed, bucket count and n-gram range.
    pub features: FeatureConfig,
    /// Normalisation rules version ([`NORMALISATION_VERSION`]).
    pub normalisation_version: u32,
    /// Embedding dimension.
    pub dim: usize,
    /// Softmax temperature fitted on dev.
    pub temperature: f32,
    /// Abstain when the top-1 probability is below this.
    pub abstain_threshold: f32,
    /// Training hyperparameters (including the seed).
    pub train_config: TrainConfig,
    /// Epoch kept.
    pub best_epoch: usize,
    /// Dev top-1 per epoch.
    pub dev_top1_by_epoch: Vec<f32>,
    /// Training wall-clock seconds (tokenizer + model + calibration).
    pub training_seconds: f64,
    /// Examples per split.
    pub data_counts: BTreeMap<String, usize>,
    /// SHA-256 of each data file used.
    pub data_hashes: BTreeMap<String, String>,
    /// Metrics on dev and test.
    pub metrics: StoredMetrics,
    /// Version this one was fine-tuned from (none: trained from scratch).
    pub parent_version: Option<String>,
    /// For a fine-tuned version: the training configuration of the version trained from scratch
    /// at the root of its lineage. Each retraining scales the learning rates from it, not from
    /// the parent's already scaled ones (which would shrink them at every generation).
    #[serde(default)]
    pub root_train_config: Option<TrainConfig>,
}

/// SHA-256 of the label list.
pub fn label_set_hash(labels: &[String]) -> String {
    hex(&Sha256::digest(labels.join("\n").as_bytes()))
}

/// SHA-256 of a file, hex.
pub fn file_hash(path: &Path) -> Result<String, ClassifierError> {
    let b = std::fs::read(path)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", path.display())))?;
    Ok(hex(&Sha256::digest(&b)))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn write(path: &Path, s: &str) -> Result<(), ClassifierError> {
    std::fs::write(path, s)
        .map_err(|e| ClassifierError::Load(format!("cannot write {}: {e}", path.display())))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, ClassifierError> {
    serde_json::to_string_pretty(v).map_err(|e| ClassifierError::Load(e.to_string()))
}

/// Writes the weights, tokenizer, labels and manifest into `dir` (created if needed).
pub fn save(
    dir: &Path,
    model: &Model,
    tokenizer: &Tokenizer,
    manifest: &Manifest,
) -> Result<(), ClassifierError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ClassifierError::Load(format!("cannot create {}: {e}", dir.display())))?;
    model.save(&dir.join(WEIGHTS))?;
    crate::tokenize::save_tokenizer(tokenizer, &dir.join(TOKENIZER))?;
    write(&dir.join(LABELS), &json(&manifest.labels)?)?;
    write_manifest(dir, manifest)
}

/// Rewrites `manifest.json` (e.g. after evaluating on test).
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), ClassifierError> {
    write(&dir.join(MANIFEST), &json(manifest)?)
}

/// Reads `manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, ClassifierError> {
    let p = dir.join(MANIFEST);
    let s = std::fs::read_to_string(&p)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", p.display())))?;
    serde_json::from_str(&s).map_err(|e| ClassifierError::Load(format!("{}: {e}", p.display())))
}

/// A loaded artifact.
pub struct Loaded {
    /// Manifest.
    pub manifest: Manifest,
    /// Labels.
    pub hierarchy: Hierarchy,
    /// Weights.
    pub model: Model,
    /// Tokenizer.
    pub tokenizer: Tokenizer,
}

/// Loads and cross-checks an artifact directory.
pub fn load(dir: &Path) -> Result<Loaded, ClassifierError> {
    let manifest = read_manifest(dir)?;
    if manifest.normalisation_version != NORMALISATION_VERSION {
        return Err(ClassifierError::Load(format!(
            "model uses normalisation v{}, this build implements v{NORMALISATION_VERSION}",
            manifest.normalisation_version
        )));
    }
    let lp = dir.join(LABELS);
    let ls = std::fs::read_to_string(&lp)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", lp.display())))?;
    let labels: Vec<String> = serde_json::from_str(&ls)
        .map_err(|e| ClassifierError::Load(format!("{}: {e}", lp.display())))?;
    if labels != manifest.labels || label_set_hash(&labels) != manifest.label_set_hash {
        return Err(ClassifierError::Load(
            "labels.json does not match the manifest's label set".into(),
        ));
    }
    let hierarchy = Hierarchy::new(&labels);
    if hierarchy.leaves != labels {
        return Err(ClassifierError::Load(
            "labels.json must be sorted and unique".into(),
        ));
    }
    let mut model = Model::load(&dir.join(WEIGHTS), &hierarchy)?;
    model.heads.hier_weight = f64::from(manifest.train_config.hier_weight);
    if model.dim != manifest.dim || model.buckets != manifest.features.buckets as usize {
        return Err(ClassifierError::Load(
            "weights do not match the manifest's dimensions".into(),
        ));
    }
    let tokenizer = crate::tokenize::load_tokenizer(&dir.join(TOKENIZER))?;
    Ok(Loaded {
        manifest,
        hierarchy,
        model,
        tokenizer,
    })
}
