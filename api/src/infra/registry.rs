//! Information expansion (הרחבת מידע, R37, §2.2.8, §4.6): read-only registry data about the
//! customer for the handling clerk. A pluggable provider; the default serves fixtures derived
//! from the customer record (the real SHAAM registries are outside this system).

use entity::customer;

/// What the registry shows (read-only; no update path exists).
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryInfo {
    pub file_number: Option<String>,
    pub file_type: Option<String>,
    pub file_office: Option<String>,
    pub annual_report_required: bool,
    pub vat_dealer_active: bool,
    pub residence_city: String,
    /// Tax years with an annual report on file.
    pub reports_filed: Vec<i32>,
    /// Work-grant (מענק עבודה) eligibility by the registry, the directive's example (§2.2.8).
    pub work_grant_eligible: bool,
    pub source: String,
}

pub trait RegistryProvider: Send + Sync {
    fn lookup(&self, c: &customer::Model) -> RegistryInfo;
}

/// Deterministic fixtures for development and tests.
pub struct FixtureRegistry;

impl RegistryProvider for FixtureRegistry {
    fn lookup(&self, c: &customer::Model) -> RegistryInfo {
        let seed = c.id as i32;
        RegistryInfo {
            file_number: c.file_number.clone(),
            file_type: c.file_type.clone(),
            file_office: c.file_office.clone(),
            annual_report_required: c.annual_report_required,
            vat_dealer_active: c.vat_dealer_active,
            residence_city: c.residence_city.clone(),
            reports_filed: if c.annual_report_required {
                (2020..=2024).filter(|y| (y + seed) % 5 != 0).collect()
            } else {
                Vec::new()
            },
            work_grant_eligible: !c.is_company && !c.annual_report_required && seed % 2 == 0,
            source: "fixture".into(),
        }
    }
}
