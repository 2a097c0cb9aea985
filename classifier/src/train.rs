//! Training: tokenizer on the training split, then the embedding bag and heads.
//!
//! The embedding and wide tables are updated outside autograd (only the rows a batch touched, with
//! row-wise Adagrad, as fastText does): candle's gradient of an embedding table is dense, which costs about
//! 1.8 s per step for 2^18 x 64, against a few milliseconds here. The small dense heads stay in
//! candle (AdamW) and autograd gives the gradient of the hidden vectors and wide logits, which is
//! spread back over the rows. The epoch with the best dev top-1 is kept; then a temperature and an abstain threshold
//! are fitted on dev. Everything is seeded (ChaCha8), so a seed gives the same model.
//!
//! Owns: the training loop, calibration and threshold choice. Must not: write files (see `artifact`).

use std::time::Instant;

use candle_core::{Device, Tensor, Var};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokenizers::Tokenizer;

use crate::data::Example;
use crate::features::{FeatureConfig, feature_text};
use crate::model::{Bag, Heads, Hierarchy, Model, ParentIndex, main_of, secondary_of};
use crate::{ClassifierError, extract_features, tokenize};

fn inf(e: candle_core::Error) -> ClassifierError {
    ClassifierError::Inference(e.to_string())
}

/// Per-example gradient rows.
type Rows = Vec<Vec<f32>>;

fn one() -> f32 {
    1.0
}

/// Training hyperparameters (chosen on dev; stored in the manifest).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TrainConfig {
    /// Seed of every random choice (initialisation, shuffling, feature dropout).
    pub seed: u64,
    /// Embedding dimension.
    pub dim: usize,
    /// Maximum number of epochs (the best on dev is kept).
    pub epochs: usize,
    /// Adagrad learning rate of the embedding rows.
    pub lr_emb: f32,
    /// AdamW learning rate of the heads.
    pub lr_head: f64,
    /// Examples per step.
    pub batch: usize,
    /// Probability of dropping each feature of a training example (robustness to unseen phrasing).
    pub feature_dropout: f32,
    /// Weight of each auxiliary loss (secondary and main topic heads).
    pub aux_weight: f32,
    /// WordPiece vocabulary size.
    pub vocab_size: usize,
    /// Feature hashing.
    pub features: FeatureConfig,
    /// Weight of log p(secondary) and log p(main) in the leaf score.
    #[serde(default = "one")]
    pub hier_weight: f32,
    /// Rows of the wide (hashed sparse linear) part; 0 disables it.
    pub wide_buckets: usize,
    /// Adagrad learning rate of the wide rows.
    pub lr_wide: f32,
    /// Abstain-threshold rule: the smallest threshold whose accepted dev predictions reach this accuracy.
    pub target_accepted_accuracy: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            dim: 40,
            epochs: 30,
            lr_emb: 0.05,
            lr_head: 0.01,
            batch: 16,
            feature_dropout: 0.35,
            aux_weight: 1.0,
            vocab_size: 6000,
            features: FeatureConfig::default(),
            target_accepted_accuracy: 0.9,
            wide_buckets: 1 << 16,
            hier_weight: 0.3,
            lr_wide: 0.2,
        }
    }
}

/// A trained model with what it needs at inference.
pub struct Trained {
    /// Weights.
    pub model: Model,
    /// Labels.
    pub hierarchy: Hierarchy,
    /// Subword tokenizer.
    pub tokenizer: Tokenizer,
    /// Softmax temperature fitted on dev.
    pub temperature: f32,
    /// Abstain when the top-1 probability is below this.
    pub abstain_threshold: f32,
    /// Epoch kept (1-based).
    pub best_epoch: usize,
    /// Dev top-1 after each epoch.
    pub dev_top1_by_epoch: Vec<f32>,
    /// Wall-clock seconds.
    pub train_seconds: f64,
}

struct Encoded {
    feats: Vec<Vec<u32>>,
    leaf: Vec<u32>,
    sec: Vec<u32>,
    main: Vec<u32>,
}

