//! Management dashboards (R43): counts by status, channel, team and triplet over a period, the
//! age of open inquiries, and the handled share where WAITING_FOR_CUSTOMER counts as handled (R23).

use std::str::FromStr;

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};

use super::context::CtxExt;
use super::errors::{ApiError, GqlResult};
use super::ids::NodeType;
use super::types::enums::{ChannelLabel, StatusLabel};
use super::types::reference::{Office, Team, Topic, Triplet};
use crate::domain::principal::PrincipalKind;
use crate::domain::{Role, Status, sla};
use crate::store::dashboard::{self as d, DashboardScope, SlaGroup};
use crate::store::reference::Reference;

#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: StatusLabel,
    pub count: i64,
}

/// Who the inquiries come from (§3: "פילוח אוכלוסיות").
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Population {
    /// An individual customer (יחיד).
    Individual,
    /// A company (חברה).
    Company,
    /// Opened by a representative (מייצג).
    Representative,
}

#[derive(SimpleObject)]
pub struct PopulationCount {
    pub population: Population,
    pub count: i64,
}

#[derive(SimpleObject)]
pub struct ChannelCount {
    /// The channel with its display names (R54).
    pub channel: ChannelLabel,
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

/// SLA figures of the inquiries closed in the period (§2.1.7): counted working time to close
/// against the triplet's target.
#[derive(SimpleObject)]
pub struct SlaFigures {
    /// Inquiries closed in the period.
    pub closed: i64,
    /// Of those, closed within their SLA target.
    pub within_target: i64,
    /// `withinTarget / closed`, 0..1; null when nothing closed.
    pub share_within_target: Option<f64>,
    /// Median counted working time to close, in seconds; null when nothing closed.
    pub median_working_time: Option<i64>,
    /// The same in hours (display only).
    pub median_working_hours: Option<f64>,
}

impl From<&SlaGroup> for SlaFigures {
    fn from(g: &SlaGroup) -> Self {
        Self {
            closed: g.closed,
            within_target: g.within_target,
            share_within_target: (g.closed > 0).then(|| g.within_target as f64 / g.closed as f64),
            median_working_time: g.median_seconds.map(|m| m.round() as i64),
            median_working_hours: g.median_seconds.map(|m| (m / 36.0).round() / 100.0),
        }
    }
}

#[derive(SimpleObject)]
pub struct OfficeSla {
    pub office: Option<Office>,
    pub sla: SlaFigures,
}

#[derive(SimpleObject)]
pub struct TeamSla {
    pub team: Option<Team>,
    pub sla: SlaFigures,
}

#[derive(SimpleObject)]
pub struct TripletSla {
    pub triplet: Option<Triplet>,
    pub sla: SlaFigures,
}

/// How often clerks kept the classifier's top-1 suggestion (§5.1.1, R8): current triplet
/// validations made in the period on inquiries that had suggestions.
#[derive(SimpleObject)]
pub struct Acceptance {
    pub validated: i64,
    /// The final triplet is the model's top-1 suggestion.
    pub accepted: i64,
    /// `accepted / validated`; null when nothing was validated.
    pub rate: Option<f64>,
}

impl Acceptance {
    pub fn new(validated: i64, accepted: i64) -> Self {
        Self {
            validated,
            accepted,
            rate: (validated > 0).then(|| accepted as f64 / validated as f64),
        }
    }
}

#[derive(SimpleObject)]
pub struct ModelAcceptance {
    pub model_version: String,
    pub acceptance: Acceptance,
}

#[derive(SimpleObject)]
pub struct TopicAcceptance {
    /// The main topic of the final triplet.
    pub main_topic: Option<Topic>,
    pub acceptance: Acceptance,
}

#[derive(SimpleObject)]
pub struct ClassifierAcceptance {
    pub total: Acceptance,
    pub by_model: Vec<ModelAcceptance>,
    pub by_main_topic: Vec<TopicAcceptance>,
}

/// The dashboard's SLA section, computed only when asked for.
#[derive(SimpleObject)]
pub struct DashboardSla {
    /// Over every inquiry closed in the period (in the dashboard's office, if any).
    pub total: SlaFigures,
    pub by_office: Vec<OfficeSla>,
    pub by_team: Vec<TeamSla>,
    pub by_triplet: Vec<TripletSla>,
}

#[derive(SimpleObject)]
#[graphql(complex)]
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
    #[graphql(skip)]
    pub scope: DashboardScope,
}

#[ComplexObject]
impl Dashboard {
    /// Inquiries opened in the period by population (§3 "פילוח אוכלוסיות", R43): opened by a
    /// representative, or by or for a company or an individual; largest first.
    async fn by_population(&self, ctx: &Context<'_>) -> GqlResult<Vec<PopulationCount>> {
        let (svc, _) = ctx.services()?;
        let mut rows: Vec<PopulationCount> = d::by_population(&svc.db, &self.scope)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .filter_map(|r| {
                let population = match r.key.as_str() {
                    "INDIVIDUAL" => Population::Individual,
                    "COMPANY" => Population::Company,
                    "REPRESENTATIVE" => Population::Representative,
                    _ => return None,
                };
                Some(PopulationCount {
                    population,
                    count: r.count,
                })
            })
            .collect();
        rows.sort_by_key(|p| std::cmp::Reverse(p.count));
        Ok(rows)
    }

