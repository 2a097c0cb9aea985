//! Text normalisation and hashed feature extraction.
//!
//! Owns: the Hebrew normalisation rules (versioned by [`NORMALISATION_VERSION`]), the split of a
//! normalised text into words, the Hebrew prefix-particle stripping, and the deterministic hashing of
//! word, bigram, character n-gram and subword features into a fixed number of buckets.
//! Must not: touch the model weights or do any I/O.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Bumped whenever [`normalise`] or [`FeatureConfig::features`] changes behaviour; stored in the
/// manifest so that a model is never served with features it was not trained on.
pub const NORMALISATION_VERSION: u32 = 1;

/// Hebrew particles that can be prefixed to a word (ו ה ב ל מ ש כ).
const PREFIX_PARTICLES: [char; 7] = ['ו', 'ה', 'ב', 'ל', 'מ', 'ש', 'כ'];

/// Numbers with more digits than this are replaced by a length bucket (`#7` for seven digits):
/// years (2024) and form numbers (135, 1301, 867) stay as tokens, amounts, ids and phones do not.
const MAX_KEPT_DIGITS: usize = 4;

/// Normalises raw text: compatibility decomposition, niqqud and cantillation removed, quote and
/// geresh/gershayim variants unified to `'` and `"`, Latin lower-cased, control and bidi characters
/// dropped, long numbers bucketed, whitespace collapsed. Final letters are kept (see [`fold_finals`]).
pub fn normalise(text: &str) -> String {
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue; // niqqud, cantillation, Latin accents
        }
        let mapped = match c {
            '\u{05F3}' | '`' | '\u{00B4}' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}'
            | '\u{2032}' => '\'',
            '\u{05F4}' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}'
            | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{05BE}' | '\u{2010}'..='\u{2015}' | '\u{2212}' => '-', // maqaf and dashes
            '\u{20AA}' => {
                // new shekel sign: spell it the way people type it
                chars.extend([' ', 'ש', '"', 'ח', ' ']);
                continue;
            }
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}' => continue,
            c if c.is_whitespace() => ' ',
            c if c.is_control() => continue,
            c => c,
        };
        if mapped == '\'' && chars.last() == Some(&'\'') {
            // two apostrophes typed for gershayim
            chars.pop();
            chars.push('"');
            continue;
        }
        chars.extend(mapped.to_lowercase());
    }
    let with_numbers = bucket_numbers(&chars);
    collapse_whitespace(&with_numbers)
}

/// Replaces each run of digits (thousands separators removed) longer than [`MAX_KEPT_DIGITS`]
/// by `#<len>`.
fn bucket_numbers(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut digits = String::new();
            while i < chars.len() {
                let c = chars[i];
                if c.is_ascii_digit() {
                    digits.push(c);
                    i += 1;
                } else if c == ','
                    && i + 3 < chars.len() + 1
                    && chars
                        .get(i + 1..i + 4)
                        .is_some_and(|s| s.iter().all(char::is_ascii_digit))
                    && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
                {
                    i += 1; // thousands separator
                } else {
                    break;
                }
            }
            if digits.len() > MAX_KEPT_DIGITS {
                out.push_str(&format!(" #{} ", digits.len()));
            } else {
                out.push_str(&digits);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Folds Hebrew final letters to their medial forms (ך→כ ם→מ ן→נ ף→פ ץ→צ), so that a word
/// written without final forms, or cut by a typo, shares its features.
pub fn fold_finals(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ך' => 'כ',
            'ם' => 'מ',
            'ן' => 'נ',
            'ף' => 'פ',
            'ץ' => 'צ',
            c => c,
        })
        .collect()
}

/// The text the features and the subword tokenizer see: normalised, then final letters folded.
pub fn feature_text(raw: &str) -> String {
    fold_finals(&normalise(raw))
}

