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

/// Per file: name, parsed examples, unparsable lines.
pub type FileReport = (String, usize, usize);

/// Reads every `*.jsonl` in a directory, in file-name order.
pub fn read_dir(dir: &Path) -> Result<(Vec<Example>, Vec<FileReport>), ClassifierError> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", dir.display())))?;
    let mut files: Vec<_> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    let mut report = Vec::new();
    for f in files {
        let (ex, bad) = read_jsonl(&f)?;
        report.push((
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            ex.len(),
            bad,
        ));
        all.extend(ex);
    }
    Ok((all, report))
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
            if jaccard(&sh[i], &sh[j]) >= NEAR_DUP_JACCARD {
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
}
