//! Routing (§7, R47-R53): which office and team a new inquiry goes to. A pure, table-driven
//! function of the triplet's routing kind and default team, the customer's file state, the
//! offices that serve the customer's residence and business address, and the channel.
//! It never fails: what cannot be placed goes to the HQ main team with the reason (R52).

use super::{Channel, RoutingKind};

/// Offices that serve one locality (cities.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CityOffices {
    pub income_tax_office: String,
    pub vat_office: String,
    pub real_estate_office: String,
    /// Regional MSHM unit, where one serves the city (R48).
    pub mshm_office: Option<String>,
}

/// What routing needs to know about the customer (population registry and ITA files).
#[derive(Debug, Clone, Default)]
pub struct CustomerFile {
    /// An active income-tax file managed by `file_office`.
    pub file_active: bool,
    /// Obligated to file an annual report.
    pub annual_report_required: bool,
    /// File type, e.g. "91", "10", "95" (no annual-report obligation, R47).
    pub file_type: Option<String>,
    pub file_office: Option<String>,
    pub vat_dealer_active: bool,
    pub vat_office: Option<String>,
    pub residence: Option<CityOffices>,
    pub business: Option<CityOffices>,
}

/// File types whose holders do not file an annual report and are routed by residence (§7).
pub const NON_REPORTING_FILE_TYPES: [&str; 3] = ["91", "10", "95"];

impl CustomerFile {
    /// The income-tax office that manages an active, reporting file (R47).
    fn managing_office(&self) -> Option<&str> {
        let non_reporting = self
            .file_type
            .as_deref()
            .is_some_and(|t| NON_REPORTING_FILE_TYPES.contains(&t));
        if self.file_active && self.annual_report_required && !non_reporting {
            self.file_office.as_deref()
        } else {
            None
        }
    }
}

/// Office codes of the national units (offices.csv).
pub mod offices {
    pub const HQ: &str = "HQ";
    pub const NSA: &str = "NSA";
    pub const RE_NATIONAL: &str = "RE_NATIONAL";
    pub const REG_UNIT: &str = "REG_UNIT";
    pub const COMP_FUND: &str = "COMP_FUND";
    pub const INFO_HAIFA: &str = "INFO_HAIFA";
    pub const INFO_JLM: &str = "INFO_JLM";
}

/// Team kind codes the rules name (teams.csv).
pub mod team_kinds {
    pub const HQ_MAIN: &str = "HQ_MAIN";
    pub const RE_INFO_HAIFA: &str = "RE_INFO_HAIFA";
}

/// Where an inquiry goes: an office code and a team kind code inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub office: String,
    pub team_kind: String,
    /// Set when the rule could not place the inquiry and sent it to the HQ main team (R52).
    pub fallback_reason: Option<String>,
}

impl Route {
    fn to(office: &str, team_kind: &str) -> Self {
        Self {
            office: office.to_string(),
            team_kind: team_kind.to_string(),
            fallback_reason: None,
        }
    }

    /// The HQ main team (צוות ראשי – מנהלת פניות מע"מ ומס הכנסה) with the reason.
    pub fn hq_main(reason: impl Into<String>) -> Self {
        Self {
            office: offices::HQ.to_string(),
            team_kind: team_kinds::HQ_MAIN.to_string(),
            fallback_reason: Some(reason.into()),
        }
    }
}

/// The routing input of a triplet (triplets.csv `routing` and `default_team`).
#[derive(Debug, Clone, Copy)]
pub struct TripletRouting<'a> {
    pub routing: RoutingKind,
    pub default_team_kind: &'a str,
}

