//! Evaluation of a loaded [`Classifier`] on labelled examples: accuracy at leaf, secondary and main
//! level, macro-F1, expected calibration error, abstention rate and single-text latency.
//!
//! Owns: the metric definitions (shared with `bench/baselines.py`, which mirrors them). Must not:
//! train or write artifacts.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use crate::data::Example;
use crate::model::{main_of, secondary_of};
use crate::{Classifier, ClassifierError};

/// Number of equal-width confidence bins of the ECE.
pub const ECE_BINS: usize = 15;

/// The eval command's JSON object.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    /// Leaf top-1 accuracy.
    pub top1: f64,
    /// Leaf top-3 accuracy.
    pub top3: f64,
    /// Main-topic accuracy (most probable main topic, leaf probabilities summed).
    pub main_top1: f64,
    /// Secondary-topic accuracy.
    pub secondary_top1: f64,
    /// Macro-F1 over the leaf labels present in gold or predictions (scikit-learn's default).
    pub macro_f1: f64,
    /// Expected calibration error of the top-1 probability, 15 equal-width bins.
    pub ece: f64,
    /// Share of texts where the model abstains.
    pub abstain_rate: f64,
    /// Number of texts.
    pub n: usize,
    /// Median single-text latency of `predict` (normalise, tokenize, forward), microseconds.
    pub latency_p50_us: f64,
    /// 99th percentile latency, microseconds.
    pub latency_p99_us: f64,
}

/// Macro-F1 of (gold, predicted) leaf pairs.
pub fn macro_f1(pairs: &[(String, String)]) -> f64 {
    let labels: BTreeSet<&str> = pairs
        .iter()
        .flat_map(|(g, p)| [g.as_str(), p.as_str()])
        .collect();
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new(); // tp, fp, fn
    for (g, p) in pairs {
        if g == p {
            counts.entry(g).or_default().0 += 1;
        } else {
            counts.entry(p).or_default().1 += 1;
            counts.entry(g).or_default().2 += 1;
        }
    }
    if labels.is_empty() {
        return 0.0;
    }
    let sum: f64 = labels
        .iter()
        .map(|l| {
            let (tp, fp, fn_) = counts.get(l).copied().unwrap_or_default();
            let d = 2 * tp + fp + fn_;
            if d == 0 {
                0.0
            } else {
                2.0 * tp as f64 / d as f64
            }
        })
        .sum();
    sum / labels.len() as f64
}

/// Expected calibration error over (confidence, correct) pairs.
pub fn ece(points: &[(f32, bool)]) -> f64 {
    let mut bins = vec![(0usize, 0f64, 0f64); ECE_BINS];
    for (p, c) in points {
        let b = ((f64::from(*p) * ECE_BINS as f64) as usize).min(ECE_BINS - 1);
        bins[b].0 += 1;
        bins[b].1 += f64::from(*p);
        bins[b].2 += if *c { 1.0 } else { 0.0 };
    }
    let n = points.len().max(1) as f64;
    bins.iter()
        .map(|(_, conf, acc)| (acc - conf).abs() / n)
        .sum()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// One text's outcome, for error analysis (`eval --predictions FILE`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    /// The text as evaluated.
    pub text: String,
    /// Gold leaf triplet.
    pub label: String,
    /// Predicted leaf triplets, most probable first (empty when the text was refused).
    pub predicted: Vec<crate::Candidate>,
    /// Predicted main topic.
    pub main_topic: String,
    /// Whether the model abstained.
    pub abstain: bool,
}

/// Evaluates the classifier on examples. A text the classifier refuses (empty, too long) counts as
/// a wrong, abstaining answer.
pub fn evaluate(clf: &Classifier, data: &[Example]) -> Result<Metrics, ClassifierError> {
    evaluate_with(clf, data, |_| ())
}

/// [`evaluate`], also handing each text's [`Outcome`] to `sink`.
pub fn evaluate_with(
    clf: &Classifier,
    data: &[Example],
    mut sink: impl FnMut(Outcome),
) -> Result<Metrics, ClassifierError> {
    // warm-up so the first timings do not include lazy initialisation
    for e in data.iter().take(20) {
        let _ = clf.predict(&e.text, 3);
    }
    let (mut top1, mut top3, mut main1, mut sec1, mut abst) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut pairs = Vec::with_capacity(data.len());
    let mut cal = Vec::with_capacity(data.len());
    let mut lat = Vec::with_capacity(data.len());
    for e in data {
        let t0 = Instant::now();
        let r = clf.predict(&e.text, 3);
        lat.push(t0.elapsed().as_secs_f64() * 1e6);
        match r {
            Ok(p) => {
                let best = p
                    .candidates
                    .first()
                    .map(|c| (c.code.clone(), c.probability))
                    .unwrap_or_default();
                top1 += usize::from(best.0 == e.label);
                top3 += usize::from(p.candidates.iter().any(|c| c.code == e.label));
                main1 += usize::from(p.main_topic.code == main_of(&e.label));
                sec1 += usize::from(p.secondary_topic.code == secondary_of(&e.label));
                abst += usize::from(p.abstain);
                cal.push((best.1, best.0 == e.label));
                pairs.push((e.label.clone(), best.0));
                sink(Outcome {
                    text: e.text.clone(),
                    label: e.label.clone(),
                    main_topic: p.main_topic.code.clone(),
                    abstain: p.abstain,
                    predicted: p.candidates,
                });
            }
            Err(ClassifierError::Inference(m)) => return Err(ClassifierError::Inference(m)),
            Err(_) => {
                abst += 1;
                cal.push((0.0, false));
                pairs.push((e.label.clone(), String::new()));
                sink(Outcome {
                    text: e.text.clone(),
                    label: e.label.clone(),
                    predicted: Vec::new(),
                    main_topic: String::new(),
                    abstain: true,
                });
            }
        }
    }
    lat.sort_by(f64::total_cmp);
    let n = data.len();
    let r = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    Ok(Metrics {
        top1: r(top1),
        top3: r(top3),
        main_top1: r(main1),
        secondary_top1: r(sec1),
        macro_f1: macro_f1(&pairs),
        ece: ece(&cal),
        abstain_rate: r(abst),
        n,
        latency_p50_us: percentile(&lat, 0.5),
        latency_p99_us: percentile(&lat, 0.99),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_is_weighted_gap_between_accuracy_and_confidence() {
        let pts: Vec<(f32, bool)> = (0..10)
            .map(|_| (1.0, true))
            .chain((0..10).map(|_| (0.5, true)))
            .collect();
        assert!((ece(&pts) - 0.25).abs() < 1e-9);
        assert!(ece(&[(1.0, true)]) < 1e-9);
    }

    #[test]
    fn macro_f1_matches_hand_computation() {
        let p = |g: &str, q: &str| (g.to_string(), q.to_string());
        // A: tp1 fn1 -> f1 2/3; B: tp1 fp1 -> 2/3
        let v = vec![p("A", "A"), p("A", "B"), p("B", "B")];
        assert!((macro_f1(&v) - 2.0 / 3.0).abs() < 1e-9);
    }
}
