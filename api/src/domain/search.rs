//! Search input for the inquiry views (R45): Hebrew-aware folding, `*` for "contains", and
//! classification of what the clerk typed (inquiry number, national ID, file number, assessment
//! number, or a customer name in either order).
//!
//! Owns: turning one search box string into plain values the store can compare. Must not: build
//! SQL, read the database, or know column names — `store` decides which columns each candidate
//! is compared with, always with bound parameters (`escape_like` + `LIKE ... ESCAPE '\'` for
//! contains). Folding must be applied to BOTH sides: the store compares against a folded copy of
//! the name (e.g. a `name_folded` column written with [`fold`]), never against the raw name.

/// Longest accepted search input, in characters (R45; keeps LIKE patterns and OR lists small).
pub const MAX_INPUT_CHARS: usize = 100;
/// Shortest "contains" fragment, in characters, so `*א*` does not scan the whole view.
pub const MIN_CONTAINS_CHARS: usize = 2;
/// Names with more words than this are searched only in the typed order (R45 "last first").
pub const MAX_NAME_WORDS_TO_ROTATE: usize = 4;

/// Why a search input was refused; the GraphQL layer maps these to one error code each.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, strum::EnumIter, strum::IntoStaticStr,
)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum SearchError {
    #[error("search input is empty")]
    Empty,
    #[error("search input is longer than {MAX_INPUT_CHARS} characters")]
    TooLong,
    #[error("a '*' search needs at least {MIN_CONTAINS_CHARS} characters besides '*'")]
    TooShort,
}

impl SearchError {
    /// Stable code (`TOO_LONG`); the GraphQL error table namespaces it.
    pub fn code(&self) -> &'static str {
        self.into()
    }

    pub fn message_he(&self) -> &'static str {
        match self {
            Self::Empty => "יש להזין ערך לחיפוש.",
            Self::TooLong => "ערך החיפוש ארוך מדי. ניתן להזין עד 100 תווים.",
            Self::TooShort => "בחיפוש עם כוכבית (*) יש להזין לפחות שני תווים נוספים.",
        }
    }

    pub fn message_en(&self) -> &'static str {
        match self {
            Self::Empty => "Enter something to search for.",
            Self::TooLong => "The search text is too long. You can enter up to 100 characters.",
            Self::TooShort => "A search with an asterisk (*) needs at least two other characters.",
        }
    }
}

/// How the folded value is matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// No `*` was typed: compare for equality.
    Exact(String),
    /// A `*` was typed (R45 "searches for a part"). Leading/trailing `*` are removed; an embedded
    /// `*` stays as a gap marker (`כה*ן`). Turn it into SQL only with [`contains_pattern`].
    Contains(String),
}

impl SearchTerm {
    pub fn value(&self) -> &str {
        match self {
            Self::Exact(s) | Self::Contains(s) => s,
        }
    }
}

/// The candidates a digits-only input may be. The store ORs every `Some` candidate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NumberCandidates {
    /// Exact search and no leading zero only (inquiry numbers are integers).
    pub inquiry_number: Option<i64>,
    /// Contains search: a part of the inquiry number (§3.3: "כוכבית עם חלק ממספר הפנייה").
    pub inquiry_number_part: Option<String>,
    /// Exact: nine digits with leading zeros restored (R45 "with or without its leading zeros").
    /// Contains: the fragment as typed.
    pub national_id: Option<String>,
    /// As typed: a file number's leading 0 is significant (R45 "file number (leading 0)").
    pub file_number: Option<String>,
    /// As typed.
    pub assessment_number: Option<String>,
}

/// What the input looks like. Digits are ambiguous by nature (an 8-digit string can be an
/// inquiry number, a national ID without its leading zero, or a file number), so a number carries
/// every plausible reading instead of a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKind {
    Number(NumberCandidates),
    /// A customer name, folded. `orders` holds the typed order first, then each rotation of the
    /// words, so "כהן משה" also finds "משה כהן" (R45 "last name then first name").
    Name {
        orders: Vec<String>,
    },
}

/// A parsed search input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub term: SearchTerm,
    pub kind: SearchKind,
}

