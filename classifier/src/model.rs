//! The candle model. A text is a TF-IDF vector over hashed features (see `features`). Deep part:
//! an embedding bag (the TF-IDF-weighted sum of embedding rows, fastText style) feeding three linear
//! heads (leaf, secondary topic, main topic). Wide part: a hashed sparse linear model adding leaf
//! logits (the hypothesis class of TF-IDF + logistic regression). The leaf score is deep + wide
//! logit plus the log-probabilities of its secondary and main topics, so the leaf distribution is
//! consistent with the hierarchy and an unsure leaf still yields a confident main topic.
//!
//! Owns: the weights, the label hierarchy, the forward pass and the safetensors format (big
//! tables as int8 with a per-row scale).
//! Must not: extract features (see `features`) or decide on training policy (see `train`).

use std::collections::HashMap;
use std::path::Path;

use candle_core::{D, DType, Device, Tensor};

use crate::ClassifierError;

fn inf(e: candle_core::Error) -> ClassifierError {
    ClassifierError::Inference(e.to_string())
}

/// Leaf labels with their secondary and main topic indices (codes `MAIN.SECONDARY.DETAIL`).
#[derive(Debug, Clone)]
pub struct Hierarchy {
    /// Leaf codes, sorted.
    pub leaves: Vec<String>,
    /// Secondary topic codes (`MAIN.SECONDARY`), sorted.
    pub secondaries: Vec<String>,
    /// Main topic codes (`MAIN`), sorted.
    pub mains: Vec<String>,
    /// Index in `secondaries` of each leaf.
    pub leaf_sec: Vec<usize>,
    /// Index in `mains` of each leaf.
    pub leaf_main: Vec<usize>,
}

/// `IT.REFUND.FORM135` → `IT.REFUND`.
pub fn secondary_of(code: &str) -> String {
    code.rsplit_once('.')
        .map_or_else(|| code.to_string(), |(a, _)| a.to_string())
}

/// `IT.REFUND.FORM135` → `IT`.
pub fn main_of(code: &str) -> String {
    code.split('.').next().unwrap_or(code).to_string()
}

impl Hierarchy {
    /// Builds the hierarchy from leaf codes (deduplicated and sorted here).
    pub fn new(labels: &[String]) -> Self {
        let mut leaves = labels.to_vec();
        leaves.sort();
        leaves.dedup();
        let mut secondaries: Vec<String> = leaves.iter().map(|l| secondary_of(l)).collect();
        secondaries.sort();
        secondaries.dedup();
        let mut mains: Vec<String> = leaves.iter().map(|l| main_of(l)).collect();
        mains.sort();
        mains.dedup();
        let pos = |v: &[String], s: &str| v.iter().position(|x| x == s).unwrap_or(0);
        let leaf_sec = leaves
            .iter()
            .map(|l| pos(&secondaries, &secondary_of(l)))
            .collect();
        let leaf_main = leaves.iter().map(|l| pos(&mains, &main_of(l))).collect();
        Self {
            leaves,
            secondaries,
            mains,
            leaf_sec,
            leaf_main,
        }
    }

    /// Index of a leaf code.
    pub fn leaf_index(&self, code: &str) -> Option<usize> {
        self.leaves.binary_search_by(|x| x.as_str().cmp(code)).ok()
    }
}

/// The dense heads (candle tensors; during training they are the tensors of `Var`s).
#[derive(Debug, Clone)]
pub struct Heads {
    /// `[leaves, dim]`
    pub leaf_w: Tensor,
    /// `[leaves]`
    pub leaf_b: Tensor,
    /// `[secondaries, dim]`
    pub sec_w: Tensor,
    /// `[secondaries]`
    pub sec_b: Tensor,
    /// `[mains, dim]`
    pub main_w: Tensor,
    /// `[mains]`
    pub main_b: Tensor,
    /// Weight of the parents' log-probabilities in the leaf score (1: product of the heads).
    pub hier_weight: f64,
}

/// Outputs of the heads for a batch.
pub struct Logits {
    /// Hierarchy-combined leaf scores `[n, leaves]` (log-space, before temperature).
    pub leaf: Tensor,
    /// Secondary topic logits `[n, secondaries]`.
    pub sec: Tensor,
    /// Main topic logits `[n, mains]`.
    pub main: Tensor,
}

/// Index tensors mapping each leaf to its parents.
#[derive(Debug, Clone)]
pub struct ParentIndex {
    leaf_sec: Tensor,
    leaf_main: Tensor,
}

