//! The ITA working calendar (§2.1.7, R28): which days are working days, and how much working
//! time lies between two instants.
//!
//! Non-working days are Fridays, Saturdays, the Israeli holidays on which the ITA does not work
//! (Israel's one-day schedule, computed from the Hebrew calendar in `hebrew.rs`), and the extra
//! days the caller passes in (elections, strikes, emergencies: the database table is read
//! elsewhere). Days are local days in Asia/Jerusalem, daylight saving included: a working day is
//! the real interval between two local midnights (23 or 25 hours on a transition day).
//!
//! Must not: read the clock, touch the database, or know about inquiries (see `clock.rs`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Asia::Jerusalem;
use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr};

use super::super::NonWorkingKind;
use super::hebrew::{self, HebrewMonth};

/// A holiday on which the ITA does not work (Israel's one-day schedule).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    EnumIter,
)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Holiday {
    /// 1 Tishrei.
    RoshHashana1,
    /// 2 Tishrei (two days in Israel too).
    RoshHashana2,
    /// 10 Tishrei.
    YomKippur,
    /// 15 Tishrei, first day of Sukkot.
    Sukkot,
    /// 22 Tishrei, Shemini Atzeret / Simchat Torah (one day in Israel).
    SheminiAtzeret,
    /// 15 Nisan, first day of Pesach.
    Pesach,
    /// 21 Nisan, seventh day of Pesach.
    PesachSeventh,
    /// 6 Sivan (one day in Israel).
    Shavuot,
    /// 5 Iyar, moved: Friday -> Thursday 4 Iyar, Saturday -> Thursday 3 Iyar, and from 2004
    /// Monday -> Tuesday 6 Iyar.
    YomHaAtzmaut,
}

impl Holiday {
    /// Display name in Hebrew.
    pub fn name_he(self) -> &'static str {
        match self {
            Self::RoshHashana1 => "ראש השנה א׳",
            Self::RoshHashana2 => "ראש השנה ב׳",
            Self::YomKippur => "יום הכיפורים",
            Self::Sukkot => "סוכות",
            Self::SheminiAtzeret => "שמיני עצרת / שמחת תורה",
            Self::Pesach => "פסח",
            Self::PesachSeventh => "שביעי של פסח",
            Self::Shavuot => "שבועות",
            Self::YomHaAtzmaut => "יום העצמאות",
        }
    }

    /// Display name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::RoshHashana1 => "Rosh Hashana (day 1)",
            Self::RoshHashana2 => "Rosh Hashana (day 2)",
            Self::YomKippur => "Yom Kippur",
            Self::Sukkot => "Sukkot",
            Self::SheminiAtzeret => "Shemini Atzeret / Simchat Torah",
            Self::Pesach => "Pesach",
            Self::PesachSeventh => "Seventh day of Pesach",
            Self::Shavuot => "Shavuot",
            Self::YomHaAtzmaut => "Yom HaAtzmaut (Independence Day)",
        }
    }

    /// The stored / wire code (SCREAMING_SNAKE_CASE).
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// An extra non-working day (election day, strike, emergency), from the non-working-days table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraDay {
    pub date: NaiveDate,
    pub name_he: String,
    pub name_en: String,
}

/// One non-working day, with its kind and display names, for calendars shown to users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonWorkingDay {
    pub date: NaiveDate,
    pub kind: NonWorkingKind,
    pub name_he: String,
    pub name_en: String,
}

/// Gregorian years served from the precomputed table; other years are computed on demand.
const TABLE_FIRST: i32 = 1950;
const TABLE_LAST: i32 = 2150;

