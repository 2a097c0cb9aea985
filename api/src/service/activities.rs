//! Sending email and SMS from an inquiry (§5.1.4, R40): validated against the registered,
//! verified address, queued in the outbox (the dispatcher sends with retries), audited — refusals
//! too.

use entity::activity;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use crate::domain::contact::{self, Registered};
use crate::domain::error::DomainError;
use crate::domain::{ActivityKind, handling};
use crate::service::inquiries::{Actor, Services, check_len, place};
use crate::store::{self, writes};

pub struct SendInput {
    pub inquiry_id: i64,
    pub kind: ActivityKind,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    /// Retries with the same key do not send twice.
    pub idempotency_key: Option<String>,
}

pub async fn send(
    svc: &Services,
    actor: &Actor,
    input: SendInput,
) -> Result<activity::Model, DomainError> {
    check_len("body", Some(&input.body), 5_000)?;
    check_len("subject", input.subject.as_deref(), 200)?;
    check_len("to", input.to.as_deref(), 200)?;
    if input.body.trim().is_empty() {
        return Err(DomainError::validation("body is required"));
    }
    let (staff, txn, inq) = svc
        .begin_staff_change(actor, input.inquiry_id, None)
        .await?;
    if !handling::may_handle(&staff, &place(&inq)) {
        return Err(DomainError::forbidden(
            "only the handling team sends activities on this inquiry",
        ));
    }
    let c = store::people::customer_by_id(&txn, inq.customer_id)
        .await?
        .ok_or_else(|| DomainError::internal("customer missing"))?;
    let registered = Registered {
        email: c.email.as_deref(),
        email_verified: c.email_verified,
        mobile: c.mobile.as_deref(),
        mobile_verified: c.mobile_verified,
    };
    // A refusal rolls back; the transport audits the refused mutation (R3).
    let to = contact::destination(input.kind, &registered, input.to.as_deref())?;
    let key = input
        .idempotency_key
        .unwrap_or_else(|| format!("{}-{}-{}", inq.id, inq.version, input.kind.code()));
    if let Some(existing) = store::activities::by_key(&txn, &key).await? {
        txn.rollback().await?;
        return Ok(existing);
    }
    let m = activity::ActiveModel {
        inquiry_id: Set(inq.id),
        kind: Set(input.kind.code().into()),
        to_address: Set(to),
        subject: Set(input.subject),
        body: Set(input.body),
        status: Set("QUEUED".into()),
        attempts: Set(0),
        idempotency_key: Set(key),
        last_error: Set(None),
        created_by_user_id: Set(Some(staff.user_id)),
        created_at: Set(svc.now()),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // The mutation's audit row commits with it (issue 4 §7).
    audit(
        svc,
        &txn,
        actor,
        inq.id,
        "OK",
        Some(format!("activity {} queued", m.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

async fn audit<C: sea_orm::ConnectionTrait>(
    svc: &Services,
    db: &C,
    actor: &Actor,
    inquiry_id: i64,
    outcome: &str,
    details: Option<String>,
) -> Result<(), DomainError> {
    writes::append_audit(
        db,
        writes::AuditRow {
            outcome: outcome.into(),
            details,
            ..actor.audit_row(
                svc.now(),
                "sendActivity",
                Some("Inquiry"),
                inquiry_id.to_string(),
                "activity",
            )
        },
    )
    .await?;
    Ok(())
}

/// Queues the automatic notice for an inquiry that moved to `status` (§2.1.3), inside the
/// caller's transaction: by the preferred channel, to the registered verified address only
/// (R40). No verified address: nothing is queued (the customer reads it in the personal area).
/// Idempotent per inquiry version and status.
pub async fn queue_status_notice<C: sea_orm::ConnectionTrait>(
    svc: &Services,
    db: &C,
    inquiry: &entity::inquiry::Model,
    status: crate::domain::Status,
) -> Result<Option<activity::Model>, DomainError> {
    use crate::domain::notifications::{channels, status_notice};
    use std::str::FromStr;
    if status_notice(status, inquiry.number, ActivityKind::Email).is_none() {
        return Ok(None);
    }
    let c = store::people::customer_by_id(db, inquiry.customer_id)
        .await?
        .ok_or_else(|| DomainError::internal("customer missing"))?;
    let preferred = crate::domain::ContactChannel::from_str(&c.preferred_channel)
        .unwrap_or(crate::domain::ContactChannel::Email);
    let registered = Registered {
        email: c.email.as_deref(),
        email_verified: c.email_verified,
        mobile: c.mobile.as_deref(),
        mobile_verified: c.mobile_verified,
    };
    let Some((kind, to)) = channels(preferred).into_iter().find_map(|k| {
        contact::destination(k, &registered, None)
            .ok()
            .map(|to| (k, to))
    }) else {
        tracing::info!(
            inquiry = inquiry.id,
            "no verified address: status notice not sent"
        );
        return Ok(None);
    };
    let key = format!(
        "notice-{}-{}-{}",
        inquiry.id,
        inquiry.version,
        status.code()
    );
    if let Some(existing) = store::activities::by_key(db, &key).await? {
        return Ok(Some(existing));
    }
    let Some(notice) = status_notice(status, inquiry.number, kind) else {
        return Ok(None);
    };
    let m = activity::ActiveModel {
        inquiry_id: Set(inquiry.id),
        kind: Set(kind.code().into()),
        to_address: Set(to),
        subject: Set(Some(notice.subject)),
        body: Set(notice.body),
        status: Set("QUEUED".into()),
        attempts: Set(0),
        idempotency_key: Set(key),
        last_error: Set(None),
        created_by_user_id: Set(None),
        created_at: Set(svc.now()),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Some(m))
}
