//! Redaction of personal data in inquiry texts before the feedback export to the classifier's
//! retraining set (directive §5.1.1, requirement R8).
//!
//! Owns: the placeholders and the hand-made scanners for emails, Israeli phone numbers, national
//! IDs, file-like numbers and the customer's known names. Pure: no I/O, no clock. One left-to-right
//! pass over the original characters, so a placeholder is never scanned again. Left alone on
//! purpose: years, short form numbers, dates, amounts, decimals, percentages and `*` star numbers.

use super::national_id::NationalId;

const EMAIL: &str = "<EMAIL>";
const PHONE: &str = "<PHONE>";
const ID: &str = "<ID>";
const NUMBER: &str = "<NUMBER>";
const NAME: &str = "<NAME>";

/// Hebrew one-letter prefixes (ו ה ב ל מ ש כ) that may precede a name; up to three are kept.
const NAME_PREFIXES: [char; 7] = ['ו', 'ה', 'ב', 'ל', 'מ', 'ש', 'כ'];
const MAX_NAME_PREFIXES: usize = 3;

/// Words just before a landline-shaped 9-digit run that make it a phone rather than an ID.
const PHONE_WORDS: [&str; 9] = [
    "טל",
    "נייד",
    "פלאפון",
    "סלולר",
    "פקס",
    "phone",
    "tel",
    "mobile",
    "fax",
];
/// How far back (in characters) a phone word is looked for.
const PHONE_WORD_WINDOW: usize = 20;

/// Currency marks around a plain digit run that make it an amount.
const CURRENCY_BEFORE: [&str; 3] = ["₪", "$", "€"];
const CURRENCY_AFTER: [&str; 10] = [
    "₪", "ש\"ח", "ש״ח", "ש''ח", "שקל", "nis", "ils", "דולר", "אירו", "$",
];

/// Replaces personal data in `text` with placeholders; `known_names` are the customer's (and representative's) first and last names from the record.
pub fn redact(text: &str, known_names: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let names = prepare_names(known_names);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some((end, placeholder)) = match_at(&chars, i) {
            match placeholder {
                Some(p) => out.push_str(p),
                None => out.extend(&chars[i..end]),
            }
            i = end;
            continue;
        }
        if let Some((name_start, end)) = match_name_at(&chars, i, &names) {
            out.extend(&chars[i..name_start]);
            out.push_str(NAME);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Email, phone and number scanners at `i`: the end of what was recognised, and the placeholder
/// (`None` = recognised as something to keep, such as a date, and copied verbatim).
fn match_at(chars: &[char], i: usize) -> Option<(usize, Option<&'static str>)> {
    if let Some(end) = match_email(chars, i) {
        return Some((end, Some(EMAIL)));
    }
    let c = chars[i];
    if !(c.is_ascii_digit() || c == '+' || c == '(') || !number_may_start(chars, i) {
        return None;
    }
    if let Some(end) = match_phone(chars, i) {
        return Some((end, Some(PHONE)));
    }
    if !c.is_ascii_digit() {
        return None;
    }
    if let Some(end) = match_date(chars, i)
        .or_else(|| match_amount(chars, i))
        .or_else(|| match_decimal(chars, i))
    {
        return Some((end, None));
    }
    Some(classify_number(chars, i))
}

// ---------------------------------------------------------------------------------------------
// Character classes and boundaries

/// Niqqud and cantillation marks (U+0591..U+05C7), without the punctuation in that block
/// (maqaf U+05BE, paseq U+05C0, sof pasuq U+05C3, nun hafukha U+05C6).
fn is_niqqud(c: char) -> bool {
    matches!(c, '\u{0591}'..='\u{05C7}')
        && !matches!(c, '\u{05BE}' | '\u{05C0}' | '\u{05C3}' | '\u{05C6}')
}

/// Blocks a number on either side: a Latin letter, a digit or `_` (part of a code). Hebrew
/// letters do not block, since a prefix such as ל or ב is often glued to a number.
fn is_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn number_may_start(chars: &[char], i: usize) -> bool {
    i == 0 || !is_code_char(chars[i - 1])
}

fn digit_at(chars: &[char], i: usize) -> bool {
    chars.get(i).is_some_and(char::is_ascii_digit)
}

/// A number may end at `end`: no code character follows, and no `-`/`/` that continues it.
fn number_may_end(chars: &[char], end: usize) -> bool {
    match chars.get(end) {
        None => true,
        Some(&c) if is_code_char(c) => false,
        Some('-' | '/') => !digit_at(chars, end + 1),
        Some(_) => true,
    }
}

/// End of the run of ASCII digits starting at `i`.
fn digits_end(chars: &[char], i: usize) -> usize {
    let mut j = i;
    while digit_at(chars, j) {
        j += 1;
    }
    j
}

fn starts_with_ci(chars: &[char], i: usize, word: &str) -> bool {
    let mut j = i;
    for w in word.chars() {
        match chars.get(j) {
            Some(&c) if fold(c) == w => j += 1,
            _ => return false,
        }
    }
    true
}

/// Lower case for comparisons (Hebrew has no case, so only Latin and similar letters change).
fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

// ---------------------------------------------------------------------------------------------
// Rule 1: emails

fn is_email_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// `local@domain.tld` starting at `i`, where `i` is a letter or digit that no letter or digit
/// precedes (so `ל-dana@...` leaves `ל-` outside the address).
fn match_email(chars: &[char], i: usize) -> Option<usize> {
    if !chars[i].is_ascii_alphanumeric() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
        return None;
    }
    let mut at = i;
    while at < chars.len() && is_email_local(chars[at]) {
        at += 1;
    }
    if chars.get(at) != Some(&'@') {
        return None;
    }
    let start = at + 1;
    let mut end = start;
    while end < chars.len()
        && (chars[end].is_ascii_alphanumeric() || matches!(chars[end], '.' | '-'))
    {
        end += 1;
    }
    // A sentence's full stop (or a stray hyphen) after the address is not part of it.
    while end > start && matches!(chars[end - 1], '.' | '-') {
        end -= 1;
    }
    let domain: String = chars[start..end].iter().collect();
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    let ok = labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-'))
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic());
    ok.then_some(end)
}

