//! Hebrew triplet classifier: suggests `MAIN.SECONDARY.DETAIL` triplets for a citizen's free text.
//!
//! Owns the public API the server calls ([`Classifier`], [`Prediction`], [`ClassifierError`],
//! [`MAX_TEXT_CHARS`], [`current_model_dir`]). Modules: `features` (normalise, hash), `tokenize`
//! (WordPiece subwords), `model` (candle), `train`, `eval`, `artifact`, `data` (corpus and split).
//! Must not depend on the database or GraphQL crates, so retraining never compiles them.

pub mod artifact;
pub mod card;
pub mod data;
pub mod eval;
pub mod features;
pub mod model;
pub mod package;
pub mod retrain;
pub mod tokenize;
pub mod train;

#[cfg(test)]
mod end_to_end_tests;

use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

use crate::features::{FeatureConfig, feature_text, words};
use crate::model::{Hierarchy, Model, ParentIndex};

/// Longest accepted text, in Unicode scalar values (characters). Longer texts are refused with
/// [`ClassifierError::TooLong`] (the API maps it to a VALIDATION error): an inquiry description
/// is a few sentences, and the cap bounds the latency of one prediction.
pub const MAX_TEXT_CHARS: usize = 5000;

/// Errors of loading and prediction.
#[derive(Debug, thiserror::Error)]
pub enum ClassifierError {
    /// The model directory is missing, unreadable or inconsistent.
    #[error("cannot load the classifier model: {0}")]
    Load(String),
    /// The text is empty or whitespace once normalised (control characters removed).
    #[error("the text is empty")]
    EmptyText,
    /// The text is longer than the cap.
    #[error("the text is longer than {max_chars} characters")]
    TooLong {
        /// The cap, [`MAX_TEXT_CHARS`].
        max_chars: usize,
    },
    /// A tensor or tokenizer operation failed.
    #[error("classifier inference failed: {0}")]
    Inference(String),
}

/// A code with its probability.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    /// Triplet, secondary (`IT.REFUND`) or main (`IT`) code.
    pub code: String,
    /// Calibrated probability in [0, 1].
    pub probability: f32,
}

/// The classifier's answer for one text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prediction {
    /// Version of the model that answered (e.g. `v1`).
    pub model_version: String,
    /// True when the model is unsure (top-1 probability below the threshold chosen on dev, or no
    /// usable word in the text): show the suggestions without preselecting one.
    pub abstain: bool,
    /// The `limit` most probable leaf triplets, most probable first.
    pub candidates: Vec<Candidate>,
    /// Most probable main topic (sum of its leaves' probabilities).
    pub main_topic: Candidate,
    /// Most probable secondary topic (sum of its leaves' probabilities).
    pub secondary_topic: Candidate,
}

/// Hashed features of a raw text (normalisation, words, subwords).
pub fn extract_features(
    fc: &FeatureConfig,
    tk: &Tokenizer,
    raw: &str,
) -> Result<Vec<u32>, ClassifierError> {
    let ft = feature_text(raw);
    let w = words(&ft);
    let sub = if w.is_empty() {
        Vec::new()
    } else {
        tokenize::subwords(tk, &ft)?
    };
    Ok(fc.features(&w, &sub))
}

/// A loaded model, ready to predict. `Send + Sync`: share one behind an `Arc`.
pub struct Classifier {
    version: String,
    hierarchy: Hierarchy,
    parents: ParentIndex,
    model: Model,
    tokenizer: Tokenizer,
    features: FeatureConfig,
    temperature: f32,
    abstain_threshold: f32,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("version", &self.version)
            .field("labels", &self.hierarchy.leaves.len())
            .finish()
    }
}

fn best_of(codes: &[String], probs: &[f32]) -> Candidate {
    let mut b = 0;
    for (i, p) in probs.iter().enumerate() {
        if *p > probs[b] {
            b = i;
        }
    }
    Candidate {
        code: codes.get(b).cloned().unwrap_or_default(),
        // a sum of f32 can exceed 1 by an ulp
        probability: probs.get(b).copied().unwrap_or(0.0).clamp(0.0, 1.0),
    }
}

