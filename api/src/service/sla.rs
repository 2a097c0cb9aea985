//! SLA use cases (§2.1.7, R16, R23, R28-R30): the working calendar with the extra non-working
//! days of the table (cached, invalidated when an admin changes them), an inquiry's SLA report
//! from its history, its target per triplet, the stored `due_at` kept current after every change,
//! and the admin's audited edits of the extra days.
//!
//! Must not: build SQL (see `store::sla`) or restate the clock's rules (see `domain::sla`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{inquiry, inquiry_history};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::inquiries::{Actor, Services, check_len, non_empty};
use crate::domain::error::DomainError;
use crate::domain::sla::{
    ClockInput, ExtraDay, NonWorkingDay, Pause, Segment, SlaReport, WorkingCalendar, day_start,
    measure,
};
use crate::domain::{NonWorkingKind, Role, Status};
use crate::store::sla::{self as q, NewExtraDay};
use crate::store::writes;

/// Longest range `nonWorkingDays` answers, in days.
pub const MAX_CALENDAR_RANGE_DAYS: i64 = 400;
/// Years the calendar computes (the Hebrew-calendar table).
const YEARS: std::ops::RangeInclusive<i32> = 1950..=2150;
/// Due dates recomputed per batch after a calendar change.
const REFRESH_BATCH: u64 = 500;

/// Tunable SLA settings.
#[derive(Debug, Clone)]
pub struct SlaSettings {
    /// Working hours allowed when the triplet sets no `sla_target_hours` (default 10 working
    /// days of 24 working hours each = 240 h; the clock counts whole working days, §2.1.7).
    pub default_target_hours: i64,
    /// How long a replica trusts its cached calendar before re-reading the table, so an extra
    /// day added on another replica is seen within this time (this replica invalidates at once).
    pub calendar_ttl: std::time::Duration,
}

impl Default for SlaSettings {
    fn default() -> Self {
        Self {
            default_target_hours: 240,
            calendar_ttl: std::time::Duration::from_secs(60),
        }
    }
}

struct Cached {
    calendar: Arc<WorkingCalendar>,
    loaded: Instant,
}

/// SLA state of the application: settings and the cached working calendar.
#[derive(Default)]
pub struct SlaState {
    pub settings: SlaSettings,
    cache: RwLock<Option<Cached>>,
    /// Bumped on every local change, so a load that raced a change is not cached.
    generation: AtomicU64,
}

impl SlaState {
    pub fn new(settings: SlaSettings) -> Self {
        Self {
            settings,
            ..Default::default()
        }
    }

    fn cached(&self) -> Option<Arc<WorkingCalendar>> {
        let guard = self.cache.read().ok()?;
        let c = guard.as_ref()?;
        (c.loaded.elapsed() < self.settings.calendar_ttl).then(|| c.calendar.clone())
    }

    fn store(&self, calendar: Arc<WorkingCalendar>, generation: u64) {
        if let Ok(mut guard) = self.cache.write()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            *guard = Some(Cached {
                calendar,
                loaded: Instant::now(),
            });
        }
    }

    /// Drops the cached calendar (after an extra day was added or removed).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut guard) = self.cache.write() {
            *guard = None;
        }
    }
}

/// What the clock reads for one inquiry: its history rows and its document-pending intervals.
#[derive(Debug, Clone, Default)]
pub struct SlaInputs {
    pub history: Vec<inquiry_history::Model>,
    pub pauses: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

/// Loads the clock inputs of many inquiries in two statements (history, documents).
pub async fn load_inputs<C: ConnectionTrait>(
    db: &C,
    inquiry_ids: &[i64],
) -> Result<HashMap<i64, SlaInputs>, DomainError> {
    let mut history = q::histories(db, inquiry_ids).await?;
    let mut pauses = q::document_pauses(db, inquiry_ids).await?;
    Ok(inquiry_ids
        .iter()
        .map(|id| {
            let inputs = SlaInputs {
                history: history.remove(id).unwrap_or_default(),
                pauses: pauses.remove(id).unwrap_or_default(),
            };
            (*id, inputs)
        })
        .collect())
}

/// The clock's segments: each history row starts one, which lasts until the next row; status,
/// team and assignee are the row's `to_*` values (R29).
pub fn segments_of(history: &[inquiry_history::Model]) -> Result<Vec<Segment>, DomainError> {
    let mut rows: Vec<&inquiry_history::Model> = history.iter().collect();
    rows.sort_by_key(|r| (r.at, r.id));
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let status: Status = r.to_status.parse().map_err(|_| {
            DomainError::internal(format!("stored history status {:?}", r.to_status))
        })?;
        out.push(Segment {
            status,
            team_id: Some(r.to_team_id),
            assignee_id: r.to_assignee_id,
            from: r.at,
            to: rows.get(i + 1).map(|n| n.at),
        });
    }
    Ok(out)
}

