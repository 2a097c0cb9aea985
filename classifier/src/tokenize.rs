//! The subword tokenizer: a WordPiece model trained with the `tokenizers` crate on the feature
//! texts ([`crate::features::feature_text`]) of the training split, saved as `tokenizer.json`.
//!
//! Owns: training, saving, loading and applying the tokenizer. Must not: normalise (the caller
//! passes already-normalised text, so the normalisation rules live in one place).

use std::path::Path;

use tokenizers::models::TrainerWrapper;
use tokenizers::models::wordpiece::{WordPiece, WordPieceTrainerBuilder};
use tokenizers::pre_tokenizers::whitespace::Whitespace;
use tokenizers::{AddedToken, Tokenizer};

use crate::ClassifierError;

/// Unknown-token string; kept out of the features.
pub const UNK: &str = "[UNK]";

/// Trains a WordPiece tokenizer on already-normalised texts.
///
/// Deterministic: the trainer gives the `##c` continuation pieces ids in the order of a randomly
/// seeded hash map, and equal-count merges are broken by id, so two runs could learn different
/// vocabularies. Declaring every `##c` (sorted) up front fixes their ids and so the merges.
pub fn train_tokenizer<S: AsRef<str> + Send>(
    texts: impl Iterator<Item = S> + Send,
    vocab_size: usize,
) -> Result<Tokenizer, ClassifierError> {
    let texts: Vec<S> = texts.collect();
    let alphabet: std::collections::BTreeSet<char> = texts
        .iter()
        .flat_map(|t| {
            t.as_ref()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut special = vec![AddedToken::from(UNK, true)];
    special.extend(
        alphabet
            .iter()
            .map(|c| AddedToken::from(format!("##{c}"), true)),
    );
    let trainer = WordPieceTrainerBuilder::new()
        .vocab_size(vocab_size)
        .min_frequency(2)
        .show_progress(false)
        .special_tokens(special)
        .initial_alphabet(alphabet.iter().copied().collect())
        .build();
    let mut trainer = TrainerWrapper::WordPieceTrainer(trainer);
    let model = WordPiece::builder()
        .unk_token(UNK.to_string())
        .build()
        .map_err(|e| ClassifierError::Inference(format!("tokenizer model: {e}")))?;
    let mut tk = Tokenizer::new(model);
    tk.with_pre_tokenizer(Some(Whitespace {}));
    tk.train(&mut trainer, texts.into_iter())
        .map_err(|e| ClassifierError::Inference(format!("tokenizer training: {e}")))?;
    Ok(tk)
}

/// Saves the tokenizer as JSON.
pub fn save_tokenizer(tk: &Tokenizer, path: &Path) -> Result<(), ClassifierError> {
    tk.save(path, false)
        .map_err(|e| ClassifierError::Load(format!("cannot write {}: {e}", path.display())))
}

/// Loads a tokenizer saved by [`save_tokenizer`].
pub fn load_tokenizer(path: &Path) -> Result<Tokenizer, ClassifierError> {
    Tokenizer::from_file(path)
        .map_err(|e| ClassifierError::Load(format!("cannot read {}: {e}", path.display())))
}

/// Subword token strings of a normalised text, without unknown tokens.
pub fn subwords(tk: &Tokenizer, text: &str) -> Result<Vec<String>, ClassifierError> {
    let enc = tk
        .encode(text, false)
        .map_err(|e| ClassifierError::Inference(format!("tokenizer: {e}")))?;
    Ok(enc
        .get_tokens()
        .iter()
        .filter(|t| t.as_str() != UNK)
        .cloned()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::feature_text;

    fn corpus() -> Vec<String> {
        [
            "בקשה להחזר מס לשנת 2023",
            "לא קיבלתי את החזר המס",
            "איך מגישים טופס 135 להחזר מס",
            "רציתי לברר מה הסטטוס של ההחזר",
            "תיאום מס בין שני מעסיקים",
            "פתיחת תיק עוסק פטור במע\"מ",
            "דוח תקופתי למע״מ באיחור",
            "מס שבח על מכירת דירה",
        ]
        .iter()
        .map(|s| feature_text(s))
        .collect()
    }

    #[test]
    fn tokenizer_round_trip_save_load_and_decode() {
        let texts = corpus();
        let tk = train_tokenizer(texts.iter(), 300).unwrap();
        let dir = std::env::temp_dir().join(format!("clf-tok-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tokenizer.json");
        save_tokenizer(&tk, &path).unwrap();
        let back = load_tokenizer(&path).unwrap();
        for t in &texts {
            let a = tk.encode(t.as_str(), false).unwrap();
            let b = back.encode(t.as_str(), false).unwrap();
            assert_eq!(a.get_ids(), b.get_ids());
            // WordPiece over whitespace pre-tokens: joining the pieces gives back the words
            let joined: String = a
                .get_tokens()
                .iter()
                .map(|t| {
                    t.strip_prefix("##")
                        .map_or_else(|| format!(" {t}"), str::to_string)
                })
                .collect();
            let expect: String = t
                .split_whitespace()
                .flat_map(|w| {
                    // Whitespace pre-tokenizer splits punctuation from letters
                    let mut parts = Vec::new();
                    let mut cur = String::new();
                    let mut cur_word: Option<bool> = None;
                    for c in w.chars() {
                        let is_word = c.is_alphanumeric() || c == '_';
                        if cur_word.is_some_and(|k| k != is_word) {
                            parts.push(std::mem::take(&mut cur));
                        }
                        cur.push(c);
                        cur_word = Some(is_word);
                    }
                    parts.push(cur);
                    parts
                })
                .map(|p| format!(" {p}"))
                .collect();
            assert_eq!(joined, expect);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn tokenizer_training_is_deterministic() {
        let a = train_tokenizer(corpus().iter(), 300).unwrap();
        for _ in 0..3 {
            let b = train_tokenizer(corpus().iter(), 300).unwrap();
            assert_eq!(a.to_string(false).unwrap(), b.to_string(false).unwrap());
        }
    }

    #[test]
    fn subwords_skip_unknown() {
        let tk = train_tokenizer(corpus().iter(), 200).unwrap();
        let toks = subwords(&tk, "החזר 中文").unwrap();
        assert!(toks.iter().all(|t| t != UNK));
    }
}