impl Classifier {
    /// Loads a model directory written by `classifier train` (manifest, weights, tokenizer).
    pub fn load(dir: &Path) -> Result<Classifier, ClassifierError> {
        let a = artifact::load(dir)?;
        let parents = ParentIndex::new(&a.hierarchy)?;
        Ok(Classifier {
            version: a.manifest.version.clone(),
            hierarchy: a.hierarchy,
            parents,
            model: a.model,
            tokenizer: a.tokenizer,
            features: a.manifest.features,
            temperature: a.manifest.temperature,
            abstain_threshold: a.manifest.abstain_threshold,
        })
    }

    /// The model version (directory name recorded in the manifest, e.g. `v1`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Leaf triplet codes the model can suggest, sorted.
    pub fn labels(&self) -> &[String] {
        &self.hierarchy.leaves
    }

    /// The abstain threshold on the top-1 probability.
    pub fn abstain_threshold(&self) -> f32 {
        self.abstain_threshold
    }

    /// Calibrated probabilities of every leaf (in [`Classifier::labels`] order) and whether the text
    /// had any usable feature.
    pub fn probabilities(&self, text: &str) -> Result<(Vec<f32>, bool), ClassifierError> {
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(ClassifierError::TooLong {
                max_chars: MAX_TEXT_CHARS,
            });
        }
        let norm = features::normalise(text);
        if norm.trim().is_empty() {
            return Err(ClassifierError::EmptyText);
        }
        let feats = extract_features(&self.features, &self.tokenizer, text)?;
        let lg = self.model.logits(&[&feats], &self.parents)?;
        let scores = lg
            .leaf
            .squeeze(0)
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| ClassifierError::Inference(e.to_string()))?;
        let probs = train::softmax_t(&scores, self.temperature);
        if probs.iter().any(|p| !p.is_finite()) {
            return Err(ClassifierError::Inference("non-finite probability".into()));
        }
        Ok((probs, !feats.is_empty()))
    }

    /// Ranks the triplets for a text. Errors: [`ClassifierError::EmptyText`] (empty or only
    /// whitespace/control characters), [`ClassifierError::TooLong`] (over [`MAX_TEXT_CHARS`]).
    /// Text without any letter or digit (emoji only) yields an abstaining prediction.
    pub fn predict(&self, text: &str, limit: usize) -> Result<Prediction, ClassifierError> {
        let (probs, has_features) = self.probabilities(text)?;
        let h = &self.hierarchy;
        let mut order: Vec<usize> = (0..probs.len()).collect();
        order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
        let candidates: Vec<Candidate> = order
            .iter()
            .take(limit)
            .map(|&i| Candidate {
                code: h.leaves[i].clone(),
                probability: probs[i],
            })
            .collect();
        let mut sec = vec![0f32; h.secondaries.len()];
        let mut main = vec![0f32; h.mains.len()];
        for (i, p) in probs.iter().enumerate() {
            sec[h.leaf_sec[i]] += p;
            main[h.leaf_main[i]] += p;
        }
        let top = order.first().map_or(0.0, |&i| probs[i]);
        Ok(Prediction {
            model_version: self.version.clone(),
            abstain: !has_features || top < self.abstain_threshold,
            candidates,
            main_topic: best_of(&h.mains, &main),
            secondary_topic: best_of(&h.secondaries, &sec),
        })
    }
}

/// The default model directory: `models_root/triplet/<CURRENT>` where `models_root/triplet/CURRENT`
/// holds the version string (e.g. `v1`). `models_root` is the repository's `models/` folder.
pub fn current_model_dir(models_root: &Path) -> Result<PathBuf, ClassifierError> {
    let triplet = models_root.join("triplet");
    let cur = triplet.join("CURRENT");
    let v = std::fs::read_to_string(&cur)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", cur.display())))?;
    let v = v.trim();
    if v.is_empty() || v.contains(['/', '\\']) || v == ".." {
        return Err(ClassifierError::Load(format!(
            "{} does not name a version",
            cur.display()
        )));
    }
    Ok(triplet.join(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn classifier_is_send_and_sync() {
        assert_send_sync::<Classifier>();
    }
}