/// The value stored in `inquiries.due_at`: when the counted time reaches (or reached) the
/// target; NULL while the clock is stopped short of it. So `due_at <= now` is "breached" and
/// `due_at <= t` is "due by t", both index range scans.
pub fn stored_due(report: &SlaReport) -> Option<DateTime<Utc>> {
    report.due_at.or(report.reached_target_at)
}

/// Everything stored of a report: the due date, and the working time and target (final once
/// the inquiry is closed; the dashboard's share within target and median time to close).
pub fn stored_sla(report: &SlaReport) -> q::StoredSla {
    q::StoredSla {
        due_at: stored_due(report),
        working_seconds: report.working_time.num_seconds(),
        target_seconds: report.target.num_seconds(),
    }
}

impl Services {
    /// The working calendar with the table's extra days (cached per replica).
    pub async fn calendar(&self) -> Result<Arc<WorkingCalendar>, DomainError> {
        self.calendar_in(&self.db).await
    }

    /// As [`Services::calendar`], reading the table through `db` on a cache miss.
    pub async fn calendar_in<C: ConnectionTrait>(
        &self,
        db: &C,
    ) -> Result<Arc<WorkingCalendar>, DomainError> {
        if let Some(c) = self.sla.cached() {
            return Ok(c);
        }
        let generation = self.sla.generation.load(Ordering::SeqCst);
        let extra = q::all_extra_days(db)
            .await?
            .into_iter()
            .map(|d| ExtraDay {
                date: d.date,
                name_he: d.name_he,
                name_en: d.name_en,
            })
            .collect();
        let calendar = Arc::new(WorkingCalendar::new(extra));
        self.sla.store(calendar.clone(), generation);
        Ok(calendar)
    }

    /// Working time allowed for an inquiry on this triplet: the triplet's `sla_target_hours`,
    /// or the configured default.
    pub fn sla_target(&self, triplet_code: &str) -> Duration {
        let hours = self
            .reference
            .triplet(triplet_code)
            .and_then(|t| t.sla_target_hours)
            .filter(|h| *h > 0)
            .map_or(self.sla.settings.default_target_hours, i64::from);
        Duration::hours(hours)
    }

    /// An inquiry's SLA report at `now` from its loaded inputs (pure once loaded).
    pub fn sla_report(
        &self,
        calendar: &WorkingCalendar,
        inquiry: &inquiry::Model,
        inputs: &SlaInputs,
        now: DateTime<Utc>,
    ) -> Result<SlaReport, DomainError> {
        let segments = segments_of(&inputs.history)?;
        let pauses: Vec<Pause> = inputs
            .pauses
            .iter()
            .map(|&(from, to)| Pause { from, to })
            .collect();
        Ok(measure(
            calendar,
            &ClockInput {
                segments: &segments,
                pauses: &pauses,
                target: self.sla_target(&inquiry.triplet_code),
                now,
            },
        ))
    }

    /// Recomputes and stores an inquiry's `due_at` inside the caller's transaction. Call it at
    /// the end of every change of status, owner, triplet or documents (after the history row).
    pub async fn refresh_due<C: ConnectionTrait>(
        &self,
        db: &C,
        inquiry_id: i64,
    ) -> Result<(), DomainError> {
        let Some(m) = crate::store::inquiries::find_in(db, inquiry_id).await? else {
            return Err(DomainError::not_found("inquiry"));
        };
        let calendar = self.calendar_in(db).await?;
        self.refresh_due_of(db, &calendar, &m).await
    }

    async fn refresh_due_of<C: ConnectionTrait>(
        &self,
        db: &C,
        calendar: &WorkingCalendar,
        m: &inquiry::Model,
    ) -> Result<(), DomainError> {
        let mut inputs = load_inputs(db, &[m.id]).await?;
        let inputs = inputs.remove(&m.id).unwrap_or_default();
        let report = self.sla_report(calendar, m, &inputs, self.now())?;
        let stored = stored_sla(&report);
        if Some(stored) != q::StoredSla::of(m) {
            q::set_sla(db, m.id, stored).await?;
        }
        Ok(())
    }