fn encode(
    data: &[Example],
    h: &Hierarchy,
    fc: &FeatureConfig,
    tk: &Tokenizer,
) -> Result<Encoded, ClassifierError> {
    let mut e = Encoded {
        feats: vec![],
        leaf: vec![],
        sec: vec![],
        main: vec![],
    };
    for ex in data {
        let Some(li) = h.leaf_index(&ex.label) else {
            continue;
        };
        let pos = |v: &[String], s: &str| v.iter().position(|x| x == s).unwrap_or(0) as u32;
        e.feats.push(extract_features(fc, tk, &ex.text)?);
        e.leaf.push(li as u32);
        e.sec.push(pos(&h.secondaries, &secondary_of(&ex.label)));
        e.main.push(pos(&h.mains, &main_of(&ex.label)));
    }
    Ok(e)
}

fn uniform(rng: &mut ChaCha8Rng, n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-scale..scale)).collect()
}

fn var(rng: &mut ChaCha8Rng, rows: usize, cols: usize, scale: f32) -> Result<Var, ClassifierError> {
    let t = if cols == 0 {
        Tensor::zeros(rows, candle_core::DType::F32, &Device::Cpu)
    } else {
        Tensor::from_vec(uniform(rng, rows * cols, scale), (rows, cols), &Device::Cpu)
    };
    t.and_then(|t| Var::from_tensor(&t)).map_err(inf)
}

/// Smoothed inverse document frequency of each bucket (scikit-learn's formula).
fn idf(feats: &[Vec<u32>], buckets: usize) -> Vec<f32> {
    let mut df = vec![0u32; buckets];
    for f in feats {
        let mut u: Vec<usize> = f.iter().map(|&x| x as usize % buckets).collect();
        u.sort_unstable();
        u.dedup();
        u.into_iter().for_each(|r| df[r] += 1);
    }
    let n = feats.len() as f32;
    df.iter()
        .map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
        .collect()
}

/// Combined leaf scores (rows) of the model for encoded features.
fn leaf_scores(
    model: &Model,
    parents: &ParentIndex,
    feats: &[Vec<u32>],
) -> Result<Vec<Vec<f32>>, ClassifierError> {
    let mut out = Vec::with_capacity(feats.len());
    for chunk in feats.chunks(256) {
        let refs: Vec<&[u32]> = chunk.iter().map(Vec::as_slice).collect();
        let lg = model.logits(&refs, parents)?;
        out.extend(lg.leaf.to_vec2::<f32>().map_err(inf)?);
    }
    Ok(out)
}

fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

/// Softmax with a temperature.
pub fn softmax_t(scores: &[f32], t: f32) -> Vec<f32> {
    let m = scores.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    let e: Vec<f32> = scores.iter().map(|s| ((s - m) / t).exp()).collect();
    let z: f32 = e.iter().sum();
    e.iter().map(|x| x / z).collect()
}

/// Temperature minimising the dev negative log-likelihood (grid 0.2..5).
fn fit_temperature(scores: &[Vec<f32>], gold: &[u32]) -> f32 {
    let mut best = (f64::INFINITY, 1.0f32);
    for step in 0..=240 {
        let t = 0.2 + step as f32 * 0.02;
        let nll: f64 = scores
            .iter()
            .zip(gold)
            .map(|(s, &g)| -f64::from(softmax_t(s, t)[g as usize].max(1e-12)).ln())
            .sum();
        if nll < best.0 {
            best = (nll, t);
        }
    }
    best.1
}

/// Smallest threshold whose accepted dev predictions reach `target` accuracy (at least 0.25).
fn fit_threshold(scores: &[Vec<f32>], gold: &[u32], t: f32, target: f32) -> f32 {
    let pairs: Vec<(f32, bool)> = scores
        .iter()
        .zip(gold)
        .map(|(s, &g)| {
            let p = softmax_t(s, t);
            let a = argmax(&p);
            (p[a], a == g as usize)
        })
        .collect();
    for step in 25..=95 {
        let th = step as f32 / 100.0;
        let acc: Vec<bool> = pairs
            .iter()
            .filter(|(p, _)| *p >= th)
            .map(|(_, c)| *c)
            .collect();
        if acc.is_empty() || acc.iter().filter(|c| **c).count() as f32 / acc.len() as f32 >= target
        {
            return th;
        }
    }
    0.95
}