// ---------------------------------------------------------------------------------------------
// Rule 2: Israeli phone numbers

/// A separator inside a phone number: up to three of space / no-break space / `-`, at most one
/// `-`, followed by a digit. Returns the index after it (or `j` when there is none).
fn skip_phone_separator(chars: &[char], j: usize) -> usize {
    let mut k = j;
    let mut dashes = 0;
    while k < chars.len() && k - j < 3 && matches!(chars[k], ' ' | '\u{a0}' | '-') {
        if chars[k] == '-' {
            dashes += 1;
        }
        k += 1;
    }
    if k > j && dashes <= 1 && digit_at(chars, k) {
        k
    } else {
        j
    }
}

/// A phone number starting at `i` (a digit, `+` or `(`): the end index.
fn match_phone(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    let international = if chars[j] == '+' {
        if !starts_with_ci(chars, j + 1, "972") {
            return None;
        }
        j += 4;
        true
    } else if starts_with_ci(chars, j, "00972") {
        j += 5;
        true
    } else if starts_with_ci(chars, j, "972") {
        j += 3;
        true
    } else {
        false
    };
    let mut paren = false;
    if international {
        j = skip_phone_separator(chars, j);
        // "+972-050-..." is a common slip: the trunk 0 is tolerated.
        if chars.get(j) == Some(&'0') {
            j += 1;
        }
    } else {
        if chars[j] == '(' {
            paren = true;
            j += 1;
        }
        if chars.get(j) != Some(&'0') {
            return None;
        }
        j += 1;
    }
    // Area code: 5X (mobile), 7X, or one of 2, 3, 4, 8, 9 (landlines).
    match chars.get(j) {
        Some('5' | '7') if digit_at(chars, j + 1) => j += 2,
        Some('2' | '3' | '4' | '8' | '9') => j += 1,
        _ => return None,
    }
    if paren {
        if chars.get(j) != Some(&')') {
            return None;
        }
        j += 1;
    }
    j = skip_phone_separator(chars, j);
    for n in 0..7 {
        if n > 0 {
            j = skip_phone_separator(chars, j);
        }
        if !digit_at(chars, j) {
            return None;
        }
        j += 1;
    }
    if !number_may_end(chars, j)
        || matches!(chars.get(j), Some('.' | ',')) && digit_at(chars, j + 1)
    {
        return None;
    }
    // Nine bare digits such as 036543210 are both a landline and (if the check digit passes) an
    // ID; without a phone word just before, the ID wins.
    let bare: String = chars[i..j].iter().collect();
    if !international
        && !paren
        && bare.len() == 9
        && NationalId::parse(&bare).is_ok()
        && !phone_word_before(chars, i)
    {
        return None;
    }
    Some(j)
}

