//! Retraining from clerks' feedback (directive §5.1.1, R8): fine-tune the active model on the
//! corrections mixed with a replay of the original training data, evaluate before and after on
//! the fixed dev set and on feedback held back from training, and decide by the promotion gate.
//!
//! Owns: the feedback file contract, the held-back split, the gate. Must not: touch the database
//! or the registry (the API and the CLI record the outcome).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::artifact::{self, StoredMetrics};
use crate::data::Example;
use crate::eval::{self, Metrics};
use crate::features::feature_text;
use crate::{Classifier, ClassifierError, card, train};

/// Retraining settings.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RetrainConfig {
    /// Largest dev top-1 loss (absolute, 0.01 = one point) a promoted model may have.
    pub tolerance: f64,
    /// Share of the feedback held back from training to judge the new model.
    pub holdout_fraction: f64,
    /// How many times each feedback example is repeated in the training mix.
    pub feedback_weight: usize,
    /// Fine-tuning epochs (which one is kept: [`train::Selection::LearnWithin`]).
    pub epochs: usize,
    /// Learning rates of the base's training configuration are multiplied by this.
    pub lr_scale: f32,
    /// Fewest usable feedback examples to retrain on.
    pub min_feedback: usize,
    /// Seed of shuffling and feature dropout.
    pub seed: u64,
}

impl Default for RetrainConfig {
    fn default() -> Self {
        Self {
            tolerance: 0.01,
            holdout_fraction: 0.2,
            feedback_weight: 3,
            epochs: 16,
            lr_scale: 0.15,
            min_feedback: 10,
            seed: 42,
        }
    }
}

/// What a retraining run did and decided.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RetrainReport {
    pub version: String,
    pub parent_version: String,
    /// True when the gate passed: the model may be promoted.
    pub passed: bool,
    /// Why the gate passed or failed, in words.
    pub reasons: Vec<String>,
    pub dev_before: Metrics,
    pub dev_after: Metrics,
    pub feedback_before: Metrics,
    pub feedback_after: Metrics,
    pub feedback_used: usize,
    pub feedback_held_back: usize,
    /// Feedback whose triplet the base model does not know (needs a model trained from scratch).
    pub feedback_unknown_label: usize,
    pub replay_examples: usize,
    pub training_seconds: f64,
    /// SHA-256 of the feedback, replay and dev data.
    pub data_hashes: BTreeMap<String, String>,
    pub tolerance: f64,
}

/// Reads a feedback JSONL file (`{"text", "label", ...}` per line, other fields ignored).
/// Unlike the corpus reader it is strict: a missing, empty or partly unreadable file is an
/// error, because training on half a file would be silently wrong.
pub fn read_feedback(path: &Path) -> Result<Vec<Example>, ClassifierError> {
    let s = std::fs::read_to_string(path).map_err(|e| {
        ClassifierError::Load(format!("cannot read feedback {}: {e}", path.display()))
    })?;
    let mut out = Vec::new();
    for (i, line) in s.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Example>(line) {
            Ok(e) if !e.label.trim().is_empty() && !e.text.trim().is_empty() => out.push(e),
            _ => {
                return Err(ClassifierError::Load(format!(
                    "corrupt feedback file {}: line {} is not {{\"text\", \"label\"}} JSON",
                    path.display(),
                    i + 1
                )));
            }
        }
    }
    if out.is_empty() {
        return Err(ClassifierError::Load(format!(
            "the feedback file {} has no examples",
            path.display()
        )));
    }
    Ok(out)
}

/// Splits feedback into (train, held back) by a hash of the normalised text, so the same text
/// (a duplicate correction) is always on the same side and the split does not depend on order.
pub fn split_feedback(fb: &[Example], holdout_fraction: f64) -> (Vec<Example>, Vec<Example>) {
    let cut = (holdout_fraction.clamp(0.0, 1.0) * 256.0).round() as u32;
    fb.iter().cloned().partition(|e| {
        let h = Sha256::digest(feature_text(&e.text).as_bytes());
        u32::from(h[0]) >= cut
    })
}

