//! Triplet validation (§5.1.1, R8): the clerk says whether the customer's triplet was right, so
//! the classifier learns. A triplet change by a clerk records an implicit correction.

use entity::{inquiry, triplet_validation};
use sea_orm::{ActiveValue::Set, ConnectionTrait};

use crate::domain::error::DomainError;
use crate::domain::handling;
use crate::service::inquiries::{Actor, Services, place};
use crate::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    Accepted,
    Corrected,
}

/// Records the verdict for an inquiry (inside the caller's transaction).
pub async fn record<C: ConnectionTrait>(
    svc: &Services,
    db: &C,
    user_id: i64,
    inq: &inquiry::Model,
    verdict: Verdict,
    final_triplet: &str,
) -> Result<triplet_validation::Model, DomainError> {
    let top = store::inquiries::suggestions_of(db, inq.id).await?;
    let now = svc.now();
    Ok(store::validations::record(
        db,
        triplet_validation::ActiveModel {
            inquiry_id: Set(inq.id),
            user_id: Set(user_id),
            verdict: Set(verdict.as_ref().into()),
            customer_triplet_code: Set(inq.customer_triplet_code.clone()),
            final_triplet_code: Set(final_triplet.into()),
            model_version: Set(top.as_ref().map(|s| s.model_version.clone())),
            suggested_top1: Set(top.map(|s| s.triplet_code)),
            created_at: Set(now),
            superseded_at: Set(None),
            ..Default::default()
        },
        now,
        inq.id,
    )
    .await?)
}

/// `validateTriplet`: ACCEPTED keeps the customer's triplet as right; CORRECTED names the right one.
pub async fn validate(
    svc: &Services,
    actor: &Actor,
    inquiry_id: i64,
    verdict: Verdict,
    triplet: Option<String>,
) -> Result<triplet_validation::Model, DomainError> {
    let (staff, txn, inq) = svc.begin_staff_change(actor, inquiry_id, None).await?;
    if !handling::may_handle(&staff, &place(&inq)) {
        return Err(DomainError::forbidden(
            "only the handling team validates the triplet",
        ));
    }
    let final_triplet = match (verdict, triplet) {
        (Verdict::Accepted, None) => inq.customer_triplet_code.clone(),
        (Verdict::Accepted, Some(_)) => {
            return Err(DomainError::validation("ACCEPTED takes no tripletCode"));
        }
        (Verdict::Corrected, None) => {
            return Err(DomainError::validation(
                "CORRECTED needs the right tripletCode",
            ));
        }
        (Verdict::Corrected, Some(t)) => {
            if svc.reference.triplet(&t).is_none() {
                return Err(DomainError::validation(format!("unknown triplet {t:?}")));
            }
            if t == inq.customer_triplet_code {
                return Err(DomainError::validation(
                    "the correction equals the customer's triplet; use ACCEPTED",
                ));
            }
            t
        }
    };
    let m = record(svc, &txn, staff.user_id, &inq, verdict, &final_triplet).await?;
    svc.audit(
        &txn,
        actor,
        "validateTriplet",
        &[inq.id],
        &["tripletValidation"],
        Some(verdict.as_ref().into()),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
