//! Who may handle, assign, release, re-triplet and cancel an inquiry (§2.2.3, §3.4, §5.1.1,
//! §5.2.9-5.2.10, §6.4; R7, R21, R24-R26). Plain functions of the actor and the inquiry's place.

use super::error::DomainError;
use super::{Role, Status, TaxDomain};

/// A staff member as the rules see them.
#[derive(Debug, Clone, Default)]
pub struct Staff {
    pub user_id: i64,
    pub office_id: Option<i64>,
    pub team_ids: Vec<i64>,
    pub roles: Vec<Role>,
}

impl Staff {
    pub fn has(&self, r: Role) -> bool {
        self.roles.contains(&r)
    }
    fn manages_office(&self, office_id: i64) -> bool {
        self.office_id == Some(office_id)
            && (self.has(Role::OfficeManager)
                || self.has(Role::DeputyOfficeManager)
                || self.has(Role::CrmTrustee))
    }
}

/// Where an inquiry sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub office_id: i64,
    pub team_id: i64,
    pub assignee_id: Option<i64>,
}

/// Handling (status changes, answers, triplet changes): the team's members, the assignee, the
/// office's managers and CRM trustees, and the HQ main team, which handles anything (§7).
pub fn may_handle(s: &Staff, p: &Place) -> bool {
    s.has(Role::HqMainTeam)
        || s.team_ids.contains(&p.team_id)
        || p.assignee_id == Some(s.user_id)
        || s.manages_office(p.office_id)
}

/// Roles that read every inquiry in the country: the HQ main team handles anything (§7);
/// information-centre agents answer callers from anywhere about all of their inquiries (the
/// authorised clerk of R2); auditors audit everything; administrators run the system; data
/// scientists study all inquiries (without direct identifiers, by the field policy).
const NATIONWIDE: [Role; 5] = [
    Role::HqMainTeam,
    Role::InfoCenterAgent,
    Role::Auditor,
    Role::Admin,
    Role::DataScientist,
];

/// The rows a staff member reads (issue 4 §2): nationwide roles everything; everyone else the
/// business unit (the own office), the own teams' inquiries wherever they sit, and what is
/// assigned to them. Handling is narrower still ([`may_handle`]).
pub fn staff_read_scope(s: &Staff) -> super::ReadScope {
    if reads_nationwide(&s.roles) {
        return super::ReadScope::All;
    }
    super::ReadScope::Staff {
        office_ids: s.office_id.into_iter().collect(),
        team_ids: s.team_ids.clone(),
        user_id: s.user_id,
    }
}

/// Whether these roles read every inquiry (known from the token alone, no lookup needed).
pub fn reads_nationwide(roles: &[Role]) -> bool {
    NATIONWIDE.iter().any(|r| roles.contains(r))
}

/// Whether a staff member may read an inquiry at `p` (the same rule as the SQL predicate).
pub fn may_read(s: &Staff, p: &Place) -> bool {
    match staff_read_scope(s) {
        super::ReadScope::Staff {
            office_ids,
            team_ids,
            user_id,
        } => {
            office_ids.contains(&p.office_id)
                || team_ids.contains(&p.team_id)
                || p.assignee_id == Some(user_id)
        }
        _ => true,
    }
}

/// R26: a coordinator of the team, or a CRM trustee (or manager) of the office, releases an
/// assigned inquiry back to the team's stock.
pub fn may_release(s: &Staff, p: &Place) -> bool {
    (s.has(Role::Coordinator) && s.team_ids.contains(&p.team_id))
        || s.manages_office(p.office_id)
        || s.has(Role::HqMainTeam)
}

/// §3.4 (R24-R26): an inquiry a clerk holds stays with that clerk; moving it on (to another clerk
/// or back to a team) is for the holder, or for those who may release it ([`may_release`]). Any
/// other team member is refused, as when taking it (the race of R24).
pub fn may_move_held(s: &Staff, p: &Place) -> bool {
    p.assignee_id.is_none_or(|a| a == s.user_id) || may_release(s, p)
}

