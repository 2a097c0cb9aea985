//! SLA objects (§2.1.7, R16, R28-R30): an inquiry's `sla` and the calendar's `NonWorkingDay`.
//!
//! Durations are whole seconds of *working time* as `Int` (exact, and additive: segments sum to
//! their total), with `workingHours` as a display convenience. Working time counts every hour of a
//! working day in Asia/Jerusalem and nothing of Fridays, Saturdays, holidays and extra days.
//!
//! Must not: query the database directly or measure anything itself (see `service::sla`).

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::inquiry;

use super::enums::StatusLabel;
use super::people::User;
use super::reference::Team;
use crate::domain::sla::{SegmentTime, SlaReport};
use crate::domain::{self, NonWorkingKind};
use crate::graphql::context::CtxExt;
use crate::graphql::errors::{ApiError, GqlResult};
use crate::service::sla::{SlaInputs, load_inputs};
use crate::store::Db;

/// Batches the clock inputs (full history and document intervals) of the inquiries of a
/// request: two statements per batch. Uncached, so it is safe to share between requests; the
/// schema holds one (`schema.rs`). Without it, `sla` loads per inquiry.
pub struct SlaInputLoader(Db);

impl Loader<i64> for SlaInputLoader {
    type Value = SlaInputs;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        load_inputs(&self.0, keys).await
    }
}

/// The loader to put in the schema data: `b.data(types::sla::sla_loader(&s.db))`.
pub fn sla_loader(db: &Db) -> DataLoader<SlaInputLoader> {
    DataLoader::new(SlaInputLoader(db.clone()), tokio::spawn)
}

/// The SLA of an inquiry at the server's current time; the `Inquiry.sla` resolver calls this.
pub async fn sla_of(ctx: &Context<'_>, inquiry: &inquiry::Model) -> GqlResult<Sla> {
    let (svc, _) = ctx.services()?;
    let inputs = match ctx.data_opt::<DataLoader<SlaInputLoader>>() {
        Some(loader) => loader.load_one(inquiry.id).await?.unwrap_or_default(),
        None => load_inputs(&svc.db, &[inquiry.id])
            .await?
            .remove(&inquiry.id)
            .unwrap_or_default(),
    };
    let calendar = svc.calendar().await?;
    Ok(Sla(svc.sla_report(
        &calendar,
        inquiry,
        &inputs,
        svc.clock.now(),
    )?))
}

fn secs(d: Duration) -> i64 {
    d.num_seconds()
}

fn hours(d: Duration) -> f64 {
    // Seconds fit an f64 exactly for any realistic span.
    d.num_seconds() as f64 / 3600.0
}

async fn team_of(ctx: &Context<'_>, id: Option<i64>) -> GqlResult<Option<Team>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.shared()?.reference.team(id).cloned().map(Team))
}

async fn user_of(ctx: &Context<'_>, id: Option<i64>) -> GqlResult<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.req()?.loaders.users.load_one(id).await?.map(User))
}

/// An inquiry's SLA clock (§2.1.7): working time counted from opening, excluding time waiting
/// for the customer, closed, or with uploaded documents not yet loaded (R16, R30).
pub struct Sla(pub SlaReport);