fn phone_word_before(chars: &[char], i: usize) -> bool {
    let from = i.saturating_sub(PHONE_WORD_WINDOW);
    (from..i).any(|k| PHONE_WORDS.iter().any(|w| starts_with_ci(chars, k, w)))
}

// ---------------------------------------------------------------------------------------------
// Rules 3 and 4: IDs and other numbers, and the numbers that stay

fn is_date_separator(c: Option<&char>) -> bool {
    matches!(c, Some('/' | '.' | '-'))
}

/// A date starting at `i`: `d{1,2} S d{1,2} S (d{2}|d{4})` or ISO `d{4} S d{1,2} S d{1,2}`,
/// with `S` one of `/ . -`.
fn match_date(chars: &[char], i: usize) -> Option<usize> {
    let shapes: [[&[usize]; 3]; 2] = [[&[1, 2], &[1, 2], &[2, 4]], [&[4], &[1, 2], &[1, 2]]];
    'shape: for shape in shapes {
        let mut j = i;
        for (n, lens) in shape.iter().enumerate() {
            if n > 0 {
                if !is_date_separator(chars.get(j)) {
                    continue 'shape;
                }
                j += 1;
            }
            let end = digits_end(chars, j);
            if !lens.contains(&(end - j)) {
                continue 'shape;
            }
            j = end;
        }
        let continues = is_date_separator(chars.get(j)) && digit_at(chars, j + 1);
        if number_may_end(chars, j) && !continues {
            return Some(j);
        }
    }
    None
}

/// An amount with thousands separators starting at `i`: `12,500`, `1,250,000`, `12,500.50`.
fn match_amount(chars: &[char], i: usize) -> Option<usize> {
    let first = digits_end(chars, i);
    if !(1..=3).contains(&(first - i)) {
        return None;
    }
    let mut j = first;
    let mut groups = 0;
    while chars.get(j) == Some(&',') && digits_end(chars, j + 1) == j + 4 {
        j += 4;
        groups += 1;
    }
    if groups == 0 {
        return None;
    }
    if chars.get(j) == Some(&'.') && digit_at(chars, j + 1) {
        j = digits_end(chars, j + 1);
    }
    let continues = matches!(chars.get(j), Some(',' | '.')) && digit_at(chars, j + 1);
    (number_may_end(chars, j) && !continues).then_some(j)
}

/// A decimal starting at `i`: `3.5`, `1234567.89`.
fn match_decimal(chars: &[char], i: usize) -> Option<usize> {
    let point = digits_end(chars, i);
    if chars.get(point) != Some(&'.') || !digit_at(chars, point + 1) {
        return None;
    }
    let end = digits_end(chars, point + 1);
    let continues = matches!(chars.get(end), Some(',' | '.')) && digit_at(chars, end + 1);
    (number_may_end(chars, end) && !continues).then_some(end)
}

fn is_year(digits: &[char]) -> bool {
    let s: String = digits.iter().collect();
    s.len() == 4 && s.parse::<u32>().is_ok_and(|y| (1900..=2099).contains(&y))
}

/// Digit groups joined by single `-` or `/` starting at `i` (a digit): an ID, another number or
/// something to keep.
fn classify_number(chars: &[char], i: usize) -> (usize, Option<&'static str>) {
    let mut groups = vec![(i, digits_end(chars, i))];
    let mut j = groups[0].1;
    while matches!(chars.get(j), Some('-' | '/')) && digit_at(chars, j + 1) {
        let end = digits_end(chars, j + 1);
        groups.push((j + 1, end));
        j = end;
    }
    if !number_may_end(chars, j) {
        return (j, None);
    }
    let digits: usize = groups.iter().map(|(s, e)| e - s).sum();
    if digits < 6 || is_percentage(chars, i, j) {
        return (j, None);
    }
    if let [(s, e)] = groups[..] {
        if is_amount_by_currency(chars, s, e) {
            return (j, None);
        }
        if (8..=9).contains(&(e - s)) {
            let run: String = chars[s..e].iter().collect();
            if NationalId::parse(&run).is_ok() {
                return (j, Some(ID));
            }
        }
    }
    if let [(s1, e1), (s2, e2)] = groups[..] {
        // Year ranges and month/year: 2022-2023, 2023/12, 05/2024.
        let (a, b) = (&chars[s1..e1], &chars[s2..e2]);
        if (is_year(a) && (is_year(b) || b.len() <= 2)) || (a.len() <= 2 && is_year(b)) {
            return (j, None);
        }
    }
    (j, Some(NUMBER))
}