/// §3.4 ("על מנת לטפל בפנייה חובה לבצע הקצאה לעובד ספציפי"; R17, R24): whoever changes the status
/// of an inquiry nobody holds becomes its handler (its clock and history name a clerk); a transfer
/// leaves it in the target team's stock.
pub fn assignee_after_change(to: Status, current: Option<i64>, actor: i64) -> Option<i64> {
    match to {
        Status::TransferForFurtherTreatment => None,
        _ => current.or(Some(actor)),
    }
}

/// Team kinds every triplet may be transferred to: the HQ main team takes what a clerk cannot
/// place (§5.1.1, §7).
pub const HQ_MAIN_TEAM_KIND: &str = "HQ_MAIN";

/// R20: the teams offered for a transfer are those valid for the (possibly changed) triplet: its
/// default team kind in any office, the HQ main team, and in real-estate taxation any office team
/// of the real-estate system (the national unit moves inquiries to the regional office, §7).
pub fn team_valid_for_triplet(
    team_kind: &str,
    team_kind_office_kind: &str,
    triplet_default_kind: &str,
    domain: TaxDomain,
) -> bool {
    team_kind == triplet_default_kind
        || team_kind == HQ_MAIN_TEAM_KIND
        || (domain == TaxDomain::RealEstate && team_kind_office_kind == "real_estate")
}

/// R7 (§5.1.1, §6.4): a clerk changes the triplet within its tax domain; moving to another tax
/// domain goes through the HQ main team, which changes it; a real-estate inquiry opened by a
/// representative never moves to income tax.
pub fn check_triplet_change(
    from: TaxDomain,
    to: TaxDomain,
    opened_by_representative: bool,
    actor_is_hq: bool,
) -> Result<(), DomainError> {
    if from == TaxDomain::RealEstate && to == TaxDomain::IncomeTax && opened_by_representative {
        return Err(DomainError::forbidden(
            "פנייה במיסוי מקרקעין שפתח מייצג אינה מועברת למס הכנסה (§6.4); יש לפנות לצוות ראשי – מנהלת פניות מע\"מ ומס הכנסה",
        ));
    }
    if from != to && !actor_is_hq {
        return Err(DomainError::forbidden(
            "שינוי שלשה למערך מס אחר מתבצע בידי צוות ראשי – מנהלת פניות מע\"מ ומס הכנסה: יש להעביר אליו את הפנייה עם סיבת ההעברה",
        ));
    }
    Ok(())
}

/// Who asks to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canceller {
    Customer,
    /// A representative; `opened_it` is whether it opened this inquiry.
    Representative {
        opened_it: bool,
    },
}

/// R21 (§5.2.9-5.2.10): the customer cancels while no clerk is assigned, and in real-estate
/// taxation not once an office team has it; a representative cancels the inquiries it opened,
/// under the same conditions.
pub fn check_cancel(
    status: Status,
    assigned_to_clerk: bool,
    domain: TaxDomain,
    at_real_estate_office_team: bool,
    who: Canceller,
) -> Result<Status, DomainError> {
    if let Canceller::Representative { opened_it: false } = who {
        return Err(DomainError::forbidden(
            "a representative may cancel only the inquiries it opened",
        ));
    }
    if status.is_closed() {
        return Err(DomainError::invalid_transition(
            "the inquiry is already closed",
        ));
    }
    if assigned_to_clerk {
        return Err(DomainError::invalid_transition(
            "לא ניתן לבטל פנייה שכבר הוקצתה לעובד לטיפול",
        ));
    }
    if domain == TaxDomain::RealEstate && at_real_estate_office_team {
        return Err(DomainError::invalid_transition(
            "במיסוי מקרקעין לא ניתן לבטל פנייה שהוקצתה לצוות המטפל במשרד",
        ));
    }
    Ok(match who {
        Canceller::Customer => Status::ClosedCancelledByCustomer,
        Canceller::Representative { .. } => Status::ClosedCancelledByRepresentative,
    })
}

#[cfg(test)]
mod tests {
    use super::super::error::ErrorCode;
    use super::*;

    fn clerk(team: i64) -> Staff {
        Staff {
            user_id: 7,
            office_id: Some(1),
            team_ids: vec![team],
            roles: vec![Role::Clerk],
        }
    }