/// Trains on `train`, selects the epoch and calibrates on `dev`.
pub fn train(
    train: &[Example],
    dev: &[Example],
    cfg: &TrainConfig,
) -> Result<Trained, ClassifierError> {
    train_with_labels(train, dev, &[], cfg)
}

/// As [`train`], with `extra_labels` known to the model besides the training data's (leaves with
/// no example yet: their scores stay low until a fine-tuning on feedback teaches them).
pub fn train_with_labels(
    train: &[Example],
    dev: &[Example],
    extra_labels: &[String],
    cfg: &TrainConfig,
) -> Result<Trained, ClassifierError> {
    let started = Instant::now();
    if train.is_empty() {
        return Err(ClassifierError::Inference("empty training set".into()));
    }
    let mut labels: Vec<String> = train.iter().map(|e| e.label.clone()).collect();
    labels.extend_from_slice(extra_labels);
    let hierarchy = Hierarchy::new(&labels);
    let norm: Vec<String> = train.iter().map(|e| feature_text(&e.text)).collect();
    let tokenizer = tokenize::train_tokenizer(norm.iter(), cfg.vocab_size)?;
    let fc = cfg.features;
    let tr = encode(train, &hierarchy, &fc, &tokenizer)?;

    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let buckets = fc.buckets as usize;
    let emb = uniform(&mut rng, buckets * cfg.dim, 1.0 / cfg.dim as f32);
    let (nl, ns, nm) = (
        hierarchy.leaves.len(),
        hierarchy.secondaries.len(),
        hierarchy.mains.len(),
    );
    let s = 0.1 / (cfg.dim as f32).sqrt();
    let vars = vec![
        var(&mut rng, nl, cfg.dim, s)?,
        var(&mut rng, nl, 0, 0.0)?,
        var(&mut rng, ns, cfg.dim, s)?,
        var(&mut rng, ns, 0, 0.0)?,
        var(&mut rng, nm, cfg.dim, s)?,
        var(&mut rng, nm, 0, 0.0)?,
    ];
    let idf = idf(&tr.feats, buckets);
    let wb = cfg.wide_buckets;
    let model = Model {
        dim: cfg.dim,
        buckets,
        emb,
        idf,
        wide_buckets: wb,
        leaves: nl,
        wide: vec![0f32; wb * nl],
        heads: heads_of(&vars, cfg.hier_weight),
    };
    let init = Init {
        model,
        hierarchy,
        tokenizer,
    };
    fit(init, vars, tr, dev, Selection::BestDev, cfg, rng, started)
}

/// How training chooses the epoch it keeps.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// The best dev top-1 (training from scratch).
    BestDev,
    /// Fine-tuning on feedback: among the epochs whose dev top-1 stays at or above `dev_floor`,
    /// the one that fits `target` (the feedback trained on) best, so the model learns as much
    /// new phrasing as the forgetting budget allows; the best dev top-1 when no epoch stays
    /// above the floor.
    LearnWithin {
        target: &'a [Example],
        dev_floor: f32,
    },
}

/// Where training starts: fresh weights, or a base model's (fine-tuning).
struct Init {
    model: Model,
    hierarchy: Hierarchy,
    tokenizer: Tokenizer,
}

fn heads_of(v: &[Var], hier_weight: f32) -> Heads {
    Heads {
        leaf_w: v[0].as_tensor().clone(),
        leaf_b: v[1].as_tensor().clone(),
        sec_w: v[2].as_tensor().clone(),
        sec_b: v[3].as_tensor().clone(),
        main_w: v[4].as_tensor().clone(),
        main_b: v[5].as_tensor().clone(),
        hier_weight: f64::from(hier_weight),
    }
}