    /// Unread incoming correspondences of open inquiries per handling team, now (R12).
    async fn unread_by_team(&self, ctx: &Context<'_>) -> GqlResult<Vec<TeamCount>> {
        let (svc, _) = ctx.services()?;
        let reference = &ctx.shared()?.reference;
        let mut rows: Vec<TeamCount> = d::unread_by_team(&svc.db, self.scope.office_id)
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|r| TeamCount {
                team: reference.team(r.key).cloned().map(Team),
                count: r.count,
            })
            .collect();
        rows.sort_by_key(|t| std::cmp::Reverse(t.count));
        Ok(rows)
    }

    /// The classifier's acceptance rate over the period: in total, per model version and per
    /// main topic (grouped in SQL by version and triplet; rolled up to main topics here).
    async fn classifier_acceptance(&self, ctx: &Context<'_>) -> GqlResult<ClassifierAcceptance> {
        use std::collections::BTreeMap;
        let (svc, _) = ctx.services()?;
        let reference = &ctx.shared()?.reference;
        let rows = d::classifier_acceptance(&svc.db, &self.scope)
            .await
            .map_err(ApiError::from)?;
        let mut models: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        let mut topics: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut total = (0, 0);
        for r in &rows {
            let main = main_topic_of(reference, &r.final_triplet_code);
            for acc in [
                models.entry(&r.model_version).or_default(),
                topics.entry(main).or_default(),
                &mut total,
            ] {
                acc.0 += r.validated;
                acc.1 += r.accepted;
            }
        }
        Ok(ClassifierAcceptance {
            total: Acceptance::new(total.0, total.1),
            by_model: models
                .into_iter()
                .map(|(v, (n, a))| ModelAcceptance {
                    model_version: v.to_owned(),
                    acceptance: Acceptance::new(n, a),
                })
                .collect(),
            by_main_topic: by_main_topic(reference, topics),
        })
    }

    /// SLA figures over the inquiries *closed* in [from, to): share within target and median
    /// working time to close, in total and by office, team and triplet (groups by size).
    async fn sla(&self, ctx: &Context<'_>) -> GqlResult<DashboardSla> {
        let (svc, _) = ctx.services()?;
        let reference = &ctx.shared()?.reference;
        let db = &svc.db;
        let d::SlaBreakdown {
            total,
            mut offices,
            mut teams,
            mut triplets,
        } = d::sla_breakdown(db, &self.scope)
            .await
            .map_err(ApiError::from)?;
        let total = total.as_ref().map(SlaFigures::from).unwrap_or(SlaFigures {
            closed: 0,
            within_target: 0,
            share_within_target: None,
            median_working_time: None,
            median_working_hours: None,
        });
        for g in [&mut offices, &mut teams, &mut triplets] {
            g.sort_by(|a, b| b.closed.cmp(&a.closed).then_with(|| a.key.cmp(&b.key)));
        }
        let id = |k: &str| k.parse::<i64>().ok();
        Ok(DashboardSla {
            total,
            by_office: offices
                .iter()
                .map(|g| OfficeSla {
                    office: id(&g.key)
                        .and_then(|i| reference.office(i))
                        .cloned()
                        .map(Office),
                    sla: g.into(),
                })
                .collect(),
            by_team: teams
                .iter()
                .map(|g| TeamSla {
                    team: id(&g.key)
                        .and_then(|i| reference.team(i))
                        .cloned()
                        .map(Team),
                    sla: g.into(),
                })
                .collect(),
            by_triplet: triplets
                .iter()
                .map(|g| TripletSla {
                    triplet: reference.triplet(&g.key).cloned().map(Triplet),
                    sla: g.into(),
                })
                .collect(),
        })
    }
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
    ) -> GqlResult<Option<Dashboard>> {
        let r: GqlResult<Dashboard> = async {
            let (svc, actor) = ctx.services()?;
            let now = svc.now();
            let to = to.unwrap_or(now);
            let from = from.unwrap_or(to - Duration::days(30));
            if from >= to || to - from > Duration::days(3660) {
                return Err(ApiError::validation(
                    "the period must be positive and at most 10 years",
                )
                .into());
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
                        return Err(
                            ApiError::forbidden("your dashboard covers your own office").into()
                        );
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
                .filter_map(|r| {
                    Some(ChannelCount {
                        channel: crate::domain::Channel::from_str(&r.key).ok()?.into(),
                        count: r.count,
                    })
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
                scope,
            })
        }
        .await;
        r.map(Some)
    }
}

/// The main topic of a triplet (empty for an unknown code).
pub(super) fn main_topic_of(reference: &Reference, triplet: &str) -> String {
    reference
        .triplet(triplet)
        .map(|t| t.main_code.clone())
        .unwrap_or_default()
}

/// Acceptance tallies (verdicts, accepted) per main topic code, as the API shows them.
pub(super) fn by_main_topic(
    reference: &Reference,
    topics: std::collections::BTreeMap<String, (i64, i64)>,
) -> Vec<TopicAcceptance> {
    topics
        .into_iter()
        .map(|(code, (n, a))| TopicAcceptance {
            main_topic: reference.topic(&code).cloned().map(Topic),
            acceptance: Acceptance::new(n, a),
        })
        .collect()
}
