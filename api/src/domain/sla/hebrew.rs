//! Hebrew calendar arithmetic: the molad, the postponement rules (dechiyot), year and month
//! lengths, leap years, and the mapping of a Hebrew date to a Gregorian `NaiveDate`.
//!
//! This is the fixed arithmetic calendar (Hillel II), exact for any year; we test it for the
//! Gregorian years 1950-2150 the CRM cares about. It knows nothing about holidays or working days
//! (see `calendar.rs`) and does no I/O.
//!
//! Days are counted as "fixed" day numbers (R.D.: 0001-01-01 Gregorian is day 1), which is the same
//! count as chrono's `num_days_from_ce`. Months use the biblical numbering: Nisan = 1 ... Elul = 6,
//! Tishrei = 7 ... Adar (Adar I in a leap year) = 12, Adar II = 13. The year starts at Tishrei.

use chrono::{Datelike, NaiveDate};

/// Fixed day number of 1 Tishrei AM 1 (Monday, 7 October 3761 BCE, Julian).
const EPOCH: i64 = -1_373_427;
/// Parts (chalakim) in a day: 24 hours x 1080 parts.
const PARTS_PER_DAY: i64 = 25_920;

/// Hebrew months, numbered as in the Torah (Nisan first); the civil year starts at Tishrei.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HebrewMonth {
    Nisan = 1,
    Iyar = 2,
    Sivan = 3,
    Tammuz = 4,
    Av = 5,
    Elul = 6,
    Tishrei = 7,
    Heshvan = 8,
    Kislev = 9,
    Tevet = 10,
    Shevat = 11,
    /// Adar in a common year, Adar I in a leap year.
    Adar = 12,
    /// Adar II, only in a leap year.
    AdarII = 13,
}

impl HebrewMonth {
    fn from_number(n: i64) -> Option<Self> {
        use HebrewMonth::*;
        Some(match n {
            1 => Nisan,
            2 => Iyar,
            3 => Sivan,
            4 => Tammuz,
            5 => Av,
            6 => Elul,
            7 => Tishrei,
            8 => Heshvan,
            9 => Kislev,
            10 => Tevet,
            11 => Shevat,
            12 => Adar,
            13 => AdarII,
            _ => return None,
        })
    }
}

/// A leap year (13 months) is year 3, 6, 8, 11, 14, 17 or 19 of the 19-year Metonic cycle.
pub fn is_leap_year(year: i64) -> bool {
    (7 * year + 1).rem_euclid(19) < 7
}

/// Days from the epoch to the molad of Tishrei of `year`, after the first postponement rules:
/// the molad is taken in whole days, and Rosh Hashana is moved one day when it would fall on
/// Sunday, Wednesday or Friday (lo ADU rosh), which also covers molad zaken at noon because the
/// molad is counted from 6 p.m. the previous evening (the 12084-part offset).
fn elapsed_days(year: i64) -> i64 {
    let months = (235 * year - 234).div_euclid(19);
    let parts = 12_084 + 13_753 * months;
    let days = 29 * months + parts.div_euclid(PARTS_PER_DAY);
    if (3 * (days + 1)).rem_euclid(7) < 3 {
        days + 1
    } else {
        days
    }
}

/// The remaining postponements (GaTaRaD and BeTU'TaKPaT): they keep every year length within
/// 353-355 (common) or 383-385 (leap) days.
fn year_length_correction(year: i64) -> i64 {
    let ny0 = elapsed_days(year - 1);
    let ny1 = elapsed_days(year);
    let ny2 = elapsed_days(year + 1);
    if ny2 - ny1 == 356 {
        2
    } else if ny1 - ny0 == 382 {
        1
    } else {
        0
    }
}

/// Fixed day number of 1 Tishrei (Rosh Hashana) of `year`.
pub fn new_year(year: i64) -> i64 {
    EPOCH + elapsed_days(year) + year_length_correction(year)
}

/// Days in the Hebrew year: 353, 354, 355, 383, 384 or 385.
pub fn days_in_year(year: i64) -> i64 {
    new_year(year + 1) - new_year(year)
}

/// Days in a month of a given year (29 or 30). Heshvan and Kislev depend on the year's length.
pub fn days_in_month(year: i64, month: HebrewMonth) -> i64 {
    use HebrewMonth::*;
    let len = days_in_year(year);
    match month {
        Iyar | Tammuz | Elul | Tevet | AdarII => 29,
        Adar if !is_leap_year(year) => 29,
        // A "complete" year (355/385) has a 30-day Heshvan.
        Heshvan if len % 10 != 5 => 29,
        // A "deficient" year (353/383) has a 29-day Kislev.
        Kislev if len % 10 == 3 => 29,
        _ => 30,
    }
}

fn last_month(year: i64) -> i64 {
    if is_leap_year(year) { 13 } else { 12 }
}

