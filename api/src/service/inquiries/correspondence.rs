//! Correspondence (§2.2.4, §4.2, §6.2; R9-R12), reading marks, and cancellation by the customer
//! or the representative (§5.2.9-5.2.10; R21).

use std::str::FromStr;

use entity::inquiry;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, IntoActiveModel, TransactionTrait};

use super::{Actor, Services, check_len, domain_of, parse_status, place};
use crate::domain::correspondence::{self as rules, CustomerWriteEffect};
use crate::domain::error::DomainError;
use crate::domain::handling::{self, Canceller};
use crate::domain::principal::PrincipalKind;
use crate::domain::{Direction, ReadScope, Status};
use crate::infra::events::InquiryEventKind;
use crate::store::{
    self,
    writes::{self, HistoryRow, NewCorrespondence},
};

pub const MAX_CORRESPONDENCE_CHARS: usize = 10_000;

/// Locks the inquiry and checks the principal may see it; NOT_FOUND otherwise (no hint that it exists).
async fn lock_visible(
    svc: &Services,
    txn: &DatabaseTransaction,
    actor: &Actor,
    id: i64,
) -> Result<inquiry::Model, DomainError> {
    let m = svc.lock(txn, id, None).await?;
    let visible = match actor.principal.read_scope(svc.now()) {
        // Staff outside the business unit: the inquiry does not exist for them.
        ReadScope::All | ReadScope::Staff { .. } => {
            let staff = svc.staff(txn, actor).await?;
            crate::domain::handling::may_read(&staff, &place(&m))
        }
        ReadScope::Customer(c) => m.customer_id == c,
        scope @ ReadScope::Representative { .. } => {
            store::inquiries::visible(txn, &scope, m.id).await?
        }
    };
    if visible {
        Ok(m)
    } else {
        Err(DomainError::not_found("inquiry"))
    }
}

pub async fn add_correspondence(
    svc: &Services,
    actor: &Actor,
    inquiry_id: i64,
    body: &str,
) -> Result<inquiry::Model, DomainError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(DomainError::validation("body is required"));
    }
    check_len("body", Some(body), MAX_CORRESPONDENCE_CHARS)?;
    let txn = svc.db.begin().await?;
    let before = lock_visible(svc, &txn, actor, inquiry_id).await?;
    let now = svc.now();
    let (direction, customer_id, rep_id, user_id) = match actor.principal.kind {
        PrincipalKind::Customer(c) => (Direction::FromCustomer, Some(c), None, None),
        PrincipalKind::Representative(r) => (Direction::FromRepresentative, None, Some(r), None),
        PrincipalKind::Staff(u) => {
            let staff = svc.staff(&txn, actor).await?;
            if !handling::may_handle(&staff, &place(&before)) {
                return Err(DomainError::forbidden(
                    "only the handling team may answer this inquiry",
                ));
            }
            if parse_status(&before)?.is_closed() {
                return Err(DomainError::invalid_transition("the inquiry is closed"));
            }
            (Direction::FromClerk, None, None, Some(u))
        }
    };
    let mut after = before.clone();
    if direction != Direction::FromClerk {
        let directions: Vec<Direction> = writes::correspondence_directions(&txn, before.id)
            .await?
            .iter()
            .filter_map(|d| Direction::from_str(d).ok())
            .collect();
        let effect = rules::customer_write(
            parse_status(&before)?,
            before.closed_at,
            &directions,
            now,
            svc.settings.reopen_days,
        )?;
        if effect != CustomerWriteEffect::Recorded {
            // R11: reopen at the last handling team of the triplet, not at the last clerk.
            let mut am = before.clone().into_active_model();
            am.status = Set(Status::InfoFromCustomer.code().into());
            am.status_changed_at = Set(now);
            am.updated_at = Set(now);
            if effect == CustomerWriteEffect::Reopen {
                am.assignee_id = Set(None);
                am.closed_at = Set(None);
                am.closure_reason = Set(None);
            }
            after = writes::update_inquiry(&txn, am).await?;
            let kind = if effect == CustomerWriteEffect::Reopen {
                "REOPENED"
            } else {
                "STATUS_CHANGE"
            };
            writes::append_history(
                &txn,
                Some(&before),
                &after,
                HistoryRow {
                    kind,
                    at: now,
                    actor_kind: actor.kind_code(),
                    actor_id: actor.id(),
                    note: None,
                },
            )
            .await?;
        }
    }
    writes::insert_correspondence(
        &txn,
        NewCorrespondence {
            inquiry_id: before.id,
            direction: direction.code(),
            author_customer_id: customer_id,
            author_representative_id: rep_id,
            author_user_id: user_id,
            body: body.to_string(),
            at: now,
        },
    )
    .await?;
    svc.audit(
        &txn,
        actor,
        "addCorrespondence",
        &[before.id],
        &["correspondence.body"],
        None,
    )
    .await?;
    svc.refresh_due(&txn, before.id).await?;
    txn.commit().await?;
    let kind = if after.status != before.status && before.closed_at.is_some() {
        InquiryEventKind::Reopened
    } else {
        InquiryEventKind::Correspondence
    };
    svc.publish(kind, &after);
    Ok(after)
}