impl ParentIndex {
    /// Builds the index tensors on the CPU.
    pub fn new(h: &Hierarchy) -> Result<Self, ClassifierError> {
        let to_t = |v: &[usize]| {
            let v: Vec<u32> = v.iter().map(|&x| x as u32).collect();
            Tensor::from_vec(v.clone(), v.len(), &Device::Cpu).map_err(inf)
        };
        Ok(Self {
            leaf_sec: to_t(&h.leaf_sec)?,
            leaf_main: to_t(&h.leaf_main)?,
        })
    }
}

impl Heads {
    /// Runs the heads on hidden vectors `[n, dim]`, adding the wide part's leaf logits `[n, leaves]`.
    pub fn forward(
        &self,
        h: &Tensor,
        wide: &Tensor,
        parents: &ParentIndex,
    ) -> Result<Logits, ClassifierError> {
        let single = h.dim(0).map_err(inf)? == 1;
        let lin = |w: &Tensor, b: &Tensor| -> candle_core::Result<Tensor> {
            if single {
                // One text: multiply-and-sum stays on the calling thread. candle's matmul hands
                // even a 1 x 40 x 100 product to the rayon pool, and the synchronisation
                // tripled the single-text latency (measured: p50 147 µs vs 53 µs).
                w.broadcast_mul(h)?.sum_keepdim(1)?.t()?.broadcast_add(b)
            } else {
                h.matmul(&w.t()?)?.broadcast_add(b)
            }
        };
        let run = || -> candle_core::Result<Logits> {
            let leaf = lin(&self.leaf_w, &self.leaf_b)?.add(wide)?;
            let sec = lin(&self.sec_w, &self.sec_b)?;
            let main = lin(&self.main_w, &self.main_b)?;
            let sec_lp = candle_nn::ops::log_softmax(&sec, D::Minus1)?;
            let main_lp = candle_nn::ops::log_softmax(&main, D::Minus1)?;
            let combined = leaf
                .add(&(sec_lp.index_select(&parents.leaf_sec, 1)? * self.hier_weight)?)?
                .add(&(main_lp.index_select(&parents.leaf_main, 1)? * self.hier_weight)?)?;
            Ok(Logits {
                leaf: combined,
                sec,
                main,
            })
        };
        run().map_err(inf)
    }
}

/// A text as weighted rows: each distinct bucket with weight `(1 + ln count) · idf`, the weights
/// L2-normalised (the TF-IDF vector of the text, over hashed features).
pub type Bag = Vec<(usize, f32)>;

/// The whole model: embedding table and wide table (plain memory, updated sparsely in training),
/// idf weights, and the dense heads.
#[derive(Debug, Clone)]
pub struct Model {
    /// Embedding dimension.
    pub dim: usize,
    /// Rows of the embedding table (hash buckets).
    pub buckets: usize,
    /// Row-major `[buckets, dim]`.
    pub emb: Vec<f32>,
    /// Inverse document frequency of each bucket in the training split.
    pub idf: Vec<f32>,
    /// Rows of the wide table (0: no wide part); a feature uses row `bucket % wide_buckets`.
    pub wide_buckets: usize,
    /// Number of leaves (columns of the wide table).
    pub leaves: usize,
    /// Row-major `[wide_buckets, leaves]`: a hashed sparse linear model added to the leaf logits.
    pub wide: Vec<f32>,
    /// Dense heads.
    pub heads: Heads,
}

impl Model {
    /// Weighted, L2-normalised distinct rows of a feature list.
    pub fn bag(&self, features: &[u32]) -> Bag {
        let mut f: Vec<usize> = features
            .iter()
            .map(|&x| x as usize % self.buckets)
            .collect();
        f.sort_unstable();
        let mut out: Bag = Vec::with_capacity(f.len());
        let mut i = 0;
        while i < f.len() {
            let mut j = i;
            while j < f.len() && f[j] == f[i] {
                j += 1;
            }
            let tf = 1.0 + ((j - i) as f32).ln();
            out.push((f[i], tf * self.idf.get(f[i]).copied().unwrap_or(1.0)));
            i = j;
        }
        let norm = out.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            out.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        out
    }

    /// Weighted sum of the embedding rows of a bag (zeros for an empty bag).
    pub fn hidden(&self, bag: &Bag) -> Vec<f32> {
        let mut h = vec![0f32; self.dim];
        for &(r, w) in bag {
            let row = &self.emb[r * self.dim..(r + 1) * self.dim];
            for (a, b) in h.iter_mut().zip(row) {
                *a += w * b;
            }
        }
        h
    }

