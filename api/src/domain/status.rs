//! The status machine (§5.2, R17-R20): which status a clerk may move an inquiry to, and which
//! fields each change requires. The transition table is data, readable in one screen.

use super::error::DomainError;
use super::{Channel, ClosureReason, Status};

use Status::*;

/// Statuses a staff member may choose from each status through "change status".
/// Others are reached only by the system or the customer: OPEN_ASSIGNED_TO_TEAM (routing,
/// assignment to a team, release), INFO_FROM_CUSTOMER (a customer's correspondence),
/// CLOSED_CANCELLED_* (the customer or representative), CLOSED_BY_SYSTEM (the scheduler and
/// sanitising). A closed inquiry reopens only through a customer's correspondence (R11).
const STAFF_TRANSITIONS: &[(Status, &[Status])] = &[
    // §5.2.1: a manually opened, unsaved inquiry becomes IN_TREATMENT when saved.
    (
        ActiveOpen,
        &[InTreatment, ClosedHandled, ClosedWithoutTreatment],
    ),
    (
        OpenAssignedToTeam,
        &[
            InTreatment,
            TransferForFurtherTreatment,
            WaitingForCustomer,
            ClosedHandled,
            ClosedWithoutTreatment,
        ],
    ),
    (
        InTreatment,
        &[
            TransferForFurtherTreatment,
            WaitingForCustomer,
            ClosedHandled,
            ClosedWithoutTreatment,
        ],
    ),
    (
        InfoFromCustomer,
        &[
            InTreatment,
            TransferForFurtherTreatment,
            WaitingForCustomer,
            ClosedHandled,
            ClosedWithoutTreatment,
        ],
    ),
    (
        TransferForFurtherTreatment,
        &[
            InTreatment,
            TransferForFurtherTreatment,
            WaitingForCustomer,
            ClosedHandled,
            ClosedWithoutTreatment,
        ],
    ),
    (
        WaitingForCustomer,
        &[
            InTreatment,
            TransferForFurtherTreatment,
            ClosedHandled,
            ClosedWithoutTreatment,
        ],
    ),
];

/// Whether a staff member may move an inquiry from `from` to `to`.
pub fn staff_may_move(from: Status, to: Status) -> bool {
    STAFF_TRANSITIONS
        .iter()
        .any(|(f, tos)| *f == from && tos.contains(&to))
}

/// Whether a field is required, optional or absent in a status change (R18).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRule {
    Required,
    Optional,
    /// The field does not exist for this change (phone inquiries have no response field).
    Absent,
}

/// The field rules of a status change to `to` on an inquiry of `channel` (§5.2 "דגשים").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeFields {
    pub proposed_solution: FieldRule,
    pub response_to_customer: FieldRule,
    pub closure_reason: FieldRule,
    pub target_team: FieldRule,
}

pub fn change_fields(to: Status, channel: Channel) -> ChangeFields {
    let (proposed_solution, response_to_customer) = if channel == Channel::Phone {
        // Phone inquiries: proposed solution mandatory, no response-to-customer field.
        (FieldRule::Required, FieldRule::Absent)
    } else {
        (
            if to == ClosedHandled {
                FieldRule::Optional
            } else {
                FieldRule::Required
            },
            if to == TransferForFurtherTreatment {
                FieldRule::Optional
            } else {
                FieldRule::Required
            },
        )
    };
    ChangeFields {
        proposed_solution,
        response_to_customer,
        // §5.2.8: a reason from the list is mandatory for CLOSED_WITHOUT_TREATMENT.
        closure_reason: if to == ClosedWithoutTreatment {
            FieldRule::Required
        } else {
            FieldRule::Absent
        },
        // §5.2.5: a target team among those valid for the triplet.
        target_team: if to == TransferForFurtherTreatment {
            FieldRule::Required
        } else {
            FieldRule::Absent
        },
    }
}

/// What a clerk submitted with a status change.
#[derive(Debug, Clone, Default)]
pub struct ChangeRequest<'a> {
    pub proposed_solution: Option<&'a str>,
    pub response_to_customer: Option<&'a str>,
    pub closure_reason: Option<ClosureReason>,
    pub has_target_team: bool,
}

fn present(v: Option<&str>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty())
}

/// Checks a staff status change against the transition table and the field rules.
pub fn check_staff_change(
    from: Status,
    to: Status,
    channel: Channel,
    req: &ChangeRequest<'_>,
) -> Result<(), DomainError> {
    if !staff_may_move(from, to) {
        return Err(DomainError::invalid_transition(format!(
            "an inquiry in status {} cannot be moved to {} by staff",
            from.code(),
            to.code()
        )));
    }
    let rules = change_fields(to, channel);
    let check = |rule: FieldRule, given: bool, name: &str| -> Result<(), DomainError> {
        match rule {
            FieldRule::Required if !given => Err(DomainError::validation(format!(
                "{name} is required when moving to {}",
                to.code()
            ))),
            FieldRule::Absent if given => Err(DomainError::validation(format!(
                "{name} does not apply when moving to {} on a {} inquiry",
                to.code(),
                channel.code()
            ))),
            _ => Ok(()),
        }
    };
    check(
        rules.proposed_solution,
        present(req.proposed_solution),
        "proposedSolution (פתרון מוצע)",
    )?;
    check(
        rules.response_to_customer,
        present(req.response_to_customer),
        "responseToCustomer (תגובה ללקוח)",
    )?;
    check(
        rules.closure_reason,
        req.closure_reason.is_some(),
        "closureReason (סיבת סגירה)",
    )?;
    check(
        rules.target_team,
        req.has_target_team,
        "targetTeamId (צוות מטפל)",
    )?;
    Ok(())
}