/// R12: marks the customer's correspondences and files on the inquiry read by this clerk.
pub async fn mark_read(
    svc: &Services,
    actor: &Actor,
    inquiry_id: i64,
) -> Result<inquiry::Model, DomainError> {
    let (staff, txn, m) = svc.begin_staff_change(actor, inquiry_id, None).await?;
    if !handling::may_handle(&staff, &place(&m)) {
        return Err(DomainError::forbidden(
            "only the handling team marks correspondence read",
        ));
    }
    let n = writes::mark_correspondences_read(&txn, m.id, staff.user_id, svc.now()).await?;
    let files = writes::mark_attachments_read(&txn, m.id, svc.now()).await?;
    svc.audit(
        &txn,
        actor,
        "markRead",
        &[m.id],
        &["correspondence.readAt", "attachment.readAt"],
        Some(format!("{n} correspondences and {files} files marked")),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// R21: cancellation by the customer (not once assigned to a clerk; in real estate not once an
/// office team has it) or by the representative who opened the inquiry.
pub async fn cancel(
    svc: &Services,
    actor: &Actor,
    inquiry_id: i64,
) -> Result<inquiry::Model, DomainError> {
    let txn = svc.db.begin().await?;
    let before = lock_visible(svc, &txn, actor, inquiry_id).await?;
    let who = match actor.principal.kind {
        PrincipalKind::Customer(_) => Canceller::Customer,
        PrincipalKind::Representative(r) => Canceller::Representative {
            opened_it: before.representative_id == Some(r),
        },
        PrincipalKind::Staff(_) => {
            return Err(DomainError::forbidden(
                "staff close inquiries through changeStatus",
            ));
        }
    };
    let at_office_team = svc.team_kind_of(before.team_id).is_some_and(|_| {
        svc.reference
            .office(before.office_id)
            .is_some_and(|o| o.kind == "real_estate")
    });
    let to = handling::check_cancel(
        parse_status(&before)?,
        before.assignee_id.is_some(),
        domain_of(&before.triplet_code)?,
        at_office_team,
        who,
    )?;
    let now = svc.now();
    let mut am = before.clone().into_active_model();
    am.status = Set(to.code().into());
    am.closed_at = Set(Some(now));
    am.status_changed_at = Set(now);
    am.updated_at = Set(now);
    let after = writes::update_inquiry(&txn, am).await?;
    writes::append_history(
        &txn,
        Some(&before),
        &after,
        HistoryRow {
            kind: "STATUS_CHANGE",
            at: now,
            actor_kind: actor.kind_code(),
            actor_id: actor.id(),
            note: None,
        },
    )
    .await?;
    svc.audit(&txn, actor, "cancelInquiry", &[after.id], &["status"], None)
        .await?;
    svc.refresh_due(&txn, after.id).await?;
    txn.commit().await?;
    svc.publish(InquiryEventKind::Cancelled, &after);
    Ok(after)
}
