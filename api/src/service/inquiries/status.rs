//! Status changes by staff (§5.2, R17-R20, R9) and closing several of a customer's inquiries
//! together (R46).

use entity::inquiry;
use sea_orm::{ActiveValue::Set, DatabaseTransaction, IntoActiveModel, TransactionTrait};

use super::{Actor, Services, check_len, non_empty, parse_status, place};
use crate::domain::error::DomainError;
use crate::domain::handling::{self, Staff};
use crate::domain::status::{self, ChangeRequest};
use crate::domain::{Channel, ClosureReason, Status};
use crate::infra::events::InquiryEventKind;
use crate::store::writes::{self, HistoryRow, NewCorrespondence};

pub const MAX_NOTE_CHARS: usize = 4_000;
pub const MAX_RESPONSE_CHARS: usize = 10_000;
/// Inquiries closed together at most.
pub const MAX_CLOSE_TOGETHER: usize = 50;

#[derive(Debug, Clone)]
pub struct ChangeStatusInput {
    pub inquiry_id: i64,
    pub status: Status,
    pub proposed_solution: Option<String>,
    pub response_to_customer: Option<String>,
    pub closure_reason: Option<ClosureReason>,
    pub target_team_id: Option<i64>,
    /// An approved response template that fills `responseToCustomer` (R42).
    pub template_id: Option<i64>,
    pub expected_version: Option<i32>,
}

pub async fn change_status(
    svc: &Services,
    actor: &Actor,
    input: ChangeStatusInput,
) -> Result<inquiry::Model, DomainError> {
    check_len(
        "proposedSolution",
        input.proposed_solution.as_deref(),
        MAX_NOTE_CHARS,
    )?;
    check_len(
        "responseToCustomer",
        input.response_to_customer.as_deref(),
        MAX_RESPONSE_CHARS,
    )?;
    let (staff, txn, before) = svc
        .begin_staff_change(actor, input.inquiry_id, input.expected_version)
        .await?;
    let after = apply_change(svc, &txn, actor, &staff, &before, &input).await?;
    if after.status != before.status {
        crate::service::activities::queue_status_notice(svc, &txn, &after, input.status).await?;
    }
    svc.audit(
        &txn,
        actor,
        "changeStatus",
        &[after.id],
        &["status", "proposedSolution", "responseToCustomer"],
        Some(format!("{} -> {}", before.status, after.status)),
    )
    .await?;
    svc.refresh_due(&txn, after.id).await?;
    txn.commit().await?;
    svc.publish(InquiryEventKind::StatusChanged, &after);
    Ok(after)
}

async fn apply_change(
    svc: &Services,
    txn: &DatabaseTransaction,
    actor: &Actor,
    staff: &Staff,
    before: &inquiry::Model,
    input: &ChangeStatusInput,
) -> Result<inquiry::Model, DomainError> {
    if !handling::may_handle(staff, &place(before)) {
        return Err(DomainError::forbidden(
            "only the handling team, the assignee or the office's managers may change this inquiry",
        ));
    }
    let from = parse_status(before)?;
    let channel: Channel = before
        .channel
        .parse()
        .map_err(|_| DomainError::internal("stored channel"))?;
    let proposed = non_empty(input.proposed_solution.as_deref());
    let mut response = non_empty(input.response_to_customer.as_deref());
    if let Some(t) = input.template_id {
        if response.is_some() {
            return Err(DomainError::validation(
                "pass either responseToCustomer or templateId",
            ));
        }
        response = Some(crate::service::templates::render_for(txn, t, before).await?);
    }
    status::check_staff_change(
        from,
        input.status,
        channel,
        &ChangeRequest {
            proposed_solution: proposed.as_deref(),
            response_to_customer: response.as_deref(),
            closure_reason: input.closure_reason,
            has_target_team: input.target_team_id.is_some(),
        },
    )?;
    let now = svc.now();
    let mut office_id = before.office_id;
    let mut team_id = before.team_id;
    let assignee = handling::assignee_after_change(input.status, before.assignee_id, staff.user_id);
    let mut kind = "STATUS_CHANGE";
    if input.status == Status::TransferForFurtherTreatment {
        // R20: among the teams valid for the (possibly changed) triplet.
        let target = input.target_team_id.unwrap_or_default();
        let team = svc.target_team(target, &before.triplet_code)?;
        office_id = team.office_id;
        team_id = team.id;
        kind = "TRANSFER";
    }
    let closing = input.status.is_closed();
    let mut am = before.clone().into_active_model();
    am.status = Set(input.status.code().into());
    am.office_id = Set(office_id);
    am.team_id = Set(team_id);
    am.assignee_id = Set(assignee);
    am.updated_at = Set(now);
    am.status_changed_at = Set(now);
    if let Some(p) = &proposed {
        am.proposed_solution = Set(Some(p.clone()));
    }
    if closing {
        am.closed_at = Set(Some(now));
        am.closure_reason = Set(input.closure_reason.map(|r| r.code().to_string()));
    }
    let after = writes::update_inquiry(txn, am).await?;
    // R9: every reply to the customer is a correspondence; it also resets the R10 counter.
    if let Some(r) = response {
        writes::insert_correspondence(
            txn,
            NewCorrespondence {
                inquiry_id: after.id,
                direction: "FROM_CLERK",
                author_customer_id: None,
                author_representative_id: None,
                author_user_id: Some(staff.user_id),
                body: r,
                at: now,
            },
        )
        .await?;
    }
    writes::append_history(
        txn,
        Some(before),
        &after,
        HistoryRow {
            kind,
            at: now,
            actor_kind: actor.kind_code(),
            actor_id: actor.id(),
            note: proposed,
        },
    )
    .await?;
    Ok(after)
}