    /// Wide-part leaf logits of a bag.
    pub fn wide_logits(&self, bag: &Bag) -> Vec<f32> {
        let mut out = vec![0f32; self.leaves];
        if self.wide_buckets == 0 {
            return out;
        }
        for &(r, w) in bag {
            let r = r % self.wide_buckets;
            let row = &self.wide[r * self.leaves..(r + 1) * self.leaves];
            for (a, b) in out.iter_mut().zip(row) {
                *a += w * b;
            }
        }
        out
    }

    /// Hidden vectors `[n, dim]` and wide logits `[n, leaves]` of several bags.
    pub fn inputs(&self, bags: &[Bag]) -> Result<(Tensor, Tensor), ClassifierError> {
        let h: Vec<f32> = bags.iter().flat_map(|b| self.hidden(b)).collect();
        let w: Vec<f32> = bags.iter().flat_map(|b| self.wide_logits(b)).collect();
        let h = Tensor::from_vec(h, (bags.len(), self.dim), &Device::Cpu).map_err(inf)?;
        let w = Tensor::from_vec(w, (bags.len(), self.leaves), &Device::Cpu).map_err(inf)?;
        Ok((h, w))
    }

    /// Forward pass for feature lists.
    pub fn logits(
        &self,
        feats: &[&[u32]],
        parents: &ParentIndex,
    ) -> Result<Logits, ClassifierError> {
        let bags: Vec<Bag> = feats.iter().map(|f| self.bag(f)).collect();
        let (h, w) = self.inputs(&bags)?;
        self.heads.forward(&h, &w, parents)
    }

    /// Rounds the embedding and wide tables to their stored int8 precision (per-row scale), so the
    /// model calibrated after training is exactly the model that is saved and loaded.
    pub fn quantize(&mut self) {
        for (v, cols) in [(&mut self.emb, self.dim), (&mut self.wide, self.leaves)] {
            if cols == 0 {
                continue;
            }
            let (q, sc) = quantize_rows(v, cols);
            *v = dequantize_rows(&q, &sc, cols);
        }
    }

    /// Saves to safetensors; the big tables are stored as int8 with a per-row scale (4x smaller).
    pub fn save(&self, path: &Path) -> Result<(), ClassifierError> {
        let mut m: HashMap<String, Tensor> = HashMap::new();
        let mut put_q =
            |name: &str, v: &[f32], rows: usize, cols: usize| -> Result<(), ClassifierError> {
                let (q, sc) = quantize_rows(v, cols);
                m.insert(
                    format!("{name}.q"),
                    Tensor::from_vec(q, (rows, cols), &Device::Cpu).map_err(inf)?,
                );
                m.insert(
                    format!("{name}.scale"),
                    Tensor::from_vec(sc, (rows, 1), &Device::Cpu).map_err(inf)?,
                );
                Ok(())
            };
        put_q("emb", &self.emb, self.buckets, self.dim)?;
        if self.wide_buckets > 0 {
            put_q("wide", &self.wide, self.wide_buckets, self.leaves)?;
        }
        let idf =
            Tensor::from_vec(self.idf.clone(), (self.buckets, 1), &Device::Cpu).map_err(inf)?;
        m.insert("idf".into(), idf);
        m.insert("leaf.weight".into(), self.heads.leaf_w.clone());
        m.insert("leaf.bias".into(), self.heads.leaf_b.clone());
        m.insert("secondary.weight".into(), self.heads.sec_w.clone());
        m.insert("secondary.bias".into(), self.heads.sec_b.clone());
        m.insert("main.weight".into(), self.heads.main_w.clone());
        m.insert("main.bias".into(), self.heads.main_b.clone());
        candle_core::safetensors::save(&m, path)
            .map_err(|e| ClassifierError::Load(format!("cannot write {}: {e}", path.display())))
    }

