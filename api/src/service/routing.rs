//! Routing inputs from stored rows: turns a customer record and the reference snapshot into the
//! domain's `CustomerFile`, and asks `domain::routing` where a triplet goes.

use std::str::FromStr;

use entity::{customer, triplet};

use crate::domain::routing::{self, CityOffices, CustomerFile, Route, TripletRouting};
use crate::domain::{Channel, RoutingKind};
use crate::store::reference::Reference;

fn city_offices(reference: &Reference, city: &str) -> Option<CityOffices> {
    reference.cities.get(city).map(|c| CityOffices {
        income_tax_office: c.income_tax_office.clone(),
        vat_office: c.vat_office.clone(),
        real_estate_office: c.real_estate_office.clone(),
        mshm_office: c.mshm_office.clone(),
    })
}

pub fn customer_file(reference: &Reference, c: &customer::Model) -> CustomerFile {
    CustomerFile {
        file_active: c.file_active,
        annual_report_required: c.annual_report_required,
        file_type: c.file_type.clone(),
        file_office: c.file_office.clone(),
        vat_dealer_active: c.vat_dealer_active,
        vat_office: c.vat_office.clone(),
        residence: city_offices(reference, &c.residence_city),
        business: c
            .business_city
            .as_deref()
            .and_then(|b| city_offices(reference, b)),
    }
}

/// Routes an inquiry on `triplet` for `customer` arriving through `channel`.
pub fn route(
    reference: &Reference,
    t: &triplet::Model,
    c: &customer::Model,
    channel: Channel,
) -> Route {
    let Ok(kind) = RoutingKind::from_str(&t.routing.to_ascii_uppercase()) else {
        return Route::hq_main(format!(
            "unknown routing rule {:?} on triplet {}",
            t.routing, t.code
        ));
    };
    routing::route(
        TripletRouting {
            routing: kind,
            default_team_kind: &t.default_team_kind,
        },
        &customer_file(reference, c),
        channel,
    )
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::str::FromStr;

    use migration::reference::{
        city_rows, office_has_team_kind, office_rows, team_rows, triplet_rows,
    };

    use crate::domain::routing::{CityOffices, CustomerFile, TripletRouting, route};
    use crate::domain::{Channel, RoutingKind};

    /// R47-R52: every customer-selectable triplet, for every city of the ITA's export, for
    /// reporting and non-reporting files, dealers and non-dealers, and every channel, routes to
    /// an office that exists and holds the team kind it names.
    #[test]
    fn r47_r52_every_selectable_triplet_routes_to_an_existing_team_for_every_city() {
        let offices = office_rows().unwrap();
        let teams = team_rows().unwrap();
        let office_by_code: HashMap<&str, _> =
            offices.iter().map(|o| (o.code.as_str(), o)).collect();
        let team_by_code: HashMap<&str, _> = teams.iter().map(|t| (t.code.as_str(), t)).collect();
        let cities = city_rows().unwrap();
        let mut routes = HashSet::new();
        let mut checked = 0;
        for t in triplet_rows()
            .unwrap()
            .iter()
            .filter(|t| t.customer_selectable)
        {
            let kind = RoutingKind::from_str(&t.routing.to_ascii_uppercase()).unwrap();
            for c in &cities {
                let offices_of = CityOffices {
                    income_tax_office: c.income_tax_office.clone(),
                    vat_office: c.vat_office.clone(),
                    real_estate_office: c.real_estate_office.clone(),
                    mshm_office: (!c.mshm_office.is_empty()).then(|| c.mshm_office.clone()),
                };
                for (reporting, file_type, dealer) in [
                    (true, "01", true),
                    (false, "91", false),
                    (true, "10", false),
                ] {
                    let file = CustomerFile {
                        file_active: true,
                        annual_report_required: reporting,
                        file_type: Some(file_type.into()),
                        file_office: Some("IT_TA1".into()),
                        vat_dealer_active: dealer,
                        vat_office: dealer.then(|| "VAT_TA".into()),
                        residence: Some(offices_of.clone()),
                        business: None,
                    };
                    for channel in [
                        Channel::Web,
                        Channel::RepresentativesNetwork,
                        Channel::Phone,
                        Channel::InfoCenterHaifa,
                        Channel::InfoCenterJerusalem,
                    ] {
                        let r = route(
                            TripletRouting {
                                routing: kind,
                                default_team_kind: &t.default_team,
                            },
                            &file,
                            channel,
                        );
                        assert!(
                            r.fallback_reason.is_none(),
                            "{} in {} fell back: {:?}",
                            t.code,
                            c.city_he,
                            r.fallback_reason
                        );
                        let office = office_by_code
                            .get(r.office.as_str())
                            .unwrap_or_else(|| panic!("{}: unknown office {}", t.code, r.office));
                        let team = team_by_code
                            .get(r.team_kind.as_str())
                            .unwrap_or_else(|| panic!("{}: unknown team {}", t.code, r.team_kind));
                        assert!(
                            office_has_team_kind(office, team),
                            "{} for {}: office {} has no team {}",
                            t.code,
                            c.city_he,
                            r.office,
                            r.team_kind
                        );
                        routes.insert(r.office.clone());
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100 * 79 * 3);
        // All six MSHM units and the national units are reachable.
        for o in [
            "MSHM_RISHON",
            "MSHM_ASHDOD",
            "MSHM_KARMIEL",
            "MSHM_ROSH_HAAYIN",
            "MSHM_UMM_EL_FAHM",
            "MSHM_BEIT_SHEMESH",
            "NSA",
            "RE_NATIONAL",
            "REG_UNIT",
            "COMP_FUND",
            "INFO_HAIFA",
        ] {
            assert!(routes.contains(o), "{o} never reached");
        }
    }
}
