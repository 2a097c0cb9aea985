//! Assignment (to me, to a user, to a team), release back to the team (§2.2.3, §3.4; R24-R26)
//! and triplet changes that re-route (§5.1.1, §6.4; R7, R6).

use chrono::Datelike;
use entity::inquiry;
use sea_orm::{ActiveValue::Set, IntoActiveModel};

use super::{Actor, Services, check_len, domain_of, is_hq, non_empty, parse_status, place};
use crate::domain::error::DomainError;
use crate::domain::{Channel, Status, handling, limits};
use crate::infra::events::InquiryEventKind;
use crate::store::{
    self,
    writes::{self, HistoryRow},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignTarget {
    Me,
    User(i64),
    Team(i64),
}

#[derive(Debug, Clone)]
pub struct AssignInput {
    pub inquiry_id: i64,
    pub target: AssignTarget,
    /// Why (shown in history, and kept as the proposed solution, §3.4).
    pub note: Option<String>,
    pub expected_version: Option<i32>,
}

/// Statuses that become IN_TREATMENT once a clerk holds the inquiry (§5.2.2).
fn status_when_assigned(s: Status) -> Status {
    match s {
        Status::OpenAssignedToTeam | Status::TransferForFurtherTreatment => Status::InTreatment,
        other => other,
    }
}

pub async fn assign(
    svc: &Services,
    actor: &Actor,
    input: AssignInput,
) -> Result<inquiry::Model, DomainError> {
    check_len("note", input.note.as_deref(), super::status::MAX_NOTE_CHARS)?;
    let note = non_empty(input.note.as_deref());
    let (staff, txn, before) = svc
        .begin_staff_change(actor, input.inquiry_id, input.expected_version)
        .await?;
    let status = parse_status(&before)?;
    if status.is_closed() || status == Status::ActiveOpen {
        return Err(DomainError::invalid_transition(format!(
            "an inquiry in status {} cannot be assigned",
            status.code()
        )));
    }
    let now = svc.now();
    let mut am = before.clone().into_active_model();
    if input.target != AssignTarget::Me && !handling::may_move_held(&staff, &place(&before)) {
        return Err(DomainError::conflict(
            "the inquiry is assigned to another clerk; only that clerk, the team's coordinator or the office's manager may move it",
        ));
    }
    let kind = match input.target {
        AssignTarget::Me => {
            if !handling::may_handle(&staff, &place(&before)) {
                return Err(DomainError::forbidden(
                    "only members of the inquiry's team may take it",
                ));
            }
            match before.assignee_id {
                Some(a) if a == staff.user_id => return Ok(before),
                Some(_) => {
                    return Err(DomainError::conflict(
                        "the inquiry is already assigned to another clerk",
                    ));
                }
                None => {}
            }
            am.assignee_id = Set(Some(staff.user_id));
            am.status = Set(status_when_assigned(status).code().into());
            "ASSIGNMENT"
        }
        AssignTarget::User(user_id) => {
            if !handling::may_handle(&staff, &place(&before)) {
                return Err(DomainError::forbidden(
                    "only members of the inquiry's team may assign it",
                ));
            }
            let target = store::people::user_by_id(&txn, user_id)
                .await?
                .filter(|u| u.active)
                .ok_or_else(|| DomainError::not_found("user"))?;
            if !store::people::team_ids_of(&txn, target.id)
                .await?
                .contains(&before.team_id)
            {
                return Err(DomainError::validation(
                    "the user is not a member of the inquiry's team; assign to the team instead",
                ));
            }
            am.assignee_id = Set(Some(target.id));
            am.status = Set(status_when_assigned(status).code().into());
            "ASSIGNMENT"
        }
        AssignTarget::Team(team_id) => {
            if !handling::may_handle(&staff, &place(&before)) {
                return Err(DomainError::forbidden(
                    "only the handling team may pass the inquiry on",
                ));
            }
            let team = svc.target_team(team_id, &before.triplet_code)?;
            // §7: what a clerk cannot place goes to the HQ main team with the reason (R52).
            if note.is_none()
                && svc.team_kind_of(team.id).map(|(k, _)| k) == Some(handling::HQ_MAIN_TEAM_KIND)
            {
                return Err(DomainError::validation(
                    "a transfer to the HQ main team needs the reason (note)",
                ));
            }
            am.team_id = Set(team.id);
            am.office_id = Set(team.office_id);
            am.assignee_id = Set(None);
            // R24: routed to a team, waiting in its stock.
            if !matches!(
                status,
                Status::WaitingForCustomer | Status::InfoFromCustomer
            ) {
                am.status = Set(Status::OpenAssignedToTeam.code().into());
            }
            "TRANSFER"
        }
    };
    if let Some(n) = &note {
        am.proposed_solution = Set(Some(n.clone()));
    }
    am.updated_at = Set(now);
    let status_changed = am.status.as_ref() != &before.status;
    if status_changed {
        am.status_changed_at = Set(now);
    }
    let after = writes::update_inquiry(&txn, am).await?;
    writes::append_history(
        &txn,
        Some(&before),
        &after,
        HistoryRow {
            kind,
            at: now,
            actor_kind: actor.kind_code(),
            actor_id: actor.id(),
            note,
        },
    )
    .await?;
    svc.audit(
        &txn,
        actor,
        "assignInquiry",
        &[after.id],
        &["assignee", "team"],
        None,
    )
    .await?;
    svc.refresh_due(&txn, after.id).await?;
    txn.commit().await?;
    svc.publish(InquiryEventKind::Assigned, &after);
    Ok(after)
}

/// R26: a coordinator or CRM trustee returns an assigned inquiry to its team's stock.
pub async fn release(
    svc: &Services,
    actor: &Actor,
    inquiry_id: i64,
    note: Option<String>,
) -> Result<inquiry::Model, DomainError> {
    check_len("note", note.as_deref(), super::status::MAX_NOTE_CHARS)?;
    let note = non_empty(note.as_deref());
    let (staff, txn, before) = svc.begin_staff_change(actor, inquiry_id, None).await?;
    if !handling::may_release(&staff, &place(&before)) {
        return Err(DomainError::forbidden(
            "only the team's coordinator or the office's CRM trustee may release inquiries",
        ));
    }
    let status = parse_status(&before)?;
    if status.is_closed() || before.assignee_id.is_none() {
        return Err(DomainError::invalid_transition(
            "only an open inquiry assigned to a clerk can be released",
        ));
    }
    let now = svc.now();
    let mut am = before.clone().into_active_model();
    am.assignee_id = Set(None);
    if status == Status::InTreatment {
        am.status = Set(Status::OpenAssignedToTeam.code().into());
        am.status_changed_at = Set(now);
    }
    am.updated_at = Set(now);
    let after = writes::update_inquiry(&txn, am).await?;
    writes::append_history(
        &txn,
        Some(&before),
        &after,
        HistoryRow {
            kind: "RELEASE",
            at: now,
            actor_kind: actor.kind_code(),
            actor_id: actor.id(),
            note,
        },
    )
    .await?;
    svc.audit(
        &txn,
        actor,
        "releaseInquiry",
        &[after.id],
        &["assignee"],
        None,
    )
    .await?;
    svc.refresh_due(&txn, after.id).await?;
    txn.commit().await?;
    svc.publish(InquiryEventKind::Released, &after);
    Ok(after)
}

#[derive(Debug, Clone)]
pub struct ChangeTripletInput {
    pub inquiry_id: i64,
    pub triplet_code: String,
    pub tax_year: Option<i32>,
    pub note: Option<String>,
    pub expected_version: Option<i32>,
}

/// R7: a new triplet re-routes to the right office and team; across tax domains only the HQ main
/// team changes it; a representative's real-estate inquiry never moves to income tax.
pub async fn change_triplet(
    svc: &Services,
    actor: &Actor,
    input: ChangeTripletInput,
) -> Result<inquiry::Model, DomainError> {
    check_len("note", input.note.as_deref(), super::status::MAX_NOTE_CHARS)?;
    let note = non_empty(input.note.as_deref());
    let (staff, txn, before) = svc
        .begin_staff_change(actor, input.inquiry_id, input.expected_version)
        .await?;
    if !handling::may_handle(&staff, &place(&before)) {
        return Err(DomainError::forbidden(
            "only the handling team may change the triplet",
        ));
    }
    let status = parse_status(&before)?;
    if status.is_closed() {
        return Err(DomainError::invalid_transition(
            "the triplet of a closed inquiry cannot change",
        ));
    }
    let triplet = svc
        .reference
        .triplet(&input.triplet_code)
        .filter(|t| t.active)
        .ok_or_else(|| {
            DomainError::validation(format!("unknown triplet {:?}", input.triplet_code))
        })?
        .clone();
    if triplet.code == before.triplet_code {
        return Err(DomainError::validation(
            "the inquiry already has this triplet",
        ));
    }
    let from_domain = domain_of(&before.triplet_code)?;
    let to_domain = domain_of(&triplet.code)?;
    handling::check_triplet_change(
        from_domain,
        to_domain,
        before.representative_id.is_some(),
        is_hq(&staff),
    )?;
    let now = svc.now();
    let tax_year = input.tax_year.or(before.tax_year);
    limits::check_tax_year(triplet.tax_year_required, tax_year, now.year())?;
    let customer = store::people::customer_by_id(&txn, before.customer_id)
        .await?
        .ok_or_else(|| DomainError::internal("customer missing"))?;
    let channel: Channel = before
        .channel
        .parse()
        .map_err(|_| DomainError::internal("stored channel"))?;
    let route = crate::service::routing::route(&svc.reference, &triplet, &customer, channel);
    let (office_id, team_id, routing_note) = super::open::resolve_team(svc, &route)?;
    let team_unit = svc
        .reference
        .team(team_id)
        .and_then(|t| svc.reference.team_kind(&t.kind_code))
        .and_then(|k| k.unit.clone());
    let mut am = before.clone().into_active_model();
    am.triplet_code = Set(triplet.code.clone());
    am.tax_year = Set(tax_year);
    am.unit = Set(limits::derived_unit(to_domain, team_unit.as_deref()));
    if team_id != before.team_id {
        am.office_id = Set(office_id);
        am.team_id = Set(team_id);
        am.assignee_id = Set(None);
        if !matches!(
            status,
            Status::WaitingForCustomer | Status::InfoFromCustomer
        ) {
            am.status = Set(Status::OpenAssignedToTeam.code().into());
            am.status_changed_at = Set(now);
        }
    }
    if let Some(n) = &note {
        am.proposed_solution = Set(Some(n.clone()));
    }
    am.routing_note = Set(routing_note);
    am.updated_at = Set(now);
    let after = writes::update_inquiry(&txn, am).await?;
    writes::append_history(
        &txn,
        Some(&before),
        &after,
        HistoryRow {
            kind: "TRIPLET_CHANGE",
            at: now,
            actor_kind: actor.kind_code(),
            actor_id: actor.id(),
            note,
        },
    )
    .await?;
    // R8: a clerk's triplet change is an implicit correction of the customer's choice.
    if after.triplet_code != after.customer_triplet_code {
        crate::service::validation::record(
            svc,
            &txn,
            staff.user_id,
            &after,
            crate::service::validation::Verdict::Corrected,
            &after.triplet_code,
        )
        .await?;
    }
    svc.audit(
        &txn,
        actor,
        "changeTriplet",
        &[after.id],
        &["triplet"],
        Some(format!("{} -> {}", before.triplet_code, after.triplet_code)),
    )
    .await?;
    svc.refresh_due(&txn, after.id).await?;
    txn.commit().await?;
    svc.publish(InquiryEventKind::TripletChanged, &after);
    Ok(after)
}
