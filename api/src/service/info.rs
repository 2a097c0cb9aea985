//! Information expansion and the clerk's daily extra identification (R37, §2.2.8, §4.6).

use chrono::{DateTime, Utc};
use entity::inquiry;

use super::inquiries::{Actor, Services};
use crate::domain::VerificationLevel;
use crate::domain::error::DomainError;
use crate::domain::principal::PrincipalKind;
use crate::infra::reauth::next_midnight_jerusalem;
use crate::infra::registry::RegistryInfo;
use crate::store::{self, writes};

fn staff_id(actor: &Actor) -> Result<i64, DomainError> {
    match actor.principal.kind {
        PrincipalKind::Staff(id) => Ok(id),
        _ => Err(DomainError::forbidden(
            "extra identification is for ITA staff",
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Records the clerk's extra identification until midnight in Israel; audited either way (a
/// refusal by the transport, R3).
pub async fn reauthenticate(
    svc: &Services,
    actor: &Actor,
    code: &str,
) -> Result<DateTime<Utc>, DomainError> {
    let user_id = staff_id(actor)?;
    let now = svc.now();
    let ok = svc
        .settings
        .reauth_dev_code
        .as_deref()
        .is_some_and(|c| constant_time_eq(c.as_bytes(), code.trim().as_bytes()));
    // A wrong code is refused and the transport audits the refusal (R3); a right one here.
    if !ok {
        return Err(DomainError::forbidden(
            "the identification code is wrong (or no identification provider is configured)",
        ));
    }
    writes::append_audit(
        &svc.db,
        writes::AuditRow {
            at: now,
            request_id: actor.request_id.clone(),
            actor_kind: actor.kind_code().into(),
            actor_id: Some(user_id),
            roles: actor
                .principal
                .roles
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(","),
            operation: "reauthenticate".into(),
            object_type: None,
            object_ids: String::new(),
            fields: String::new(),
            outcome: "OK".into(),
            details: None,
        },
    )
    .await?;
    let until = next_midnight_jerusalem(now);
    svc.reauth
        .mark(user_id, now, until)
        .await
        .map_err(DomainError::internal)?;
    Ok(until)
}

/// Registry data for an inquiry's customer: only for a verified customer and a clerk who passed
/// the extra identification today.
pub async fn expansion(
    svc: &Services,
    actor: &Actor,
    inq: &inquiry::Model,
) -> Result<RegistryInfo, DomainError> {
    let user_id = staff_id(actor)?;
    let customer = store::people::customer_by_id(&svc.db, inq.customer_id)
        .await?
        .ok_or_else(|| DomainError::not_found("customer"))?;
    if !crate::domain::limits::customer_identified(
        customer.verification_level == VerificationLevel::High.code(),
        inq.caller_verified_at.is_some(),
    ) {
        return Err(DomainError::forbidden(
            "הרחבת מידע מוצגת רק בפניות של לקוח מאומת (information expansion needs a verified customer, or a caller verified by phone: verifyCaller)",
        ));
    }
    if !svc
        .reauth
        .is_valid(user_id, svc.now())
        .await
        .map_err(DomainError::internal)?
    {
        return Err(DomainError::forbidden(
            "לצפייה בהרחבת מידע נדרש זיהוי נוסף פעם ביום (סיסמת שע\"מ). יש לבצע זיהוי נוסף (reauthenticate).",
        ));
    }
    Ok(svc.registry.lookup(&customer))
}

/// §4.6 ("או שאומת טלפונית", R37): the handling clerk records that the caller of a phone or
/// information-centre inquiry was verified by phone; information expansion is then shown on that
/// inquiry. Audited; one transaction; verifying again changes nothing.
pub async fn verify_caller(
    svc: &Services,
    actor: &Actor,
    inquiry_id: i64,
) -> Result<inquiry::Model, DomainError> {
    use sea_orm::{ActiveValue::Set, IntoActiveModel};
    let (staff, txn, before) = svc.begin_staff_change(actor, inquiry_id, None).await?;
    if !crate::domain::handling::may_handle(&staff, &super::inquiries::place(&before)) {
        return Err(DomainError::forbidden(
            "only the handling team verifies the caller",
        ));
    }
    let channel: crate::domain::Channel = before
        .channel
        .parse()
        .map_err(|_| DomainError::internal("stored channel"))?;
    if !crate::domain::limits::caller_verifiable(channel) {
        return Err(DomainError::validation(
            "only a phone or information-centre inquiry's caller is verified by phone",
        ));
    }
    if before.caller_verified_at.is_some() {
        txn.rollback().await?;
        return Ok(before);
    }
    let now = svc.now();
    let mut am = before.clone().into_active_model();
    am.caller_verified_at = Set(Some(now));
    am.caller_verified_by_user_id = Set(Some(staff.user_id));
    am.updated_at = Set(now);
    let after = writes::update_inquiry(&txn, am).await?;
    svc.audit(
        &txn,
        actor,
        "verifyCaller",
        &[after.id],
        &["callerVerifiedAt"],
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
