//! Response templates (§2.2.5, R42): drafted by clerks, usable only once the office manager or
//! deputy of that office approved them; the directive's §6.6 closure answer ships approved
//! (migration `m20261128_000008_system_templates`).

use super::Role;
use super::error::DomainError;
use super::handling::Staff;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum TemplateStatus {
    Draft,
    Approved,
    Retired,
}

/// R42: only the manager or deputy of the template's office approves it.
pub fn may_approve(s: &Staff, template_office: Option<i64>) -> bool {
    (s.has(Role::OfficeManager) || s.has(Role::DeputyOfficeManager))
        && template_office.is_some()
        && s.office_id == template_office
}

/// Whether a template may answer an inquiry: approved, and for its triplet (or for all) and its
/// office (or a system template).
pub fn check_usable(
    status: TemplateStatus,
    template_triplet: Option<&str>,
    template_office: Option<i64>,
    inquiry_triplet: &str,
    inquiry_office: i64,
) -> Result<(), DomainError> {
    if status != TemplateStatus::Approved {
        return Err(DomainError::forbidden(
            "only templates approved by the office manager or deputy may be used (§2.2.5)",
        ));
    }
    if template_triplet.is_some_and(|t| t != inquiry_triplet) {
        return Err(DomainError::validation(
            "the template belongs to another triplet",
        ));
    }
    if template_office.is_some_and(|o| o != inquiry_office) {
        return Err(DomainError::validation(
            "the template belongs to another office",
        ));
    }
    Ok(())
}

/// Fills `{customerName}` and `{inquiryNumber}`.
pub fn render(body: &str, customer_name: &str, inquiry_number: i64) -> String {
    body.replace("{customerName}", customer_name)
        .replace("{inquiryNumber}", &inquiry_number.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(roles: Vec<Role>, office: i64) -> Staff {
        Staff {
            user_id: 1,
            office_id: Some(office),
            team_ids: vec![],
            roles,
        }
    }

    #[test]
    fn r42_only_the_offices_manager_or_deputy_approves() {
        assert!(may_approve(&staff(vec![Role::OfficeManager], 3), Some(3)));
        assert!(may_approve(
            &staff(vec![Role::DeputyOfficeManager], 3),
            Some(3)
        ));
        assert!(!may_approve(&staff(vec![Role::OfficeManager], 4), Some(3)));
        assert!(!may_approve(
            &staff(vec![Role::Clerk, Role::Coordinator], 3),
            Some(3)
        ));
        assert!(
            !may_approve(&staff(vec![Role::OfficeManager], 3), None),
            "system templates are not approved per office"
        );
    }

    #[test]
    fn r42_drafts_cannot_be_used() {
        assert!(check_usable(TemplateStatus::Draft, None, None, "IT.X.Y", 1).is_err());
        assert!(check_usable(TemplateStatus::Approved, None, None, "IT.X.Y", 1).is_ok());
        assert!(
            check_usable(TemplateStatus::Approved, Some("VAT.A.B"), None, "IT.X.Y", 1).is_err()
        );
        assert!(check_usable(TemplateStatus::Approved, None, Some(2), "IT.X.Y", 1).is_err());
    }

    #[test]
    fn r42_placeholders_are_filled() {
        let t = render(
            "שלום {customerName}, פנייתך מספר {inquiryNumber}",
            "כהן משה",
            10000001,
        );
        assert!(t.contains("10000001") && !t.contains('{'));
    }
}
