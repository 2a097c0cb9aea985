//! The working calendar over GraphQL (§2.1.7, R28): `nonWorkingDays` for anyone authenticated,
//! and the administrator's `addNonWorkingDay` / `removeNonWorkingDay` (audited).
//!
//! Must not: decide who may edit the calendar or validate dates (the service does).

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::NaiveDate;

use super::context::CtxExt;
use super::errors::GqlResult;
use super::types::sla::NonWorkingDay;

#[derive(Default)]
pub struct SlaQuery;

#[Object]
impl SlaQuery {
    /// Every non-working day in `from..=to` (at most 400 days; years 1950-2150): weekends,
    /// holidays with their Hebrew and English names, and extra days, in date order.
    async fn non_working_days(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> GqlResult<Vec<NonWorkingDay>> {
        let (svc, _) = ctx.services()?;
        let days = svc.non_working_days(from, to).await?;
        Ok(days.into_iter().map(Into::into).collect())
    }
}

#[derive(InputObject)]
pub struct AddNonWorkingDayInput {
    /// A working day today (not a weekend, holiday or existing extra day).
    pub date: NaiveDate,
    /// Hebrew name, e.g. "יום הבחירות לכנסת" (1-100 characters).
    pub name_he: String,
    /// English name, e.g. "Knesset election day" (1-100 characters).
    pub name_en: String,
}

#[derive(InputObject)]
pub struct RemoveNonWorkingDayInput {
    /// A date with an extra non-working day (holidays and weekends cannot be removed).
    pub date: NaiveDate,
}

/// The day added or removed.
#[derive(SimpleObject)]
pub struct NonWorkingDayPayload {
    pub non_working_day: NonWorkingDay,
    /// Inquiries whose stored SLA figures (due date or working time) the change altered; they
    /// were recomputed. (The name predates working time: kept for existing clients.)
    pub due_dates_refreshed: i64,
}

#[derive(Default)]
pub struct SlaMutations;

#[Object]
impl SlaMutations {
    /// Adds an extra non-working day (election, strike, emergency). Administrators only; audited.
    async fn add_non_working_day(
        &self,
        ctx: &Context<'_>,
        input: AddNonWorkingDayInput,
    ) -> GqlResult<NonWorkingDayPayload> {
        let (svc, actor) = ctx.services()?;
        let (day, n) = svc
            .add_non_working_day(&actor, input.date, &input.name_he, &input.name_en)
            .await?;
        Ok(payload(day, n))
    }

    /// Removes an extra non-working day. Administrators only; audited.
    async fn remove_non_working_day(
        &self,
        ctx: &Context<'_>,
        input: RemoveNonWorkingDayInput,
    ) -> GqlResult<NonWorkingDayPayload> {
        let (svc, actor) = ctx.services()?;
        let (day, n) = svc.remove_non_working_day(&actor, input.date).await?;
        Ok(payload(day, n))
    }
}

fn payload(day: crate::domain::sla::NonWorkingDay, refreshed: u64) -> NonWorkingDayPayload {
    NonWorkingDayPayload {
        non_working_day: day.into(),
        due_dates_refreshed: i64::try_from(refreshed).unwrap_or(i64::MAX),
    }
}
