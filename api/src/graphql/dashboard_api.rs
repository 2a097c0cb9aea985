//! Management dashboards (R43): counts by status, channel, team and triplet over a period, the
//! age of open inquiries, and the handled share where WAITING_FOR_CUSTOMER counts as handled (R23).

use std::str::FromStr;

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};

use super::context::CtxExt;
use super::errors::{ApiError, GqlResult};
use super::ids::NodeType;
use super::types::enums::StatusLabel;
use super::types::reference::{Team, Triplet};
use crate::domain::principal::PrincipalKind;
use crate::domain::{Role, Status, sla};
use crate::store::dashboard::{self as d, DashboardScope};

#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: StatusLabel,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct ChannelCount {
    pub channel: String,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct TeamCount {
    pub team: Option<Team>,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct TripletCount {
    pub triplet: Option<Triplet>,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct AgeBucket {
    /// e.g. "0-2", "3-7", "8-30", "31+" (days).
    pub days: String,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct Dashboard {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub total: i64,
    /// Closed or waiting for the customer: handled in office statistics (R23, §6.3).
    pub handled: i64,
    pub by_status: Vec<StatusCount>,
    pub by_channel: Vec<ChannelCount>,
    pub by_team: Vec<TeamCount>,
    pub by_triplet: Vec<TripletCount>,
    pub open_age: Vec<AgeBucket>,
}

#[derive(Default)]
pub struct DashboardQuery;

#[Object]
impl DashboardQuery {
    /// Figures over inquiries opened in [from, to) (default: the last 30 days). Office managers
    /// and clerks see their office; HQ, auditors and administrators may pass any office or none.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        office_id: Option<ID>,
    ) -> GqlResult<Dashboard> {
        let (svc, actor) = ctx.services()?;
        let now = svc.now();
        let to = to.unwrap_or(now);
        let from = from.unwrap_or(to - Duration::days(30));
        if from >= to || to - from > Duration::days(3660) {
            return Err(
                ApiError::validation("the period must be positive and at most 10 years").into(),
            );
        }
        let wide = [Role::HqMainTeam, Role::Admin, Role::Auditor]
            .iter()
            .any(|r| actor.principal.has(*r));
        let office = match office_id {
            Some(id) => Some(ctx.shared()?.ids.decode_int(&id, NodeType::Office)?),
            None => None,
        };
        let own_office = match actor.principal.kind {
            PrincipalKind::Staff(_) => svc.staff(&svc.db, &actor).await?.office_id,
            _ => None,
        };
        let office_id = if wide {
            office
        } else {
            match (office, own_office) {
                (Some(o), Some(mine)) if o != mine => {
                    return Err(ApiError::forbidden("your dashboard covers your own office").into());
                }
                (_, mine) => Some(mine.unwrap_or(-1)),
            }
        };
        let scope = DashboardScope {
            office_id,
            from,
            to,
        };
        let db = &svc.db;
        let statuses = d::by_status(db, &scope).await.map_err(ApiError::from)?;
        let reference = &ctx.shared()?.reference;
        let mut total = 0;
        let mut handled = 0;
        let mut by_status = Vec::new();
        for row in statuses {
            total += row.count;
            if let Ok(s) = Status::from_str(&row.key) {
                if sla::counts_as_handled(s) {
                    handled += row.count;
                }
                by_status.push(StatusCount {
                    status: s.into(),
                    count: row.count,
                });
            }
        }
        let by_channel = d::by_channel(db, &scope)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|r| ChannelCount {
                channel: r.key,
                count: r.count,
            })
            .collect();
        let mut by_team: Vec<TeamCount> = d::by_team(db, &scope)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|r| TeamCount {
                team: reference.team(r.key).cloned().map(Team),
                count: r.count,
            })
            .collect();
        by_team.sort_by_key(|t| std::cmp::Reverse(t.count));
        let mut by_triplet: Vec<TripletCount> = d::by_triplet(db, &scope)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|r| TripletCount {
                triplet: reference.triplet(&r.key).cloned().map(Triplet),
                count: r.count,
            })
            .collect();
        by_triplet.sort_by_key(|t| std::cmp::Reverse(t.count));
        let ages = d::open_age_buckets(db, &scope, now)
            .await
            .map_err(ApiError::from)?;
        let open_age = ["0-2", "3-7", "8-30", "31+"]
            .iter()
            .zip(ages)
            .map(|(d, c)| AgeBucket {
                days: (*d).into(),
                count: c,
            })
            .collect();
        Ok(Dashboard {
            from,
            to,
            total,
            handled,
            by_status,
            by_channel,
            by_team,
            by_triplet,
            open_age,
        })
    }
}
