//! Information expansion (R37): the daily re-identification mutation and the registry object.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::CtxExt;
use super::errors::GqlResult;

#[derive(InputObject)]
pub struct ReauthenticateInput {
    /// The clerk's extra identification (SHAAM password in production; the development code locally).
    pub code: String,
}

#[derive(SimpleObject)]
pub struct ReauthenticatePayload {
    /// Valid until midnight in Israel.
    pub valid_until: DateTime<Utc>,
}

/// Read-only registry data shown to the handling clerk.
#[derive(SimpleObject)]
pub struct InfoExpansion {
    pub file_number: Option<String>,
    pub file_type: Option<String>,
    pub file_office: Option<String>,
    pub annual_report_required: bool,
    pub vat_dealer_active: bool,
    pub residence_city: String,
    pub reports_filed: Vec<i32>,
    pub work_grant_eligible: bool,
    pub source: String,
}

impl From<crate::infra::registry::RegistryInfo> for InfoExpansion {
    fn from(r: crate::infra::registry::RegistryInfo) -> Self {
        Self {
            file_number: r.file_number,
            file_type: r.file_type,
            file_office: r.file_office,
            annual_report_required: r.annual_report_required,
            vat_dealer_active: r.vat_dealer_active,
            residence_city: r.residence_city,
            reports_filed: r.reports_filed,
            work_grant_eligible: r.work_grant_eligible,
            source: r.source,
        }
    }
}

#[derive(Default)]
pub struct InfoMutations;

#[Object]
impl InfoMutations {
    /// The clerk's extra identification, once a day (R37); valid until midnight in Israel.
    async fn reauthenticate(
        &self,
        ctx: &Context<'_>,
        input: ReauthenticateInput,
    ) -> GqlResult<ReauthenticatePayload> {
        if input.code.len() > 64 {
            return Err(super::errors::ApiError::validation("code is too long").into());
        }
        let (svc, actor) = ctx.services()?;
        let valid_until = crate::service::info::reauthenticate(svc, &actor, &input.code).await?;
        Ok(ReauthenticatePayload { valid_until })
    }
}
