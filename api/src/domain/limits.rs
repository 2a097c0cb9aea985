//! Opening limits and field checks (§2.2.6, §4.1): at most three open inquiries per customer per
//! triplet; the tax year where the triplet requires it; the handling unit for income-tax triplets.

use super::error::{DomainError, ErrorCode};
use super::{Channel, TaxDomain};

/// Open inquiries a customer may hold on one triplet (R39).
pub const MAX_OPEN_PER_TRIPLET: u64 = 3;

/// Who opens the inquiry, for the R39 exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opener {
    pub by_representative: bool,
    pub customer_is_company: bool,
}

/// R39: a fourth open inquiry on the same triplet is refused, except in real-estate taxation
/// for a representative acting for a company client.
pub fn check_open_limit(
    domain: TaxDomain,
    opener: Opener,
    open_on_triplet: u64,
) -> Result<(), DomainError> {
    let unlimited =
        domain == TaxDomain::RealEstate && opener.by_representative && opener.customer_is_company;
    if !unlimited && open_on_triplet >= MAX_OPEN_PER_TRIPLET {
        return Err(DomainError::new(
            ErrorCode::OpenInquiryLimit,
            format!(
                "כבר קיימות {MAX_OPEN_PER_TRIPLET} פניות פתוחות בנושא זה. ניתן להמשיך להתכתב בפניות הקיימות."
            ),
        ));
    }
    Ok(())
}

/// R5: the tax year is mandatory only where the triplet says so; when given it must be plausible.
pub fn check_tax_year(
    required: bool,
    tax_year: Option<i32>,
    current_year: i32,
) -> Result<(), DomainError> {
    match tax_year {
        None if required => Err(DomainError::validation(
            "שנת המס היא שדה חובה בנושא זה (taxYear is required for this triplet)",
        )),
        Some(y) if !(1990..=current_year + 1).contains(&y) => Err(DomainError::validation(
            format!("taxYear must be between 1990 and {}", current_year + 1),
        )),
        _ => Ok(()),
    }
}

/// R6: the handling unit (חוליה) is shown automatically for income-tax triplets only, from the
/// unit of the team the inquiry is routed to.
pub fn derived_unit(domain: TaxDomain, team_unit: Option<&str>) -> Option<String> {
    (domain == TaxDomain::IncomeTax)
        .then(|| team_unit.map(str::to_string))
        .flatten()
}

/// R54: which channels each kind of opener may record.
pub fn channel_allowed(channel: Channel, by_customer: bool, by_representative: bool) -> bool {
    match channel {
        Channel::Web => by_customer,
        Channel::RepresentativesNetwork => by_representative,
        Channel::Phone | Channel::InfoCenterHaifa | Channel::InfoCenterJerusalem => {
            !by_customer && !by_representative
        }
    }
}

/// §2.2.1 ("פתיחת פנייה מחייבת את הלקוח (במרבית המקרים) להירשם לאזור האישי") and §4.6 ("ישנן
/// פניות למידע כללי שאינן מחייבות הזדהות"), R32: a customer opens an inquiry only once identified
/// at the high level, except general information (forms, offices) and help with registering or
/// logging in, which carry no personal information and which a customer who cannot log in yet
/// must be able to ask about.
pub fn needs_high_identification(triplet_code: &str) -> bool {
    !matches!(
        triplet_code,
        "DIG.INFO.FORMS"
            | "DIG.INFO.OFFICES"
            | "DIG.REGISTER.NEW"
            | "DIG.AUTH.OTP"
            | "DIG.AUTH.LOCKED"
    )
}

/// §4.6 (R37): information expansion is shown only in inquiries whose customer "אומת": identified
/// at the high level of the personal area, or verified by phone on this inquiry.
pub fn customer_identified(customer_high_level: bool, caller_verified: bool) -> bool {
    customer_high_level || caller_verified
}

/// §4.6: a clerk verifies the caller by phone on inquiries that came by phone or through an
/// information centre (a web inquiry's customer identified when logging in).
pub fn caller_verifiable(channel: Channel) -> bool {
    matches!(
        channel,
        Channel::Phone | Channel::InfoCenterHaifa | Channel::InfoCenterJerusalem
    )
}

/// The information-centre channel of an office (offices.csv codes), if it is one (§6.8, R38).
pub fn info_centre_channel(office_code: &str) -> Option<Channel> {
    match office_code {
        "INFO_HAIFA" => Some(Channel::InfoCenterHaifa),
        "INFO_JLM" => Some(Channel::InfoCenterJerusalem),
        _ => None,
    }
}