/// Folds text for comparison: drops niqqud and cantillation (U+0591-U+05C7; the maqaf U+05BE
/// becomes `-` so "בית־שמש" equals "בית-שמש"), folds final letters (ך→כ ם→מ ן→נ ף→פ ץ→צ),
/// removes geresh/gershayim and quote marks (צה״ל = צה"ל = צהל) and invisible direction marks,
/// lowercases, collapses whitespace and trims. Idempotent.
pub fn fold(text: &str) -> String {
    let mut mapped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{05BE}' => mapped.push('-'),
            '\u{0591}'..='\u{05C7}' => {}
            '\u{05F3}' | '\u{05F4}' | '\'' | '"' | '`' | '\u{00B4}' | '\u{2019}' | '\u{2018}'
            | '\u{201D}' | '\u{201C}' => {}
            // Invisible marks pasted with Hebrew text (RLM/LRM, zero-width, bidi controls, BOM).
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}' => {}
            'ך' => mapped.push('כ'),
            'ם' => mapped.push('מ'),
            'ן' => mapped.push('נ'),
            'ף' => mapped.push('פ'),
            'ץ' => mapped.push('צ'),
            c if c.is_uppercase() => mapped.extend(c.to_lowercase()),
            c => mapped.push(c),
        }
    }
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes `\`, `%` and `_` with `\`, for `LIKE ? ESCAPE '\'` (SQLite needs the ESCAPE clause
/// spelled out; PostgreSQL's default escape is also `\`).
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The LIKE pattern for a contains value: each `*`-separated piece escaped, joined and wrapped
/// with `%` (`כה*ן` → `%כה%ן%`).
pub fn contains_pattern(fragment: &str) -> String {
    let pieces: Vec<String> = fragment
        .split('*')
        .filter(|p| !p.is_empty())
        .map(escape_like)
        .collect();
    format!("%{}%", pieces.join("%"))
}

/// Parses one search box input (R45).
pub fn parse_search(input: &str) -> Result<SearchQuery, SearchError> {
    let term = parse_term(input)?;
    let kind = classify_term(&term);
    Ok(SearchQuery { term, kind })
}

/// Classifies an input as typed by the clerk (folds it and honours `*`). Inputs that
/// [`parse_search`] would refuse are classified as an empty name.
pub fn classify(input: &str) -> SearchKind {
    match parse_term(input) {
        Ok(term) => classify_term(&term),
        Err(_) => SearchKind::Name { orders: Vec::new() },
    }
}

fn parse_term(input: &str) -> Result<SearchTerm, SearchError> {
    let trimmed = input.trim();
    if trimmed.chars().count() > MAX_INPUT_CHARS {
        return Err(SearchError::TooLong);
    }
    let folded = fold(trimmed);
    if !folded.contains('*') {
        return if folded.is_empty() {
            Err(SearchError::Empty)
        } else {
            Ok(SearchTerm::Exact(folded))
        };
    }
    // Collapse runs of `*` (and spaces around a gap) so the value has one marker per gap.
    let pieces: Vec<&str> = folded
        .split('*')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let significant: usize = pieces.iter().map(|p| p.chars().count()).sum();
    if significant == 0 {
        return Err(SearchError::Empty);
    }
    if significant < MIN_CONTAINS_CHARS {
        return Err(SearchError::TooShort);
    }
    Ok(SearchTerm::Contains(pieces.join("*")))
}

fn classify_term(term: &SearchTerm) -> SearchKind {
    let value = term.value();
    let digits_only = !value.is_empty() && value.chars().all(|c| c.is_ascii_digit() || c == '*');
    if !digits_only {
        return SearchKind::Name {
            orders: name_orders(value),
        };
    }
    let as_typed = Some(value.to_owned());
    let candidates = match term {
        SearchTerm::Exact(digits) => NumberCandidates {
            inquiry_number: (!digits.starts_with('0'))
                .then(|| digits.parse().ok())
                .flatten(),
            inquiry_number_part: None,
            national_id: national_id_nine_digits(digits),
            file_number: as_typed.clone(),
            assessment_number: as_typed,
        },
        SearchTerm::Contains(fragment) => NumberCandidates {
            inquiry_number: None,
            inquiry_number_part: Some(fragment.clone()),
            national_id: (fragment.chars().filter(char::is_ascii_digit).count() <= 9)
                .then(|| fragment.clone()),
            file_number: as_typed.clone(),
            assessment_number: as_typed,
        },
    };
    SearchKind::Number(candidates)
}

