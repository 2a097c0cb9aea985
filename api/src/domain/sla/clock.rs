//! The SLA clock of one inquiry (§2.1.7, R16, R28-R30): working time counted from its
//! status/owner history, per segment (R29), per team and per clerk (R29), against a target.
//!
//! Not counted (§2.1.7): time in WAITING_FOR_CUSTOMER, time closed, and time while uploaded
//! documents are not yet loaded (R16, R30). Counting uses `WorkingCalendar::working_time`, so
//! weekends, holidays and extra days never count (R28).
//!
//! Must not: read the clock (`now` is passed in), touch the database, or decide statuses.
//! Cost: O((segments + pauses) log pauses + days spanned).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::super::Status;
use super::calendar::WorkingCalendar;

/// Whether time in this status counts toward the SLA: not closed and not waiting for the
/// customer (§2.1.7, R30).
pub fn counts_toward_sla(status: Status) -> bool {
    !status.is_closed() && status != Status::WaitingForCustomer
}

/// Whether an inquiry in this status counts as handled in office statistics: closed, or waiting
/// for the customer, which "is measured in office statistics as a closed, handled inquiry"
/// (§6.3, R23).
pub fn counts_as_handled(status: Status) -> bool {
    status.is_closed() || status == Status::WaitingForCustomer
}

/// One row of the status/owner history: the inquiry was in `status` with this team and
/// assignee from `from` until `to` (`None` = still current).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub status: Status,
    pub team_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

/// An interval during which uploaded documents were not yet loaded (R16); `to: None` = still
/// pending. Pauses may overlap each other and any segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

/// What the clock needs. Segments are expected not to overlap (one status at a time); their
/// order does not matter.
#[derive(Debug, Clone, Copy)]
pub struct ClockInput<'a> {
    pub segments: &'a [Segment],
    pub pauses: &'a [Pause],
    /// Working time allowed for this inquiry (per triplet, configured elsewhere).
    pub target: Duration,
    pub now: DateTime<Utc>,
}

/// One segment with its measured times (R29).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentTime {
    pub status: Status,
    pub team_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
    /// Working time of the whole segment (until `now` when current), whatever the status: the
    /// "duration since the previous status" shown per status change (R29).
    pub working_time: Duration,
    /// The part that counts toward the SLA: zero for waiting-for-customer and closed segments,
    /// document-pending pauses removed (R16, R30).
    pub counted: Duration,
}

/// The SLA figures of one inquiry at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaReport {
    /// Total counted working time (§2.1.7).
    pub working_time: Duration,
    /// Segments in chronological order.
    pub segments: Vec<SegmentTime>,
    /// Counted time per team id, ascending by id (R29).
    pub by_team: Vec<(i64, Duration)>,
    /// Counted time per assignee (clerk) id, ascending by id (R29).
    pub by_assignee: Vec<(i64, Duration)>,
    pub target: Duration,
    /// `target - working_time`; negative once breached.
    pub remaining: Duration,
    /// Counted time exceeds the target.
    pub breached: bool,
    /// The clock is not running at `now`: waiting for the customer, closed, documents pending,
    /// or no segment covers `now`.
    pub paused: bool,
    /// When the counted time reached (or will reach, if the clock keeps running) the target.
    /// `None` while paused. Running and not breached: `now + remaining` in working time; running
    /// and breached: the past instant the target was crossed.
    pub due_at: Option<DateTime<Utc>>,
    /// The instant the counted time reached the target, if it has.
    pub reached_target_at: Option<DateTime<Utc>>,
}

