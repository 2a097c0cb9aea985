//! Inquiries, their history and correspondence, and the inquiries connection.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entity::{correspondence, inquiry, inquiry_history};

use super::enums::{
    Channel, ChannelLabel, ClosureReasonLabel, Direction, HistoryKind, InquiryStatus, StatusLabel,
    parse_stored,
};
use super::people::{Customer, Representative, User};
use super::reference::{Office, Team, Triplet};
use crate::domain::{self, ReadScope};
use crate::graphql::context::CtxExt;
use crate::graphql::errors::{ApiError, GqlResult};
use crate::graphql::ids::{NodeKey, NodeType, node_id};
use crate::graphql::loaders::LastHistory;
use crate::graphql::pagination::{PageArgs, cursor_of, page_flags};
use crate::store::inquiries::{self as q, InquiryFilter, KeysetPos, SortDir, SortField, Window};

/// An inquiry (פנייה).
#[derive(Clone)]
pub struct Inquiry(pub inquiry::Model);

#[Object]
impl Inquiry {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Inquiry, &NodeKey::Int(self.0.id))
    }
    /// The human inquiry number (מספר פנייה).
    async fn number(&self) -> i64 {
        self.0.number
    }
    async fn channel(&self) -> GqlResult<ChannelLabel> {
        let c: domain::Channel = parse_stored("channel", &self.0.channel)?;
        Ok(c.into())
    }
    async fn status(&self) -> GqlResult<StatusLabel> {
        let s: domain::Status = parse_stored("status", &self.0.status)?;
        Ok(s.into())
    }
    /// The current triplet.
    async fn triplet(&self, ctx: &Context<'_>) -> GqlResult<Option<Triplet>> {
        Ok(ctx
            .shared()?
            .reference
            .triplet(&self.0.triplet_code)
            .cloned()
            .map(Triplet))
    }
    /// The triplet the customer chose when opening (R8).
    async fn customer_triplet(&self, ctx: &Context<'_>) -> GqlResult<Option<Triplet>> {
        Ok(ctx
            .shared()?
            .reference
            .triplet(&self.0.customer_triplet_code)
            .cloned()
            .map(Triplet))
    }
    /// Tax year, mandatory for some triplets (R5).
    async fn tax_year(&self) -> Option<i32> {
        self.0.tax_year
    }
    /// Handling unit (חוליה), derived for income-tax triplets (R6).
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The customer's opening text.
    async fn body(&self) -> Option<&str> {
        Some(&self.0.body)
    }
    async fn office(&self, ctx: &Context<'_>) -> GqlResult<Option<Office>> {
        Ok(ctx
            .shared()?
            .reference
            .office(self.0.office_id)
            .cloned()
            .map(Office))
    }
    async fn team(&self, ctx: &Context<'_>) -> GqlResult<Option<Team>> {
        Ok(ctx
            .shared()?
            .reference
            .team(self.0.team_id)
            .cloned()
            .map(Team))
    }
    /// The teams this inquiry may be transferred to (TRANSFER_FOR_FURTHER_TREATMENT), valid for
    /// its current triplet: its team kind in any office, the HQ main team, and in real-estate
    /// taxation the real-estate offices' teams; its own team left out (R20, §5.2.5; staff only).
    async fn transfer_targets(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Team>>> {
        Ok(Some(
            ctx.shared()?
                .services
                .transfer_targets(&self.0.triplet_code)
                .into_iter()
                .filter(|t| t.id != self.0.team_id)
                .cloned()
                .map(Team)
                .collect(),
        ))
    }
    /// The clerk the inquiry is assigned to; null while it waits in the team's stock (staff only).
    async fn assignee(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        let Some(id) = self.0.assignee_id else {
            return Ok(None);
        };
        Ok(ctx.req()?.loaders.users.load_one(id).await?.map(User))
    }
    async fn customer(&self, ctx: &Context<'_>) -> GqlResult<Option<Customer>> {
        Ok(ctx
            .req()?
            .loaders
            .customers
            .load_one(self.0.customer_id)
            .await?
            .map(Customer))
    }
    /// The representative who opened the inquiry, if any.
    async fn representative(&self, ctx: &Context<'_>) -> GqlResult<Option<Representative>> {
        let Some(id) = self.0.representative_id else {
            return Ok(None);
        };
        Ok(ctx
            .req()?
            .loaders
            .representatives
            .load_one(id)
            .await?
            .map(Representative))
    }
    async fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    /// When the current status began.
    async fn status_changed_at(&self) -> DateTime<Utc> {
        self.0.status_changed_at
    }
    /// Uploaded documents not yet loaded (sanitising pending; the SLA clock pauses, R16).
    async fn documents_pending(&self) -> bool {
        self.0.documents_pending
    }
    async fn closure_reason(&self) -> GqlResult<Option<ClosureReasonLabel>> {
        match &self.0.closure_reason {
            None => Ok(None),
            Some(c) => Ok(Some(
                parse_stored::<domain::ClosureReason>("closure reason", c)?.into(),
            )),
        }
    }
    /// Internal proposed solution (פתרון מוצע): staff only.
    async fn proposed_solution(&self) -> Option<&str> {
        self.0.proposed_solution.as_deref()
    }
    /// Optimistic-lock version; mutations that change the inquiry may pass it back.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Status and owner history (R27), oldest first; with `last`, only the newest `last` rows.
    async fn status_history(
        &self,
        ctx: &Context<'_>,
        last: Option<i32>,
    ) -> GqlResult<Option<Vec<HistoryEntry>>> {
        let r: GqlResult<Vec<HistoryEntry>> = async {
            let req = ctx.req()?;
            let rows = match last {
                Some(n) if !(1..=100).contains(&n) => {
                    return Err(ApiError::validation("`last` must be between 1 and 100").into());
                }
                Some(n) => {
                    let mut rows = req
                        .loaders
                        .history
                        .load_one(LastHistory {
                            inquiry_id: self.0.id,
                            n: n as u32,
                        })
                        .await?
                        .unwrap_or_default();
                    rows.reverse();
                    rows
                }
                None => q::history(&ctx.shared()?.db, self.0.id)
                    .await
                    .map_err(ApiError::from)?,
            };
            Ok(rows.into_iter().map(HistoryEntry).collect())
        }
        .await;
        r.map(Some)
    }
    /// Correspondence on the inquiry, oldest first (R9).
    async fn correspondences(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Correspondence>>> {
        let r: GqlResult<Vec<Correspondence>> = async {
            let rows = ctx
                .req()?
                .loaders
                .correspondences
                .load_one(self.0.id)
                .await?
                .unwrap_or_default();
            Ok(rows.into_iter().map(Correspondence).collect())
        }
        .await;
        r.map(Some)
    }
    /// Customer/representative correspondences not yet read by staff (R12).
    async fn unread_correspondences(&self, ctx: &Context<'_>) -> GqlResult<Option<i64>> {
        let r: GqlResult<i64> = async {
            Ok(ctx
                .req()?
                .loaders
                .unread
                .load_one(self.0.id)
                .await?
                .unwrap_or(0))
        }
        .await;
        r.map(Some)
    }
    /// Many correspondences: the clerk should phone the customer (R13, §6.7).
    async fn phone_call_suggested(&self, ctx: &Context<'_>) -> GqlResult<Option<bool>> {
        let r: GqlResult<bool> = async {
            let n = ctx
                .req()?
                .loaders
                .correspondences
                .load_one(self.0.id)
                .await?
                .map(|v| v.len())
                .unwrap_or(0);
            Ok(domain::correspondence::phone_call_suggested(
                n,
                ctx.shared()?.services.settings.phone_call_threshold,
            ))
        }
        .await;
        r.map(Some)
    }
    /// The customer's other open inquiries on the same topic, to answer and close together (R46).
    async fn similar_open_inquiries(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Inquiry>>> {
        let r: GqlResult<Vec<Inquiry>> = async {
            let rows = q::similar_open(&ctx.shared()?.db, &ctx.scope()?, &self.0, 20)
                .await
                .map_err(ApiError::from)?;
            Ok(rows.into_iter().map(Inquiry).collect())
        }
        .await;
        r.map(Some)
    }
    /// The classifier's suggestions stored when the inquiry was opened (R8).
    async fn triplet_suggestions(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<super::suggestion::StoredSuggestions>> {
        let rows = ctx
            .req()?
            .loaders
            .suggestions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        Ok(Some(super::suggestion::StoredSuggestions {
            model_version: first.model_version.clone(),
            abstain: first.abstained,
            suggestions: rows
                .iter()
                .map(|r| super::suggestion::TripletSuggestion {
                    code: r.triplet_code.clone(),
                    probability: r.probability,
                })
                .collect(),
        }))
    }
    /// When the caller was verified by phone on this inquiry (`verifyCaller`, §4.6; staff only).
    async fn caller_verified_at(&self) -> Option<DateTime<Utc>> {
        self.0.caller_verified_at
    }
    /// Registry data about the customer, read-only (R37): only for verified customers (or a
    /// caller verified by phone on this inquiry), after the clerk's extra identification today.
    async fn info_expansion(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<crate::graphql::info_api::InfoExpansion>> {
        let (svc, actor) = ctx.services()?;
        Ok(Some(
            crate::service::info::expansion(svc, &actor, &self.0)
                .await?
                .into(),
        ))
    }
    /// Attached files (R14). Customers and representatives see only clean files marked to be
    /// shown on the internet; quarantined files are listed to staff, never served.
    async fn attachments(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<Vec<crate::graphql::attachment_api::Attachment>>> {
        let staff = ctx.principal()?.is_staff();
        let rows = ctx
            .req()?
            .loaders
            .attachments
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.into_iter()
                // The customer side sees its files while they are checked, never a rejected one.
                .filter(|a| {
                    staff
                        || (a.show_on_internet
                            && matches!(a.sanitize_status.as_str(), "CLEAN" | "PENDING"))
                })
                .map(crate::graphql::attachment_api::Attachment)
                .collect(),
        ))
    }
    /// Files from the customer side not yet read by staff (R12; `markRead` reads them). Files
    /// refused by sanitising are not counted: there is nothing to read.
    async fn unread_attachments(&self, ctx: &Context<'_>) -> GqlResult<Option<i64>> {
        let rows = ctx
            .req()?
            .loaders
            .attachments
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.iter()
                .filter(|a| {
                    a.read_at.is_none()
                        && matches!(
                            a.sanitize_status.as_str(),
                            "CLEAN" | crate::service::attachments::PENDING
                        )
                })
                .count() as i64,
        ))
    }
    /// SLA on the Israeli working calendar (R28-R30): working time, segments, per team and
    /// clerk, target and due date (staff only).
    async fn sla(&self, ctx: &Context<'_>) -> GqlResult<Option<super::sla::Sla>> {
        super::sla::sla_of(ctx, &self.0).await.map(Some)
    }
    /// The clerk's current verdict on the customer's triplet (R8).
    async fn triplet_validation(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<crate::graphql::validation_api::TripletValidation>> {
        let m = crate::store::validations::current(&ctx.shared()?.db, self.0.id)
            .await
            .map_err(ApiError::from)?;
        Ok(m.map(crate::graphql::validation_api::TripletValidation))
    }
    /// Emails and SMS sent from the inquiry (§5.1.4), newest first.
    async fn activities(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<Vec<crate::graphql::activity_api::Activity>>> {
        let rows = crate::store::validations::activities(&ctx.shared()?.db, self.0.id)
            .await
            .map_err(ApiError::from)?;
        Ok(Some(
            rows.into_iter()
                .map(crate::graphql::activity_api::Activity::from)
                .collect(),
        ))
    }
    /// The handling clerk's name as the customer sees it in the personal area; hidden for
    /// inquiries opened in the Haifa and Jerusalem information centres, on their channels or by
    /// their agents (R38, §6.8).
    async fn handler_name_for_customer(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        let channel: domain::Channel = parse_stored("channel", &self.0.channel)?;
        let opener_office = match self.0.opened_by_user_id {
            Some(u) => ctx
                .req()?
                .loaders
                .users
                .load_one(u)
                .await?
                .and_then(|u| u.office_id)
                .and_then(|o| ctx.shared().ok()?.reference.office(o))
                .map(|o| o.code.clone()),
            None => None,
        };
        if domain::limits::handler_name_hidden(channel, opener_office.as_deref()) {
            return Ok(None);
        }
        let Some(id) = self.0.assignee_id else {
            return Ok(None);
        };
        Ok(ctx
            .req()?
            .loaders
            .users
            .load_one(id)
            .await?
            .map(|u| format!("{} {}", u.first_name, u.last_name)))
    }
}

/// One status / owner / triplet change (R27).
#[derive(Clone)]
pub struct HistoryEntry(pub inquiry_history::Model);

#[Object]
impl HistoryEntry {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::HistoryEntry, &NodeKey::Int(self.0.id))
    }
    async fn kind(&self) -> GqlResult<HistoryKind> {
        Ok(parse_stored::<domain::HistoryKind>("history kind", &self.0.kind)?.into())
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Who acted: USER, CUSTOMER, REPRESENTATIVE or SYSTEM.
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    /// The staff user who acted, when a clerk did.
    async fn actor(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        match (self.0.actor_kind.as_str(), self.0.actor_id) {
            ("USER", Some(id)) => Ok(ctx.req()?.loaders.users.load_one(id).await?.map(User)),
            _ => Ok(None),
        }
    }
    /// The status before the change, with its display names (as `Inquiry.status`); null when
    /// opened.
    async fn from_status(&self) -> GqlResult<Option<StatusLabel>> {
        match &self.0.from_status {
            None => Ok(None),
            Some(s) => Ok(Some(parse_stored::<domain::Status>("status", s)?.into())),
        }
    }
    /// The status after the change, with its display names.
    async fn to_status(&self) -> GqlResult<StatusLabel> {
        Ok(parse_stored::<domain::Status>("status", &self.0.to_status)?.into())
    }
    async fn from_team(&self, ctx: &Context<'_>) -> GqlResult<Option<Team>> {
        Ok(self
            .0
            .from_team_id
            .and_then(|id| ctx.shared().ok()?.reference.team(id).cloned())
            .map(Team))
    }
    async fn to_team(&self, ctx: &Context<'_>) -> GqlResult<Option<Team>> {
        Ok(ctx
            .shared()?
            .reference
            .team(self.0.to_team_id)
            .cloned()
            .map(Team))
    }
    async fn from_office(&self, ctx: &Context<'_>) -> GqlResult<Option<Office>> {
        Ok(self
            .0
            .from_office_id
            .and_then(|id| ctx.shared().ok()?.reference.office(id).cloned())
            .map(Office))
    }
    async fn to_office(&self, ctx: &Context<'_>) -> GqlResult<Option<Office>> {
        Ok(ctx
            .shared()?
            .reference
            .office(self.0.to_office_id)
            .cloned()
            .map(Office))
    }
    async fn from_assignee(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        let Some(id) = self.0.from_assignee_id else {
            return Ok(None);
        };
        Ok(ctx.req()?.loaders.users.load_one(id).await?.map(User))
    }
    async fn to_assignee(&self, ctx: &Context<'_>) -> GqlResult<Option<User>> {
        let Some(id) = self.0.to_assignee_id else {
            return Ok(None);
        };
        Ok(ctx.req()?.loaders.users.load_one(id).await?.map(User))
    }
    async fn from_triplet_code(&self) -> Option<&str> {
        self.0.from_triplet.as_deref()
    }
    async fn to_triplet_code(&self) -> &str {
        &self.0.to_triplet
    }
    /// The note (proposed solution) explaining the change.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// A correspondence (התכתבות).
#[derive(Clone)]
pub struct Correspondence(pub correspondence::Model);

#[Object]
impl Correspondence {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Correspondence, &NodeKey::Int(self.0.id))
    }
    async fn direction(&self) -> GqlResult<Direction> {
        Ok(parse_stored::<domain::Direction>("direction", &self.0.direction)?.into())
    }
    async fn body(&self) -> Option<&str> {
        Some(&self.0.body)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When staff read it.
    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }
}

/// Filters of the inquiries list (all optional, combined with AND).
#[derive(InputObject, Default)]
pub struct InquiryFilterInput {
    pub statuses: Option<Vec<InquiryStatus>>,
    pub channels: Option<Vec<Channel>>,
    pub team_ids: Option<Vec<ID>>,
    pub office_ids: Option<Vec<ID>>,
    pub assignee_ids: Option<Vec<ID>>,
    /// true: only inquiries waiting in a team's stock; false: only assigned ones.
    pub unassigned: Option<bool>,
    pub triplet_codes: Option<Vec<String>>,
    /// Main topic codes (e.g. "IT"): every triplet under them.
    pub main_topic_codes: Option<Vec<String>>,
    /// The triplet the customer chose at opening (before any correction).
    pub customer_triplet_codes: Option<Vec<String>>,
    /// Inquiry numbers.
    pub numbers: Option<Vec<i64>>,
    pub customer_ids: Option<Vec<ID>>,
    pub representative_ids: Option<Vec<ID>>,
    /// true: opened by a representative; false: not.
    pub has_representative: Option<bool>,
    pub tax_years: Option<Vec<i32>>,
    /// true: uploaded documents not yet loaded (R16).
    pub documents_pending: Option<bool>,
    /// true: open only; false: closed only.
    pub open: Option<bool>,
    /// Periods are [from, to).
    pub opened_from: Option<DateTime<Utc>>,
    pub opened_to: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_to: Option<DateTime<Utc>>,
    pub closed_from: Option<DateTime<Utc>>,
    pub closed_to: Option<DateTime<Utc>>,
    /// true: open inquiries past their SLA target now (R28).
    pub sla_breached: Option<bool>,
    /// Open inquiries due within this many working hours' worth of wall-clock hours from now.
    pub due_within_hours: Option<i32>,
}

const MAX_FILTER_VALUES: usize = 100;

impl InquiryFilterInput {
    pub fn into_store(self, ctx: &Context<'_>) -> GqlResult<InquiryFilter> {
        let ids = &ctx.shared()?.ids;
        let decode = |v: Option<Vec<ID>>, ty: NodeType| -> Result<Vec<i64>, ApiError> {
            let v = v.unwrap_or_default();
            if v.len() > MAX_FILTER_VALUES {
                return Err(ApiError::validation(format!(
                    "at most {MAX_FILTER_VALUES} values per filter"
                )));
            }
            v.iter().map(|id| ids.decode_int(id, ty)).collect()
        };
        let codes = |v: Option<Vec<String>>| -> Result<Vec<String>, ApiError> {
            let v = v.unwrap_or_default();
            if v.len() > MAX_FILTER_VALUES || v.iter().any(|c| c.len() > 64) {
                return Err(ApiError::validation("too many or too long codes"));
            }
            Ok(v)
        };
        let list = |n: usize| -> Result<(), ApiError> {
            if n > MAX_FILTER_VALUES {
                return Err(ApiError::validation(format!(
                    "at most {MAX_FILTER_VALUES} values per filter"
                )));
            }
            Ok(())
        };
        let numbers = self.numbers.unwrap_or_default();
        let tax_years = self.tax_years.unwrap_or_default();
        list(numbers.len())?;
        list(tax_years.len())?;
        Ok(InquiryFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(|s| domain::Status::from(s).code().to_string())
                .collect(),
            channels: self
                .channels
                .unwrap_or_default()
                .into_iter()
                .map(|c| domain::Channel::from(c).code().to_string())
                .collect(),
            team_ids: decode(self.team_ids, NodeType::Team)?,
            office_ids: decode(self.office_ids, NodeType::Office)?,
            assignee_ids: decode(self.assignee_ids, NodeType::User)?,
            unassigned: self.unassigned,
            triplet_codes: codes(self.triplet_codes)?,
            main_topic_codes: codes(self.main_topic_codes)?,
            customer_triplet_codes: codes(self.customer_triplet_codes)?,
            numbers,
            customer_id: None,
            customer_ids: decode(self.customer_ids, NodeType::Customer)?,
            representative_ids: decode(self.representative_ids, NodeType::Representative)?,
            has_representative: self.has_representative,
            tax_years,
            documents_pending: self.documents_pending,
            opened_from: self.opened_from,
            opened_to: self.opened_to,
            updated_from: self.updated_from,
            updated_to: self.updated_to,
            closed_from: self.closed_from,
            closed_to: self.closed_to,
            open: self.open,
            due_by: due_by(ctx, self.sla_breached, self.due_within_hours)?,
            view: None,
            search: None,
        })
    }
}