/// R46 (§4.1): the topic that makes a customer's inquiries "similar" and closable together: the
/// triplet's main and secondary topic (`IT.PAY.BALANCE` → `IT.PAY`).
pub fn same_topic(a: &str, b: &str) -> bool {
    let topic = |c: &str| c.rsplit_once('.').map_or(c, |(t, _)| t).to_string();
    topic(a) == topic(b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn r46_inquiries_share_a_topic_by_main_and_secondary_topic() {
        use super::same_topic;
        assert!(same_topic("IT.PAY.BALANCE", "IT.PAY.LINK"));
        assert!(!same_topic("IT.PAY.BALANCE", "IT.REFUND.STATUS"));
        assert!(
            !same_topic("IT.PAY.LIEN", "VAT.PAY.LIEN"),
            "the main topic counts too"
        );
    }

    use super::*;
    use strum::IntoEnumIterator;

    fn full() -> ChangeRequest<'static> {
        ChangeRequest {
            proposed_solution: Some("נבדק"),
            response_to_customer: Some("שלום רב"),
            closure_reason: None,
            has_target_team: false,
        }
    }

    #[test]
    fn r17_closed_statuses_have_no_staff_exit() {
        for from in Status::iter().filter(|s| s.is_closed()) {
            for to in Status::iter() {
                assert!(!staff_may_move(from, to), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn r17_staff_never_set_system_or_customer_statuses() {
        for from in Status::iter() {
            for to in [
                ActiveOpen,
                OpenAssignedToTeam,
                InfoFromCustomer,
                ClosedCancelledByCustomer,
                ClosedCancelledByRepresentative,
                ClosedBySystem,
            ] {
                assert!(!staff_may_move(from, to), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn r17_active_open_is_saved_into_treatment() {
        assert!(staff_may_move(ActiveOpen, InTreatment));
        assert!(!staff_may_move(InTreatment, InTreatment));
    }

    #[test]
    fn r18_proposed_solution_mandatory_except_closed_handled() {
        let mut r = full();
        r.proposed_solution = None;
        assert!(check_staff_change(InTreatment, ClosedHandled, Channel::Web, &r).is_ok());
        let e = check_staff_change(InTreatment, WaitingForCustomer, Channel::Web, &r).unwrap_err();
        assert_eq!(e.code, super::super::error::ErrorCode::Validation);
    }

    #[test]
    fn r18_response_mandatory_except_transfer() {
        let mut r = full();
        r.response_to_customer = None;
        r.has_target_team = true;
        assert!(
            check_staff_change(InTreatment, TransferForFurtherTreatment, Channel::Web, &r).is_ok()
        );
        r.has_target_team = false;
        assert!(check_staff_change(InTreatment, WaitingForCustomer, Channel::Web, &r).is_err());
        assert!(check_staff_change(InTreatment, ClosedHandled, Channel::Web, &r).is_err());
    }

    #[test]
    fn r18_phone_inquiries_need_proposed_solution_and_have_no_response_field() {
        let mut r = full();
        assert!(
            check_staff_change(InTreatment, WaitingForCustomer, Channel::Phone, &r).is_err(),
            "response given"
        );
        r.response_to_customer = None;
        assert!(check_staff_change(InTreatment, WaitingForCustomer, Channel::Phone, &r).is_ok());
        r.proposed_solution = None;
        assert!(
            check_staff_change(InTreatment, ClosedHandled, Channel::Phone, &r).is_err(),
            "phone: even CLOSED_HANDLED needs it"
        );
    }

    #[test]
    fn r19_closing_without_treatment_needs_a_reason() {
        let r = full();
        assert!(check_staff_change(InTreatment, ClosedWithoutTreatment, Channel::Web, &r).is_err());
        let r = ChangeRequest {
            closure_reason: Some(ClosureReason::DuplicateInquiry),
            ..full()
        };
        assert!(check_staff_change(InTreatment, ClosedWithoutTreatment, Channel::Web, &r).is_ok());
        assert!(
            check_staff_change(InTreatment, ClosedHandled, Channel::Web, &r).is_err(),
            "reason only for that status"
        );
    }

    #[test]
    fn r20_transfer_needs_a_target_team() {
        let r = full();
        assert!(
            check_staff_change(InTreatment, TransferForFurtherTreatment, Channel::Web, &r).is_err()
        );
        let r = ChangeRequest {
            has_target_team: true,
            ..full()
        };
        assert!(
            check_staff_change(InTreatment, TransferForFurtherTreatment, Channel::Web, &r).is_ok()
        );
    }

    #[test]
    fn r17_invalid_transition_code() {
        let e = check_staff_change(ClosedHandled, InTreatment, Channel::Web, &full()).unwrap_err();
        assert_eq!(e.code, super::super::error::ErrorCode::InvalidTransition);
    }
}
