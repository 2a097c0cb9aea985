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

/// Records the clerk's extra identification until midnight in Israel; audited either way.
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
            outcome: if ok { "OK" } else { "DENIED" }.into(),
            details: None,
        },
    )
    .await?;
    if !ok {
        return Err(DomainError::forbidden(
            "the identification code is wrong (or no identification provider is configured)",
        ));
    }
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
    if customer.verification_level != VerificationLevel::High.code() {
        return Err(DomainError::forbidden(
            "הרחבת מידע מוצגת רק בפניות של לקוח מאומת (information expansion needs a verified customer)",
        ));
    }
    if !svc
        .reauth
        .is_valid(user_id, svc.now())
        .await
        .map_err(DomainError::internal)?
    {
        return Err(DomainError::forbidden(
            "נדרש זיהוי נוסף פעם ביום לפני הצגת הרחבת מידע: השתמשו ב-reauthenticate (extra identification required today)",
        ));
    }
    Ok(svc.registry.lookup(&customer))
}