/// Fine-tunes a base model (its tokenizer, labels, feature hashing and weights) on `train` —
/// typically clerks' corrections mixed with a replay of the original training data — selecting
/// the epoch on `dev` and recalibrating on it. Examples whose label the base does not know are
/// skipped (a new triplet needs a model trained from scratch).
pub fn fine_tune(
    base: crate::artifact::Loaded,
    train: &[Example],
    dev: &[Example],
    select: Selection<'_>,
    cfg: &TrainConfig,
) -> Result<Trained, ClassifierError> {
    let started = Instant::now();
    let tr = encode(train, &base.hierarchy, &cfg.features, &base.tokenizer)?;
    if tr.feats.is_empty() {
        return Err(ClassifierError::Inference(
            "no training example has a label the base model knows".into(),
        ));
    }
    let h = &base.model.heads;
    let vars = [
        &h.leaf_w, &h.leaf_b, &h.sec_w, &h.sec_b, &h.main_w, &h.main_b,
    ]
    .into_iter()
    .map(|t| {
        t.detach()
            .copy()
            .and_then(|t| Var::from_tensor(&t))
            .map_err(inf)
    })
    .collect::<Result<Vec<_>, _>>()?;
    let mut model = base.model;
    model.heads = heads_of(&vars, cfg.hier_weight);
    let init = Init {
        model,
        hierarchy: base.hierarchy,
        tokenizer: base.tokenizer,
    };
    let rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    fit(init, vars, tr, dev, select, cfg, rng, started)
}

