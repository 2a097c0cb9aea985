//! The corpus: JSONL reading and writing, near-duplicate grouping and the train/dev/test split.
//!
//! Near-duplicates are texts whose normalised character 5-gram sets have a Jaccard similarity of
//! at least [`NEAR_DUP_JACCARD`]; they are grouped (union-find) and a group always lands in one split, so
//! dev and test measure generalisation rather than memory. The split is stratified per label
//! (about 80/10/10) and deterministic for a seed.
//!
//! Owns: corpus files and the split. Must not: know about the model.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::Path;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::ClassifierError;
use crate::features::{feature_text, hash64};

/// Jaccard threshold on character 5-gram sets above which two texts are near-duplicates.
pub const NEAR_DUP_JACCARD: f64 = 0.8;

/// One labelled text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Example {
    /// The citizen's text.
    pub text: String,
    /// Triplet code.
    pub label: String,
}

/// Reads a JSONL file; lines that do not parse (e.g. a line still being written) are counted, not fatal.
pub fn read_jsonl(path: &Path) -> Result<(Vec<Example>, usize), ClassifierError> {
    let s = std::fs::read_to_string(path)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", path.display())))?;
    let mut out = Vec::new();
    let mut bad = 0;
    for line in s.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Example>(line) {
            Ok(e) if !e.label.trim().is_empty() => out.push(e),
            _ => bad += 1,
        }
    }
    Ok((out, bad))
}

/// Writes examples as JSONL.
pub fn write_jsonl(path: &Path, data: &[Example]) -> Result<(), ClassifierError> {
    let io =
        |e: std::io::Error| ClassifierError::Load(format!("cannot write {}: {e}", path.display()));
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    for e in data {
        let line = serde_json::to_string(e).map_err(|e| ClassifierError::Load(e.to_string()))?;
        writeln!(f, "{line}").map_err(io)?;
    }
    f.flush().map_err(io)
}

/// Raw files whose name starts with this go to the training split only (see [`add_train_only`]).
pub const TRAIN_ONLY_PREFIX: &str = "train_";

/// Per file: name, parsed examples, unparsable lines.
pub type FileReport = (String, usize, usize);

/// A raw directory's examples: those the split distributes and the training-only ones
/// (files named [`TRAIN_ONLY_PREFIX`]`*.jsonl`).
#[derive(Debug, Default)]
pub struct RawCorpus {
    /// Split 80/10/10 by [`split`].
    pub split: Vec<Example>,
    /// Added to train only by [`add_train_only`].
    pub train_only: Vec<Example>,
    /// Per file: name, parsed examples, unparsable lines.
    pub report: Vec<FileReport>,
}

/// Reads a raw directory, keeping training-only files apart.
pub fn read_raw(dir: &Path) -> Result<RawCorpus, ClassifierError> {
    let mut raw = RawCorpus::default();
    for (name, ex, bad) in read_files(dir)? {
        let n = ex.len();
        if name.starts_with(TRAIN_ONLY_PREFIX) {
            raw.train_only.extend(ex);
        } else {
            raw.split.extend(ex);
        }
        raw.report.push((name, n, bad));
    }
    Ok(raw)
}

/// Every `*.jsonl` in a directory, in file-name order: name, examples, unparsable lines.
fn read_files(dir: &Path) -> Result<Vec<(String, Vec<Example>, usize)>, ClassifierError> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", dir.display())))?;
    let mut files: Vec<_> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let (ex, bad) = read_jsonl(&f)?;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, ex, bad));
    }
    Ok(out)
}

/// Sorted, deduplicated hashed character 5-grams of the normalised text (whitespace collapsed).
pub fn shingles(text: &str) -> Vec<u64> {
    let chars: Vec<char> = feature_text(text).chars().collect();
    let mut v: Vec<u64> = if chars.len() < 5 {
        vec![hash64(0, 0, &chars.iter().collect::<String>())]
    } else {
        chars
            .windows(5)
            .map(|w| hash64(0, 0, &w.iter().collect::<String>()))
            .collect()
    };
    v.sort_unstable();
    v.dedup();
    v
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    if union == 0 {
        1.0
    } else {
        inter as f64 / union as f64
    }
}

/// Whether two shingle sets are near-duplicates (Jaccard >= [`NEAR_DUP_JACCARD`]); sets whose
/// sizes cannot reach it are not compared.
pub fn is_near_duplicate(a: &[u64], b: &[u64]) -> bool {
    let (small, large) = (a.len().min(b.len()), a.len().max(b.len()));
    small as f64 >= NEAR_DUP_JACCARD * large as f64 && jaccard(a, b) >= NEAR_DUP_JACCARD
}

