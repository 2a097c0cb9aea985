//! Markdown cards: the per-label count table of the data card and the model card (`CARD.md`)
//! written beside each trained model for data scientists.
//!
//! Owns: the text of generated cards. Must not: compute metrics (it formats the manifest's).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::MAX_TEXT_CHARS;
use crate::artifact::Manifest;
use crate::eval::Metrics;

/// Markdown table of examples per label and split.
pub fn counts_table(per_label: &BTreeMap<&str, [usize; 3]>) -> String {
    let mut s = String::from("| label | train | dev | test | total |\n|---|---:|---:|---:|---:|\n");
    let mut tot = [0usize; 3];
    for (l, c) in per_label {
        let _ = writeln!(
            s,
            "| `{l}` | {} | {} | {} | {} |",
            c[0],
            c[1],
            c[2],
            c[0] + c[1] + c[2]
        );
        for k in 0..3 {
            tot[k] += c[k];
        }
    }
    let _ = writeln!(
        s,
        "| **all** | {} | {} | {} | {} |",
        tot[0],
        tot[1],
        tot[2],
        tot[0] + tot[1] + tot[2]
    );
    s
}

fn row(name: &str, m: Option<&Metrics>) -> String {
    match m {
        Some(m) => format!(
            "| {name} | {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.0} | {:.0} |\n",
            m.n,
            m.top1,
            m.top3,
            m.main_top1,
            m.secondary_top1,
            m.macro_f1,
            m.ece,
            m.abstain_rate,
            m.latency_p50_us,
            m.latency_p99_us
        ),
        None => format!("| {name} | – | | | | | | | | | |\n"),
    }
}

/// The model card.
pub fn model_card(m: &Manifest, bytes: u64) -> String {
    let c = &m.train_config;
    let mut s = String::new();
    let _ = writeln!(s, "# Triplet classifier {} — model card\n", m.version);
    let _ = writeln!(
        s,
        "Suggests the leaf triplet (`MAIN.SECONDARY.DETAIL`) of a citizen's Hebrew inquiry text among {} \
         customer-selectable triplets, with calibrated probabilities and an abstain flag.\n",
        m.labels.len()
    );
    s.push_str("## Data\n\n");
    let _ = writeln!(
        s,
        "Texts written for this project by the team's writers (files per topic area; sources, rounds and counts per triplet in `classifier/data/CARD.md`), \
         split by `classifier split` (80/10/10 per label, near-duplicates with char-5-gram Jaccard >= 0.8 kept \
         in one split; see `classifier/data/CARD.md`). Counts: {:?}. SHA-256 of the files: see `manifest.json`.\n",
        m.data_counts
    );
    s.push_str("## Architecture\n\n");
    let _ = writeln!(
        s,
        "- Normalisation v{}: NFKD, niqqud/cantillation removed, geresh/gershayim and quote variants unified, \
         final letters folded, Latin lower-cased, controls/bidi marks dropped, numbers of more than 4 digits \
         bucketed by length (`#9`), years and form numbers kept.\n\
         - Features hashed into {} buckets (seed {:#x}): words, word bigrams, words with the prefix particles \
         ו/ה/ב/ל/מ/ש/כ stripped (up to 3) and their bigrams, character {}-{}-grams of each word with `<` `>` \
         boundaries, WordPiece subwords (vocabulary {}, trained with `tokenizers` on the training split).\n\
         - Each text is a TF-IDF vector over its hashed features (sublinear tf × idf of the training split, \
         L2-normalised). Deep part: embedding bag (that weighted sum of rows, dim {}) → three linear heads: leaf, \
         secondary topic, main topic. Wide part: a hashed sparse linear model ({} rows, a feature uses row \
         `bucket mod {}`) adding leaf logits — the hypothesis class of TF-IDF + logistic regression. Leaf score = \
         deep leaf logit + wide logit + {} × (log p(secondary) + log p(main)), so leaf probabilities are consistent with \
         the topic heads; the main and secondary topics reported are sums of leaf probabilities.\n\
         - Training: embedding and wide rows updated sparsely (row-wise Adagrad, lr {} and {}) outside autograd; heads in \
         candle with AdamW (lr {}); loss = CE(leaf) + {} × (CE(secondary) + CE(main)); feature dropout {}; \
         batch {}; up to {} epochs, epoch {} kept (best dev top-1); seed {}.\n\
         - Calibration: temperature {:.2} fitted on dev (NLL). Abstain when top-1 probability < {:.2} (smallest \
         threshold whose accepted dev predictions reach {:.0}% accuracy, floor 0.25).\n",
        m.normalisation_version,
        m.features.buckets,
        m.features.hash_seed,
        m.features.min_n,
        m.features.max_n,
        c.vocab_size,
        m.dim,
        c.wide_buckets,
        c.wide_buckets,
        c.hier_weight,
        c.lr_emb,
        c.lr_wide,
        c.lr_head,
        c.aux_weight,
        c.feature_dropout,
        c.batch,
        c.epochs,
        m.best_epoch,
        c.seed,
        m.temperature,
        m.abstain_threshold,
        c.target_accepted_accuracy * 100.0
    );
    let params = m.features.buckets as usize * m.dim
        + c.wide_buckets * m.labels.len()
        + (m.labels.len() + 1) * (m.dim + 1) * 2;
    let _ = writeln!(
        s,
        "Parameters: about {:.1} M (embedding {} × {}, wide {} × {}, heads small). Artifact size: {:.1} MB \
         (tables stored as int8 with a per-row scale; the model is quantised before calibration, so the \
         metrics are those of the stored model). Training time: {:.1} s on the 2-core build machine.\n",
        params as f64 / 1e6,
        m.features.buckets,
        m.dim,
        c.wide_buckets,
        m.labels.len(),
        bytes as f64 / 1e6,
        m.training_seconds
    );
    s.push_str("## Metrics\n\n`classifier eval` on each split (latency: one text at a time, one thread, µs).\n\n");
    s.push_str("| split | n | top1 | top3 | main_top1 | secondary_top1 | macro_f1 | ECE (15 bins) | abstain | p50 µs | p99 µs |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    s.push_str(&row("dev", m.metrics.dev.as_ref()));
    s.push_str(&row("test", m.metrics.test.as_ref()));
    let _ = writeln!(
        s,
        "\nDev top-1 by epoch: {:?}\n",
        m.dev_top1_by_epoch
            .iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
    s.push_str("## Limitations\n\n");
    let _ = writeln!(
        s,
        "- The corpus is written by a handful of writers for this project, not real inquiries: the test split \
         shares their style, so expect lower accuracy on real traffic. Re-measure on the hidden set and on \
         the `tripletValidation` field's data (R8) once it accumulates.\n\
         - Texts over {MAX_TEXT_CHARS} characters are refused (TooLong); empty ones too (EmptyText). \
         Texts without Hebrew are embedded from character n-grams only and usually abstain.\n\
         - Neighbouring triplets (e.g. refund request vs form 135 vs refund status) are hard; rely on top-3 \
         and the abstain flag in the UI.\n\
         - Hash collisions: different features may share a bucket; harmless at this size but do not read \
         meaning into single rows.\n"
    );
    s
}