/// Pauses clipped to `now`, sorted and merged into disjoint `[start, end)` intervals.
fn merged_pauses(pauses: &[Pause], now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut v: Vec<_> = pauses
        .iter()
        .map(|p| (p.from, p.to.unwrap_or(now).min(now)))
        .filter(|(s, e)| s < e)
        .collect();
    v.sort();
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// `[start, end)` minus the merged pauses, as sorted sub-intervals.
fn minus_pauses(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    pauses: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut cursor = start;
    let first = pauses.partition_point(|p| p.1 <= start);
    for &(ps, pe) in pauses[first..].iter().take_while(|p| p.0 < end) {
        if ps > cursor {
            out.push((cursor, ps));
        }
        cursor = cursor.max(pe);
    }
    if cursor < end {
        out.push((cursor, end));
    }
    out
}

/// Measure one inquiry's SLA clock at `input.now` (§2.1.7).
pub fn measure(cal: &WorkingCalendar, input: &ClockInput<'_>) -> SlaReport {
    let now = input.now;
    let target = input.target;
    let pauses = merged_pauses(input.pauses, now);

    let mut order: Vec<&Segment> = input.segments.iter().collect();
    order.sort_by_key(|s| s.from);

    let mut total = Duration::zero();
    let mut reached_target_at = None;
    let mut by_team = BTreeMap::new();
    let mut by_assignee = BTreeMap::new();
    let mut segments = Vec::with_capacity(order.len());
    let mut running_now = false;
    let doc_pending = input
        .pauses
        .iter()
        .any(|p| p.from <= now && p.to.is_none_or(|t| t > now));

    for seg in order {
        let start = seg.from.min(now);
        let end = seg.to.unwrap_or(now).min(now);
        let counts = counts_toward_sla(seg.status);
        // Zero when `end <= start` (a row starting after `now`).
        let whole = cal.working_time(start, end);
        let mut counted = Duration::zero();
        if counts && start < end {
            for (s, e) in minus_pauses(start, end, &pauses) {
                let wt = if (s, e) == (start, end) {
                    whole
                } else {
                    cal.working_time(s, e)
                };
                if reached_target_at.is_none() && total + counted + wt >= target {
                    let need = target - total - counted;
                    reached_target_at = Some(cal.add_working_time(s, need));
                }
                counted += wt;
            }
        }
        let covers_now = seg.from <= now && seg.to.is_none_or(|t| t > now);
        if covers_now {
            running_now = counts && !doc_pending;
        }
        total += counted;
        if let Some(t) = seg.team_id {
            *by_team.entry(t).or_insert_with(Duration::zero) += counted;
        }
        if let Some(a) = seg.assignee_id {
            *by_assignee.entry(a).or_insert_with(Duration::zero) += counted;
        }
        segments.push(SegmentTime {
            status: seg.status,
            team_id: seg.team_id,
            assignee_id: seg.assignee_id,
            from: seg.from,
            to: seg.to,
            working_time: whole,
            counted,
        });
    }

    let remaining = target - total;
    let breached = total > target;
    let due_at = match (running_now, breached) {
        (false, _) => None,
        (true, true) => reached_target_at,
        (true, false) => Some(cal.add_working_time(now, remaining)),
    };
    SlaReport {
        working_time: total,
        segments,
        by_team: by_team.into_iter().collect(),
        by_assignee: by_assignee.into_iter().collect(),
        target,
        remaining,
        breached,
        paused: !running_now,
        due_at,
        reached_target_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};
    use chrono_tz::Asia::Jerusalem;
    use strum::IntoEnumIterator;

    fn local(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        let naive = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap();
        Jerusalem
            .from_local_datetime(&naive)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn seg(
        status: Status,
        team: i64,
        clerk: Option<i64>,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> Segment {
        Segment {
            status,
            team_id: Some(team),
            assignee_id: clerk,
            from,
            to,
        }
    }

    fn run(segments: &[Segment], pauses: &[Pause], target_h: i64, now: DateTime<Utc>) -> SlaReport {
        let input = ClockInput {
            segments,
            pauses,
            target: Duration::hours(target_h),
            now,
        };
        measure(&WorkingCalendar::default(), &input)
    }

    #[test]
    fn r23_r30_which_statuses_count() {
        for s in Status::iter() {
            assert_eq!(
                counts_as_handled(s),
                s.is_closed() || s == Status::WaitingForCustomer
            );
            assert_eq!(counts_toward_sla(s), !counts_as_handled(s), "{s}");
        }
        assert!(counts_as_handled(Status::WaitingForCustomer));
        assert!(counts_toward_sla(Status::InfoFromCustomer));
    }

    #[test]
    fn r28_thursday_to_sunday_closed_inquiry() {
        let (open, close) = (local(2026, 11, 26, 15), local(2026, 11, 29, 9));
        let segs = [
            seg(Status::InTreatment, 1, Some(7), open, Some(close)),
            seg(Status::ClosedHandled, 1, Some(7), close, None),
        ];
        let r = run(&segs, &[], 40, local(2026, 12, 3, 12));
        assert_eq!(r.working_time, Duration::hours(18));
        assert_eq!(r.remaining, Duration::hours(22));
        assert!(!r.breached && r.paused && r.due_at.is_none());
        // The closed segment still shows its duration (R29) but counts nothing.
        assert_eq!(r.segments[1].counted, Duration::zero());
        assert_eq!(
            r.segments[1].working_time,
            Duration::hours(15 + 24 * 3 + 12)
        );
    }

    #[test]
    fn r30_waiting_for_customer_across_pesach_is_not_counted() {
        // Pesach 2026: Thursday 2 April and Wednesday 8 April; chol hamoed is a working day.
        let segs = [
            seg(
                Status::InTreatment,
                1,
                Some(7),
                local(2026, 3, 31, 10),
                Some(local(2026, 4, 1, 10)),
            ),
            seg(
                Status::WaitingForCustomer,
                1,
                Some(7),
                local(2026, 4, 1, 10),
                Some(local(2026, 4, 12, 11)),
            ),
            seg(
                Status::InfoFromCustomer,
                2,
                None,
                local(2026, 4, 12, 11),
                Some(local(2026, 4, 13, 10)),
            ),
            seg(
                Status::ClosedHandled,
                2,
                Some(8),
                local(2026, 4, 13, 10),
                None,
            ),
        ];
        let r = run(&segs, &[], 72, local(2026, 4, 20, 0));
        assert_eq!(r.working_time, Duration::hours(24 + 23));
        // Wed 14h, Pesach/Fri/Sat 0, Sun-Tue 3x24h, VII 0, Thu 24h, Fri/Sat 0, Sun 11h.
        assert_eq!(
            r.segments[1].working_time,
            Duration::hours(14 + 72 + 24 + 11)
        );
        assert_eq!(r.segments[1].counted, Duration::zero());
        assert_eq!(
            r.by_team,
            vec![(1, Duration::hours(24)), (2, Duration::hours(23))]
        );
        assert_eq!(
            r.by_assignee,
            vec![(7, Duration::hours(24)), (8, Duration::zero())]
        );
    }

    #[test]
    fn r29_reopened_inquiry_counts_both_active_periods() {
        let segs = [
            seg(
                Status::InTreatment,
                1,
                Some(7),
                local(2026, 11, 22, 9),
                Some(local(2026, 11, 23, 9)),
            ),
            seg(
                Status::ClosedHandled,
                1,
                Some(7),
                local(2026, 11, 23, 9),
                Some(local(2026, 11, 25, 9)),
            ),
            seg(
                Status::InTreatment,
                1,
                Some(9),
                local(2026, 11, 25, 9),
                None,
            ),
        ];
        let now = local(2026, 11, 26, 9);
        let r = run(&segs, &[], 40, now);
        assert_eq!(r.working_time, Duration::hours(48));
        assert!(r.breached && !r.paused);
        assert_eq!(r.remaining, Duration::hours(-8));
        // 24h before closure + 16h after reopening: Thursday 01:00 local.
        assert_eq!(r.reached_target_at, Some(local(2026, 11, 26, 1)));
        assert_eq!(r.due_at, r.reached_target_at);
        assert_eq!(
            r.by_assignee,
            vec![(7, Duration::hours(24)), (9, Duration::hours(24))]
        );
    }

    #[test]
    fn r16_documents_not_yet_loaded_are_not_counted() {
        let segs = [seg(
            Status::InTreatment,
            1,
            None,
            local(2026, 11, 22, 9),
            Some(local(2026, 11, 22, 17)),
        )];
        let pauses = [
            Pause {
                from: local(2026, 11, 22, 10),
                to: Some(local(2026, 11, 22, 12)),
            },
            Pause {
                from: local(2026, 11, 22, 11),
                to: Some(local(2026, 11, 22, 13)),
            },
            Pause {
                from: local(2026, 11, 22, 16),
                to: None,
            },
        ];
        let r = run(&segs, &pauses, 40, local(2026, 11, 22, 18));
        assert_eq!(r.segments[0].working_time, Duration::hours(8));
        assert_eq!(r.working_time, Duration::hours(8 - 3 - 1));
        assert!(r.by_assignee.is_empty());
    }

    #[test]
    fn r28_due_at_runs_over_the_weekend_and_pauses_clear_it() {
        let open = local(2026, 11, 26, 15);
        let segs = [seg(Status::OpenAssignedToTeam, 1, None, open, None)];
        let r = run(&segs, &[], 24, local(2026, 11, 26, 16));
        assert_eq!(r.remaining, Duration::hours(23));
        // 8h left on Thursday, Friday and Saturday off, 15h on Sunday.
        assert_eq!(r.due_at, Some(local(2026, 11, 29, 15)));
        // Documents pending at `now`: the clock is paused.
        let pending = [Pause {
            from: local(2026, 11, 26, 15),
            to: None,
        }];
        let r = run(&segs, &pending, 24, local(2026, 11, 26, 16));
        assert!(r.paused && r.due_at.is_none() && r.working_time.is_zero());
        // Waiting for the customer at `now`: paused.
        let segs = [
            seg(
                Status::InTreatment,
                1,
                None,
                open,
                Some(local(2026, 11, 26, 17)),
            ),
            seg(
                Status::WaitingForCustomer,
                1,
                None,
                local(2026, 11, 26, 17),
                None,
            ),
        ];
        let r = run(&segs, &[], 24, local(2026, 11, 30, 0));
        assert_eq!(
            (r.working_time, r.paused, r.due_at),
            (Duration::hours(2), true, None)
        );
    }

    #[test]
    fn r29_segments_are_reported_in_time_order_and_future_rows_count_nothing() {
        let segs = [
            seg(Status::InTreatment, 1, None, local(2026, 11, 23, 9), None),
            seg(
                Status::OpenAssignedToTeam,
                1,
                None,
                local(2026, 11, 22, 9),
                Some(local(2026, 11, 23, 9)),
            ),
        ];
        let r = run(&segs, &[], 24, local(2026, 11, 22, 21));
        assert_eq!(r.segments[0].status, Status::OpenAssignedToTeam);
        assert_eq!(r.segments[0].counted, Duration::hours(12));
        assert_eq!(r.segments[1].counted, Duration::zero());
    }
}