/// Splits a feature text into words: runs of letters and digits, `#` buckets and `%`; quotes
/// inside words (מע"מ, ג'ורג') are dropped so that people who omit them match.
pub fn words(feature_text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in feature_text.chars() {
        if c.is_alphanumeric() || c == '#' && cur.is_empty() {
            cur.push(c);
        } else if (c == '"' || c == '\'') && !cur.is_empty() {
            continue;
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if c == '%' {
                out.push("%".to_string());
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_hebrew_letter(c: char) -> bool {
    ('\u{05D0}'..='\u{05EA}').contains(&c)
}

/// Word forms with up to three leading particles stripped (ובמס → במס, מס), keeping at least
/// three letters; the word itself is not included.
pub fn strip_prefixes(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    if !chars.iter().all(|c| is_hebrew_letter(*c)) {
        return out;
    }
    let mut k = 0;
    while k < 3 && chars.len() - k > 3 && PREFIX_PARTICLES.contains(&chars[k]) {
        k += 1;
        out.push(chars[k..].iter().collect());
    }
    out
}

/// FNV-1a over the bytes with a seed, finished with a splitmix64 mixer; stable across platforms
/// and releases (it is part of the model's contract, unlike `std`'s hasher).
pub fn hash64(seed: u64, kind: u8, s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in std::iter::once(kind).chain(s.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// How features are hashed; stored in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeatureConfig {
    /// Number of hash buckets (rows of the embedding table).
    pub buckets: u32,
    /// Seed mixed into every hash.
    pub hash_seed: u64,
    /// Smallest character n-gram.
    pub min_n: usize,
    /// Largest character n-gram.
    pub max_n: usize,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        Self {
            buckets: 1 << 17,
            hash_seed: 0x5EED_7A1E,
            min_n: 2,
            max_n: 5,
        }
    }
}

/// Feature kinds, mixed into the hash so that a word and an n-gram with the same text differ.
const KIND_WORD: u8 = 1;
const KIND_BIGRAM: u8 = 2;
const KIND_CHARGRAM: u8 = 3;
const KIND_STEM: u8 = 4;
const KIND_SUBWORD: u8 = 5;
const KIND_STEM_BIGRAM: u8 = 6;

impl FeatureConfig {
    fn bucket(&self, kind: u8, s: &str) -> u32 {
        (hash64(self.hash_seed, kind, s) % u64::from(self.buckets.max(1))) as u32
    }

    /// Hashed feature ids of a text: word unigrams and bigrams, prefix-stripped forms (and their
    /// bigrams), character n-grams of each word with `<` `>` boundary markers, and the given
    /// subword tokens. Duplicates are kept (they weigh more in the mean, as in fastText).
    pub fn features(&self, words: &[String], subwords: &[String]) -> Vec<u32> {
        let mut out = Vec::with_capacity(words.len() * 24 + subwords.len());
        let mut prev: Option<&str> = None;
        let mut prev_stem: Option<String> = None;
        for w in words {
            out.push(self.bucket(KIND_WORD, w));
            if let Some(p) = prev {
                out.push(self.bucket(KIND_BIGRAM, &format!("{p} {w}")));
            }
            let stems = strip_prefixes(w);
            for s in &stems {
                out.push(self.bucket(KIND_STEM, s));
            }
            let shortest = stems.last().cloned().unwrap_or_else(|| w.clone());
            if let Some(p) = &prev_stem {
                out.push(self.bucket(KIND_STEM_BIGRAM, &format!("{p} {shortest}")));
            }
            self.char_ngrams(w, &mut out);
            prev = Some(w);
            prev_stem = Some(shortest);
        }
        for t in subwords {
            out.push(self.bucket(KIND_SUBWORD, t));
        }
        out
    }

    fn char_ngrams(&self, w: &str, out: &mut Vec<u32>) {
        let chars: Vec<char> = std::iter::once('<')
            .chain(w.chars())
            .chain(std::iter::once('>'))
            .collect();
        if chars.len() <= 3 {
            return; // one-letter words: the word feature is enough
        }
        let mut buf = String::new();
        for n in self.min_n..=self.max_n {
            if n >= chars.len() {
                break;
            }
            for start in 0..=(chars.len() - n) {
                buf.clear();
                buf.extend(&chars[start..start + n]);
                out.push(self.bucket(KIND_CHARGRAM, &buf));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn niqqud_and_cantillation_are_removed() {
        assert_eq!(normalise("שָׁלוֹם"), "שלום");
        assert_eq!(normalise("בְּרֵאשִׁ֖ית"), "בראשית");
    }

    #[test]
    fn quote_variants_are_unified() {
        for s in ["מע״מ", "מע\"מ", "מע''מ", "מע“מ", "מע”מ"] {
            assert_eq!(normalise(s), "מע\"מ", "{s}");
        }
        for s in ["ג׳ורג׳", "ג'ורג'", "ג`ורג`", "ג’ורג’"] {
            assert_eq!(normalise(s), "ג'ורג'", "{s}");
        }
        assert_eq!(words(&feature_text("מע״מ")), vec!["מעמ"]);
        assert_eq!(words(&feature_text("מעמ")), vec!["מעמ"]);
    }

    #[test]
    fn finals_are_folded_for_features() {
        assert_eq!(fold_finals("ךםןףץ"), "כמנפצ");
        assert_eq!(feature_text("שלום"), "שלומ");
    }

    #[test]
    fn numbers_years_and_forms_are_kept_long_numbers_bucketed() {
        assert_eq!(normalise("טופס 135 לשנת 2024"), "טופס 135 לשנת 2024");
        assert_eq!(normalise("ת.ז. 123456782"), "ת.ז. #9");
        assert_eq!(normalise("סכום 12,500 ש״ח"), "סכום #5 ש\"ח");
        assert_eq!(normalise("1,200 ₪"), "1200 ש\"ח");
        assert_eq!(normalise("050-1234567"), "050- #7");
    }

    #[test]
    fn latin_lower_case_whitespace_and_controls() {
        assert_eq!(normalise("  Hello\tWORLD \n\n"), "hello world");
        assert_eq!(normalise("a\u{0007}b\u{200F}c\u{202B}d"), "abcd");
        assert_eq!(normalise("\u{0000}\u{001F}"), "");
        assert_eq!(normalise("ＡＢＣ１２"), "abc12"); // full-width forms
    }

    #[test]
    fn prefix_particles_are_stripped() {
        // greedy: over-stripping (סמכים) only adds a weak extra feature
        assert_eq!(
            strip_prefixes("ובמסמכים"),
            vec!["במסמכים", "מסמכים", "סמכים"]
        );
        assert_eq!(strip_prefixes("מס"), Vec::<String>::new());
        assert_eq!(strip_prefixes("והחזר"), vec!["החזר", "חזר"]);
        assert!(strip_prefixes("form").is_empty());
    }

    #[test]
    fn hashing_is_deterministic_and_seeded() {
        assert_eq!(hash64(1, 1, "החזר"), hash64(1, 1, "החזר"));
        assert_ne!(hash64(1, 1, "החזר"), hash64(2, 1, "החזר"));
        assert_ne!(hash64(1, 1, "החזר"), hash64(1, 3, "החזר"));
        // pinned value: changing the hash silently would break every saved model
        assert_eq!(hash64(0, 1, "a"), 0x2506_33f1_5019_7690);
        let cfg = FeatureConfig::default();
        let w = words(&feature_text("בקשה להחזר מס לשנת 2023"));
        let a = cfg.features(&w, &[]);
        let b = cfg.features(&w, &[]);
        assert_eq!(a, b);
        assert!(a.iter().all(|&x| x < cfg.buckets));
        assert!(a.len() > 20);
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "", " ", "🙂🙂", "\u{0000}", "中文", "#", "%%%", "12,3", ",123", "1,", "''", "׳",
        ] {
            let w = words(&feature_text(s));
            let _ = FeatureConfig::default().features(&w, &[]);
        }
    }
}