fn due_by(
    ctx: &Context<'_>,
    breached: Option<bool>,
    within: Option<i32>,
) -> GqlResult<Option<DateTime<Utc>>> {
    let now = ctx.shared()?.services.now();
    Ok(match (breached, within) {
        (_, Some(h)) if !(0..=24 * 365).contains(&h) => {
            return Err(ApiError::validation("dueWithinHours must be 0-8760").into());
        }
        (_, Some(h)) => Some(now + chrono::Duration::hours(i64::from(h))),
        (Some(true), None) => Some(now),
        _ => None,
    })
}

/// Sort field of the inquiries list (R44). Empty values (no due date, not closed, unassigned)
/// sort after every value.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum InquiryOrderField {
    #[default]
    OpenedAt,
    UpdatedAt,
    Number,
    StatusChangedAt,
    ClosedAt,
    DueAt,
    Status,
    Channel,
    Triplet,
    Team,
    Office,
    Assignee,
}

impl From<InquiryOrderField> for SortField {
    fn from(f: InquiryOrderField) -> Self {
        match f {
            InquiryOrderField::OpenedAt => SortField::OpenedAt,
            InquiryOrderField::UpdatedAt => SortField::UpdatedAt,
            InquiryOrderField::Number => SortField::Number,
            InquiryOrderField::StatusChangedAt => SortField::StatusChangedAt,
            InquiryOrderField::ClosedAt => SortField::ClosedAt,
            InquiryOrderField::DueAt => SortField::DueAt,
            InquiryOrderField::Status => SortField::Status,
            InquiryOrderField::Channel => SortField::Channel,
            InquiryOrderField::Triplet => SortField::TripletCode,
            InquiryOrderField::Team => SortField::TeamId,
            InquiryOrderField::Office => SortField::OfficeId,
            InquiryOrderField::Assignee => SortField::AssigneeId,
        }
    }
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OrderDirection {
    Asc,
    #[default]
    Desc,
}

/// Order of the inquiries list (ties broken by id, so pages are stable).
#[derive(InputObject, Clone, Copy, Default)]
pub struct InquiryOrder {
    pub field: InquiryOrderField,
    pub direction: OrderDirection,
}

/// Extra connection fields: `totalCount` runs its COUNT only when a client asks for it.
pub struct TotalCount {
    scope: ReadScope,
    filter: InquiryFilter,
}

#[Object]
impl TotalCount {
    /// Number of inquiries matching the filter (costs a COUNT: ask only when needed).
    async fn total_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        let n = q::count(&ctx.shared()?.db, &self.scope, &self.filter)
            .await
            .map_err(ApiError::from)?;
        Ok(n as i64)
    }
}

