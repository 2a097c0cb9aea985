//! `classifier` CLI: `split`, `train`, `eval`, `predict`. Thin: parses flags and calls the library.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use classifier::data::{self, Example};
use classifier::eval;
use classifier::train::TrainConfig;
use classifier::{Classifier, card};

#[derive(Parser)]
#[command(
    name = "classifier",
    about = "Hebrew triplet classifier: split, train, eval, predict"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Split RAW/*.jsonl into OUT/{train,dev,test}.jsonl (80/10/10 per label, near-duplicates kept
    /// together; RAW/train_*.jsonl go to train only, minus near-duplicates of dev and test texts);
    /// with --check, only verify that no near-duplicate crosses the existing splits.
    Split {
        #[arg(long, default_value = "classifier/data/raw")]
        raw: PathBuf,
        #[arg(long, default_value = "classifier/data")]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        check: bool,
    },
    /// Train on DATA/train.jsonl, select and calibrate on DATA/dev.jsonl, write OUT (the last path
    /// component is the version). DATA/test.jsonl, if present, is only evaluated for the card.
    Train {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        dim: Option<usize>,
        #[arg(long)]
        epochs: Option<usize>,
        #[arg(long)]
        lr_emb: Option<f32>,
        #[arg(long)]
        lr_head: Option<f64>,
        #[arg(long)]
        dropout: Option<f32>,
        #[arg(long)]
        aux: Option<f32>,
        #[arg(long)]
        buckets_log2: Option<u32>,
        /// log2 of the wide part's rows; 0 disables the wide part.
        #[arg(long)]
        wide_log2: Option<u32>,
        #[arg(long)]
        lr_wide: Option<f32>,
        /// Weight of the parents' log-probabilities in the leaf score.
        #[arg(long)]
        hier: Option<f32>,
        /// Character n-gram range.
        #[arg(long)]
        min_n: Option<usize>,
        #[arg(long)]
        max_n: Option<usize>,
        /// Skip the test split even if present (hyperparameter search on dev).
        #[arg(long)]
        no_test: bool,
        /// Also know the triplets labelled in this JSONL file, with or without training texts
        /// (e.g. the full training split when some topic's texts were taken out).
        #[arg(long)]
        known_labels: Option<PathBuf>,
    },
    /// Evaluate a model on a JSONL file; prints one JSON object.
    Eval {
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        data: PathBuf,
        /// Also write every text's gold label and predictions to this JSONL file (error analysis).
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
    /// Fine-tune BASE on clerks' feedback (JSONL from `api export-feedback`) mixed with a replay
    /// of DATA/train.jsonl; judge it on DATA/dev.jsonl and on held-back feedback; write OUT and
    /// print the report (`passed` says whether the promotion gate passed).
    Retrain {
        #[arg(long)]
        base: PathBuf,
        #[arg(long)]
        feedback: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "classifier/data")]
        data: PathBuf,
        /// Largest dev top-1 loss a promotable model may have (0.01 = one point).
        #[arg(long, default_value_t = 0.01)]
        tolerance: f64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        epochs: Option<usize>,
        /// Times each feedback example is repeated in the training mix.
        #[arg(long)]
        feedback_weight: Option<usize>,
        /// Multiplier of the base's learning rates.
        #[arg(long)]
        lr_scale: Option<f32>,
    },
    /// Predict the triplets of one text; prints JSON.
    Predict {
        #[arg(long)]
        model: PathBuf,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        text: String,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<Vec<Example>> {
    let (ex, bad) = data::read_jsonl(path)?;
    if bad > 0 {
        eprintln!(
            "warning: {}: {bad} unparsable lines skipped",
            path.display()
        );
    }
    Ok(ex)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.cmd {
        Cmd::Split {
            raw,
            out,
            seed,
            check,
        } => split(&raw, &out, seed, check),
        Cmd::Eval {
            model,
            data,
            predictions,
        } => {
            let clf = Classifier::load(&model)?;
            let examples = read(&data)?;
            let m = match predictions {
                None => eval::evaluate(&clf, &examples)?,
                Some(path) => {
                    let mut out = std::io::BufWriter::new(
                        std::fs::File::create(&path)
                            .with_context(|| format!("creating {}", path.display()))?,
                    );
                    let mut failed = None;
                    let m = eval::evaluate_with(&clf, &examples, |o| {
                        if failed.is_none()
                            && let Err(e) = serde_json::to_writer(&mut out, &o)
                                .map_err(std::io::Error::from)
                                .and_then(|()| out.write_all(b"\n"))
                        {
                            failed = Some(e);
                        }
                    })?;
                    if let Some(e) = failed {
                        return Err(e).with_context(|| format!("writing {}", path.display()));
                    }
                    out.flush()?;
                    m
                }
            };
            println!("{}", serde_json::to_string(&m)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Retrain {
            base,
            feedback,
            out,
            data,
            tolerance,
            seed,
            epochs,
            feedback_weight,
            lr_scale,
        } => {
            let mut cfg = classifier::retrain::RetrainConfig {
                tolerance,
                seed,
                ..Default::default()
            };
            cfg.epochs = epochs.unwrap_or(cfg.epochs);
            cfg.feedback_weight = feedback_weight.unwrap_or(cfg.feedback_weight);
            cfg.lr_scale = lr_scale.unwrap_or(cfg.lr_scale);
            let fb = classifier::retrain::read_feedback(&feedback)?;
            let replay = read(&data.join("train.jsonl"))?;
            let dev = read(&data.join("dev.jsonl"))?;
            let report = classifier::retrain::retrain(&base, &fb, &replay, &dev, &out, &cfg)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Predict { model, limit, text } => {
            let clf = Classifier::load(&model)?;
            match clf.predict(&text, limit) {
                Ok(p) => println!("{}", serde_json::to_string_pretty(&p)?),
                Err(e) => bail!("{e}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Train {
            data,
            out,
            seed,
            dim,
            epochs,
            lr_emb,
            lr_head,
            dropout,
            aux,
            buckets_log2,
            wide_log2,
            lr_wide,
            hier,
            min_n,
            max_n,
            no_test,
            known_labels,
        } => {
            let mut cfg = TrainConfig {
                seed,
                ..TrainConfig::default()
            };
            cfg.dim = dim.unwrap_or(cfg.dim);
            cfg.epochs = epochs.unwrap_or(cfg.epochs);
            cfg.lr_emb = lr_emb.unwrap_or(cfg.lr_emb);
            cfg.lr_head = lr_head.unwrap_or(cfg.lr_head);
            cfg.feature_dropout = dropout.unwrap_or(cfg.feature_dropout);
            cfg.aux_weight = aux.unwrap_or(cfg.aux_weight);
            cfg.lr_wide = lr_wide.unwrap_or(cfg.lr_wide);
            cfg.hier_weight = hier.unwrap_or(cfg.hier_weight);
            cfg.features.min_n = min_n.unwrap_or(cfg.features.min_n).max(1);
            cfg.features.max_n = max_n.unwrap_or(cfg.features.max_n).max(cfg.features.min_n);
            if let Some(w) = wide_log2 {
                cfg.wide_buckets = if w == 0 { 0 } else { 1 << w.clamp(8, 20) };
            }
            if let Some(b) = buckets_log2 {
                cfg.features.buckets = 1 << b.clamp(8, 24);
            }
            let labels: Vec<String> = match known_labels {
                Some(f) => read(&f)?.into_iter().map(|e| e.label).collect(),
                None => Vec::new(),
            };
            train_cmd(&data, &out, cfg, &labels, no_test)
        }
    }
}

fn split(raw: &Path, out: &Path, seed: u64, check: bool) -> Result<ExitCode> {
    if check {
        let tr = read(&out.join("train.jsonl"))?;
        let dv = read(&out.join("dev.jsonl"))?;
        let te = read(&out.join("test.jsonl"))?;
        let crossing = data::crossing_pairs(&tr, &dv, &te);
        for (a, ta, b, tb) in crossing.iter().take(20) {
            eprintln!("near-duplicate across splits: [{a}] {ta}  <->  [{b}] {tb}");
        }
        println!(
            "{}",
            serde_json::json!({"train": tr.len(), "dev": dv.len(), "test": te.len(), "crossing_near_duplicates": crossing.len()})
        );
        return Ok(if crossing.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let corpus = data::read_raw(raw)?;
    for (f, n, bad) in &corpus.report {
        eprintln!("{f}: {n} examples, {bad} unparsable lines");
    }
    let mut s = data::split(corpus.split, seed);
    let train_only = corpus.train_only.len();
    let dropped = data::add_train_only(&mut s, corpus.train_only);
    data::write_jsonl(&out.join("train.jsonl"), &s.train)?;
    data::write_jsonl(&out.join("dev.jsonl"), &s.dev)?;
    data::write_jsonl(&out.join("test.jsonl"), &s.test)?;
    let mut per_label: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for (k, set) in [&s.train, &s.dev, &s.test].iter().enumerate() {
        for e in set.iter() {
            per_label.entry(e.label.as_str()).or_default()[k] += 1;
        }
    }
    std::fs::write(out.join("COUNTS.md"), card::counts_table(&per_label))
        .context("writing COUNTS.md")?;
    println!(
        "{}",
        serde_json::json!({"train": s.train.len(), "dev": s.dev.len(), "test": s.test.len(),
            "labels": per_label.len(), "near_duplicate_groups": s.dup_groups,
            "train_only": train_only, "train_only_dropped": dropped})
    );
    Ok(ExitCode::SUCCESS)
}

fn train_cmd(
    data_dir: &Path,
    out: &Path,
    cfg: TrainConfig,
    labels: &[String],
    no_test: bool,
) -> Result<ExitCode> {
    let built = classifier::package::train_version(data_dir, out, cfg, labels, !no_test)?;
    let m = &built.manifest;
    eprintln!(
        "trained in {:.1} s, best epoch {} (dev top-1 by epoch {:?}), T={:.2}, abstain<{:.2}",
        m.training_seconds, m.best_epoch, m.dev_top1_by_epoch, m.temperature, m.abstain_threshold
    );
    println!(
        "{}",
        serde_json::json!({"dev": built.dev, "test": built.test, "training_seconds": m.training_seconds, "bytes": built.bytes})
    );
    Ok(ExitCode::SUCCESS)
}