/// All near-duplicate pairs `(i, j)`, `i < j`. Sets are compared only when their sizes allow
/// Jaccard >= threshold (|A| >= t·|B|), after sorting by size.
pub fn near_duplicate_pairs(texts: &[&str]) -> Vec<(usize, usize)> {
    let sh: Vec<Vec<u64>> = texts.iter().map(|t| shingles(t)).collect();
    let mut by_size: Vec<usize> = (0..texts.len()).collect();
    by_size.sort_by_key(|&i| sh[i].len());
    let mut pairs = Vec::new();
    for (k, &i) in by_size.iter().enumerate() {
        for &j in &by_size[k + 1..] {
            if (sh[i].len() as f64) < NEAR_DUP_JACCARD * sh[j].len() as f64 {
                break;
            }
            if is_near_duplicate(&sh[i], &sh[j]) {
                pairs.push((i.min(j), i.max(j)));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

fn find(p: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while p[r] != r {
        r = p[r];
    }
    let mut y = x;
    while p[y] != r {
        let n = p[y];
        p[y] = r;
        y = n;
    }
    r
}

/// Group id (smallest member index) of each text.
pub fn near_duplicate_groups(texts: &[&str]) -> Vec<usize> {
    let mut p: Vec<usize> = (0..texts.len()).collect();
    for (i, j) in near_duplicate_pairs(texts) {
        let (a, b) = (find(&mut p, i), find(&mut p, j));
        p[a.max(b)] = a.min(b);
    }
    (0..texts.len()).map(|i| find(&mut p, i)).collect()
}

/// The three splits.
#[derive(Debug, Default)]
pub struct Split {
    /// ~80 %.
    pub train: Vec<Example>,
    /// ~10 %.
    pub dev: Vec<Example>,
    /// ~10 %.
    pub test: Vec<Example>,
    /// Number of near-duplicate groups with more than one member.
    pub dup_groups: usize,
}

/// Deterministic stratified split; near-duplicate groups stay together (a group is assigned with the
/// label of its first member). Exact duplicates (same text and label) are dropped first.
pub fn split(mut data: Vec<Example>, seed: u64) -> Split {
    let mut seen = HashSet::new();
    data.retain(|e| seen.insert((feature_text(&e.text), e.label.clone())));
    let texts: Vec<&str> = data.iter().map(|e| e.text.as_str()).collect();
    let groups = near_duplicate_groups(&texts);
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        members.entry(*g).or_default().push(i);
    }
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for g in members.keys() {
        by_label
            .entry(data[*g].label.as_str())
            .or_default()
            .push(*g);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Split {
        dup_groups: members.values().filter(|m| m.len() > 1).count(),
        ..Split::default()
    };
    for gs in by_label.values_mut() {
        gs.shuffle(&mut rng);
        let total: usize = gs.iter().map(|g| members[g].len()).sum();
        let want = ((total as f64) * 0.1).round().max(1.0) as usize;
        let (mut n_test, mut n_dev) = (0, 0);
        for g in gs.iter() {
            let m = &members[g];
            let target = if total < 5 {
                &mut out.train
            } else if n_test < want {
                n_test += m.len();
                &mut out.test
            } else if n_dev < want {
                n_dev += m.len();
                &mut out.dev
            } else {
                &mut out.train
            };
            target.extend(m.iter().map(|&i| data[i].clone()));
        }
    }
    out
}

/// Adds training-only examples (texts written after looking at dev errors, so they must not
/// measure anything) to `s.train`, leaving dev and test as [`split`] made them. A text is dropped
/// when it repeats a text already in the corpus or is a near-duplicate of a dev or test text, so
/// [`crossing_pairs`] stays empty. Returns the number dropped.
pub fn add_train_only(s: &mut Split, extra: Vec<Example>) -> usize {
    let mut seen: HashSet<(String, String)> = s
        .train
        .iter()
        .chain(&s.dev)
        .chain(&s.test)
        .map(|e| (feature_text(&e.text), e.label.clone()))
        .collect();
    let n = extra.len();
    let extra: Vec<Example> = extra
        .into_iter()
        .filter(|e| seen.insert((feature_text(&e.text), e.label.clone())))
        .collect();
    let held: Vec<&str> = s
        .dev
        .iter()
        .chain(&s.test)
        .map(|e| e.text.as_str())
        .collect();
    let texts: Vec<&str> = held
        .iter()
        .copied()
        .chain(extra.iter().map(|e| e.text.as_str()))
        .collect();
    let groups = near_duplicate_groups(&texts);
    // a group's id is its smallest member, so an extra text is tied to a held-out one exactly when
    // its group id is a held-out index
    let kept: Vec<Example> = extra
        .into_iter()
        .enumerate()
        .filter(|(k, _)| groups[held.len() + k] >= held.len())
        .map(|(_, e)| e)
        .collect();
    let dropped = n - kept.len();
    s.train.extend(kept);
    dropped
}

/// Near-duplicate pairs that cross splits, as `(split_a, text_a, split_b, text_b)`.
pub fn crossing_pairs(
    train: &[Example],
    dev: &[Example],
    test: &[Example],
) -> Vec<(String, String, String, String)> {
    let mut all: Vec<(&str, &str)> = Vec::new();
    for (name, set) in [("train", train), ("dev", dev), ("test", test)] {
        all.extend(set.iter().map(|e| (name, e.text.as_str())));
    }
    let texts: Vec<&str> = all.iter().map(|x| x.1).collect();
    near_duplicate_pairs(&texts)
        .into_iter()
        .filter(|(i, j)| all[*i].0 != all[*j].0)
        .map(|(i, j)| {
            (
                all[i].0.into(),
                all[i].1.into(),
                all[j].0.into(),
                all[j].1.into(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(t: &str, l: &str) -> Example {
        Example {
            text: t.into(),
            label: l.into(),
        }
    }

    /// The independently written set (classifier/bench/independent) must stay independent: no
    /// text of it, or near-duplicate of one, may enter the corpus.
    #[test]
    fn the_independent_set_shares_no_near_duplicate_with_the_corpus() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |p: &Path| read_jsonl(p).unwrap().0;
        let corpus: Vec<Vec<u64>> = ["train", "dev", "test"]
            .iter()
            .flat_map(|s| read(&dir.join(format!("data/{s}.jsonl"))))
            .map(|e| shingles(&e.text))
            .collect();
        let independent = read(&dir.join("bench/independent/all.jsonl"));
        assert!(independent.len() >= 400 && corpus.len() > 10_000);
        let crossing: Vec<&str> = independent
            .iter()
            .filter(|e| {
                let a = shingles(&e.text);
                corpus.iter().any(|b| is_near_duplicate(&a, b))
            })
            .map(|e| e.text.as_str())
            .collect();
        assert!(crossing.is_empty(), "{crossing:?}");
    }

    #[test]
    fn near_duplicates_are_found() {
        let a = "שלום, אני מבקש לקבל החזר מס עבור שנת 2023 כי עבדתי חצי שנה";
        let b = "שלום אני מבקש לקבל החזר מס עבור שנת 2023 כי עבדתי חצי שנה!";
        let c = "איך פותחים תיק עוסק פטור במע״מ?";
        let p = near_duplicate_pairs(&[a, b, c]);
        assert_eq!(p, vec![(0, 1)]);
    }

    #[test]
    fn split_is_deterministic_and_keeps_groups_together() {
        let mut data = Vec::new();
        for l in ["A.B.C", "A.B.D", "E.F.G"] {
            for i in 0..30 {
                data.push(ex(
                    &format!(
                        "טקסט ייחודי מספר {i} עבור {l} עם מילים שונות {}",
                        i * 7919 % 101
                    ),
                    l,
                ));
            }
            let base = format!("הודעה כמעט זהה ארוכה מאוד על הנושא {l} שחוזרת על עצמה");
            data.push(ex(&base, l));
            data.push(ex(&format!("{base}!"), l));
            data.push(ex(&format!("{base}."), l));
        }
        let a = split(data.clone(), 7);
        let b = split(data, 7);
        assert_eq!(a.train, b.train);
        assert_eq!(a.test, b.test);
        assert!(a.dup_groups >= 3);
        assert!(crossing_pairs(&a.train, &a.dev, &a.test).is_empty());
        assert!(!a.dev.is_empty() && !a.test.is_empty());
        let n = a.train.len() + a.dev.len() + a.test.len();
        assert_eq!(n, 99);
    }

    #[test]
    fn train_only_texts_join_train_without_touching_dev_and_test_or_crossing_them() {
        let mut data = Vec::new();
        for l in ["A.B.C", "E.F.G"] {
            for i in 0..30 {
                data.push(ex(
                    &format!("טקסט ייחודי מספר {i} עבור {l} עם מילים {}", i * 7919 % 101),
                    l,
                ));
            }
        }
        let plain = split(data.clone(), 3);
        let mut s = split(data, 3);
        let near_test = format!("{}!", s.test[0].text);
        let extra = vec![
            ex(
                "משפט חדש לגמרי שנכתב לאימון בלבד על גבול בין נושאים",
                "A.B.C",
            ),
            ex(&near_test, "A.B.C"),
            ex(&s.train[0].text.clone(), &s.train[0].label.clone()),
            ex("עוד משפט חדש שנכתב לאימון בלבד, שונה מהקודם לגמרי", "E.F.G"),
        ];
        let dropped = add_train_only(&mut s, extra);
        assert_eq!(dropped, 2);
        assert_eq!(s.dev, plain.dev);
        assert_eq!(s.test, plain.test);
        assert_eq!(s.train.len(), plain.train.len() + 2);
        assert!(crossing_pairs(&s.train, &s.dev, &s.test).is_empty());
    }
}
