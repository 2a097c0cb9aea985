//! May a representative open an inquiry for a client (§2.2.1, §6.6; R33, R34, R36)?
//! Income tax and VAT: a power of attorney recorded in the representatives registry — a POA sent
//! as a document is not enough. Real-estate taxation: the link recorded on the specific
//! assessment, checked only at opening; without an assessment number the representative opens
//! in its own name; an active lawyer only. File types 91/10/95 on severance pay, provident funds
//! and medical committees: only a POA the client approved in the dedicated approval flow.

use super::error::{DomainError, ErrorCode};
use super::routing::NON_REPORTING_FILE_TYPES;
use super::{PoaSource, TaxDomain};

/// A valid (not revoked, in force) power of attorney of the representative for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoaFact {
    pub tax_domain: TaxDomain,
    pub source: PoaSource,
    pub approved_by_client: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepresentativeFacts {
    pub active: bool,
    pub active_lawyer: bool,
}

/// The assessment named at opening, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentLink {
    /// No assessment number: the representative opens in its own name (R34).
    NotGiven,
    /// The assessment exists; whether the representative is recorded on it.
    Found {
        representative_recorded: bool,
    },
    Unknown,
}

/// The POA domain that covers a triplet's tax domain.
pub fn poa_domain(domain: TaxDomain) -> TaxDomain {
    match domain {
        TaxDomain::Vat => TaxDomain::Vat,
        TaxDomain::Withholding => TaxDomain::Withholding,
        TaxDomain::RealEstate => TaxDomain::RealEstate,
        _ => TaxDomain::IncomeTax,
    }
}

/// R33 (§2.2.1: "אסור למסור מידע למייצג ללא קיום של ייפוי כוח שכבר נקלט במערכת"): the POA
/// domain that lets a representative read and act on a client's inquiry it did not open. `None`
/// in real-estate taxation, where the link is checked on the assessment at opening only (R34):
/// there a representative sees the inquiries it opened.
pub fn access_domain(inquiry_domain: TaxDomain) -> Option<TaxDomain> {
    (inquiry_domain != TaxDomain::RealEstate).then(|| poa_domain(inquiry_domain))
}

/// R33: a POA recorded in the registry (or approved by the client in the dedicated flow) counts;
/// one sent as a document, or a real-estate assessment link, does not.
pub fn grants_access(source: PoaSource) -> bool {
    !matches!(source, PoaSource::AttachedDocument | PoaSource::Assessment)
}

fn poa_required(message: &str) -> DomainError {
    DomainError::new(ErrorCode::PoaRequired, message)
}