/// `15%`, `15 %` or `%15` (the sign typed first in right-to-left text).
fn is_percentage(chars: &[char], start: usize, end: usize) -> bool {
    let after = match chars.get(end) {
        Some(' ') => chars.get(end + 1),
        other => other,
    };
    after == Some(&'%') || (start > 0 && chars[start - 1] == '%')
}

/// A plain digit run with a currency mark just before or after it (one space allowed).
fn is_amount_by_currency(chars: &[char], start: usize, end: usize) -> bool {
    let before = if start >= 2 && chars[start - 1] == ' ' {
        start - 2
    } else if start >= 1 {
        start - 1
    } else {
        return false;
    };
    let after = if chars.get(end) == Some(&' ') {
        end + 1
    } else {
        end
    };
    CURRENCY_BEFORE
        .iter()
        .any(|c| starts_with_ci(chars, before, c))
        || CURRENCY_AFTER
            .iter()
            .any(|c| starts_with_ci(chars, after, c))
}

// ---------------------------------------------------------------------------------------------
// Rule 5: known names

/// Each known name as its words, niqqud stripped and folded; at least two letters; longest first.
fn prepare_names(known_names: &[String]) -> Vec<Vec<Vec<char>>> {
    let mut names: Vec<Vec<Vec<char>>> = known_names
        .iter()
        .map(|name| {
            name.split_whitespace()
                .map(|w| w.chars().filter(|&c| !is_niqqud(c)).map(fold).collect())
                .collect::<Vec<Vec<char>>>()
        })
        .filter(|words| words.iter().flatten().filter(|c| c.is_alphabetic()).count() >= 2)
        .collect();
    names.sort_by_key(|words| std::cmp::Reverse(words.iter().map(Vec::len).sum::<usize>()));
    names.dedup();
    names
}

/// At the start of a word: optional Hebrew prefixes then a known name as a whole word. Returns
/// where the name starts (after the kept prefixes) and where it ends.
fn match_name_at(chars: &[char], i: usize, names: &[Vec<Vec<char>>]) -> Option<(usize, usize)> {
    if names.is_empty() || !chars[i].is_alphabetic() || !word_may_start(chars, i) {
        return None;
    }
    let mut start = i;
    for prefixes in 0..=MAX_NAME_PREFIXES {
        if prefixes > 0 {
            if !NAME_PREFIXES.contains(&chars[start]) {
                return None;
            }
            start = skip_niqqud(chars, start + 1);
            if start >= chars.len() {
                return None;
            }
        }
        if let Some(end) = names
            .iter()
            .find_map(|words| match_name(chars, start, words))
        {
            return Some((start, end));
        }
    }
    None
}

fn skip_niqqud(chars: &[char], mut j: usize) -> usize {
    while j < chars.len() && is_niqqud(chars[j]) {
        j += 1;
    }
    j
}

fn word_may_start(chars: &[char], i: usize) -> bool {
    let mut k = i;
    while k > 0 && is_niqqud(chars[k - 1]) {
        k -= 1;
    }
    k == 0 || !chars[k - 1].is_alphanumeric()
}