/// Routes a new inquiry (§7). The team inside the office is always the triplet's default team,
/// except the real-estate inquiries taken by the Haifa information centre (R51).
pub fn route(triplet: TripletRouting<'_>, customer: &CustomerFile, channel: Channel) -> Route {
    let team = triplet.default_team_kind;
    let residence = customer.residence.as_ref();
    let by_file_or_residence = || {
        customer
            .managing_office()
            .map(str::to_string)
            .or_else(|| residence.map(|c| c.income_tax_office.clone()))
    };
    let office = match triplet.routing {
        // R47: active reporting file -> its office; otherwise the residence office.
        RoutingKind::FileOffice => by_file_or_residence(),
        RoutingKind::ResidenceOffice => residence.map(|c| c.income_tax_office.clone()),
        // R48: unit-17 triplets and the four MSHM topics go to the regional MSHM where one serves
        // the residence; otherwise the file-office rule.
        RoutingKind::MshmRegional => residence
            .and_then(|c| c.mshm_office.clone())
            .or_else(by_file_or_residence),
        // R49: bookkeeping-audit requests.
        RoutingKind::Nsa => Some(offices::NSA.to_string()),
        // R50: active dealer -> its VAT office; otherwise the business (or residence) address.
        RoutingKind::VatDealerOffice => customer
            .vat_dealer_active
            .then(|| customer.vat_office.clone())
            .flatten()
            .or_else(|| {
                customer
                    .business
                    .as_ref()
                    .or(residence)
                    .map(|c| c.vat_office.clone())
            }),
        RoutingKind::VatNewDealer => customer
            .business
            .as_ref()
            .or(residence)
            .map(|c| c.vat_office.clone()),
        // R51: real estate goes first to the national unit, or to the Haifa information centre
        // when it took the inquiry.
        RoutingKind::RealEstateNational => {
            if channel == Channel::InfoCenterHaifa {
                return Route::to(offices::INFO_HAIFA, team_kinds::RE_INFO_HAIFA);
            }
            Some(offices::RE_NATIONAL.to_string())
        }
        // R52: internal and general triplets go to HQ teams; the information-centre teams
        // (INFO_*) sit in the information centres.
        RoutingKind::HqMainTeam => {
            if team.starts_with("INFO_") {
                let centre = if channel == Channel::InfoCenterHaifa {
                    offices::INFO_HAIFA
                } else {
                    offices::INFO_JLM
                };
                Some(centre.to_string())
            } else {
                Some(offices::HQ.to_string())
            }
        }
        RoutingKind::RegistryUnit => Some(offices::REG_UNIT.to_string()),
        RoutingKind::CompensationFund => Some(offices::COMP_FUND.to_string()),
    };
    match office {
        Some(office) => Route::to(&office, team),
        None => Route::hq_main(
            "לא ניתן לנתב את הפנייה: חסרה כתובת מגורים במרשם האוכלוסין. הפנייה הועברה לצוות ראשי – מנהלת פניות מע\"מ ומס הכנסה.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(it: &str, vat: &str, mshm: Option<&str>) -> CityOffices {
        CityOffices {
            income_tax_office: it.into(),
            vat_office: vat.into(),
            real_estate_office: "RE_TA".into(),
            mshm_office: mshm.map(Into::into),
        }
    }

    fn reporting_customer() -> CustomerFile {
        CustomerFile {
            file_active: true,
            annual_report_required: true,
            file_type: Some("01".into()),
            file_office: Some("IT_TA4".into()),
            residence: Some(city("IT_HOLON", "VAT_TA", None)),
            ..Default::default()
        }
    }

    fn t(routing: RoutingKind, team: &str) -> TripletRouting<'_> {
        TripletRouting {
            routing,
            default_team_kind: team,
        }
    }

    #[test]
    fn r47_active_reporting_file_goes_to_its_office() {
        let r = route(
            t(RoutingKind::FileOffice, "IT_ASSESS"),
            &reporting_customer(),
            Channel::Web,
        );
        assert_eq!(r, Route::to("IT_TA4", "IT_ASSESS"));
    }

    #[test]
    fn r47_file_types_91_10_95_go_by_residence() {
        for ft in NON_REPORTING_FILE_TYPES {
            let c = CustomerFile {
                file_type: Some(ft.into()),
                ..reporting_customer()
            };
            let r = route(t(RoutingKind::FileOffice, "IT_SALARIED"), &c, Channel::Web);
            assert_eq!(r.office, "IT_HOLON", "file type {ft}");
        }
        let no_file = CustomerFile {
            file_active: false,
            ..reporting_customer()
        };
        assert_eq!(
            route(t(RoutingKind::FileOffice, "X"), &no_file, Channel::Web).office,
            "IT_HOLON"
        );
    }

    #[test]
    fn r48_unit17_goes_to_the_regional_mshm_of_each_mshm_city() {
        for mshm in [
            "MSHM_RISHON",
            "MSHM_ASHDOD",
            "MSHM_KARMIEL",
            "MSHM_ROSH_HAAYIN",
            "MSHM_UMM_EL_FAHM",
            "MSHM_BEIT_SHEMESH",
        ] {
            let c = CustomerFile {
                residence: Some(city("IT_X", "VAT_X", Some(mshm))),
                ..reporting_customer()
            };
            let r = route(t(RoutingKind::MshmRegional, "IT_UNIT17"), &c, Channel::Web);
            assert_eq!(r, Route::to(mshm, "IT_UNIT17"));
        }
        // No MSHM serves the city: the file-office rule.
        let r = route(
            t(RoutingKind::MshmRegional, "IT_UNIT17"),
            &reporting_customer(),
            Channel::Web,
        );
        assert_eq!(r.office, "IT_TA4");
    }

    #[test]
    fn r49_bookkeeping_audit_goes_to_nsa() {
        let r = route(
            t(RoutingKind::Nsa, "NSA_HEARING"),
            &reporting_customer(),
            Channel::Web,
        );
        assert_eq!(r, Route::to("NSA", "NSA_HEARING"));
    }

    #[test]
    fn r50_vat_active_dealer_office_else_business_address() {
        let mut c = reporting_customer();
        c.vat_dealer_active = true;
        c.vat_office = Some("VAT_PT".into());
        c.business = Some(city("IT_HAIFA", "VAT_HAIFA", None));
        assert_eq!(
            route(
                t(RoutingKind::VatDealerOffice, "VAT_REPORTS"),
                &c,
                Channel::Web
            )
            .office,
            "VAT_PT"
        );
        assert_eq!(
            route(t(RoutingKind::VatNewDealer, "VAT_DEALER"), &c, Channel::Web).office,
            "VAT_HAIFA"
        );
        c.vat_dealer_active = false;
        assert_eq!(
            route(
                t(RoutingKind::VatDealerOffice, "VAT_REPORTS"),
                &c,
                Channel::Web
            )
            .office,
            "VAT_HAIFA"
        );
        c.business = None;
        assert_eq!(
            route(t(RoutingKind::VatNewDealer, "VAT_DEALER"), &c, Channel::Web).office,
            "VAT_TA"
        );
    }

    #[test]
    fn r51_real_estate_first_to_the_national_unit_or_haifa_info_centre() {
        let c = reporting_customer();
        let r = route(
            t(RoutingKind::RealEstateNational, "RE_CERTS"),
            &c,
            Channel::RepresentativesNetwork,
        );
        assert_eq!(r, Route::to("RE_NATIONAL", "RE_CERTS"));
        let r = route(
            t(RoutingKind::RealEstateNational, "RE_CERTS"),
            &c,
            Channel::InfoCenterHaifa,
        );
        assert_eq!(r, Route::to("INFO_HAIFA", "RE_INFO_HAIFA"));
    }

    #[test]
    fn r52_hq_triplets_and_unplaceable_inquiries_go_to_hq() {
        let c = reporting_customer();
        assert_eq!(
            route(t(RoutingKind::HqMainTeam, "HQ_PROVIDENT"), &c, Channel::Web),
            Route::to("HQ", "HQ_PROVIDENT")
        );
        assert_eq!(
            route(t(RoutingKind::HqMainTeam, "INFO_DIGITAL"), &c, Channel::Web).office,
            "INFO_JLM"
        );
        let homeless = CustomerFile::default();
        let r = route(
            t(RoutingKind::ResidenceOffice, "IT_RENTAL"),
            &homeless,
            Channel::Web,
        );
        assert_eq!((r.office.as_str(), r.team_kind.as_str()), ("HQ", "HQ_MAIN"));
        assert!(r.fallback_reason.is_some());
    }

    #[test]
    fn r47_national_units() {
        let c = reporting_customer();
        assert_eq!(
            route(t(RoutingKind::RegistryUnit, "REG_POA"), &c, Channel::Web).office,
            "REG_UNIT"
        );
        assert_eq!(
            route(
                t(RoutingKind::CompensationFund, "COMP_EVAC"),
                &c,
                Channel::Web
            )
            .office,
            "COMP_FUND"
        );
    }
}