/// Holidays of one Gregorian year, in date order. Every holiday of a Hebrew year falls in the
/// Gregorian year of its season: Tishrei 1-22 is always in September/October, Nisan-Sivan in
/// March-June.
fn compute_holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let autumn = hebrew::year_starting_in(year);
    let spring = autumn - 1;
    let mut out = Vec::with_capacity(9);
    let mut push = |hy: i64, m: HebrewMonth, d: i64, h: Holiday| {
        if let Some(date) = hebrew::to_gregorian(hy, m, d) {
            out.push((date, h));
        }
    };
    push(spring, HebrewMonth::Nisan, 15, Holiday::Pesach);
    push(spring, HebrewMonth::Nisan, 21, Holiday::PesachSeventh);
    push(spring, HebrewMonth::Sivan, 6, Holiday::Shavuot);
    push(autumn, HebrewMonth::Tishrei, 1, Holiday::RoshHashana1);
    push(autumn, HebrewMonth::Tishrei, 2, Holiday::RoshHashana2);
    push(autumn, HebrewMonth::Tishrei, 10, Holiday::YomKippur);
    push(autumn, HebrewMonth::Tishrei, 15, Holiday::Sukkot);
    push(autumn, HebrewMonth::Tishrei, 22, Holiday::SheminiAtzeret);
    if let Some(date) = yom_haatzmaut(year) {
        out.push((date, Holiday::YomHaAtzmaut));
    }
    out.sort();
    out
}

/// Yom HaAtzmaut of a Gregorian year (none before 1949). 5 Iyar can only fall on Monday,
/// Wednesday, Friday or Saturday. Friday -> Thursday 4 Iyar and Saturday -> Thursday 3 Iyar (so
/// the eve, Yom HaZikaron, does not touch Shabbat); from 2004, Monday -> Tuesday 6 Iyar (so Yom
/// HaZikaron does not start on Saturday night). The ad-hoc dates of the first years are not modelled.
fn yom_haatzmaut(year: i32) -> Option<NaiveDate> {
    if year < 1949 {
        return None;
    }
    let five = hebrew::to_gregorian(hebrew::year_starting_in(year) - 1, HebrewMonth::Iyar, 5)?;
    let shift = match five.weekday() {
        Weekday::Fri => -1,
        Weekday::Sat => -2,
        Weekday::Mon if year >= 2004 => 1,
        _ => 0,
    };
    five.checked_add_signed(Duration::days(shift))
}

fn table() -> &'static [Vec<(NaiveDate, Holiday)>] {
    static TABLE: OnceLock<Vec<Vec<(NaiveDate, Holiday)>>> = OnceLock::new();
    TABLE.get_or_init(|| (TABLE_FIRST..=TABLE_LAST).map(compute_holidays).collect())
}

fn cached_year(year: i32) -> Option<&'static [(NaiveDate, Holiday)]> {
    let i = usize::try_from(year.checked_sub(TABLE_FIRST)?).ok()?;
    table().get(i).map(Vec::as_slice)
}

/// The ITA holidays of a Gregorian year, in date order (§2.1.7).
pub fn holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    cached_year(year).map_or_else(|| compute_holidays(year), <[_]>::to_vec)
}

/// The holiday on a date, if any.
pub fn holiday_on(date: NaiveDate) -> Option<Holiday> {
    let find =
        |days: &[(NaiveDate, Holiday)]| days.iter().find(|(d, _)| *d == date).map(|(_, h)| *h);
    match cached_year(date.year()) {
        Some(days) => find(days),
        None => find(&compute_holidays(date.year())),
    }
}

/// Local (Asia/Jerusalem) calendar date of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Jerusalem).date_naive()
}

/// The instant a local day starts (local midnight; after a gap, the first instant that exists).
pub fn day_start(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    match Jerusalem.from_local_datetime(&midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // Midnight fell into a spring-forward gap (only in old Israeli rules): the day starts
            // at the transition, which is the first local time that exists.
            (1..=16)
                .map(|q| midnight + Duration::minutes(15 * q))
                .find_map(|l| Jerusalem.from_local_datetime(&l).earliest())
                .map_or_else(
                    || Utc.from_utc_datetime(&(midnight - Duration::hours(2))),
                    |t| t.with_timezone(&Utc),
                )
        }
    }
}

/// The working calendar: weekends, computed holidays and the extra days passed in.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    extra: BTreeMap<NaiveDate, ExtraDay>,
}

impl WorkingCalendar {
    /// A calendar with these extra non-working days (a later entry for the same date wins).
    pub fn new(extra: Vec<ExtraDay>) -> Self {
        Self {
            extra: extra.into_iter().map(|e| (e.date, e)).collect(),
        }
    }

    /// Friday or Saturday.
    pub fn is_weekend(date: NaiveDate) -> bool {
        matches!(date.weekday(), Weekday::Fri | Weekday::Sat)
    }

