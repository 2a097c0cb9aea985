//! Triplet validation (R8) and the inquiry's outbox entries.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::triplet_validation;

use super::context::CtxExt;
use super::errors::GqlResult;
use super::ids::NodeType;
use super::types::reference::Triplet;
use crate::service::validation::Verdict;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum TripletVerdict {
    /// The customer's triplet was right.
    Accepted,
    /// It was wrong; `tripletCode` is the right one.
    Corrected,
}

#[derive(InputObject)]
pub struct ValidateTripletInput {
    pub inquiry_id: ID,
    pub verdict: TripletVerdict,
    /// Required with CORRECTED.
    pub triplet_code: Option<String>,
}

/// A clerk's verdict on the customer's triplet (שדה תיקוף השלשה).
#[derive(Clone)]
pub struct TripletValidation(pub triplet_validation::Model);

#[Object]
impl TripletValidation {
    async fn verdict(&self) -> TripletVerdict {
        if self.0.verdict == "ACCEPTED" {
            TripletVerdict::Accepted
        } else {
            TripletVerdict::Corrected
        }
    }
    /// Whether the customer chose the right triplet.
    async fn customer_triplet_correct(&self) -> bool {
        self.0.customer_triplet_code == self.0.final_triplet_code
    }
    async fn customer_triplet(&self, ctx: &Context<'_>) -> GqlResult<Option<Triplet>> {
        Ok(ctx
            .shared()?
            .reference
            .triplet(&self.0.customer_triplet_code)
            .cloned()
            .map(Triplet))
    }
    async fn final_triplet(&self, ctx: &Context<'_>) -> GqlResult<Option<Triplet>> {
        Ok(ctx
            .shared()?
            .reference
            .triplet(&self.0.final_triplet_code)
            .cloned()
            .map(Triplet))
    }
    /// The model version and its top suggestion when the inquiry was opened.
    async fn model_version(&self) -> Option<&str> {
        self.0.model_version.as_deref()
    }
    async fn suggested_top1(&self) -> Option<&str> {
        self.0.suggested_top1.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(SimpleObject)]
pub struct ValidateTripletPayload {
    pub validation: TripletValidation,
}

#[derive(Default)]
pub struct ValidationMutations;

#[Object]
impl ValidationMutations {
    /// Records whether the customer's triplet was right (R8); later verdicts supersede earlier ones.
    async fn validate_triplet(
        &self,
        ctx: &Context<'_>,
        input: ValidateTripletInput,
    ) -> GqlResult<ValidateTripletPayload> {
        let (svc, actor) = ctx.services()?;
        let id = ctx
            .shared()?
            .ids
            .decode_int(&input.inquiry_id, NodeType::Inquiry)?;
        let verdict = match input.verdict {
            TripletVerdict::Accepted => Verdict::Accepted,
            TripletVerdict::Corrected => Verdict::Corrected,
        };
        let m = crate::service::validation::validate(svc, &actor, id, verdict, input.triplet_code)
            .await?;
        Ok(ValidateTripletPayload {
            validation: TripletValidation(m),
        })
    }
}