/// Fixed day number of a Hebrew date, or `None` when the month or day does not exist that year.
pub fn to_fixed(year: i64, month: HebrewMonth, day: i64) -> Option<i64> {
    if month == HebrewMonth::AdarII && !is_leap_year(year) {
        return None;
    }
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let m = month as i64;
    let month_days = |from: i64, to: i64| -> i64 {
        (from..to)
            .filter_map(HebrewMonth::from_number)
            .map(|mm| days_in_month(year, mm))
            .sum()
    };
    // Months before `month` in this year: Tishrei..(month-1), or Tishrei..last and Nisan..(month-1).
    let before = if m >= 7 {
        month_days(7, m)
    } else {
        month_days(7, last_month(year) + 1) + month_days(1, m)
    };
    Some(new_year(year) + before + day - 1)
}

/// Gregorian date of a Hebrew date, or `None` when the date does not exist.
pub fn to_gregorian(year: i64, month: HebrewMonth, day: i64) -> Option<NaiveDate> {
    fixed_to_date(to_fixed(year, month, day)?)
}

/// Gregorian date of a fixed day number.
pub fn fixed_to_date(fixed: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(fixed).ok()?)
}

/// Fixed day number of a Gregorian date.
pub fn date_to_fixed(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// Hebrew year whose Tishrei falls in Gregorian year `g` (e.g. 2025 -> 5786).
pub fn year_starting_in(gregorian_year: i32) -> i64 {
    i64::from(gregorian_year) + 3761
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn known_new_years() {
        assert_eq!(
            to_gregorian(5786, HebrewMonth::Tishrei, 1),
            Some(d(2025, 9, 23))
        );
        assert_eq!(
            to_gregorian(5787, HebrewMonth::Tishrei, 1),
            Some(d(2026, 9, 12))
        );
        assert_eq!(
            to_gregorian(5788, HebrewMonth::Tishrei, 1),
            Some(d(2027, 10, 2))
        );
        assert_eq!(
            to_gregorian(5711, HebrewMonth::Tishrei, 1),
            Some(d(1950, 9, 12))
        );
        assert_eq!(
            to_gregorian(5761, HebrewMonth::Tishrei, 1),
            Some(d(2000, 9, 30))
        );
    }

    #[test]
    fn known_dates_in_other_months() {
        // Hanukkah 5785 (25 Kislev) = 2024-12-26 (first candle the evening before); Purim 5784 (14 Adar II) = 2024-03-24.
        assert_eq!(
            to_gregorian(5785, HebrewMonth::Kislev, 25),
            Some(d(2024, 12, 26))
        );
        assert_eq!(
            to_gregorian(5784, HebrewMonth::AdarII, 14),
            Some(d(2024, 3, 24))
        );
        // Purim 5785 (14 Adar, common year) = 2025-03-14.
        assert_eq!(
            to_gregorian(5785, HebrewMonth::Adar, 14),
            Some(d(2025, 3, 14))
        );
        assert_eq!(to_gregorian(5785, HebrewMonth::AdarII, 1), None);
        assert_eq!(to_gregorian(5785, HebrewMonth::Iyar, 30), None);
    }

    #[test]
    fn year_lengths_are_legal_and_months_add_up_1950_2150() {
        for y in 5700..=5920 {
            let len = days_in_year(y);
            let legal: &[i64] = if is_leap_year(y) {
                &[383, 384, 385]
            } else {
                &[353, 354, 355]
            };
            assert!(legal.contains(&len), "year {y} has {len} days");
            let months: i64 = (1..=last_month(y))
                .filter_map(HebrewMonth::from_number)
                .map(|m| days_in_month(y, m))
                .sum();
            assert_eq!(months, len, "year {y}");
            // 1 Tishrei of the next year follows the last day of Elul.
            let elul29 = to_fixed(y, HebrewMonth::Elul, 29).unwrap();
            assert_eq!(elul29 + 1, new_year(y + 1));
        }
    }

    #[test]
    fn rosh_hashana_never_on_sunday_wednesday_friday_1950_2150() {
        for g in 1950..=2150 {
            let rh = fixed_to_date(new_year(year_starting_in(g))).unwrap();
            assert_eq!(rh.year(), g);
            assert!(
                !matches!(rh.weekday(), Weekday::Sun | Weekday::Wed | Weekday::Fri),
                "{rh}"
            );
        }
    }

    #[test]
    fn pesach_never_on_monday_wednesday_friday_1950_2150() {
        for g in 1950..=2150 {
            let p = to_gregorian(year_starting_in(g) - 1, HebrewMonth::Nisan, 15).unwrap();
            assert_eq!(p.year(), g);
            assert!(
                !matches!(p.weekday(), Weekday::Mon | Weekday::Wed | Weekday::Fri),
                "{p}"
            );
            // Pesach is always 163 days before the next Rosh Hashana.
            assert_eq!(date_to_fixed(p) + 163, new_year(year_starting_in(g)));
        }
    }

    #[test]
    fn leap_years_follow_the_metonic_cycle() {
        let leaps: Vec<i64> = (5784..5803).filter(|&y| is_leap_year(y)).collect();
        // 5784 is year 8 of its 19-year cycle; leaps: 5784, 5787, 5790, 5793, 5795, 5798, 5801.
        assert_eq!(leaps, vec![5784, 5787, 5790, 5793, 5795, 5798, 5801]);
    }
}
