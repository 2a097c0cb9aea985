//! Customers, representatives and staff users.

use async_graphql::{Context, ID, Object, connection::Connection};
use entity::{customer, representative, user};

use super::enums::{ContactChannel, RepresentativeKind, Role, VerificationLevel, parse_stored};
use super::inquiry::{Inquiry, InquiryFilterInput, InquiryOrder, TotalCount, inquiry_connection};
use super::reference::{Office, Team};
use crate::domain::{self, national_id::mask_national_id};
use crate::graphql::context::CtxExt;
use crate::graphql::errors::GqlResult;
use crate::graphql::ids::{NodeKey, NodeType, node_id};
use crate::store;

/// A customer (לקוח). Reachable only by staff, the customer, or a representative holding a
/// power of attorney for the customer.
#[derive(Clone)]
pub struct Customer(pub customer::Model);

#[Object]
impl Customer {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Customer, &NodeKey::Int(self.0.id))
    }
    /// National ID (nine digits). Representatives see it masked (`*****6789`).
    async fn national_id(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        let r: GqlResult<String> = async {
            let p = ctx.principal()?;
            Ok(match p.kind {
                domain::principal::PrincipalKind::Representative(_) => {
                    mask_national_id(&self.0.national_id)
                }
                _ => self.0.national_id.clone(),
            })
        }
        .await;
        r.map(Some)
    }
    async fn last_name(&self) -> Option<&str> {
        Some(&self.0.last_name)
    }
    async fn first_name(&self) -> Option<&str> {
        Some(&self.0.first_name)
    }
    /// "last first", as the clerks' console shows names (R45).
    async fn full_name(&self) -> Option<String> {
        Some({
            format!("{} {}", self.0.last_name, self.0.first_name)
                .trim()
                .to_string()
        })
    }
    async fn is_company(&self) -> bool {
        self.0.is_company
    }
    /// Income-tax file number, with its leading zero.
    async fn file_number(&self) -> Option<&str> {
        self.0.file_number.as_deref()
    }
    /// File type, e.g. 91, 10, 95.
    async fn file_type(&self) -> Option<&str> {
        self.0.file_type.as_deref()
    }
    async fn file_active(&self) -> bool {
        self.0.file_active
    }
    async fn annual_report_required(&self) -> bool {
        self.0.annual_report_required
    }
    async fn residence_city(&self) -> Option<&str> {
        Some(&self.0.residence_city)
    }
    /// Verified email only (R41); an unverified address is never shown or used.
    async fn verified_email(&self) -> Option<&str> {
        self.0.email.as_deref().filter(|_| self.0.email_verified)
    }
    /// Verified mobile only (R41).
    async fn verified_mobile(&self) -> Option<&str> {
        self.0.mobile.as_deref().filter(|_| self.0.mobile_verified)
    }
    async fn preferred_channel(&self) -> GqlResult<ContactChannel> {
        let c: domain::ContactChannel = parse_stored("contact channel", &self.0.preferred_channel)?;
        Ok(c.into())
    }
    async fn verification_level(&self) -> GqlResult<VerificationLevel> {
        let v: domain::VerificationLevel =
            parse_stored("verification level", &self.0.verification_level)?;
        Ok(v.into())
    }
    /// The customer file: all of the customer's inquiries across tax domains (R1), within what
    /// the viewer may read.
    #[graphql(complexity = "first.or(last).unwrap_or(1).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn inquiries(
        &self,
        ctx: &Context<'_>,
        filter: Option<InquiryFilterInput>,
        order_by: Option<InquiryOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Connection<String, Inquiry, TotalCount>> {
        let mut f = filter.unwrap_or_default().into_store(ctx)?;
        f.customer_id = Some(self.0.id);
        inquiry_connection(ctx, f, order_by, first, after, last, before).await
    }
}

/// A representative (מייצג).
#[derive(Clone)]
pub struct Representative(pub representative::Model);

#[Object]
impl Representative {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Representative, &NodeKey::Int(self.0.id))
    }
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }
    async fn kind(&self) -> GqlResult<RepresentativeKind> {
        let k: domain::RepresentativeKind = parse_stored("representative kind", &self.0.kind)?;
        Ok(k.into())
    }
    /// An active lawyer (required in real-estate taxation, R34).
    async fn active_lawyer(&self) -> bool {
        self.0.active_lawyer
    }
    async fn firm_name(&self) -> Option<&str> {
        self.0.firm_name.as_deref()
    }
    async fn license_number(&self) -> &str {
        &self.0.license_number
    }
}

/// A member of ITA staff.
#[derive(Clone)]
pub struct User(pub user::Model);

#[Object]
impl User {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::User, &NodeKey::Int(self.0.id))
    }
    async fn login(&self) -> Option<&str> {
        Some(&self.0.login)
    }
    async fn last_name(&self) -> Option<&str> {
        Some(&self.0.last_name)
    }
    async fn first_name(&self) -> Option<&str> {
        Some(&self.0.first_name)
    }
    async fn full_name(&self) -> Option<String> {
        Some(format!("{} {}", self.0.first_name, self.0.last_name))
    }
    async fn office(&self, ctx: &Context<'_>) -> GqlResult<Option<Office>> {
        Ok(self
            .0
            .office_id
            .and_then(|id| ctx.shared().ok()?.reference.office(id).cloned())
            .map(Office))
    }
    /// Security roles held (staff only).
    async fn roles(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Role>>> {
        let r: GqlResult<Vec<Role>> = async {
            let rows = store::people::roles_of(&ctx.shared()?.db, self.0.id)
                .await
                .map_err(crate::graphql::errors::ApiError::from)?;
            Ok(rows
                .iter()
                .filter_map(|r| r.parse::<domain::Role>().ok())
                .map(Into::into)
                .collect())
        }
        .await;
        r.map(Some)
    }
    /// Teams the user belongs to (staff only).
    async fn teams(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Team>>> {
        let r: GqlResult<Vec<Team>> = async {
            let s = ctx.shared()?;
            let ids = store::people::team_ids_of(&s.db, self.0.id)
                .await
                .map_err(crate::graphql::errors::ApiError::from)?;
            Ok(ids
                .into_iter()
                .filter_map(|id| s.reference.team(id).cloned())
                .map(Team)
                .collect())
        }
        .await;
        r.map(Some)
    }
}
