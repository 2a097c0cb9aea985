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