#[Object]
impl Sla {
    /// Counted working time, in seconds.
    async fn working_time(&self) -> i64 {
        secs(self.0.working_time)
    }
    /// Counted working time in hours (display only; `workingTime` is exact).
    async fn working_hours(&self) -> f64 {
        hours(self.0.working_time)
    }
    /// Each status/owner segment in time order, with its duration (R29).
    async fn segments(&self) -> Vec<SlaSegment> {
        self.0.segments.iter().cloned().map(SlaSegment).collect()
    }
    /// Counted working time per team (R29).
    async fn by_team(&self) -> Vec<SlaTeamTime> {
        self.0
            .by_team
            .iter()
            .map(|&(team_id, d)| SlaTeamTime { team_id, d })
            .collect()
    }
    /// Counted working time per clerk (R29).
    async fn by_assignee(&self) -> Vec<SlaAssigneeTime> {
        self.0
            .by_assignee
            .iter()
            .map(|&(user_id, d)| SlaAssigneeTime { user_id, d })
            .collect()
    }
    /// Working time allowed for the inquiry's triplet, in seconds.
    async fn target(&self) -> i64 {
        secs(self.0.target)
    }
    /// `target - workingTime`, in seconds; negative once breached.
    async fn remaining(&self) -> i64 {
        secs(self.0.remaining)
    }
    /// When the target is reached if the clock keeps running; once breached, when it was
    /// crossed. Null while the clock is stopped (waiting, closed, documents pending).
    async fn due_at(&self) -> Option<DateTime<Utc>> {
        self.0.due_at
    }
    /// When the counted time reached the target, if it has.
    async fn reached_target_at(&self) -> Option<DateTime<Utc>> {
        self.0.reached_target_at
    }
    /// The counted working time exceeds the target.
    async fn breached(&self) -> bool {
        self.0.breached
    }
    /// The clock is not running now: waiting for the customer, closed, or documents pending.
    async fn paused(&self) -> bool {
        self.0.paused
    }
}

/// One segment of the history: the inquiry was in `status` with `team` and `assignee` from
/// `from` to `to` (null = still current).
pub struct SlaSegment(SegmentTime);

#[Object]
impl SlaSegment {
    async fn status(&self) -> StatusLabel {
        self.0.status.into()
    }
    async fn team(&self, ctx: &Context<'_>) -> GqlResult<Option<Team>> {
        team_of(ctx, self.0.team_id).await
    }
    async fn assignee(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        user_of(ctx, self.0.assignee_id).await
    }
    async fn from(&self) -> DateTime<Utc> {
        self.0.from
    }
    async fn to(&self) -> Option<DateTime<Utc>> {
        self.0.to
    }
    /// Working time of the whole segment (until now when current) in seconds, whatever the
    /// status: the duration shown per status (R29).
    async fn working_time(&self) -> i64 {
        secs(self.0.working_time)
    }
    /// The part of `workingTime` that counts toward the SLA, in seconds: zero while waiting for
    /// the customer or closed, document-pending time removed (R16, R30).
    async fn counted(&self) -> i64 {
        secs(self.0.counted)
    }
}

/// Counted working time with one team (R29).
pub struct SlaTeamTime {
    team_id: i64,
    d: Duration,
}

#[Object]
impl SlaTeamTime {
    async fn team(&self, ctx: &Context<'_>) -> GqlResult<Option<Team>> {
        team_of(ctx, Some(self.team_id)).await
    }
    /// Seconds.
    async fn working_time(&self) -> i64 {
        secs(self.d)
    }
}

/// Counted working time with one clerk (R29).
pub struct SlaAssigneeTime {
    user_id: i64,
    d: Duration,
}

#[Object]
impl SlaAssigneeTime {
    async fn assignee(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        user_of(ctx, Some(self.user_id)).await
    }
    /// Seconds.
    async fn working_time(&self) -> i64 {
        secs(self.d)
    }
}

/// Why a day is not a working day.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::NonWorkingKind")]
pub enum NonWorkingDayKind {
    /// Friday or Saturday.
    Weekend,
    /// An Israeli holiday on which the ITA does not work (Israel's one-day schedule).
    Holiday,
    /// An extra day from the table (election, strike, emergency), set by an administrator.
    Extra,
}

/// A day on which the ITA does not work (R28).
#[derive(SimpleObject, Clone)]
pub struct NonWorkingDay {
    pub date: NaiveDate,
    pub kind: NonWorkingDayKind,
    pub name_he: String,
    pub name_en: String,
}

impl From<domain::sla::NonWorkingDay> for NonWorkingDay {
    fn from(d: domain::sla::NonWorkingDay) -> Self {
        let kind: NonWorkingKind = d.kind;
        Self {
            date: d.date,
            kind: kind.into(),
            name_he: d.name_he,
            name_en: d.name_en,
        }
    }
}