    /// Loads from safetensors and checks the shapes against the hierarchy.
    pub fn load(path: &Path, h: &Hierarchy) -> Result<Self, ClassifierError> {
        let le = |e: candle_core::Error| ClassifierError::Load(format!("{}: {e}", path.display()));
        let mut m = candle_core::safetensors::load(path, &Device::Cpu).map_err(le)?;
        let (emb, buckets, dim) = take_q(&mut m, "emb", path)?
            .ok_or_else(|| ClassifierError::Load(format!("{}: no tensor emb.q", path.display())))?;
        let wide = take_q(&mut m, "wide", path)?;
        let mut take = |k: &str| -> Result<Tensor, ClassifierError> {
            let t = m.remove(k).ok_or_else(|| {
                ClassifierError::Load(format!("{}: no tensor {k}", path.display()))
            })?;
            t.to_dtype(DType::F32).map_err(le)
        };
        let idf = take("idf")?;
        let heads = Heads {
            leaf_w: take("leaf.weight")?,
            leaf_b: take("leaf.bias")?,
            sec_w: take("secondary.weight")?,
            sec_b: take("secondary.bias")?,
            main_w: take("main.weight")?,
            main_b: take("main.bias")?,
            hier_weight: 1.0, // set from the manifest by `artifact::load`
        };
        let check =
            |t: &Tensor, rows: usize, cols: usize, name: &str| -> Result<(), ClassifierError> {
                match t.dims2() {
                    Ok((r, d)) if r == rows && d == cols => Ok(()),
                    _ => Err(ClassifierError::Load(format!(
                        "{name}: shape {:?}, expected [{rows}, {cols}]",
                        t.dims()
                    ))),
                }
            };
        let leaves = h.leaves.len();
        check(&heads.leaf_w, leaves, dim, "leaf.weight")?;
        check(&heads.sec_w, h.secondaries.len(), dim, "secondary.weight")?;
        check(&heads.main_w, h.mains.len(), dim, "main.weight")?;
        check(&idf, buckets, 1, "idf")?;
        let (wide, wide_buckets) = match wide {
            Some((w, rows, cols)) if cols == leaves => (w, rows),
            Some((_, _, cols)) => {
                return Err(ClassifierError::Load(format!(
                    "wide: {cols} columns, expected {leaves}"
                )));
            }
            None => (Vec::new(), 0),
        };
        let flat = |t: Tensor| t.flatten_all().and_then(|t| t.to_vec1::<f32>()).map_err(le);
        Ok(Self {
            dim,
            buckets,
            emb,
            idf: flat(idf)?,
            wide_buckets,
            leaves,
            wide,
            heads,
        })
    }
}

/// Per-row symmetric int8 quantisation, stored as `u8` with offset 128.
fn quantize_rows(v: &[f32], cols: usize) -> (Vec<u8>, Vec<f32>) {
    let mut q = Vec::with_capacity(v.len());
    let mut scales = Vec::with_capacity(v.len() / cols.max(1));
    for row in v.chunks(cols.max(1)) {
        let m = row.iter().fold(0f32, |a, x| a.max(x.abs()));
        let s = if m > 0.0 { m / 127.0 } else { 1.0 };
        scales.push(s);
        q.extend(
            row.iter()
                .map(|x| ((x / s).round().clamp(-127.0, 127.0) + 128.0) as u8),
        );
    }
    (q, scales)
}

fn dequantize_rows(q: &[u8], scales: &[f32], cols: usize) -> Vec<f32> {
    q.chunks(cols.max(1))
        .zip(scales)
        .flat_map(|(row, s)| row.iter().map(move |&x| (f32::from(x) - 128.0) * s))
        .collect()
}

/// Reads `name.q` and `name.scale`; `None` when absent.
fn take_q(
    m: &mut HashMap<String, Tensor>,
    name: &str,
    path: &Path,
) -> Result<Option<(Vec<f32>, usize, usize)>, ClassifierError> {
    let le =
        |e: candle_core::Error| ClassifierError::Load(format!("{}: {name}: {e}", path.display()));
    let (Some(q), Some(s)) = (
        m.remove(&format!("{name}.q")),
        m.remove(&format!("{name}.scale")),
    ) else {
        return Ok(None);
    };
    let (rows, cols) = q.dims2().map_err(le)?;
    let q = q
        .flatten_all()
        .and_then(|t| t.to_vec1::<u8>())
        .map_err(le)?;
    let s = s
        .to_dtype(DType::F32)
        .and_then(|t| t.flatten_all())
        .and_then(|t| t.to_vec1::<f32>())
        .map_err(le)?;
    if s.len() != rows {
        return Err(ClassifierError::Load(format!(
            "{}: {name}.scale has {} rows, expected {rows}",
            path.display(),
            s.len()
        )));
    }
    Ok(Some((dequantize_rows(&q, &s, cols), rows, cols)))
}