#[derive(Debug, Clone)]
pub struct CloseTogetherInput {
    pub inquiry_ids: Vec<i64>,
    pub status: Status,
    pub proposed_solution: Option<String>,
    pub response_to_customer: Option<String>,
    pub closure_reason: Option<ClosureReason>,
}

/// R46 (§4.1, §6.6): closes a customer's open inquiries on one topic together, each with the
/// same answer, in one transaction.
pub async fn close_together(
    svc: &Services,
    actor: &Actor,
    input: CloseTogetherInput,
) -> Result<Vec<inquiry::Model>, DomainError> {
    if !input.status.is_closed()
        || !matches!(
            input.status,
            Status::ClosedHandled | Status::ClosedWithoutTreatment
        )
    {
        return Err(DomainError::validation(
            "status must be CLOSED_HANDLED or CLOSED_WITHOUT_TREATMENT",
        ));
    }
    let mut ids = input.inquiry_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_CLOSE_TOGETHER {
        return Err(DomainError::validation(format!(
            "pass 1-{MAX_CLOSE_TOGETHER} inquiries"
        )));
    }
    // Staff facts are read before the transaction: its first statement must take the write
    // lock (SQLite cannot upgrade a read transaction under contention).
    let staff = svc.staff(&svc.db, actor).await?;
    let txn = svc.db.begin().await?;
    let mut out = Vec::with_capacity(ids.len());
    let mut customer = None;
    let mut topic: Option<String> = None;
    // Locks in id order, so concurrent batches cannot deadlock.
    for id in &ids {
        let before = svc.lock(&txn, *id, None).await?;
        if !handling::may_read(&staff, &place(&before)) {
            return Err(DomainError::not_found("inquiry"));
        }
        if *customer.get_or_insert(before.customer_id) != before.customer_id {
            return Err(DomainError::validation(
                "inquiries closed together must belong to one customer",
            ));
        }
        let first = topic.get_or_insert_with(|| before.triplet_code.clone());
        if !crate::domain::status::same_topic(first, &before.triplet_code) {
            return Err(DomainError::validation(
                "inquiries closed together must share one topic (main and secondary topic)",
            ));
        }
        let change = ChangeStatusInput {
            inquiry_id: *id,
            status: input.status,
            proposed_solution: input.proposed_solution.clone(),
            response_to_customer: input.response_to_customer.clone(),
            closure_reason: input.closure_reason,
            target_team_id: None,
            template_id: None,
            expected_version: None,
        };
        let after = apply_change(svc, &txn, actor, &staff, &before, &change).await?;
        crate::service::activities::queue_status_notice(svc, &txn, &after, input.status).await?;
        out.push(after);
    }
    svc.audit(
        &txn,
        actor,
        "closeInquiriesTogether",
        &ids,
        &["status", "responseToCustomer"],
        None,
    )
    .await?;
    for m in &out {
        svc.refresh_due(&txn, m.id).await?;
    }
    txn.commit().await?;
    for m in &out {
        svc.publish(InquiryEventKind::StatusChanged, m);
    }
    Ok(out)
}