fn hash_examples(data: &[Example]) -> String {
    let mut h = Sha256::new();
    for e in data {
        h.update(e.label.as_bytes());
        h.update([0]);
        h.update(e.text.as_bytes());
        h.update([b'\n']);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The promotion gate: dev top-1 may drop by at most `tolerance`, and top-1 on the held-back
/// feedback must improve (or stay perfect).
pub fn gate(
    dev_before: &Metrics,
    dev_after: &Metrics,
    fb_before: &Metrics,
    fb_after: &Metrics,
    tolerance: f64,
) -> (bool, Vec<String>) {
    let mut reasons = Vec::new();
    let dev_ok = dev_after.top1 + 1e-9 >= dev_before.top1 - tolerance;
    reasons.push(format!(
        "dev top-1 {:.3} -> {:.3} ({}; tolerance {:.3})",
        dev_before.top1,
        dev_after.top1,
        if dev_ok { "kept" } else { "lost too much" },
        tolerance
    ));
    let fb_ok = fb_after.top1 > fb_before.top1 || (fb_before.top1 >= 1.0 && fb_after.top1 >= 1.0);
    reasons.push(format!(
        "held-back feedback top-1 {:.3} -> {:.3} ({})",
        fb_before.top1,
        fb_after.top1,
        if fb_ok { "improved" } else { "did not improve" }
    ));
    (dev_ok && fb_ok, reasons)
}

/// Feedback checked against a base model, ready to fine-tune on (see [`prepare`]).
pub struct Prepared {
    base: Classifier,
    loaded: artifact::Loaded,
    /// The whole feedback (hashed into the report).
    feedback: Vec<Example>,
    fb_train: Vec<Example>,
    fb_held: Vec<Example>,
    unknown: usize,
}

impl Prepared {
    /// Feedback examples the new version trains on.
    pub fn train_count(&self) -> usize {
        self.fb_train.len()
    }

    /// Feedback examples held back to judge it.
    pub fn held_back_count(&self) -> usize {
        self.fb_held.len()
    }
}

/// Loads the base model in `base_dir` and checks the feedback before any training: enough
/// examples with a triplet the model knows, some to train on and some to hold back. Quick, so
/// callers can refuse bad input at once and run [`run`] in the background.
pub fn prepare(
    base_dir: &Path,
    feedback: &[Example],
    cfg: &RetrainConfig,
) -> Result<Prepared, ClassifierError> {
    let base = Classifier::load(base_dir)?;
    let loaded = artifact::load(base_dir)?;
    let known = |e: &Example| loaded.hierarchy.leaf_index(&e.label).is_some();
    let unknown = feedback.iter().filter(|e| !known(e)).count();
    let usable: Vec<Example> = feedback.iter().filter(|e| known(e)).cloned().collect();
    if usable.len() < cfg.min_feedback {
        return Err(ClassifierError::Load(format!(
            "{} usable feedback examples; at least {} are needed ({unknown} have a triplet the model does not know)",
            usable.len(),
            cfg.min_feedback
        )));
    }
    let (fb_train, fb_held) = split_feedback(&usable, cfg.holdout_fraction);
    if fb_held.is_empty() || fb_train.is_empty() {
        return Err(ClassifierError::Load(
            "too little feedback to hold some back for judging the new model".into(),
        ));
    }
    Ok(Prepared {
        base,
        loaded,
        feedback: feedback.to_vec(),
        fb_train,
        fb_held,
        unknown,
    })
}

/// Fine-tunes the model in `base_dir` and writes the new version to `out` (its last path
/// component is the version): [`prepare`] then [`run`].
pub fn retrain(
    base_dir: &Path,
    feedback: &[Example],
    replay: &[Example],
    dev: &[Example],
    out: &Path,
    cfg: &RetrainConfig,
) -> Result<RetrainReport, ClassifierError> {
    run(prepare(base_dir, feedback, cfg)?, replay, dev, out, cfg)
}

/// Fine-tunes a prepared base on its feedback mixed with `replay`, judges the result on `dev`
/// and on the held-back feedback, and writes the new version to `out`. The artifact is written
/// whatever the gate decides, so a rejected version can be inspected; the caller records the
/// decision.
pub fn run(
    prepared: Prepared,
    replay: &[Example],
    dev: &[Example],
    out: &Path,
    cfg: &RetrainConfig,
) -> Result<RetrainReport, ClassifierError> {
    let started = Instant::now();
    let version = out
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or_else(|| ClassifierError::Load("the output needs a version directory".into()))?;
    if out.exists() {
        return Err(ClassifierError::Load(format!(
            "{} exists: a version is written once",
            out.display()
        )));
    }
    let Prepared {
        base,
        loaded,
        feedback,
        fb_train,
        fb_held,
        unknown,
    } = prepared;
    let feedback = &feedback[..];
    let dev_before = eval::evaluate(&base, dev)?;
    let feedback_before = eval::evaluate(&base, &fb_held)?;

    let mut mix: Vec<Example> = replay.to_vec();
    for _ in 0..cfg.feedback_weight.max(1) {
        mix.extend(fb_train.iter().cloned());
    }
    // Scale from the lineage's from-scratch configuration, so that the rates stay the same at
    // every generation of retraining.
    let root_cfg = loaded
        .manifest
        .root_train_config
        .clone()
        .unwrap_or_else(|| loaded.manifest.train_config.clone());
    let mut tcfg = root_cfg.clone();
    tcfg.seed = cfg.seed;
    tcfg.epochs = cfg.epochs.max(1);
    tcfg.lr_emb *= cfg.lr_scale;
    tcfg.lr_wide *= cfg.lr_scale;
    tcfg.lr_head *= f64::from(cfg.lr_scale);
    let mut manifest = loaded.manifest.clone();
    // Learn the feedback as far as the forgetting budget allows: half the tolerance, as the
    // epoch is chosen on the float model and the gate judges the stored (quantised) one.
    let select = train::Selection::LearnWithin {
        target: &fb_train,
        dev_floor: (dev_before.top1 - cfg.tolerance / 2.0) as f32,
    };
    let trained = train::fine_tune(loaded, &mix, dev, select, &tcfg)?;

    let mut hashes = BTreeMap::new();
    hashes.insert("feedback".to_string(), hash_examples(feedback));
    hashes.insert("replay".to_string(), hash_examples(replay));
    hashes.insert("dev".to_string(), hash_examples(dev));
    let mut counts = BTreeMap::new();
    counts.insert("feedback_train".to_string(), fb_train.len());
    counts.insert("feedback_held_back".to_string(), fb_held.len());
    counts.insert("replay".to_string(), replay.len());
    counts.insert("dev".to_string(), dev.len());
    manifest.parent_version = Some(manifest.version.clone());
    manifest.version = version.clone();
    manifest.temperature = trained.temperature;
    manifest.abstain_threshold = trained.abstain_threshold;
    manifest.train_config = tcfg;
    manifest.root_train_config = Some(root_cfg);
    manifest.best_epoch = trained.best_epoch;
    manifest.dev_top1_by_epoch = trained.dev_top1_by_epoch.clone();
    manifest.training_seconds = trained.train_seconds;
    manifest.data_counts = counts;
    manifest.data_hashes = hashes.clone();
    manifest.metrics = StoredMetrics::default();
    artifact::save(out, &trained.model, &trained.tokenizer, &manifest)?;
    let new = Classifier::load(out)?;
    let dev_after = eval::evaluate(&new, dev)?;
    let feedback_after = eval::evaluate(&new, &fb_held)?;
    manifest.metrics = StoredMetrics {
        dev: Some(dev_after.clone()),
        test: None,
    };
    artifact::write_manifest(out, &manifest)?;
    let (passed, reasons) = gate(
        &dev_before,
        &dev_after,
        &feedback_before,
        &feedback_after,
        cfg.tolerance,
    );
    let report = RetrainReport {
        version,
        parent_version: manifest.parent_version.clone().unwrap_or_default(),
        passed,
        reasons,
        dev_before,
        dev_after,
        feedback_before,
        feedback_after,
        feedback_used: fb_train.len(),
        feedback_held_back: fb_held.len(),
        feedback_unknown_label: unknown,
        replay_examples: replay.len(),
        training_seconds: started.elapsed().as_secs_f64(),
        data_hashes: hashes,
        tolerance: cfg.tolerance,
    };
    let size = std::fs::read_dir(out)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let mut card = card::model_card(&manifest, size);
    card.push_str(&retrain_section(&report));
    std::fs::write(out.join("CARD.md"), card)
        .map_err(|e| ClassifierError::Load(format!("cannot write the card: {e}")))?;
    std::fs::write(
        out.join("retrain.json"),
        serde_json::to_string_pretty(&report).map_err(|e| ClassifierError::Load(e.to_string()))?,
    )
    .map_err(|e| ClassifierError::Load(format!("cannot write retrain.json: {e}")))?;
    Ok(report)
}

fn retrain_section(r: &RetrainReport) -> String {
    let mut s = format!(
        "\n## Retraining\n\nFine-tuned from `{}` on {} clerks' feedback examples (each repeated in the mix) with a replay of {} original training examples; {} feedback examples held back to judge it; {} skipped (triplet unknown to the model). {:.1} s.\n\n| | before | after |\n|---|---|---|\n",
        r.parent_version,
        r.feedback_used,
        r.replay_examples,
        r.feedback_held_back,
        r.feedback_unknown_label,
        r.training_seconds
    );
    s.push_str(&format!(
        "| dev top-1 | {:.3} | {:.3} |\n| dev main-topic top-1 | {:.3} | {:.3} |\n| held-back feedback top-1 | {:.3} | {:.3} |\n\nGate ({}): {}.\n",
        r.dev_before.top1,
        r.dev_after.top1,
        r.dev_before.main_top1,
        r.dev_after.main_top1,
        r.feedback_before.top1,
        r.feedback_after.top1,
        if r.passed { "passed" } else { "failed" },
        r.reasons.join("; ")
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(top1: f64) -> Metrics {
        Metrics {
            top1,
            top3: top1,
            main_top1: top1,
            secondary_top1: top1,
            macro_f1: top1,
            ece: 0.0,
            abstain_rate: 0.0,
            n: 100,
            latency_p50_us: 0.0,
            latency_p99_us: 0.0,
        }
    }

    #[test]
    fn the_gate_keeps_dev_within_tolerance_and_requires_a_feedback_gain() {
        assert!(gate(&m(0.80), &m(0.795), &m(0.2), &m(0.7), 0.01).0);
        // Lost more than the tolerance on dev.
        let (ok, why) = gate(&m(0.80), &m(0.78), &m(0.2), &m(0.9), 0.01);
        assert!(!ok);
        assert!(why[0].contains("lost too much"));
        // No gain on the held-back feedback.
        assert!(!gate(&m(0.80), &m(0.81), &m(0.5), &m(0.5), 0.01).0);
        // Perfect before and after is not a failure.
        assert!(gate(&m(0.80), &m(0.80), &m(1.0), &m(1.0), 0.01).0);
    }

    #[test]
    fn the_held_back_split_is_stable_and_keeps_duplicates_together() {
        let fb: Vec<Example> = (0..200)
            .map(|i| Example {
                text: format!("פנייה מספר {i} בנושא החזר מס"),
                label: "IT.REFUND.X".into(),
            })
            .collect();
        let (a, b) = split_feedback(&fb, 0.2);
        assert_eq!(a.len() + b.len(), 200);
        assert!((20..=60).contains(&b.len()), "{}", b.len());
        let (a2, b2) = split_feedback(&fb, 0.2);
        assert_eq!(a.len(), a2.len());
        assert_eq!(b.len(), b2.len());
        // The same text, differently written (niqqud, spacing), lands on the same side.
        let twins = [
            Example {
                text: "החזר מס לשנת 2023".into(),
                label: "L".into(),
            },
            Example {
                text: "  הֶחזר מס לשנת 2023 ".into(),
                label: "L".into(),
            },
        ];
        let (x, y) = split_feedback(&twins, 0.5);
        assert!(x.len() == 2 || y.len() == 2);
    }

    #[test]
    fn a_corrupt_or_empty_feedback_file_is_refused_with_its_line() {
        let dir = std::env::temp_dir().join(format!("fb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.jsonl");
        std::fs::write(&empty, "\n\n").unwrap();
        let e = read_feedback(&empty).unwrap_err().to_string();
        assert!(e.contains("no examples"), "{e}");
        let bad = dir.join("bad.jsonl");
        std::fs::write(
            &bad,
            "{\"text\":\"החזר מס\",\"label\":\"IT.REFUND.X\"}\n{\"text\": oops\n",
        )
        .unwrap();
        let e = read_feedback(&bad).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(read_feedback(&dir.join("missing.jsonl")).is_err());
        let good = dir.join("good.jsonl");
        std::fs::write(
            &good,
            "{\"text\":\"החזר מס\",\"label\":\"IT.REFUND.X\",\"verdict\":\"CORRECTED\"}\n",
        )
        .unwrap();
        assert_eq!(read_feedback(&good).unwrap().len(), 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
