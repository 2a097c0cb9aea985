//! Property tests of the working-time clock (R28, §2.1.7): additivity, sign, non-working spans,
//! the inverse, and consistency with local days across daylight-saving transitions.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use proptest::prelude::*;

use super::calendar::{ExtraDay, WorkingCalendar, day_start, holidays, local_date};

/// 1990-01-01 .. 2100-01-01 in seconds since the epoch.
const LO: i64 = 631_152_000;
const HI: i64 = 4_102_444_800;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(vec![ExtraDay {
        date: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
        name_he: "יום בחירות".into(),
        name_en: "Election day".into(),
    }])
}

/// Reference: clip `[from, to)` to every local day, one day at a time.
fn naive_working_time(cal: &WorkingCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    let mut total = Duration::zero();
    let mut day = local_date(from);
    while day_start(day) < to {
        let next = day.succ_opt().unwrap();
        let (s, e) = (day_start(day).max(from), day_start(next).min(to));
        if cal.is_working_day(day) && s < e {
            total += e - s;
        }
        day = next;
    }
    total
}

/// An instant near an Israeli DST transition (late March or late October) of some year.
fn near_dst() -> impl Strategy<Value = DateTime<Utc>> {
    (1990i32..2100, prop::bool::ANY, 0i64..(14 * 86_400)).prop_map(|(y, spring, off)| {
        let m = if spring { 3 } else { 10 };
        let base = Utc.with_ymd_and_hms(y, m, 18, 0, 0, 0).unwrap();
        base + Duration::seconds(off)
    })
}

proptest! {
    #[test]
    fn r28_additive_over_a_split_point(a in LO..HI, x in 0i64..(40 * 86_400), y in 0i64..(40 * 86_400)) {
        let cal = calendar();
        let (from, mid, to) = (at(a), at(a + x), at(a + x + y));
        prop_assert_eq!(cal.working_time(from, to), cal.working_time(from, mid) + cal.working_time(mid, to));
    }

    #[test]
    fn r28_never_negative_and_never_more_than_elapsed(a in LO..HI, b in LO..HI) {
        let cal = calendar();
        let w = cal.working_time(at(a), at(b));
        prop_assert!(w >= Duration::zero());
        prop_assert!(w <= (at(b) - at(a)).max(Duration::zero()));
    }

    #[test]
    fn r28_zero_over_a_weekend(a in LO..HI, x in 0i64..(2 * 86_400), y in 0i64..(2 * 86_400)) {
        let cal = calendar();
        let mut friday = local_date(at(a));
        while friday.weekday() != Weekday::Fri {
            friday = friday.succ_opt().unwrap();
        }
        let (start, end) = (day_start(friday), day_start(friday + Duration::days(2)));
        let (s, e) = ((start + Duration::seconds(x)).min(end), (start + Duration::seconds(y)).min(end));
        prop_assert_eq!(cal.working_time(s.min(e), s.max(e)), Duration::zero());
    }

    #[test]
    fn r28_zero_on_any_holiday(year in 1990i32..2100, pick in 0usize..9, x in 0i64..86_400, y in 0i64..86_400) {
        let cal = calendar();
        let (date, _) = holidays(year)[pick];
        let (start, end) = (day_start(date), day_start(date.succ_opt().unwrap()));
        let (s, e) = ((start + Duration::seconds(x)).min(end), (start + Duration::seconds(y)).min(end));
        prop_assert_eq!(cal.working_time(s.min(e), s.max(e)), Duration::zero());
    }

    #[test]
    fn r28_add_working_time_inverts_working_time(a in LO..HI, d in 0i64..(60 * 86_400)) {
        let cal = calendar();
        let from = at(a);
        let d = Duration::seconds(d);
        let due = cal.add_working_time(from, d);
        prop_assert_eq!(cal.working_time(from, due), d);
        // Earliest such instant: nothing earlier reaches d.
        if d > Duration::zero() {
            prop_assert!(cal.working_time(from, due - Duration::seconds(1)) < d);
        }
    }

    #[test]
    fn r28_working_time_then_add_returns_to_or_earlier(a in LO..HI, x in 0i64..(60 * 86_400)) {
        let cal = calendar();
        let (from, to) = (at(a), at(a + x));
        let back = cal.add_working_time(from, cal.working_time(from, to));
        prop_assert!(back <= to);
        prop_assert_eq!(cal.working_time(back, to), Duration::zero());
    }

    #[test]
    fn r28_consistent_with_local_days_across_dst(from in near_dst(), x in 0i64..(10 * 86_400)) {
        let cal = calendar();
        let to = from + Duration::seconds(x);
        prop_assert_eq!(cal.working_time(from, to), naive_working_time(&cal, from, to));
        // A whole working day is exactly its real length (23, 24 or 25 hours).
        let day = local_date(from);
        let len = day_start(day.succ_opt().unwrap()) - day_start(day);
        prop_assert!([23, 24, 25].contains(&len.num_hours()) && len.num_seconds() % 3600 == 0);
        let whole = cal.working_time(day_start(day), day_start(day.succ_opt().unwrap()));
        prop_assert_eq!(whole, if cal.is_working_day(day) { len } else { Duration::zero() });
    }

    #[test]
    fn r28_matches_the_day_by_day_reference_anywhere(a in LO..HI, x in 0i64..(30 * 86_400)) {
        let cal = calendar();
        prop_assert_eq!(cal.working_time(at(a), at(a + x)), naive_working_time(&cal, at(a), at(a + x)));
    }
}
