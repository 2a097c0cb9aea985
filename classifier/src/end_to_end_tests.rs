//! Tests across modules on a tiny corpus: training determinism, artifact round trip, and
//! `Classifier::predict` on bad input (empty, whitespace, emoji, Latin-only, 100 KB).

use std::path::PathBuf;

use crate::artifact::{self, Manifest, StoredMetrics};
use crate::data::Example;
use crate::eval::Metrics;
use crate::features::{FeatureConfig, NORMALISATION_VERSION};
use crate::train::{TrainConfig, Trained, train};
use crate::{Classifier, ClassifierError, MAX_TEXT_CHARS};

fn tiny() -> (Vec<Example>, Vec<Example>) {
    let topics = [
        (
            "IT.REFUND.REQUEST",
            ["החזר מס", "בקשה להחזר", "מגיע לי החזר מס"],
        ),
        (
            "VAT.DEALER.OPEN",
            ["פתיחת תיק עוסק", "לפתוח עוסק פטור", "רישום עוסק מורשה"],
        ),
        (
            "RE.BETTERMENT.EXEMPT",
            ["פטור ממס שבח", "מכירת דירה יחידה", "שבח על דירה"],
        ),
        (
            "DIG.AUTH.OTP",
            ["לא מקבל קוד sms", "קוד אימות לא מגיע", "בעיה בהזדהות"],
        ),
    ];
    let (mut tr, mut dv) = (Vec::new(), Vec::new());
    for (label, phrases) in topics {
        for (i, p) in phrases.iter().enumerate() {
            for (j, pre) in ["שלום,", "בוקר טוב", "היי", "לכבוד המשרד"]
                .iter()
                .enumerate()
            {
                let ex = Example {
                    text: format!("{pre} {p} לשנת {}", 2020 + i + j),
                    label: label.into(),
                };
                if j == 3 { dv.push(ex) } else { tr.push(ex) }
            }
        }
    }
    (tr, dv)
}

fn cfg() -> TrainConfig {
    TrainConfig {
        epochs: 8,
        dim: 8,
        vocab_size: 200,
        features: FeatureConfig {
            buckets: 1 << 12,
            ..FeatureConfig::default()
        },
        ..TrainConfig::default()
    }
}

fn save_tmp(t: &Trained, c: &TrainConfig, name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("clf-test-{}-{name}", std::process::id()))
        .join("vtest");
    let labels = t.hierarchy.leaves.clone();
    let m = Manifest {
        version: "vtest".into(),
        architecture: "test".into(),
        label_set_hash: artifact::label_set_hash(&labels),
        labels,
        features: c.features,
        normalisation_version: NORMALISATION_VERSION,
        dim: c.dim,
        temperature: t.temperature,
        abstain_threshold: t.abstain_threshold,
        train_config: c.clone(),
        best_epoch: t.best_epoch,
        dev_top1_by_epoch: t.dev_top1_by_epoch.clone(),
        training_seconds: t.train_seconds,
        data_counts: Default::default(),
        data_hashes: Default::default(),
        metrics: StoredMetrics::default(),
        parent_version: None,
        root_train_config: None,
    };
    artifact::save(&dir, &t.model, &t.tokenizer, &m).unwrap();
    dir
}

/// The tiny corpus trained with [`cfg`], saved under `name` and loaded back.
struct Tiny {
    trained: Trained,
    cfg: TrainConfig,
    dev: Vec<Example>,
    dir: PathBuf,
    clf: Classifier,
}

fn tiny_loaded(name: &str) -> Tiny {
    let (tr, dev) = tiny();
    let cfg = cfg();
    let trained = train(&tr, &dev, &cfg).unwrap();
    let dir = save_tmp(&trained, &cfg, name);
    let clf = Classifier::load(&dir).unwrap();
    Tiny {
        trained,
        cfg,
        dev,
        dir,
        clf,
    }
}

#[test]
fn training_is_deterministic_for_a_seed() {
    let (tr, dv) = tiny();
    let a = train(&tr, &dv, &cfg()).unwrap();
    let b = train(&tr, &dv, &cfg()).unwrap();
    assert_eq!(a.model.emb, b.model.emb);
    assert_eq!(
        a.model.heads.leaf_w.to_vec2::<f32>().unwrap(),
        b.model.heads.leaf_w.to_vec2::<f32>().unwrap()
    );
    assert_eq!(a.temperature, b.temperature);
    assert_eq!(a.best_epoch, b.best_epoch);
    let c = train(&tr, &dv, &TrainConfig { seed: 7, ..cfg() }).unwrap();
    assert_ne!(a.model.emb, c.model.emb);
}