    #[test]
    fn r17_r24_a_status_change_names_a_handler_and_a_transfer_clears_it() {
        assert_eq!(
            assignee_after_change(Status::ClosedHandled, None, 7),
            Some(7)
        );
        assert_eq!(
            assignee_after_change(Status::WaitingForCustomer, None, 7),
            Some(7)
        );
        assert_eq!(
            assignee_after_change(Status::ClosedHandled, Some(8), 7),
            Some(8),
            "keeps the holder"
        );
        assert_eq!(
            assignee_after_change(Status::TransferForFurtherTreatment, Some(8), 7),
            None
        );
    }

    /// §3.4 (R24-R26): a held inquiry is moved on only by its holder or by those who may release
    /// it; an unheld one by any team member.
    #[test]
    fn r24_r26_only_the_holder_or_a_releaser_moves_a_held_inquiry() {
        let at = |assignee_id| Place {
            office_id: 1,
            team_id: 10,
            assignee_id,
        };
        let c = clerk(10);
        assert!(may_move_held(&c, &at(None)), "in the team's stock");
        assert!(may_move_held(&c, &at(Some(7))), "held by the clerk");
        assert!(!may_move_held(&c, &at(Some(8))), "held by a colleague");
        let coordinator = Staff {
            roles: vec![Role::Clerk, Role::Coordinator],
            ..clerk(10)
        };
        assert!(
            may_move_held(&coordinator, &at(Some(8))),
            "the team's coordinator"
        );
        let other_coordinator = Staff {
            roles: vec![Role::Coordinator],
            ..clerk(11)
        };
        assert!(
            !may_move_held(&other_coordinator, &at(Some(8))),
            "another team's coordinator"
        );
    }

    /// Issue 4 §2: a clerk reads the own office, the own teams wherever they sit, and what is
    /// assigned to them; nothing else. Nationwide roles read everything.
    #[test]
    fn r2_staff_read_the_business_unit_and_nationwide_roles_everything() {
        let c = clerk(10);
        let at = |office_id, team_id, assignee_id| Place {
            office_id,
            team_id,
            assignee_id,
        };
        assert!(may_read(&c, &at(1, 99, None)), "own office, any team");
        assert!(may_read(&c, &at(5, 10, None)), "own team in another office");
        assert!(may_read(&c, &at(5, 99, Some(7))), "assigned to them");
        assert!(!may_read(&c, &at(5, 99, None)), "another office");
        assert!(
            !may_read(&c, &at(5, 99, Some(8))),
            "another office, another clerk"
        );
        let no_office = Staff {
            office_id: None,
            team_ids: vec![],
            ..clerk(10)
        };
        assert!(
            !may_read(&no_office, &at(1, 10, None)),
            "no unit reads nothing"
        );
        for r in [
            Role::HqMainTeam,
            Role::InfoCenterAgent,
            Role::Auditor,
            Role::Admin,
            Role::DataScientist,
        ] {
            let s = Staff {
                roles: vec![r],
                ..clerk(10)
            };
            assert_eq!(staff_read_scope(&s), crate::domain::ReadScope::All, "{r:?}");
            assert!(may_read(&s, &at(5, 99, None)));
        }
        for r in [
            Role::Clerk,
            Role::Coordinator,
            Role::CrmTrustee,
            Role::OfficeManager,
            Role::DeputyOfficeManager,
        ] {
            let s = Staff {
                roles: vec![r],
                ..clerk(10)
            };
            assert!(!may_read(&s, &at(5, 99, None)), "{r:?} is office-bound");
        }
    }
    const P: Place = Place {
        office_id: 1,
        team_id: 10,
        assignee_id: None,
    };

    #[test]
    fn r24_team_members_handle_their_teams_inquiries() {
        assert!(may_handle(&clerk(10), &P));
        assert!(!may_handle(&clerk(11), &P));
        assert!(
            may_handle(
                &clerk(11),
                &Place {
                    assignee_id: Some(7),
                    ..P
                }
            ),
            "the assignee"
        );
        let hq = Staff {
            roles: vec![Role::HqMainTeam],
            ..clerk(99)
        };
        assert!(may_handle(&hq, &P));
        let manager = Staff {
            roles: vec![Role::OfficeManager],
            team_ids: vec![],
            ..clerk(0)
        };
        assert!(may_handle(&manager, &P));
        assert!(!may_handle(
            &Staff {
                office_id: Some(2),
                ..manager
            },
            &P
        ));
    }

