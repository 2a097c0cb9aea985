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