#[test]
fn artifact_round_trip_and_bad_input() {
    let Tiny {
        trained: t,
        cfg: c,
        dir,
        clf,
        ..
    } = tiny_loaded("rt");
    assert_eq!(clf.version(), "vtest");
    assert_eq!(clf.labels().len(), 4);
    // round trip: the loaded model scores like the trained one (tables are quantised before calibration)
    let text = "שלום, בקשה להחזר מס לשנת 2022";
    let loaded = clf.probabilities(text).unwrap().0;
    let feats = crate::extract_features(&c.features, &t.tokenizer, text).unwrap();
    let parents = crate::model::ParentIndex::new(&t.hierarchy).unwrap();
    let lg = t.model.logits(&[&feats], &parents).unwrap();
    let scores = lg.leaf.squeeze(0).unwrap().to_vec1::<f32>().unwrap();
    // the single-text path (no matmul) agrees with the batched training path
    let batch = t
        .model
        .logits(&[&feats, &feats], &parents)
        .unwrap()
        .leaf
        .to_vec2::<f32>()
        .unwrap();
    for (a, b) in scores.iter().zip(&batch[0]) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    let direct = crate::train::softmax_t(&scores, t.temperature);
    for (a, b) in loaded.iter().zip(&direct) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
    let p = clf.predict(text, 3).unwrap();
    assert_eq!(p.candidates.len(), 3);
    assert!(
        p.candidates
            .windows(2)
            .all(|w| w[0].probability >= w[1].probability)
    );
    let sum: f32 = clf.probabilities(text).unwrap().0.iter().sum();
    assert!((sum - 1.0).abs() < 1e-4);
    assert!(p.main_topic.probability >= p.candidates[0].probability - 1e-6);

    assert!(matches!(
        clf.predict("", 3),
        Err(ClassifierError::EmptyText)
    ));
    assert!(matches!(
        clf.predict(" \t\n\u{200F} ", 3),
        Err(ClassifierError::EmptyText)
    ));
    assert!(matches!(
        clf.predict("\u{0000}\u{0007}", 3),
        Err(ClassifierError::EmptyText)
    ));
    let long = "א".repeat(100 * 1024);
    assert!(matches!(
        clf.predict(&long, 3),
        Err(ClassifierError::TooLong {
            max_chars: MAX_TEXT_CHARS
        })
    ));
    assert!(clf.predict(&"א".repeat(MAX_TEXT_CHARS), 3).is_ok());
    let emoji = clf.predict("🙂🙂😡", 3).unwrap();
    assert!(emoji.abstain);
    for s in [
        "tax refund please",
        "中文文本",
        "مرحبا",
        "a\u{0000}b",
        "\u{FEFF}x",
        "%%%",
        "1234567890123",
    ] {
        let p = clf.predict(s, 5).unwrap();
        assert!(p.candidates.iter().all(|c| c.probability.is_finite()));
    }
    assert!(clf.predict(text, 0).unwrap().candidates.is_empty());
    assert_eq!(clf.predict(text, 1000).unwrap().candidates.len(), 4);

    // a tampered label file is refused
    std::fs::write(dir.join(artifact::LABELS), "[\"X.Y.Z\"]").unwrap();
    assert!(matches!(
        Classifier::load(&dir),
        Err(ClassifierError::Load(_))
    ));
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

#[test]
fn current_model_dir_reads_current() {
    let root = std::env::temp_dir().join(format!("clf-cur-{}", std::process::id()));
    std::fs::create_dir_all(root.join("triplet")).unwrap();
    std::fs::write(root.join("triplet/CURRENT"), "v1\n").unwrap();
    assert_eq!(
        crate::current_model_dir(&root).unwrap(),
        root.join("triplet/v1")
    );
    std::fs::write(root.join("triplet/CURRENT"), "../x").unwrap();
    assert!(crate::current_model_dir(&root).is_err());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_triplet_known_by_name_only_is_learnt_from_feedback_without_losing_dev() {
    let (tr, dv) = tiny();
    let new_label = "COMP.EVAC.RED".to_string();
    let base = crate::train::train_with_labels(&tr, &dv, std::slice::from_ref(&new_label), &cfg())
        .unwrap();
    assert!(base.hierarchy.leaf_index(&new_label).is_some());
    let base_dir = save_tmp(&base, &cfg(), "known-by-name");
    let phrases = [
        "פונינו מהבית בקו העימות",
        "פינוי מהיישוב בצפון",
        "גרים במלון אחרי הפינוי",
        "מענק פינוי לתושבי הגבול",
    ];
    let mut feedback = Vec::new();
    for p in phrases {
        for pre in ["שלום,", "בוקר טוב", "היי", "לכבוד המשרד", "דחוף"] {
            feedback.push(Example {
                text: format!("{pre} {p}"),
                label: new_label.clone(),
            });
        }
    }
    let clf = Classifier::load(&base_dir).unwrap();
    assert!(
        feedback
            .iter()
            .all(|e| clf.predict(&e.text, 1).unwrap().candidates[0].code != new_label),
        "the base has never seen the new triplet's texts"
    );
    let out = base_dir.parent().unwrap().join("vnext");
    let rcfg = crate::retrain::RetrainConfig {
        min_feedback: 5,
        ..Default::default()
    };
    let report = crate::retrain::retrain(&base_dir, &feedback, &tr, &dv, &out, &rcfg).unwrap();
    assert!(
        report.feedback_after.top1 > report.feedback_before.top1,
        "{report:?}"
    );
    assert!(
        report.dev_after.top1 >= report.dev_before.top1 - rcfg.tolerance,
        "{report:?}"
    );
    assert!(report.passed, "{:?}", report.reasons);
    let new = Classifier::load(&out).unwrap();
    assert_eq!(
        new.predict("שלום, פונינו מהבית בגלל המלחמה", 1)
            .unwrap()
            .candidates[0]
            .code,
        new_label
    );
    // A second generation scales the learning rates from the root's configuration again, not
    // from the first generation's already scaled ones.
    let root = crate::artifact::read_manifest(&base_dir)
        .unwrap()
        .train_config;
    let gen1 = crate::artifact::read_manifest(&out).unwrap();
    assert_eq!(gen1.parent_version.as_deref(), Some("vtest"));
    assert_eq!(
        gen1.root_train_config.as_ref().map(|c| c.lr_head),
        Some(root.lr_head)
    );
    assert!((gen1.train_config.lr_head - root.lr_head * f64::from(rcfg.lr_scale)).abs() < 1e-12);
    let out2 = base_dir.parent().unwrap().join("vnext2");
    crate::retrain::retrain(&out, &feedback, &tr, &dv, &out2, &rcfg).unwrap();
    let gen2 = crate::artifact::read_manifest(&out2).unwrap();
    assert_eq!(gen2.train_config.lr_head, gen1.train_config.lr_head);
    assert_eq!(gen2.train_config.lr_emb, gen1.train_config.lr_emb);
    assert_eq!(
        gen2.root_train_config.map(|c| c.lr_head),
        Some(root.lr_head)
    );
    let _ = std::fs::remove_dir_all(base_dir.parent().unwrap());
}

#[test]
fn evaluate_with_reports_one_outcome_per_text_consistent_with_the_metrics() {
    let Tiny { dev, dir, clf, .. } = tiny_loaded("outcomes");
    let mut data = dev;
    data.push(Example {
        text: "   ".into(),
        label: "IT.REFUND.REQUEST".into(),
    });
    let mut outcomes = Vec::new();
    let m = crate::eval::evaluate_with(&clf, &data, |o| outcomes.push(o)).unwrap();
    assert_eq!(outcomes.len(), data.len());
    for (o, e) in outcomes.iter().zip(&data) {
        assert_eq!((&o.text, &o.label), (&e.text, &e.label));
    }
    // the refused text is an abstaining outcome without predictions
    let refused = outcomes.last().unwrap();
    assert!(refused.abstain && refused.predicted.is_empty() && refused.main_topic.is_empty());
    let top1 = outcomes
        .iter()
        .filter(|o| o.predicted.first().is_some_and(|p| p.code == o.label))
        .count();
    let main = outcomes
        .iter()
        .filter(|o| o.main_topic == crate::model::main_of(&o.label))
        .count();
    assert!((m.top1 - top1 as f64 / data.len() as f64).abs() < 1e-12);
    assert!((m.main_top1 - main as f64 / data.len() as f64).abs() < 1e-12);
    assert!(top1 > 0);
    assert_eq!(
        m,
        crate::eval::evaluate(&clf, &data)
            .map(|x| Metrics {
                latency_p50_us: m.latency_p50_us,
                latency_p99_us: m.latency_p99_us,
                ..x
            })
            .unwrap()
    );
    std::fs::remove_dir_all(dir.parent().unwrap()).ok();
}