pub fn check(
    rep: RepresentativeFacts,
    domain: TaxDomain,
    poa_topic: bool,
    client_file_type: Option<&str>,
    poas: &[PoaFact],
    assessment: AssessmentLink,
) -> Result<(), DomainError> {
    if !rep.active {
        return Err(DomainError::forbidden(
            "the representative is not active in the representatives registry",
        ));
    }
    if domain == TaxDomain::RealEstate {
        if !rep.active_lawyer {
            return Err(DomainError::forbidden(
                "במיסוי מקרקעין רק עורך דין פעיל רשאי לפנות בשם לקוח",
            ));
        }
        return match assessment {
            AssessmentLink::NotGiven => Ok(()),
            AssessmentLink::Found {
                representative_recorded: true,
            } => Ok(()),
            AssessmentLink::Found {
                representative_recorded: false,
            } => Err(poa_required(
                "המייצג אינו רשום כמייצג בשומה זו; ניתן לפתוח פנייה ללא מספר שומה ולצרף ייפוי כוח",
            )),
            AssessmentLink::Unknown => Err(DomainError::validation("unknown assessment number")),
        };
    }
    let needed = poa_domain(domain);
    let registry: Vec<&PoaFact> = poas
        .iter()
        .filter(|p| {
            p.tax_domain == needed
                && p.source != PoaSource::AttachedDocument
                && p.source != PoaSource::Assessment
        })
        .collect();
    let non_reporting = client_file_type.is_some_and(|t| NON_REPORTING_FILE_TYPES.contains(&t));
    if poa_topic && non_reporting {
        // R36: only a POA the client approved in the dedicated flow.
        if registry
            .iter()
            .any(|p| p.source == PoaSource::ClientApprovalFlow && p.approved_by_client)
        {
            return Ok(());
        }
        return Err(poa_required(
            "בתיקים מסוג 91, 10, 95 בנושאי פיצויים, קופות גמל וועדות רפואיות נדרש ייפוי כוח שאושר על ידי הלקוח ביישום הייעודי",
        ));
    }
    if registry.is_empty() {
        return Err(poa_required(
            "לא נמצא ייפוי כוח תקף במרשם המייצגים; ייפוי כוח שנשלח כמסמך אינו מספיק",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REP: RepresentativeFacts = RepresentativeFacts {
        active: true,
        active_lawyer: false,
    };
    const LAWYER: RepresentativeFacts = RepresentativeFacts {
        active: true,
        active_lawyer: true,
    };

    fn poa(d: TaxDomain, s: PoaSource, approved: bool) -> PoaFact {
        PoaFact {
            tax_domain: d,
            source: s,
            approved_by_client: approved,
        }
    }

    #[test]
    fn r33_r34_access_needs_a_registry_poa_of_the_inquirys_domain_never_in_real_estate() {
        assert_eq!(access_domain(TaxDomain::Vat), Some(TaxDomain::Vat));
        assert_eq!(
            access_domain(TaxDomain::Withholding),
            Some(TaxDomain::Withholding)
        );
        assert_eq!(
            access_domain(TaxDomain::IncomeTax),
            Some(TaxDomain::IncomeTax)
        );
        assert_eq!(
            access_domain(TaxDomain::Digital),
            Some(TaxDomain::IncomeTax)
        );
        assert_eq!(access_domain(TaxDomain::RealEstate), None);
        assert!(grants_access(PoaSource::Registry));
        assert!(grants_access(PoaSource::ClientApprovalFlow));
        assert!(!grants_access(PoaSource::AttachedDocument));
        assert!(!grants_access(PoaSource::Assessment));
    }

    #[test]
    fn r33_registry_poa_needed_and_a_document_is_not_enough() {
        let none: [PoaFact; 0] = [];
        assert_eq!(
            check(
                REP,
                TaxDomain::IncomeTax,
                false,
                Some("01"),
                &none,
                AssessmentLink::NotGiven
            )
            .unwrap_err()
            .code,
            ErrorCode::PoaRequired
        );
        let doc = [poa(TaxDomain::IncomeTax, PoaSource::AttachedDocument, true)];
        assert!(
            check(
                REP,
                TaxDomain::IncomeTax,
                false,
                Some("01"),
                &doc,
                AssessmentLink::NotGiven
            )
            .is_err()
        );
        let reg = [poa(TaxDomain::IncomeTax, PoaSource::Registry, true)];
        assert!(
            check(
                REP,
                TaxDomain::IncomeTax,
                false,
                Some("01"),
                &reg,
                AssessmentLink::NotGiven
            )
            .is_ok()
        );
        assert!(
            check(
                REP,
                TaxDomain::Vat,
                false,
                Some("01"),
                &reg,
                AssessmentLink::NotGiven
            )
            .is_err(),
            "VAT needs a VAT POA"
        );
    }

    #[test]
    fn r34_real_estate_uses_the_assessment_link_and_active_lawyers() {
        let none: [PoaFact; 0] = [];
        assert!(
            check(
                REP,
                TaxDomain::RealEstate,
                false,
                None,
                &none,
                AssessmentLink::NotGiven
            )
            .is_err(),
            "not a lawyer"
        );
        assert!(
            check(
                LAWYER,
                TaxDomain::RealEstate,
                false,
                None,
                &none,
                AssessmentLink::NotGiven
            )
            .is_ok(),
            "own name"
        );
        assert!(
            check(
                LAWYER,
                TaxDomain::RealEstate,
                false,
                None,
                &none,
                AssessmentLink::Found {
                    representative_recorded: true
                }
            )
            .is_ok()
        );
        assert_eq!(
            check(
                LAWYER,
                TaxDomain::RealEstate,
                false,
                None,
                &none,
                AssessmentLink::Found {
                    representative_recorded: false
                }
            )
            .unwrap_err()
            .code,
            ErrorCode::PoaRequired
        );
    }

    #[test]
    fn r36_non_reporting_files_on_poa_topics_need_client_approval() {
        let reg = [poa(TaxDomain::IncomeTax, PoaSource::Registry, true)];
        for ft in ["91", "10", "95"] {
            assert!(
                check(
                    REP,
                    TaxDomain::IncomeTax,
                    true,
                    Some(ft),
                    &reg,
                    AssessmentLink::NotGiven
                )
                .is_err(),
                "{ft}"
            );
        }
        assert!(
            check(
                REP,
                TaxDomain::IncomeTax,
                true,
                Some("01"),
                &reg,
                AssessmentLink::NotGiven
            )
            .is_ok(),
            "reporting file"
        );
        let approved = [poa(
            TaxDomain::IncomeTax,
            PoaSource::ClientApprovalFlow,
            true,
        )];
        assert!(
            check(
                REP,
                TaxDomain::IncomeTax,
                true,
                Some("91"),
                &approved,
                AssessmentLink::NotGiven
            )
            .is_ok()
        );
        let pending = [poa(
            TaxDomain::IncomeTax,
            PoaSource::ClientApprovalFlow,
            false,
        )];
        assert!(
            check(
                REP,
                TaxDomain::IncomeTax,
                true,
                Some("91"),
                &pending,
                AssessmentLink::NotGiven
            )
            .is_err()
        );
    }

    #[test]
    fn r33_inactive_representatives_are_refused() {
        let reg = [poa(TaxDomain::IncomeTax, PoaSource::Registry, true)];
        let inactive = RepresentativeFacts {
            active: false,
            active_lawyer: true,
        };
        assert_eq!(
            check(
                inactive,
                TaxDomain::IncomeTax,
                false,
                None,
                &reg,
                AssessmentLink::NotGiven
            )
            .unwrap_err()
            .code,
            ErrorCode::Forbidden
        );
    }
}
