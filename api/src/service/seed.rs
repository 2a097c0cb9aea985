//! Demo data with the server's own rules: the migration crate's generator asks the domain for
//! routing and national-ID check digits through `SeedHooks`.

use std::str::FromStr;
use std::sync::Arc;

use entity::{customer, triplet};
use migration::seed::SeedHooks;

use crate::domain::{Channel, national_id::NationalId};
use crate::store::reference::Reference;

pub struct DomainSeedHooks(pub Arc<Reference>);

impl SeedHooks for DomainSeedHooks {
    fn route(&self, t: &triplet::Model, c: &customer::Model, channel: &str) -> (String, String) {
        let channel = Channel::from_str(channel).unwrap_or(Channel::Web);
        let r = super::routing::route(&self.0, t, c, channel);
        (r.office, r.team_kind)
    }

    fn fold(&self, text: &str) -> String {
        crate::domain::search::fold(text)
    }

    fn national_id(&self, body: u32) -> String {
        NationalId::with_check_digit(body).as_str().to_string()
    }
}
