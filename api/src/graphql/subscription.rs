//! Live queues (graphql-transport-ws): inquiry events of a team for its staff, and of one's own
//! inquiries for a customer. Every event is filtered to the subscriber's team or own inquiries,
//! and a team subscriber's membership is re-checked once a minute, not only at subscribe time.

use async_graphql::{Context, Enum, ID, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};

use super::context::CtxExt;
use super::errors::ApiError;
use super::ids::{NodeKey, NodeType};
use crate::domain::handling;
use crate::domain::principal::PrincipalKind;
use crate::infra::events::{InquiryEvent as Event, InquiryEventKind as Kind};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "Kind")]
pub enum InquiryEventKind {
    Opened,
    StatusChanged,
    Assigned,
    Released,
    TripletChanged,
    Correspondence,
    Reopened,
    Cancelled,
}

/// Something happened to an inquiry.
#[derive(SimpleObject, Clone)]
pub struct InquiryEvent {
    pub kind: InquiryEventKind,
    /// The inquiry's global ID (fetch it with `node` or `inquiry`).
    pub inquiry_id: ID,
    pub team_id: ID,
    /// The inquiry's status after the event, with its display names.
    pub status: Option<super::types::enums::StatusLabel>,
    pub at: DateTime<Utc>,
}

pub struct SubscriptionRoot;

/// How long a team subscription's right to follow the team is trusted before an event
/// re-checks it.
const RECHECK_SECS: i64 = 60;

#[Subscription]
impl SubscriptionRoot {
    /// Events of the team's inquiries: new in the queue, status changes, assignments,
    /// correspondence. Staff of the team, the office's managers, or the HQ main team.
    async fn inquiry_events(
        &self,
        ctx: &Context<'_>,
        team_id: ID,
    ) -> Result<impl Stream<Item = InquiryEvent>, async_graphql::Error> {
        let shared = ctx.shared()?;
        let team = shared.ids.decode_int(&team_id, NodeType::Team)?;
        let t = shared
            .reference
            .team(team)
            .ok_or_else(|| ApiError::not_found("team"))?;
        let (svc, actor) = ctx.services()?;
        let staff = svc.staff(&svc.db, &actor).await?;
        let place = handling::Place {
            office_id: t.office_id,
            team_id: team,
            assignee_id: None,
        };
        if !handling::may_handle(&staff, &place) {
            return Err(ApiError::forbidden("you may follow only your own teams").into());
        }
        let ids = shared.ids.clone();
        let svc = shared.services.clone();
        // The right to follow the team is checked again on an event once a minute has passed
        // since the last check (a clerk who left the team stops receiving its events).
        let checked = std::sync::Arc::new(tokio::sync::Mutex::new((svc.now(), true)));
        Ok(events(svc.events.subscribe()).filter_map(move |e| {
            let (ids, svc, actor, checked) =
                (ids.clone(), svc.clone(), actor.clone(), checked.clone());
            async move {
                if e.team_id != team {
                    return None;
                }
                let mut c = checked.lock().await;
                let now = svc.now();
                if now - c.0 >= chrono::Duration::seconds(RECHECK_SECS) {
                    c.1 = svc
                        .staff(&svc.db, &actor)
                        .await
                        .is_ok_and(|s| handling::may_handle(&s, &place));
                    c.0 = now;
                }
                c.1.then(|| to_gql(&ids, &e))
            }
        }))
    }

    /// Events of the viewer's own inquiries (customers).
    async fn my_inquiry_events(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = InquiryEvent>, async_graphql::Error> {
        let shared = ctx.shared()?;
        let PrincipalKind::Customer(me) = ctx.principal()?.kind else {
            return Err(ApiError::forbidden(
                "for customers; staff follow their teams with inquiryEvents",
            )
            .into());
        };
        let ids = shared.ids.clone();
        Ok(
            events(shared.services.events.subscribe()).filter_map(move |e| {
                let out = (e.customer_id == me).then(|| to_gql(&ids, &e));
                async move { out }
            }),
        )
    }
}

fn events(rx: tokio::sync::broadcast::Receiver<Event>) -> impl Stream<Item = Event> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) => return Some((e, rx)),
                // A slow subscriber skips what it missed rather than stalling the bus.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

fn to_gql(ids: &super::ids::IdCodec, e: &Event) -> InquiryEvent {
    InquiryEvent {
        kind: e.kind.into(),
        inquiry_id: ID(ids.encode(NodeType::Inquiry, &NodeKey::Int(e.inquiry_id))),
        team_id: ID(ids.encode(NodeType::Team, &NodeKey::Int(e.team_id))),
        status: e
            .status
            .parse::<crate::domain::Status>()
            .ok()
            .map(Into::into),
        at: e.at,
    }
}
