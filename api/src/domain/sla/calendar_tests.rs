//! Tests of the working calendar against published Israeli dates and hand-worked examples
//! (§2.1.7, R28). Property tests are in `props.rs`.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Jerusalem;

use super::super::NonWorkingKind;
use super::calendar::*;

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
