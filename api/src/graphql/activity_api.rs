//! Sending email and SMS from an inquiry (R40).

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::CtxExt;
use super::errors::GqlResult;
use super::ids::NodeType;
use crate::domain;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "domain::ActivityKind")]
pub enum ActivityKind {
    Email,
    Sms,
}

#[derive(InputObject)]
pub struct SendActivityInput {
    pub inquiry_id: ID,
    pub kind: ActivityKind,
    /// Optional: must be the customer's registered, verified address; by default that address.
    pub to: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    /// Retrying with the same key never sends twice.
    pub idempotency_key: Option<String>,
}

/// An outbound message in the outbox.
#[derive(SimpleObject)]
pub struct Activity {
    pub kind: ActivityKind,
    pub to_address: String,
    /// QUEUED, SENT or FAILED.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<entity::activity::Model> for Activity {
    fn from(m: entity::activity::Model) -> Self {
        let kind = if m.kind == "SMS" {
            ActivityKind::Sms
        } else {
            ActivityKind::Email
        };
        Self {
            kind,
            to_address: m.to_address,
            status: m.status,
            created_at: m.created_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct SendActivityPayload {
    pub activity: Activity,
}

#[derive(Default)]
pub struct ActivityMutations;

#[Object]
impl ActivityMutations {
    /// Queues an email or SMS to the customer's registered, verified address only (R40).
    async fn send_activity(
        &self,
        ctx: &Context<'_>,
        input: SendActivityInput,
    ) -> GqlResult<SendActivityPayload> {
        let (svc, actor) = ctx.services()?;
        let inquiry_id = ctx
            .shared()?
            .ids
            .decode_int(&input.inquiry_id, NodeType::Inquiry)?;
        let kind: domain::ActivityKind = input.kind.into();
        let m = crate::service::activities::send(
            svc,
            &actor,
            crate::service::activities::SendInput {
                inquiry_id,
                kind,
                to: input.to,
                subject: input.subject,
                body: input.body,
                idempotency_key: input.idempotency_key,
            },
        )
        .await?;
        Ok(SendActivityPayload {
            activity: Activity {
                kind: input.kind,
                to_address: m.to_address,
                status: m.status,
                created_at: m.created_at,
            },
        })
    }
}
