//! Response templates (R42): drafting, approval by the office manager or deputy, and filling a
//! response from an approved template.

use std::str::FromStr;

use entity::{inquiry, response_template};
use sea_orm::{ActiveValue::Set, ConnectionTrait, TransactionTrait};

use crate::domain::error::DomainError;
use crate::domain::templates::{self, TemplateStatus};
use crate::service::inquiries::{Actor, Services};
use crate::store::{self, writes};

pub const MAX_TEMPLATE_CHARS: usize = 10_000;

pub async fn create(
    svc: &Services,
    actor: &Actor,
    triplet: Option<String>,
    title: &str,
    body: &str,
) -> Result<response_template::Model, DomainError> {
    let staff = svc.staff(&svc.db, actor).await?;
    if title.trim().is_empty() || body.trim().is_empty() {
        return Err(DomainError::validation("title and body are required"));
    }
    crate::service::inquiries::check_len("title", Some(title), 200)?;
    crate::service::inquiries::check_len("bodyHe", Some(body), MAX_TEMPLATE_CHARS)?;
    if let Some(t) = &triplet
        && svc.reference.triplet(t).is_none()
    {
        return Err(DomainError::validation(format!("unknown triplet {t:?}")));
    }
    let office = staff.office_id.ok_or_else(|| {
        DomainError::forbidden("templates belong to an office; this user has none")
    })?;
    let txn = svc.db.begin().await?;
    let m = store::templates::insert(
        &txn,
        response_template::ActiveModel {
            triplet_code: Set(triplet),
            office_id: Set(Some(office)),
            title: Set(title.trim().into()),
            body_he: Set(body.trim().into()),
            status: Set(TemplateStatus::Draft.as_ref().into()),
            system: Set(false),
            created_by_user_id: Set(Some(staff.user_id)),
            created_at: Set(svc.now()),
            approved_by_user_id: Set(None),
            approved_at: Set(None),
            ..Default::default()
        },
    )
    .await?;
    audit(svc, &txn, actor, "createResponseTemplate", m.id).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn approve(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> Result<response_template::Model, DomainError> {
    let staff = svc.staff(&svc.db, actor).await?;
    let txn = svc.db.begin().await?;
    let t = store::templates::find(&txn, id)
        .await?
        .ok_or_else(|| DomainError::not_found("template"))?;
    if !templates::may_approve(&staff, t.office_id) {
        return Err(DomainError::forbidden(
            "only the office manager or deputy of the template's office approves it (§2.2.5)",
        ));
    }
    if TemplateStatus::from_str(&t.status).ok() != Some(TemplateStatus::Draft) {
        return Err(DomainError::invalid_transition(
            "only a draft can be approved",
        ));
    }
    let m = store::templates::approve(&txn, t, staff.user_id, svc.now()).await?;
    audit(svc, &txn, actor, "approveResponseTemplate", m.id).await?;
    txn.commit().await?;
    Ok(m)
}

/// The response text from an approved template for this inquiry, placeholders filled.
pub async fn render_for<C: ConnectionTrait>(
    db: &C,
    template_id: i64,
    inq: &inquiry::Model,
) -> Result<String, DomainError> {
    let t = store::templates::find(db, template_id)
        .await?
        .ok_or_else(|| DomainError::not_found("template"))?;
    let status = TemplateStatus::from_str(&t.status)
        .map_err(|_| DomainError::internal("stored template status"))?;
    templates::check_usable(
        status,
        t.triplet_code.as_deref(),
        t.office_id,
        &inq.triplet_code,
        inq.office_id,
    )?;
    let c = store::people::customer_by_id(db, inq.customer_id)
        .await?
        .ok_or_else(|| DomainError::internal("customer missing"))?;
    Ok(templates::render(
        &t.body_he,
        format!("{} {}", c.first_name, c.last_name).trim(),
        inq.number,
    ))
}

async fn audit<C: ConnectionTrait>(
    svc: &Services,
    db: &C,
    actor: &Actor,
    op: &str,
    id: i64,
) -> Result<(), DomainError> {
    writes::append_audit(
        db,
        actor.audit_row(
            svc.now(),
            op,
            Some("ResponseTemplate"),
            id.to_string(),
            "status",
        ),
    )
    .await?;
    Ok(())
}