/// Builds an inquiries connection page in the viewer's scope.
pub async fn inquiry_connection(
    ctx: &Context<'_>,
    filter: InquiryFilter,
    order: Option<InquiryOrder>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> GqlResult<Connection<String, Inquiry, TotalCount>> {
    let shared = ctx.shared()?;
    let scope = ctx.scope()?;
    // Without an explicit order, the SLA filters list the most urgent first (and use the
    // open-inquiries due-date index); everything else the newest first.
    let order = order.unwrap_or(if filter.due_by.is_some() {
        InquiryOrder {
            field: InquiryOrderField::DueAt,
            direction: OrderDirection::Asc,
        }
    } else {
        InquiryOrder::default()
    });
    let field = SortField::from(order.field);
    let dir = match order.direction {
        OrderDirection::Asc => SortDir::Asc,
        OrderDirection::Desc => SortDir::Desc,
    };
    let page: PageArgs<KeysetPos> = PageArgs::parse(&shared.ids, first, after, last, before)?;
    if let Some(c) = &page.cursor
        && (c.field != field || c.dir != dir)
    {
        return Err(ApiError::validation("the cursor belongs to another sort order").into());
    }
    let had_cursor = page.cursor.is_some();
    let window = Window {
        limit: page.limit,
        cursor: page.cursor,
        backward: page.backward,
    };
    let (rows, more) = q::list(&shared.db, &scope, &filter, field, dir, &window)
        .await
        .map_err(ApiError::from)?;
    let (prev, next) = page_flags(window.backward, had_cursor, more);
    let mut conn = Connection::with_additional_fields(prev, next, TotalCount { scope, filter });
    for row in rows {
        let cursor = cursor_of(&shared.ids, &KeysetPos::of(&row, field, dir))?;
        conn.edges.push(Edge::new(cursor, Inquiry(row)));
    }
    Ok(conn)
}