#[allow(clippy::too_many_arguments)]
fn fit(
    init: Init,
    vars: Vec<Var>,
    tr: Encoded,
    dev: &[Example],
    select: Selection<'_>,
    cfg: &TrainConfig,
    mut rng: ChaCha8Rng,
    started: Instant,
) -> Result<Trained, ClassifierError> {
    let Init {
        mut model,
        hierarchy,
        tokenizer,
    } = init;
    let dv = encode(dev, &hierarchy, &cfg.features, &tokenizer)?;
    let (target, dev_floor) = match select {
        Selection::BestDev => (None, 0.0),
        Selection::LearnWithin { target, dev_floor } => (
            Some(encode(target, &hierarchy, &cfg.features, &tokenizer)?),
            dev_floor,
        ),
    };
    let parents = ParentIndex::new(&hierarchy)?;
    let (buckets, wb, nl) = (model.buckets, model.wide_buckets, model.leaves);
    let params = ParamsAdamW {
        lr: cfg.lr_head,
        weight_decay: 1e-4,
        ..ParamsAdamW::default()
    };
    let mut opt = AdamW::new(vars.clone(), params).map_err(inf)?;
    let heads_of = |v: &[Var]| heads_of(v, cfg.hier_weight);
    let mut acc = vec![0f32; buckets];
    let mut acc_w = vec![0f32; wb];
    let mut order: Vec<usize> = (0..tr.feats.len()).collect();
    // (within the dev floor, top-1 on the target, dev top-1): the largest is kept.
    let mut best: Option<((bool, f32, f32), usize, Model)> = None;
    let mut history = Vec::new();

    for epoch in 0..cfg.epochs {
        order.shuffle(&mut rng);
        for chunk in order.chunks(cfg.batch.max(1)) {
            let kept: Vec<Vec<u32>> = chunk
                .iter()
                .map(|&i| {
                    let k: Vec<u32> = tr.feats[i]
                        .iter()
                        .copied()
                        .filter(|_| rng.random::<f32>() >= cfg.feature_dropout)
                        .collect();
                    if k.is_empty() { tr.feats[i].clone() } else { k }
                })
                .collect();
            let bags: Vec<Bag> = kept.iter().map(|f| model.bag(f)).collect();
            let (h, w) = model.inputs(&bags)?;
            let h = Var::from_tensor(&h).map_err(inf)?;
            let w = Var::from_tensor(&w).map_err(inf)?;
            let pick = |v: &[u32]| {
                let x: Vec<u32> = chunk.iter().map(|&i| v[i]).collect();
                Tensor::from_vec(x, chunk.len(), &Device::Cpu).map_err(inf)
            };
            let (yl, ys, ym) = (pick(&tr.leaf)?, pick(&tr.sec)?, pick(&tr.main)?);
            let lg = heads_of(&vars).forward(h.as_tensor(), w.as_tensor(), &parents)?;
            let mut step = || -> candle_core::Result<(Rows, Rows)> {
                let ce = candle_nn::loss::cross_entropy;
                let aux = (ce(&lg.sec, &ys)? + ce(&lg.main, &ym)?)?;
                let loss = (ce(&lg.leaf, &yl)? + (aux * f64::from(cfg.aux_weight))?)?;
                let grads = loss.backward()?;
                opt.step(&grads)?;
                let g = |t: &Tensor| grads.get(t).map_or(Ok(vec![]), |g| g.to_vec2::<f32>());
                Ok((g(h.as_tensor())?, g(w.as_tensor())?))
            };
            let (gh, gw) = step().map_err(inf)?;
            // sparse row-wise Adagrad on the touched rows only
            for (bag, g) in bags.iter().zip(&gh) {
                let g2: f32 = g.iter().map(|x| x * x).sum::<f32>() / cfg.dim as f32;
                for &(r, wt) in bag {
                    acc[r] += wt * wt * g2;
                    let scale = cfg.lr_emb * wt / (acc[r].sqrt() + 1e-8);
                    let row = &mut model.emb[r * cfg.dim..(r + 1) * cfg.dim];
                    for (x, gj) in row.iter_mut().zip(g) {
                        *x -= scale * gj;
                    }
                }
            }
            if wb > 0 {
                for (bag, g) in bags.iter().zip(&gw) {
                    let g2: f32 = g.iter().map(|x| x * x).sum::<f32>() / nl as f32;
                    for &(r, wt) in bag {
                        let r = r % wb;
                        acc_w[r] += wt * wt * g2;
                        let scale = cfg.lr_wide * wt / (acc_w[r].sqrt() + 1e-8);
                        let row = &mut model.wide[r * nl..(r + 1) * nl];
                        for (x, gj) in row.iter_mut().zip(g) {
                            *x -= scale * gj;
                        }
                    }
                }
            }
        }
        model.heads = heads_of(&vars);
        let top1 = top1_of(&model, &parents, &dv)?;
        history.push(top1);
        let key = match &target {
            None => (true, 0.0, top1),
            Some(t) if top1 >= dev_floor => (true, top1_of(&model, &parents, t)?, top1),
            Some(_) => (false, 0.0, top1),
        };
        if best.as_ref().is_none_or(|(b, _, _)| key > *b) {
            let mut snapshot = model.clone();
            snapshot.heads = detach(&snapshot.heads)?;
            best = Some((key, epoch + 1, snapshot));
        }
    }
    let (_, best_epoch, mut model) =
        best.ok_or_else(|| ClassifierError::Inference("no epoch ran".into()))?;
    model.quantize();
    let scores = leaf_scores(&model, &parents, &dv.feats)?;
    let (temperature, abstain_threshold) = if dv.leaf.is_empty() {
        (1.0, 0.5)
    } else {
        let t = fit_temperature(&scores, &dv.leaf);
        (
            t,
            fit_threshold(&scores, &dv.leaf, t, cfg.target_accepted_accuracy),
        )
    };
    Ok(Trained {
        model,
        hierarchy,
        tokenizer,
        temperature,
        abstain_threshold,
        best_epoch,
        dev_top1_by_epoch: history,
        train_seconds: started.elapsed().as_secs_f64(),
    })
}

/// Leaf top-1 of `model` on encoded examples (0 when there are none).
fn top1_of(model: &Model, parents: &ParentIndex, data: &Encoded) -> Result<f32, ClassifierError> {
    if data.leaf.is_empty() {
        return Ok(0.0);
    }
    let scores = leaf_scores(model, parents, &data.feats)?;
    let correct = scores
        .iter()
        .zip(&data.leaf)
        .filter(|(s, g)| argmax(s) == **g as usize)
        .count();
    Ok(correct as f32 / data.leaf.len() as f32)
}

/// Copies the heads out of the optimiser's variables (later steps must not change a snapshot).
fn detach(h: &Heads) -> Result<Heads, ClassifierError> {
    let c = |t: &Tensor| t.detach().copy().map_err(inf);
    Ok(Heads {
        leaf_w: c(&h.leaf_w)?,
        leaf_b: c(&h.leaf_b)?,
        sec_w: c(&h.sec_w)?,
        sec_b: c(&h.sec_b)?,
        main_w: c(&h.main_w)?,
        main_b: c(&h.main_b)?,
        hier_weight: h.hier_weight,
    })
}