    /// Every non-working day in `from..=to` with its kind and names (any authenticated caller).
    pub async fn non_working_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<NonWorkingDay>, DomainError> {
        if to < from {
            return Err(DomainError::validation("`to` is before `from`"));
        }
        if (to - from).num_days() >= MAX_CALENDAR_RANGE_DAYS {
            return Err(DomainError::validation(format!(
                "ask for at most {MAX_CALENDAR_RANGE_DAYS} days at a time"
            )));
        }
        check_year(from)?;
        check_year(to)?;
        Ok(self.calendar().await?.non_working_days(from, to))
    }

    /// Adds an extra non-working day (election, strike, emergency): ADMIN only, audited, one
    /// transaction; then the due dates it moves are recomputed. Returns the day and how many
    /// due dates were recomputed.
    pub async fn add_non_working_day(
        &self,
        actor: &Actor,
        date: NaiveDate,
        name_he: &str,
        name_en: &str,
    ) -> Result<(NonWorkingDay, u64), DomainError> {
        require_admin(actor)?;
        check_year(date)?;
        let name_he = non_empty(Some(name_he))
            .ok_or_else(|| DomainError::validation("nameHe is required"))?;
        let name_en = non_empty(Some(name_en))
            .ok_or_else(|| DomainError::validation("nameEn is required"))?;
        check_len("nameHe", Some(&name_he), 100)?;
        check_len("nameEn", Some(&name_en), 100)?;
        if let Some(existing) = self.calendar().await?.non_working_day(date) {
            return Err(DomainError::validation(format!(
                "{date} is already a non-working day ({})",
                existing.name_en
            )));
        }
        let txn = self.db.begin().await?;
        if q::extra_day(&txn, date).await?.is_some() {
            return Err(DomainError::validation(format!(
                "{date} is already a non-working day"
            )));
        }
        let row = q::insert_extra_day(
            &txn,
            NewExtraDay {
                date,
                name_he,
                name_en,
                created_by_user_id: actor.id(),
                at: self.now(),
            },
        )
        .await?;
        self.audit_calendar(&txn, actor, "addNonWorkingDay", date)
            .await?;
        txn.commit().await?;
        self.sla.invalidate();
        // The change is committed: a failed recomputation is logged (as INTERNAL) and retried by
        // the next change of each inquiry, never reported as a failed edit.
        let refreshed = self.refresh_figures_over(date).await.unwrap_or_default();
        let day = NonWorkingDay {
            date: row.date,
            kind: NonWorkingKind::Extra,
            name_he: row.name_he,
            name_en: row.name_en,
        };
        Ok((day, refreshed))
    }

    /// Removes an extra non-working day: ADMIN only, audited, one transaction; NOT_FOUND when the
    /// date has no extra day (holidays and weekends cannot be removed). Returns the removed day.
    pub async fn remove_non_working_day(
        &self,
        actor: &Actor,
        date: NaiveDate,
    ) -> Result<(NonWorkingDay, u64), DomainError> {
        require_admin(actor)?;
        let txn = self.db.begin().await?;
        let row = q::extra_day(&txn, date)
            .await?
            .ok_or_else(|| DomainError::not_found("extra non-working day"))?;
        q::delete_extra_day(&txn, date).await?;
        self.audit_calendar(&txn, actor, "removeNonWorkingDay", date)
            .await?;
        txn.commit().await?;
        self.sla.invalidate();
        // The change is committed: a failed recomputation is logged (as INTERNAL) and retried by
        // the next change of each inquiry, never reported as a failed edit.
        let refreshed = self.refresh_figures_over(date).await.unwrap_or_default();
        let day = NonWorkingDay {
            date: row.date,
            kind: NonWorkingKind::Extra,
            name_he: row.name_he,
            name_en: row.name_en,
        };
        Ok((day, refreshed))
    }

    /// Stores SLA figures for inquiries that have none (imported or demo rows); returns how
    /// many it set.
    pub async fn backfill_sla(&self) -> Result<u64, DomainError> {
        let calendar = self.calendar().await?;
        let (mut after, mut n) = (0, 0);
        loop {
            let batch = q::without_sla(&self.db, after, REFRESH_BATCH).await?;
            let Some(last) = batch.last() else {
                if n > 0 {
                    // Many rows changed: refresh the planner's statistics (see the seed).
                    self.db.execute_unprepared("ANALYZE inquiries").await?;
                }
                return Ok(n);
            };
            after = last.id;
            let ids: Vec<i64> = batch.iter().map(|m| m.id).collect();
            let mut inputs = load_inputs(&self.db, &ids).await?;
            let now = self.now();
            // One transaction per batch: a commit per row would dominate at a million rows.
            let txn = self.db.begin().await?;
            for m in &batch {
                let i = inputs.remove(&m.id).unwrap_or_default();
                q::set_sla(
                    &txn,
                    m.id,
                    stored_sla(&self.sla_report(&calendar, m, &i, now)?),
                )
                .await?;
                n += 1;
            }
            txn.commit().await?;
        }
    }