/// §6.8 (R38): the customer does not see the handler's name of an inquiry opened in the Haifa or
/// Jerusalem information centre: recorded on an information-centre channel, or opened by an
/// agent of one of those centres on any channel (a phone call the agent took).
pub fn handler_name_hidden(channel: Channel, opener_office_code: Option<&str>) -> bool {
    matches!(
        channel,
        Channel::InfoCenterHaifa | Channel::InfoCenterJerusalem
    ) || opener_office_code.and_then(info_centre_channel).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r32_general_information_and_login_help_need_no_high_identification() {
        for t in [
            "DIG.INFO.FORMS",
            "DIG.INFO.OFFICES",
            "DIG.REGISTER.NEW",
            "DIG.AUTH.OTP",
        ] {
            assert!(!needs_high_identification(t), "{t}");
        }
        for t in [
            "IT.REFUND.STATUS",
            "DIG.INFO.COMPLAINT",
            "DIG.REGISTER.CONTACT",
            "VAT.DEALER.OPEN",
        ] {
            assert!(needs_high_identification(t), "{t}");
        }
    }

    #[test]
    fn r37_expansion_needs_an_identified_customer_or_a_caller_verified_by_phone() {
        assert!(customer_identified(true, false));
        assert!(customer_identified(false, true));
        assert!(!customer_identified(false, false));
        assert!(caller_verifiable(Channel::Phone));
        assert!(caller_verifiable(Channel::InfoCenterHaifa));
        assert!(!caller_verifiable(Channel::Web));
        assert!(!caller_verifiable(Channel::RepresentativesNetwork));
    }

    #[test]
    fn r38_the_handler_is_hidden_for_inquiries_opened_in_an_information_centre() {
        assert!(handler_name_hidden(Channel::InfoCenterHaifa, None));
        assert!(handler_name_hidden(
            Channel::InfoCenterJerusalem,
            Some("INFO_JLM")
        ));
        assert!(
            handler_name_hidden(Channel::Phone, Some("INFO_HAIFA")),
            "the agent's phone call"
        );
        assert!(!handler_name_hidden(Channel::Phone, Some("IT_TA1")));
        assert!(!handler_name_hidden(Channel::Web, None));
        assert_eq!(
            info_centre_channel("INFO_HAIFA"),
            Some(Channel::InfoCenterHaifa)
        );
        assert_eq!(info_centre_channel("IT_HAIFA"), None);
    }

    const CUSTOMER: Opener = Opener {
        by_representative: false,
        customer_is_company: false,
    };

    #[test]
    fn r39_fourth_open_inquiry_on_a_triplet_is_refused() {
        assert!(check_open_limit(TaxDomain::IncomeTax, CUSTOMER, 2).is_ok());
        assert_eq!(
            check_open_limit(TaxDomain::IncomeTax, CUSTOMER, 3)
                .unwrap_err()
                .code,
            ErrorCode::OpenInquiryLimit
        );
    }

    #[test]
    fn r39_real_estate_representative_for_a_company_is_not_limited() {
        let rep_company = Opener {
            by_representative: true,
            customer_is_company: true,
        };
        assert!(check_open_limit(TaxDomain::RealEstate, rep_company, 10).is_ok());
        assert!(
            check_open_limit(TaxDomain::IncomeTax, rep_company, 3).is_err(),
            "only in real estate"
        );
        let rep_person = Opener {
            by_representative: true,
            customer_is_company: false,
        };
        assert!(
            check_open_limit(TaxDomain::RealEstate, rep_person, 3).is_err(),
            "only for companies"
        );
    }

    #[test]
    fn r5_tax_year_only_where_required() {
        assert!(check_tax_year(true, None, 2026).is_err());
        assert!(check_tax_year(false, None, 2026).is_ok());
        assert!(check_tax_year(true, Some(2024), 2026).is_ok());
        assert!(check_tax_year(true, Some(1800), 2026).is_err());
        assert!(check_tax_year(false, Some(2030), 2026).is_err());
    }

    #[test]
    fn r6_unit_only_for_income_tax() {
        assert_eq!(
            derived_unit(TaxDomain::IncomeTax, Some("חוליה 17")).as_deref(),
            Some("חוליה 17")
        );
        assert_eq!(derived_unit(TaxDomain::Vat, Some("x")), None);
    }

    #[test]
    fn r54_channels_follow_the_opener() {
        assert!(channel_allowed(Channel::Web, true, false));
        assert!(!channel_allowed(Channel::Phone, true, false));
        assert!(channel_allowed(
            Channel::RepresentativesNetwork,
            false,
            true
        ));
        assert!(channel_allowed(Channel::InfoCenterHaifa, false, false));
        assert!(!channel_allowed(Channel::Web, false, false));
    }
}