    /// A day on which the ITA works: not a weekend, holiday or extra non-working day (R28).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !Self::is_weekend(date) && !self.extra.contains_key(&date) && holiday_on(date).is_none()
    }

    /// Why a date is not a working day, or `None` for a working day. A date with several reasons
    /// is reported once: holiday first, then extra day, then weekend.
    pub fn non_working_day(&self, date: NaiveDate) -> Option<NonWorkingDay> {
        let day = |kind, he: &str, en: &str| NonWorkingDay {
            date,
            kind,
            name_he: he.to_owned(),
            name_en: en.to_owned(),
        };
        if let Some(h) = holiday_on(date) {
            return Some(day(NonWorkingKind::Holiday, h.name_he(), h.name_en()));
        }
        if let Some(e) = self.extra.get(&date) {
            return Some(day(NonWorkingKind::Extra, &e.name_he, &e.name_en));
        }
        match date.weekday() {
            Weekday::Fri => Some(day(NonWorkingKind::Weekend, "יום שישי", "Friday")),
            Weekday::Sat => Some(day(NonWorkingKind::Weekend, "שבת", "Saturday")),
            _ => None,
        }
    }

    /// Every non-working day in `from..=to`, in date order. The caller bounds the range.
    pub fn non_working_days(&self, from: NaiveDate, to: NaiveDate) -> Vec<NonWorkingDay> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter_map(|d| self.non_working_day(d))
            .collect()
    }

    /// The first day after `date` whose working status differs from `date`'s, never later than
    /// the day after `last` (so a run is scanned at most to `last`).
    fn run_end(&self, date: NaiveDate, last: Option<NaiveDate>) -> Option<NaiveDate> {
        let working = self.is_working_day(date);
        let mut next = date.succ_opt()?;
        while self.is_working_day(next) == working && last.is_none_or(|l| next <= l) {
            next = next.succ_opt()?;
        }
        Some(next)
    }

    /// Real elapsed time in `[from, to)` that falls on working days, local days in
    /// Asia/Jerusalem (§2.1.7, R28). A working day counts all its hours. Zero when `to <= from`.
    /// Steps by runs of days with the same status, so the cost is O(days), a few tz look-ups a week.
    pub fn working_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        let last = local_date(to);
        let mut t = from;
        let mut day = local_date(from);
        loop {
            let working = self.is_working_day(day);
            let Some(next) = self.run_end(day, Some(last)) else {
                // End of chrono's date range: count the rest as this run.
                if working {
                    total += to - t;
                }
                return total;
            };
            let boundary = day_start(next);
            let end = boundary.min(to);
            if working {
                total += end - t;
            }
            if end >= to {
                return total;
            }
            t = boundary;
            day = next;
        }
    }

    /// The earliest instant `t >= from` with `working_time(from, t) == d`: a due date `d` of
    /// working time after `from`. A zero or negative `d` gives `from`.
    pub fn add_working_time(&self, from: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
        let mut remaining = d;
        let mut t = from;
        if remaining <= Duration::zero() {
            return t;
        }
        let mut day = local_date(from);
        loop {
            let working = self.is_working_day(day);
            let Some(next) = self.run_end(day, None) else {
                return t; // beyond chrono's date range
            };
            let boundary = day_start(next);
            if working {
                let available = boundary - t;
                if remaining <= available {
                    return t + remaining;
                }
                remaining -= available;
            }
            t = boundary;
            day = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A local (Asia/Jerusalem) wall-clock time as a UTC instant.
    fn local(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        let naive: NaiveDateTime = d(y, m, day).and_hms_opt(h, min, 0).unwrap();
        Jerusalem
            .from_local_datetime(&naive)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Published Israeli dates (one-day schedule): RH1, RH2, Yom Kippur, Sukkot, Shemini Atzeret,
    /// Pesach I, Pesach VII, Shavuot, Yom HaAtzmaut as observed. 2025-2027 match STACK.md.
    const PUBLISHED: &[(i32, [(u32, u32); 9])] = &[
        (
            2024,
            [
                (10, 3),
                (10, 4),
                (10, 12),
                (10, 17),
                (10, 24),
                (4, 23),
                (4, 29),
                (6, 12),
                (5, 14),
            ],
        ),
        (
            2025,
            [
                (9, 23),
                (9, 24),
                (10, 2),
                (10, 7),
                (10, 14),
                (4, 13),
                (4, 19),
                (6, 2),
                (5, 1),
            ],
        ),
        (
            2026,
            [
                (9, 12),
                (9, 13),
                (9, 21),
                (9, 26),
                (10, 3),
                (4, 2),
                (4, 8),
                (5, 22),
                (4, 22),
            ],
        ),
        (
            2027,
            [
                (10, 2),
                (10, 3),
                (10, 11),
                (10, 16),
                (10, 23),
                (4, 22),
                (4, 28),
                (6, 11),
                (5, 12),
            ],
        ),
        (
            2028,
            [
                (9, 21),
                (9, 22),
                (9, 30),
                (10, 5),
                (10, 12),
                (4, 11),
                (4, 17),
                (5, 31),
                (5, 2),
            ],
        ),
        (
            2029,
            [
                (9, 10),
                (9, 11),
                (9, 19),
                (9, 24),
                (10, 1),
                (3, 31),
                (4, 6),
                (5, 20),
                (4, 19),
            ],
        ),
        // 2030: 5 Iyar is Wednesday 8 May, not moved (7 May is Yom HaZikaron, a working day).
        (
            2030,
            [
                (9, 28),
                (9, 29),
                (10, 7),
                (10, 12),
                (10, 19),
                (4, 18),
                (4, 24),
                (6, 7),
                (5, 8),
            ],
        ),
    ];

    #[test]
    fn r28_published_holiday_dates_2024_2030() {
        let kinds = [
            Holiday::RoshHashana1,
            Holiday::RoshHashana2,
            Holiday::YomKippur,
            Holiday::Sukkot,
            Holiday::SheminiAtzeret,
            Holiday::Pesach,
            Holiday::PesachSeventh,
            Holiday::Shavuot,
            Holiday::YomHaAtzmaut,
        ];
        for (year, dates) in PUBLISHED {
            let mut expected: Vec<(NaiveDate, Holiday)> = dates
                .iter()
                .zip(kinds)
                .map(|(&(m, day), h)| (d(*year, m, day), h))
                .collect();
            expected.sort();
            assert_eq!(holidays(*year), expected, "{year}");
            for (date, h) in expected {
                assert_eq!(holiday_on(date), Some(h));
                assert!(!WorkingCalendar::default().is_working_day(date));
            }
        }
    }

    #[test]
    fn r28_yom_haatzmaut_moves() {
        // 2024: 5 Iyar Monday 13 May -> Tuesday; 2025: Saturday 3 May -> Thursday 3 Iyar;
        // 2029: Friday 20 April -> Thursday 4 Iyar; 2026: Wednesday, not moved.
        let yh = |y| {
            holidays(y)
                .into_iter()
                .find(|(_, h)| *h == Holiday::YomHaAtzmaut)
                .map(|(d, _)| d)
        };
        assert_eq!(yh(2024), Some(d(2024, 5, 14)));
        assert_eq!(yh(2025), Some(d(2025, 5, 1)));
        assert_eq!(yh(2029), Some(d(2029, 4, 19)));
        assert_eq!(yh(2026), Some(d(2026, 4, 22)));
        // 2004 was the first Monday -> Tuesday move; earlier only Friday/Saturday moved.
        assert_eq!(yh(2004), Some(d(2004, 4, 27)));
        assert_eq!(yh(1998), Some(d(1998, 4, 30)));
        assert_eq!(yh(2001), Some(d(2001, 4, 26)));
        for y in 1950..=2150 {
            let date = yh(y).unwrap();
            let banned: &[Weekday] = if y >= 2004 {
                &[Weekday::Fri, Weekday::Sat, Weekday::Sun, Weekday::Mon]
            } else {
                &[Weekday::Fri, Weekday::Sat, Weekday::Sun]
            };
            assert!(!banned.contains(&date.weekday()), "{date}");
        }
    }

    #[test]
    fn r28_every_year_has_nine_holidays_in_the_right_seasons_1950_2150() {
        for y in 1949..=2200 {
            let hs = holidays(y);
            assert_eq!(hs.len(), 9, "{y}");
            assert!(hs.iter().all(|(date, _)| date.year() == y));
        }
        // Outside the table: computed on demand; no Yom HaAtzmaut before the state.
        assert_eq!(holidays(2200), compute_holidays(2200));
        assert_eq!(holidays(1900).len(), 8);
    }

    #[test]
    fn r28_non_working_days_are_named_and_kinded() {
        let cal = WorkingCalendar::new(vec![ExtraDay {
            date: d(2025, 9, 22),
            name_he: "יום בחירות".into(),
            name_en: "Election day".into(),
        }]);
        let days = cal.non_working_days(d(2025, 9, 21), d(2025, 9, 28));
        let got: Vec<(NaiveDate, NonWorkingKind, &str)> = days
            .iter()
            .map(|n| (n.date, n.kind, n.name_he.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (d(2025, 9, 22), NonWorkingKind::Extra, "יום בחירות"),
                (d(2025, 9, 23), NonWorkingKind::Holiday, "ראש השנה א׳"),
                (d(2025, 9, 24), NonWorkingKind::Holiday, "ראש השנה ב׳"),
                (d(2025, 9, 26), NonWorkingKind::Weekend, "יום שישי"),
                (d(2025, 9, 27), NonWorkingKind::Weekend, "שבת"),
            ]
        );
        assert!(cal.is_working_day(d(2025, 9, 21)));
        assert!(!cal.is_working_day(d(2025, 9, 22)));
        // Yom Kippur 2024 fell on a Saturday: reported once, as the holiday.
        let yk = cal.non_working_day(d(2024, 10, 12)).unwrap();
        assert_eq!(
            (yk.kind, yk.name_en.as_str()),
            (NonWorkingKind::Holiday, "Yom Kippur")
        );
        assert!(
            cal.non_working_days(d(2025, 9, 28), d(2025, 9, 21))
                .is_empty()
        );
    }

    #[test]
    fn r28_thursday_to_sunday_counts_only_working_days() {
        // §2.1.7: opened Thursday 15:00, closed Sunday 09:00 = 9h (Thursday) + 9h (Sunday).
        let cal = WorkingCalendar::default();
        let from = local(2026, 11, 26, 15, 0);
        let to = local(2026, 11, 29, 9, 0);
        assert_eq!(cal.working_time(from, to), Duration::hours(18));
        assert_eq!(cal.add_working_time(from, Duration::hours(18)), to);
        assert_eq!(
            cal.add_working_time(from, Duration::hours(9)),
            local(2026, 11, 27, 0, 0)
        );
        assert_eq!(cal.working_time(to, from), Duration::zero());
        // Inside one day, and across a holiday (Rosh Hashana 2026 is Sat-Sun 12-13 Sept).
        assert_eq!(
            cal.working_time(local(2026, 11, 26, 9, 0), local(2026, 11, 26, 9, 30)),
            Duration::minutes(30)
        );
        assert_eq!(
            cal.working_time(local(2026, 9, 10, 12, 0), local(2026, 9, 14, 12, 0)),
            Duration::hours(24)
        );
    }

    #[test]
    fn r28_dst_transition_days_have_their_real_length() {
        let cal = WorkingCalendar::default();
        // 2026-03-27 (Friday): clocks go forward at 02:00, a 23-hour day, and a weekend day.
        assert_eq!(
            day_start(d(2026, 3, 28)) - day_start(d(2026, 3, 27)),
            Duration::hours(23)
        );
        assert_eq!(
            cal.working_time(local(2026, 3, 26, 12, 0), local(2026, 3, 29, 12, 0)),
            Duration::hours(24)
        );
        // 2026-10-25 (Sunday): clocks go back at 02:00, a 25-hour working day.
        assert_eq!(
            day_start(d(2026, 10, 26)) - day_start(d(2026, 10, 25)),
            Duration::hours(25)
        );
        assert_eq!(
            cal.working_time(local(2026, 10, 23, 12, 0), local(2026, 10, 26, 0, 0)),
            Duration::hours(25)
        );
        assert_eq!(
            cal.working_time(local(2026, 10, 25, 0, 0), local(2026, 10, 25, 9, 0)),
            Duration::hours(10)
        );
        assert_eq!(
            cal.add_working_time(local(2026, 10, 24, 20, 0), Duration::hours(25)),
            local(2026, 10, 26, 0, 0)
        );
    }
}