    #[test]
    fn r26_coordinator_or_trustee_releases() {
        let assigned = Place {
            assignee_id: Some(3),
            ..P
        };
        assert!(!may_release(&clerk(10), &assigned));
        let coord = Staff {
            roles: vec![Role::Clerk, Role::Coordinator],
            ..clerk(10)
        };
        assert!(may_release(&coord, &assigned));
        assert!(
            !may_release(
                &Staff {
                    team_ids: vec![11],
                    ..coord
                },
                &assigned
            ),
            "another team's coordinator"
        );
        let trustee = Staff {
            roles: vec![Role::CrmTrustee],
            team_ids: vec![],
            ..clerk(0)
        };
        assert!(may_release(&trustee, &assigned));
    }

    #[test]
    fn r20_transfer_targets_follow_the_triplet() {
        assert!(team_valid_for_triplet(
            "IT_UNIT17",
            "income_tax",
            "IT_UNIT17",
            TaxDomain::IncomeTax
        ));
        assert!(team_valid_for_triplet(
            "HQ_MAIN",
            "hq",
            "IT_UNIT17",
            TaxDomain::IncomeTax
        ));
        assert!(!team_valid_for_triplet(
            "IT_ASSESS",
            "income_tax",
            "IT_UNIT17",
            TaxDomain::IncomeTax
        ));
        assert!(team_valid_for_triplet(
            "RE_ASSESS",
            "real_estate",
            "RE_NATIONAL_TEAM",
            TaxDomain::RealEstate
        ));
    }

    #[test]
    fn r7_cross_domain_changes_go_through_hq() {
        assert!(
            check_triplet_change(TaxDomain::IncomeTax, TaxDomain::IncomeTax, false, false).is_ok()
        );
        assert_eq!(
            check_triplet_change(TaxDomain::Vat, TaxDomain::IncomeTax, false, false)
                .unwrap_err()
                .code,
            ErrorCode::Forbidden
        );
        assert!(check_triplet_change(TaxDomain::Vat, TaxDomain::IncomeTax, false, true).is_ok());
        assert!(
            check_triplet_change(TaxDomain::RealEstate, TaxDomain::IncomeTax, true, true).is_err()
        );
        assert!(
            check_triplet_change(TaxDomain::RealEstate, TaxDomain::IncomeTax, false, true).is_ok()
        );
    }

    #[test]
    fn r21_cancel_rules() {
        use Canceller::*;
        assert_eq!(
            check_cancel(
                Status::OpenAssignedToTeam,
                false,
                TaxDomain::IncomeTax,
                false,
                Customer
            )
            .ok(),
            Some(Status::ClosedCancelledByCustomer)
        );
        assert!(
            check_cancel(
                Status::InTreatment,
                true,
                TaxDomain::IncomeTax,
                false,
                Customer
            )
            .is_err()
        );
        assert!(
            check_cancel(
                Status::OpenAssignedToTeam,
                false,
                TaxDomain::RealEstate,
                true,
                Customer
            )
            .is_err()
        );
        assert!(
            check_cancel(
                Status::OpenAssignedToTeam,
                false,
                TaxDomain::RealEstate,
                false,
                Customer
            )
            .is_ok()
        );
        assert_eq!(
            check_cancel(
                Status::OpenAssignedToTeam,
                false,
                TaxDomain::Vat,
                false,
                Representative { opened_it: true }
            )
            .ok(),
            Some(Status::ClosedCancelledByRepresentative)
        );
        assert_eq!(
            check_cancel(
                Status::OpenAssignedToTeam,
                false,
                TaxDomain::Vat,
                false,
                Representative { opened_it: false }
            )
            .unwrap_err()
            .code,
            ErrorCode::Forbidden
        );
        assert!(
            check_cancel(
                Status::ClosedHandled,
                false,
                TaxDomain::Vat,
                false,
                Customer
            )
            .is_err()
        );
    }
}