    /// Recomputes the stored SLA figures (due date, working time) a calendar change on `date` can
    /// alter: due dates at or after the day, and the working time of every inquiry that lived
    /// through it, closed or paused ones included (an extra day may be recorded afterwards, e.g. a
    /// strike). Batches of one short statement each, after the change committed, so a large table
    /// is never locked for long. Returns how many inquiries' figures changed.
    async fn refresh_figures_over(&self, date: NaiveDate) -> Result<u64, DomainError> {
        let calendar = self.calendar().await?;
        let (start, end) = (day_start(date), day_start(date + chrono::Days::new(1)));
        let mut after = 0;
        let mut n = 0;
        loop {
            let batch = q::touched_by_day(&self.db, start, end, after, REFRESH_BATCH).await?;
            let Some(last) = batch.last() else {
                return Ok(n);
            };
            after = last.id;
            let ids: Vec<i64> = batch.iter().map(|m| m.id).collect();
            let mut inputs = load_inputs(&self.db, &ids).await?;
            let now = self.now();
            for m in &batch {
                let i = inputs.remove(&m.id).unwrap_or_default();
                let stored = stored_sla(&self.sla_report(&calendar, m, &i, now)?);
                if Some(stored) != q::StoredSla::of(m) {
                    q::set_sla(&self.db, m.id, stored).await?;
                    n += 1;
                }
            }
        }
    }

    async fn audit_calendar<C: ConnectionTrait>(
        &self,
        db: &C,
        actor: &Actor,
        operation: &str,
        date: NaiveDate,
    ) -> Result<(), DomainError> {
        writes::append_audit(
            db,
            actor.audit_row(
                self.now(),
                operation,
                Some("NonWorkingDay"),
                date.to_string(),
                "date,nameHe,nameEn",
            ),
        )
        .await?;
        Ok(())
    }
}

fn require_admin(actor: &Actor) -> Result<(), DomainError> {
    if actor.principal.is_staff() && actor.principal.has(Role::Admin) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "only an administrator may change the working calendar",
        ))
    }
}

fn check_year(date: NaiveDate) -> Result<(), DomainError> {
    use chrono::Datelike;
    if YEARS.contains(&date.year()) {
        Ok(())
    } else {
        Err(DomainError::validation(format!(
            "the calendar covers the years {}-{}",
            YEARS.start(),
            YEARS.end()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(id: i64, status: &str, team: i64, clerk: Option<i64>, h: u32) -> inquiry_history::Model {
        inquiry_history::Model {
            id,
            inquiry_id: 1,
            kind: "STATUS_CHANGE".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).unwrap(),
            actor_kind: "USER".into(),
            actor_id: None,
            from_status: None,
            to_status: status.into(),
            from_office_id: None,
            to_office_id: 1,
            from_team_id: None,
            to_team_id: team,
            from_assignee_id: None,
            to_assignee_id: clerk,
            from_triplet: None,
            to_triplet: "IT.X.Y".into(),
            note: None,
        }
    }

    #[test]
    fn r29_each_history_row_starts_a_segment_until_the_next() {
        let h = vec![
            row(2, "IN_TREATMENT", 1, Some(7), 10),
            row(1, "OPEN_ASSIGNED_TO_TEAM", 1, None, 8),
            row(3, "CLOSED_HANDLED", 1, Some(7), 12),
        ];
        let s = segments_of(&h).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].status, Status::OpenAssignedToTeam);
        assert_eq!(s[0].to, Some(s[1].from));
        assert_eq!(s[1].assignee_id, Some(7));
        assert_eq!(s[2].to, None);
        assert!(segments_of(&[row(1, "NOPE", 1, None, 8)]).is_err());
    }

    #[test]
    fn r28_calendar_cache_is_dropped_on_invalidate_and_a_raced_load_is_not_kept() {
        let s = SlaState::default();
        assert!(s.cached().is_none());
        let g = s.generation.load(Ordering::SeqCst);
        s.store(Arc::new(WorkingCalendar::default()), g);
        assert!(s.cached().is_some());
        s.invalidate();
        assert!(s.cached().is_none());
        s.store(Arc::new(WorkingCalendar::default()), g);
        assert!(
            s.cached().is_none(),
            "a load older than the change is dropped"
        );
    }
}