/// The name's words at `start`, whitespace between them, niqqud in the text skipped; whole word.
fn match_name(chars: &[char], start: usize, words: &[Vec<char>]) -> Option<usize> {
    let mut j = start;
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            let gap = j;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if j == gap {
                return None;
            }
        }
        for &w in word {
            j = skip_niqqud(chars, j);
            if chars.get(j).map(|&c| fold(c)) != Some(w) {
                return None;
            }
            j += 1;
        }
        j = skip_niqqud(chars, j);
    }
    let whole_word = chars.get(j).is_none_or(|c| !c.is_alphanumeric());
    whole_word.then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check-digit rule, written out again so the test IDs are checked independently.
    fn valid_id(digits: &str) -> bool {
        let padded = format!("{digits:0>9}");
        let sum: u32 = padded
            .chars()
            .enumerate()
            .map(|(i, c)| {
                let p = c.to_digit(10).unwrap() * if i % 2 == 0 { 1 } else { 2 };
                p / 10 + p % 10
            })
            .sum();
        padded.len() == 9 && sum.is_multiple_of(10)
    }

    fn r(text: &str) -> String {
        redact(text, &[])
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn test_ids_are_valid_and_invalid_as_claimed() {
        for id in ["123456782", "039337423", "12345674", "000000018"] {
            assert!(valid_id(id), "{id}");
            assert!(NationalId::parse(id).is_ok(), "{id}");
        }
        for id in ["123456789", "123456781", "12345678"] {
            assert!(!valid_id(id), "{id}");
        }
    }

    #[test]
    fn citizen_sentence_with_everything() {
        assert_eq!(
            r("שלום, ת.ז. 123456782 טלפון 050-1234567 מייל dana.cohen@gmail.com תיק 12-345678-9"),
            "שלום, ת.ז. <ID> טלפון <PHONE> מייל <EMAIL> תיק <NUMBER>"
        );
    }

    #[test]
    fn rule1_emails() {
        assert_eq!(
            r("שלחתי ל-dana.cohen@gmail.com אתמול"),
            "שלחתי ל-<EMAIL> אתמול"
        );
        assert_eq!(
            r("המייל שלי: moshe_levi+tax@walla.co.il."),
            "המייל שלי: <EMAIL>."
        );
        assert_eq!(r("(yossi-k%1@bezeqint.net)"), "(<EMAIL>)");
        assert_eq!(
            r("Contact: A.B@Example.ORG, thanks"),
            "Contact: <EMAIL>, thanks"
        );
        // An '@' without a dotted domain, or a lone '@', is not an email.
        assert_eq!(
            r("נא לפנות ל@משרד או user@localhost"),
            "נא לפנות ל@משרד או user@localhost"
        );
        assert_eq!(r("ציוץ ל @taxes"), "ציוץ ל @taxes");
    }

    #[test]
    fn rule2_mobile_and_landline_phones() {
        assert_eq!(r("הנייד שלי 050-1234567"), "הנייד שלי <PHONE>");
        assert_eq!(r("נא להתקשר 050 123 4567 בערב"), "נא להתקשר <PHONE> בערב");
        assert_eq!(r("טלפון בבית: 03-6543210."), "טלפון בבית: <PHONE>.");
        assert_eq!(r("מספר 0541234567, תודה"), "מספר <PHONE>, תודה");
        assert_eq!(r("פקס 02 6543210"), "פקס <PHONE>");
        assert_eq!(
            r("בעבודה 077-1234567 או 04-8123456"),
            "בעבודה <PHONE> או <PHONE>"
        );
        assert_eq!(r("חייגו (08) 9123456"), "חייגו <PHONE>");
        assert_eq!(r("התקשרו ל0521234567"), "התקשרו ל<PHONE>");
    }

    #[test]
    fn rule2_international_phones() {
        assert_eq!(r("from abroad +972-50-1234567"), "from abroad <PHONE>");
        assert_eq!(r("טל: +972501234567"), "טל: <PHONE>");
        assert_eq!(r("מחו\"ל 00972-3-6543210"), "מחו\"ל <PHONE>");
        assert_eq!(r("מחו\"ל 00972501234567"), "מחו\"ל <PHONE>");
        assert_eq!(r("או 972-52-7654321"), "או <PHONE>");
        assert_eq!(r("+972 50 123 4567"), "<PHONE>");
    }

    #[test]
    fn rule2_star_numbers_stay() {
        assert_eq!(
            r("התקשרתי למוקד *4954 ולא ענו"),
            "התקשרתי למוקד *4954 ולא ענו"
        );
        assert_eq!(r("*4954"), "*4954");
    }

    #[test]
    fn rule2_bare_nine_digits_are_an_id_unless_a_phone_word_precedes() {
        assert!(valid_id("039337423"));
        assert_eq!(r("מספר זהות 039337423"), "מספר זהות <ID>");
        assert_eq!(r("טלפון 039337423"), "טלפון <PHONE>");
        // A landline that fails the check digit is a phone whatever precedes it.
        assert!(!valid_id("036543210"));
        assert_eq!(r("המספר 036543210"), "המספר <PHONE>");
    }

    #[test]
    fn rule3_ids() {
        assert_eq!(r("ת.ז. 123456782"), "ת.ז. <ID>");
        assert_eq!(
            r("ת\"ז:123456782, בן זוג 12345674"),
            "ת\"ז:<ID>, בן זוג <ID>"
        );
        assert_eq!(r("מספר זהות 000000018"), "מספר זהות <ID>");
        assert_eq!(r("ID 123456782."), "ID <ID>.");
    }

    #[test]
    fn rule3_id_failing_the_check_digit_is_a_number() {
        assert!(!valid_id("123456789"));
        assert_eq!(r("ת.ז. 123456789"), "ת.ז. <NUMBER>");
        assert!(!valid_id("12345678"));
        assert_eq!(r("ת.ז. 12345678"), "ת.ז. <NUMBER>");
    }

    #[test]
    fn rule3_short_runs_are_never_ids() {
        // 18 passes the check digit when padded, yet 5-7 digit runs are not IDs.
        assert!(valid_id("0000018") && valid_id("00018"));
        assert_eq!(r("אסמכתא 0000018"), "אסמכתא <NUMBER>");
        assert_eq!(r("קוד 00018"), "קוד 00018");
    }

    #[test]
    fn rule3_part_of_a_longer_code_is_left() {
        assert_eq!(r("הזמנה AB123456782"), "הזמנה AB123456782");
        assert_eq!(r("קוד 123456782x"), "קוד 123456782x");
        assert_eq!(r("1234567823"), "<NUMBER>");
    }

    #[test]
    fn rule4_file_numbers() {
        assert_eq!(r("תיק ניכויים 12-345678-9"), "תיק ניכויים <NUMBER>");
        assert_eq!(r("מספר שומה 2023/1234567"), "מספר שומה <NUMBER>");
        assert_eq!(r("חשבון בנק 12-345-678901"), "חשבון בנק <NUMBER>");
        assert_eq!(r("אסמכתא 654321 ו-1234567"), "אסמכתא <NUMBER> ו-<NUMBER>");
        assert_eq!(r("מס' 12/34/5678/9"), "מס' <NUMBER>");
    }

    #[test]
    fn rule4_years_and_form_numbers_stay() {
        let text = "הגשתי טופס 106 וטופס 1301 לשנת 2023, וגם 867 עבור 2022-2023 ו-05/2024";
        assert_eq!(r(text), text);
        assert_eq!(r("מספר 12-345"), "מספר 12-345");
    }

    #[test]
    fn rule4_dates_stay() {
        let text = "ביום 12/05/2024 ושוב ב-12.05.2024, וגם 1-5-24 ו-2024-05-12.";
        assert_eq!(r(text), text);
        assert_eq!(r("עד 3/7/2025"), "עד 3/7/2025");
    }

    #[test]
    fn rule4_amounts_decimals_and_percentages_stay() {
        let text = "חוב של 12,500 ש\"ח, החזר ₪12,500 ו-1,250,000 ₪; 12,500.50; ריבית 3.5% ו-4.25 וגם 15 % ו-%20";
        assert_eq!(r(text), text);
        let text = "שילמתי 1250000 ש\"ח ועוד ₪ 2500000";
        assert_eq!(r(text), text);
        assert_eq!(r("1234567.89"), "1234567.89");
        assert_eq!(r("123456 %"), "123456 %");
    }

    #[test]
    fn rule5_names_with_prefixes() {
        let known = names(&["דנה", "כהן"]);
        assert_eq!(
            redact("שלום, שמי דנה כהן", &known),
            "שלום, שמי <NAME> <NAME>"
        );
        assert_eq!(
            redact("הבקשה ולכהן, שכהן ומכהן", &known),
            "הבקשה ול<NAME>, ש<NAME> ומ<NAME>"
        );
        assert_eq!(redact("וכשדנה באה", &known), "וכש<NAME> באה");
    }

    #[test]
    fn rule5_name_inside_a_longer_word_stays() {
        let known = names(&["כהן", "דנה"]);
        assert_eq!(redact("הכהנים והכהונה", &known), "הכהנים והכהונה");
        assert_eq!(redact("דנהלה", &known), "דנהלה");
        // Four prefixes are more than Hebrew allows: not a name.
        assert_eq!(redact("ושמהבכהן", &known), "ושמהבכהן");
    }

    #[test]
    fn rule5_latin_names_ignore_case() {
        let known = names(&["Dana", "Cohen"]);
        assert_eq!(
            redact("Dear DANA cohen, ל-Cohen", &known),
            "Dear <NAME> <NAME>, ל-<NAME>"
        );
        assert_eq!(redact("Cohens and Danas", &known), "Cohens and Danas");
    }

    #[test]
    fn rule5_multi_word_names() {
        let known = names(&["ישראל", "בן דוד"]);
        assert_eq!(
            redact("הנישום ישראל בן  דוד ובן דוד שלו", &known),
            "הנישום <NAME> <NAME> ו<NAME> שלו"
        );
        // Only the whole sequence: "בן" alone is not the name.
        assert_eq!(redact("יש לי בן אחד", &known), "יש לי בן אחד");
    }

    #[test]
    fn rule5_niqqud_is_ignored_when_comparing() {
        let known = names(&["משה"]);
        assert_eq!(redact("שלום מֹשֶׁה!", &known), "שלום <NAME>!");
        assert_eq!(redact("וּמֹשֶׁה", &known), "וּ<NAME>");
        let pointed = names(&["מֹשֶׁה"]);
        assert_eq!(redact("אצל משה", &pointed), "אצל <NAME>");
    }

    #[test]
    fn rule5_name_starting_with_a_prefix_letter_is_whole() {
        let known = names(&["משה", "לוי"]);
        assert_eq!(redact("משה לוי ולמשה", &known), "<NAME> <NAME> ול<NAME>");
        assert_eq!(redact("שלוי", &known), "ש<NAME>");
    }

    #[test]
    fn rule5_short_and_empty_names_are_ignored() {
        let known = names(&["א", "", "  ", "J"]);
        let text = "א ב J ג";
        assert_eq!(redact(text, &known), text);
    }

    #[test]
    fn rule5_final_letters_are_exact() {
        let known = names(&["כהן"]);
        assert_eq!(redact("כהנ", &known), "כהנ");
    }

    #[test]
    fn rule6_everything_else_is_untouched() {
        let text = "שלום רב,\n\tאני מבקש החזר מס עבור שנת 2023 (טופס 135).\r\nתודה! Regards, Dana";
        assert_eq!(r(text), text);
        assert_eq!(r(""), "");
    }

    #[test]
    fn mixed_text_with_names_and_numbers() {
        let known = names(&["דנה", "כהן"]);
        assert_eq!(
            redact(
                "לכבוד דנה כהן, ת.ז. 123456782, בקשר לשומה 2023/1234567 מיום 12/05/2024 על 12,500 ש\"ח. פרטים: 050-1234567, dana.cohen@gmail.com או *4954.",
                &known
            ),
            "לכבוד <NAME> <NAME>, ת.ז. <ID>, בקשר לשומה <NUMBER> מיום 12/05/2024 על 12,500 ש\"ח. פרטים: <PHONE>, <EMAIL> או *4954."
        );
    }

    #[test]
    fn placeholders_are_not_rescanned() {
        let known = names(&["Email", "Name"]);
        assert_eq!(redact("name@example.com", &known), "<EMAIL>");
        assert_eq!(redact("Email Name", &known), "<NAME> <NAME>");
    }

    proptest::proptest! {
        #[test]
        fn text_without_digits_at_signs_or_names_is_untouched(s in "[א-ת .,!?:;()\"'\n-]{0,80}") {
            proptest::prop_assert_eq!(redact(&s, &[]), s.clone());
        }

        #[test]
        fn every_valid_id_between_words_is_redacted(body in 0u32..100_000_000, before in "[א-ת ]{0,10}") {
            let id = NationalId::with_check_digit(body);
            let text = format!("{before} ת.ז. {} תודה", id.as_str());
            let out = redact(&text, &[]);
            proptest::prop_assert!(out.contains("ת.ז. <ID> תודה") || out.contains("<PHONE>"), "{out}");
            proptest::prop_assert!(!out.contains(id.as_str()), "{out}");
        }

        #[test]
        fn any_text_without_digits_or_at_signs_is_untouched(s in "\\PC{0,80}") {
            let out = redact(&s, &[]);
            if !s.chars().any(|c| c.is_ascii_digit() || c == '@') {
                proptest::prop_assert_eq!(out, s.clone());
            }
        }
    }
}