/// "18", "018" and "000000018" are the same national ID (R45).
fn national_id_nine_digits(digits: &str) -> Option<String> {
    let significant = digits.trim_start_matches('0');
    (!significant.is_empty() && significant.len() <= 9).then(|| format!("{significant:0>9}"))
}

/// Every rotation of the words: for "a b c" that is "a b c", "b c a", "c a b" — each way of
/// splitting a full name into a last-name part and a first-name part, swapped.
fn name_orders(value: &str) -> Vec<String> {
    let words: Vec<&str> = value.split(' ').collect();
    if words.len() > MAX_NAME_WORDS_TO_ROTATE {
        return vec![value.to_owned()];
    }
    let mut orders: Vec<String> = Vec::with_capacity(words.len());
    for k in 0..words.len() {
        let rotated = words[k..]
            .iter()
            .chain(&words[..k])
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if !orders.contains(&rotated) {
            orders.push(rotated);
        }
    }
    orders
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn numbers(input: &str) -> NumberCandidates {
        match classify(input) {
            SearchKind::Number(n) => n,
            other => panic!("expected a number for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn r45_fold_drops_niqqud_and_folds_final_letters() {
        assert_eq!(fold("כֹּהֵן"), "כהנ");
        assert_eq!(fold("שָׁלוֹם"), "שלומ");
        assert_eq!(fold("ךםןףץ"), "כמנפצ");
        assert_eq!(fold("בְּרֵאשִׁ֖ית"), "בראשית");
    }

    #[test]
    fn r45_fold_unifies_geresh_gershayim_and_quotes() {
        for variant in ["צה״ל", "צה\"ל", "צה”ל", "צה“ל", "צהל"] {
            assert_eq!(fold(variant), "צהל", "{variant}");
        }
        for variant in ["ג׳ורג׳", "ג'ורג'", "ג’ורג’", "ג`ורג`", "ג´ורג´", "ג‘ורג‘"]
        {
            assert_eq!(fold(variant), "גורג", "{variant}");
        }
    }

    #[test]
    fn r45_fold_lowercases_collapses_whitespace_and_keeps_maqaf_as_hyphen() {
        assert_eq!(fold("  Levi \t  COHEN\n"), "levi cohen");
        assert_eq!(fold("בית־שמש"), fold("בית-שמש"));
        assert_eq!(fold("\u{200F}כהן\u{200E}\u{FEFF}"), "כהנ");
    }

    #[test]
    fn r45_star_means_contains_anywhere_in_the_input() {
        assert_eq!(
            parse_search("כהן").map(|q| q.term),
            Ok(SearchTerm::Exact("כהנ".into()))
        );
        for (input, value) in [
            ("*כהן", "כהנ"),
            ("כהן*", "כהנ"),
            ("**כה**ן*", "כה*נ"),
            ("כה * ן", "כה*נ"),
        ] {
            assert_eq!(
                parse_search(input).map(|q| q.term),
                Ok(SearchTerm::Contains(value.into()))
            );
        }
    }

    #[test]
    fn r45_refuses_empty_too_long_and_too_short_contains() {
        assert_eq!(parse_search("   "), Err(SearchError::Empty));
        assert_eq!(parse_search("**"), Err(SearchError::Empty));
        assert_eq!(parse_search("״"), Err(SearchError::Empty));
        assert_eq!(parse_search("*א*"), Err(SearchError::TooShort));
        assert_eq!(parse_search(&"א".repeat(101)), Err(SearchError::TooLong));
        assert!(parse_search(&"א".repeat(100)).is_ok());
    }

    #[test]
    fn r45_national_id_with_or_without_leading_zeros() {
        for input in ["18", "018", "000000018", "0000000000018"] {
            assert_eq!(
                numbers(input).national_id.as_deref(),
                Some("000000018"),
                "{input}"
            );
        }
        assert_eq!(numbers("1234567890").national_id, None);
        assert_eq!(numbers("000").national_id, None);
    }

    #[test]
    fn r45_file_number_keeps_its_leading_zero_and_is_not_an_inquiry_number() {
        let n = numbers("012345678");
        assert_eq!(n.file_number.as_deref(), Some("012345678"));
        assert_eq!(n.assessment_number.as_deref(), Some("012345678"));
        assert_eq!(n.inquiry_number, None);
    }

    #[test]
    fn r45_digits_are_also_an_inquiry_number_and_an_assessment_number() {
        let n = numbers("10000042");
        assert_eq!(n.inquiry_number, Some(10_000_042));
        assert_eq!(n.national_id.as_deref(), Some("010000042"));
        assert_eq!(n.assessment_number.as_deref(), Some("10000042"));
        assert_eq!(numbers("99999999999999999999").inquiry_number, None);
    }

    #[test]
    fn r45_contains_on_digits_is_never_padded_and_searches_part_of_the_inquiry_number() {
        let n = numbers("*4567");
        assert_eq!(n.national_id.as_deref(), Some("4567"));
        assert_eq!(n.file_number.as_deref(), Some("4567"));
        // §3.3: "ניתן להזין כוכבית עם חלק ממספר הפנייה".
        assert_eq!(n.inquiry_number_part.as_deref(), Some("4567"));
        assert_eq!(n.inquiry_number, None, "not an exact number");
        assert_eq!(numbers("4567").inquiry_number_part, None, "exact: no part");
    }

    #[test]
    fn r45_name_is_tried_last_first_and_first_last() {
        assert_eq!(
            classify("כהן  משה"),
            SearchKind::Name {
                orders: vec!["כהנ משה".into(), "משה כהנ".into()]
            }
        );
        assert_eq!(
            classify("בן דוד שרה"),
            SearchKind::Name {
                orders: vec![
                    "בנ דוד שרה".into(),
                    "דוד שרה בנ".into(),
                    "שרה בנ דוד".into()
                ]
            }
        );
        assert_eq!(
            classify("לוי"),
            SearchKind::Name {
                orders: vec!["לוי".into()]
            }
        );
        assert_eq!(
            classify("א ב ג ד ה"),
            SearchKind::Name {
                orders: vec!["א ב ג ד ה".into()]
            }
        );
        assert_eq!(
            classify("12a"),
            SearchKind::Name {
                orders: vec!["12a".into()]
            }
        );
    }

    #[test]
    fn escape_like_escapes_wildcards_and_the_escape_character() {
        assert_eq!(escape_like(r"100%_a\b"), r"100\%\_a\\b");
        assert_eq!(contains_pattern("כה*נ"), "%כה%נ%");
        assert_eq!(contains_pattern("5%"), r"%5\%%");
    }

    #[test]
    fn every_error_has_hebrew_and_english_messages() {
        use strum::IntoEnumIterator;
        for e in SearchError::iter() {
            assert!(
                e.message_he()
                    .chars()
                    .any(|c| ('\u{05D0}'..='\u{05EA}').contains(&c))
            );
            assert!(!e.message_en().is_empty() && !e.code().is_empty());
        }
    }

    /// True when every `%` and `_` in `s` is preceded by an escaping `\`.
    fn no_unescaped_wildcards(s: &str) -> bool {
        let mut escaped = false;
        for c in s.chars() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '%' || c == '_' {
                return false;
            }
        }
        !escaped
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,60}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn fold_is_idempotent_on_hebrew(s in "[\u{0590}-\u{05FF} '\"׳״A-Z]{0,60}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn escape_like_leaves_no_unescaped_wildcard(s in "[%_\\\\a-z\u{05D0}-\u{05EA}]{0,40}") {
            prop_assert!(no_unescaped_wildcards(&escape_like(&s)));
        }

        #[test]
        fn parse_search_never_panics_and_respects_the_cap(s in "\\PC{0,120}") {
            if let Ok(q) = parse_search(&s) {
                prop_assert!(q.term.value().chars().count() <= MAX_INPUT_CHARS);
                prop_assert!(!q.term.value().is_empty());
            }
        }
    }
}
