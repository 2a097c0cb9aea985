//! Core queries (viewer, nodes, inquiries, customers, reference data): thin resolvers that parse, authorise and call the store.

use async_graphql::{Context, ID, Object, SimpleObject, connection::Connection};

use super::context::CtxExt;
use super::errors::{ApiError, GqlResult};
use super::ids::{NodeKey, NodeType};
use super::pagination::{PageArgs, page_flags};
use super::types::Node;
use super::types::enums::Role;
use super::types::inquiry::{
    Inquiry, InquiryFilterInput, InquiryOrder, TotalCount, inquiry_connection,
};
use super::types::people::{Customer, Representative, User};
use super::types::reference::{Office, Team, Topic, Triplet};
use crate::domain::principal::PrincipalKind;
use crate::store;

#[derive(Default)]
pub struct CoreQuery;

/// A clerk's view of the inquiries (R44).
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
pub enum InquiryView {
    /// Open, unassigned, in the viewer's teams ("waiting for my team").
    WaitingForMyTeam,
    /// Open and assigned to a member of the viewer's teams ("handled by users of my team").
    HandledByMyTeamUsers,
    /// Everything in the viewer's office ("all inquiries in my business unit").
    MyBusinessUnit,
    /// Open inquiries assigned to the viewer.
    MyAssigned,
}

impl From<InquiryView> for crate::service::views::View {
    fn from(v: InquiryView) -> Self {
        match v {
            InquiryView::WaitingForMyTeam => Self::WaitingForMyTeam,
            InquiryView::HandledByMyTeamUsers => Self::HandledByMyTeamUsers,
            InquiryView::MyBusinessUnit => Self::MyBusinessUnit,
            InquiryView::MyAssigned => Self::MyAssigned,
        }
    }
}

/// The authenticated viewer.
#[derive(SimpleObject)]
pub struct Viewer {
    /// STAFF, CUSTOMER or REPRESENTATIVE.
    kind: String,
    roles: Vec<Role>,
    user: Option<User>,
    customer: Option<Customer>,
    representative: Option<Representative>,
}

const MAX_NODES: usize = 100;

/// The customers connection's `totalCount`, counted only when a client asks for it.
pub struct CustomerCount {
    search: Option<String>,
}

#[Object]
impl CustomerCount {
    /// Number of customers matching the search (costs a COUNT: ask only when needed).
    async fn total_count(&self, ctx: &Context<'_>) -> GqlResult<i64> {
        let n = store::people::count_customers(&ctx.shared()?.db, self.search.as_deref())
            .await
            .map_err(ApiError::from)?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// The caller's request budget (`rateLimit`).
#[derive(async_graphql::SimpleObject)]
pub struct RateLimit {
    /// What this request cost.
    pub cost: i64,
    /// Requests allowed per minute.
    pub limit: i64,
    /// Left in the current minute.
    pub remaining: i64,
    /// When the minute's budget is renewed.
    pub reset_at: chrono::DateTime<chrono::Utc>,
}

#[Object]
#[allow(clippy::too_many_arguments)]
impl CoreQuery {
    /// Where the caller stands against its per-minute request limit, after this request (as
    /// GitHub's `rateLimit`); null over WebSocket, where subscriptions are not charged.
    async fn rate_limit(&self, ctx: &Context<'_>) -> GqlResult<Option<RateLimit>> {
        Ok(ctx.req()?.rate.map(|d| RateLimit {
            cost: i64::from(crate::http::REQUEST_COST),
            limit: i64::from(d.limit),
            remaining: i64::from(d.remaining),
            reset_at: d.reset_at,
        }))
    }
    /// Who is asking.
    async fn me(&self, ctx: &Context<'_>) -> GqlResult<Viewer> {
        let p = ctx.principal()?;
        let req = ctx.req()?;
        let roles = p.roles.iter().map(|r| (*r).into()).collect();
        Ok(match p.kind {
            PrincipalKind::Staff(id) => Viewer {
                kind: "STAFF".into(),
                roles,
                user: req.loaders.users.load_one(id).await?.map(User),
                customer: None,
                representative: None,
            },
            PrincipalKind::Customer(id) => Viewer {
                kind: "CUSTOMER".into(),
                roles,
                user: None,
                customer: req.loaders.customers.load_one(id).await?.map(Customer),
                representative: None,
            },
            PrincipalKind::Representative(id) => Viewer {
                kind: "REPRESENTATIVE".into(),
                roles,
                user: None,
                customer: None,
                representative: req
                    .loaders
                    .representatives
                    .load_one(id)
                    .await?
                    .map(Representative),
            },
        })
    }

    /// Fetches any object by its global ID, with the same authorisation as the typed fields.
    /// An ID outside the viewer's scope is NOT_FOUND.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Node>> {
        let r: GqlResult<Node> = async {
            resolve_node(ctx, &id)
                .await?
                .ok_or_else(|| ApiError::not_found("object").into())
        }
        .await;
        r.map(Some)
    }

    /// Fetches up to 100 objects by global ID; unknown or out-of-scope IDs resolve to null.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> GqlResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::validation(format!("at most {MAX_NODES} ids")).into());
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(resolve_node(ctx, id).await.ok().flatten());
        }
        Ok(out)
    }

    /// An inquiry by global ID.
    async fn inquiry(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Inquiry> {
        let key = ctx.shared()?.ids.decode_int(&id, NodeType::Inquiry)?;
        find_inquiry(ctx, key)
            .await?
            .ok_or_else(|| ApiError::not_found("inquiry").into())
    }

    /// An inquiry by its human number.
    async fn inquiry_by_number(&self, ctx: &Context<'_>, number: i64) -> GqlResult<Inquiry> {
        let s = ctx.shared()?;
        let row = store::inquiries::find_by_number(&s.db, &ctx.scope()?, number)
            .await
            .map_err(ApiError::from)?;
        row.map(Inquiry)
            .ok_or_else(|| ApiError::not_found("inquiry").into())
    }

    /// Inquiries the viewer may read, keyset-paginated: optionally through a clerk's `view`
    /// (R44), filtered, ordered, and searched inside the view (R45: inquiry number, national ID
    /// with or without leading zeros, file number, assessment number, "last first" or "first
    /// last" name; `*` searches for a part; Hebrew final letters and niqqud are folded).
    #[graphql(complexity = "first.or(last).unwrap_or(1).max(1) as usize * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn inquiries(
        &self,
        ctx: &Context<'_>,
        view: Option<InquiryView>,
        search: Option<String>,
        filter: Option<InquiryFilterInput>,
        order_by: Option<InquiryOrder>,
        #[graphql(
            desc = "One of the viewer's saved views; the other arguments override its parts."
        )]
        saved_view_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Connection<String, Inquiry, TotalCount>> {
        let (view, search, filter, order_by) = match saved_view_id {
            None => (view, search, filter, order_by),
            Some(id) => {
                let key = ctx.shared()?.ids.decode_int(&id, NodeType::SavedView)?;
                let (svc, actor) = ctx.services()?;
                let saved = crate::service::views::saved_view(svc, &actor, key).await?;
                let d = super::views_api::SavedViewDefinitionInput::from_stored(&saved.definition)?;
                (
                    view.or(d.view),
                    search.or(d.search),
                    filter.or(d.filter),
                    order_by.or(d.order_by),
                )
            }
        };
        let mut f = filter.unwrap_or_default().into_store(ctx)?;
        if let Some(v) = view {
            let (svc, actor) = ctx.services()?;
            f.view =
                Some(crate::service::views::resolve_view(svc, &actor.principal, v.into()).await?);
        }
        if let Some(text) = search {
            f.search = Some(crate::service::views::parse_search(&text)?);
        }
        inquiry_connection(ctx, f, order_by, first, after, last, before).await
    }

    /// A customer by global ID (R1: with all of the customer's inquiries).
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Customer> {
        let key = ctx.shared()?.ids.decode_int(&id, NodeType::Customer)?;
        find_customer(ctx, key)
            .await?
            .ok_or_else(|| ApiError::not_found("customer").into())
    }

    /// Customers (staff only), optionally searched by national ID (leading zeros optional),
    /// file number or "last first" name.
    #[graphql(complexity = "first.or(last).unwrap_or(1).max(1) as usize * child_complexity")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> GqlResult<Option<Connection<String, Customer, CustomerCount>>> {
        let r: GqlResult<Connection<String, Customer, CustomerCount>> = async {
            if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
                return Err(
                    ApiError::validation("search text is limited to 100 characters").into(),
                );
            }
            let s = ctx.shared()?;
            let page: PageArgs<i64> = PageArgs::parse(&s.ids, first, after, last, before)?;
            let had = page.cursor.is_some();
            let (rows, more) = store::people::list_customers(
                &s.db,
                search.as_deref(),
                page.cursor,
                page.backward,
                page.limit,
            )
            .await
            .map_err(ApiError::from)?;
            let (prev, next) = page_flags(page.backward, had, more);
            let mut conn = Connection::with_additional_fields(prev, next, CustomerCount { search });
            for c in rows {
                let cursor = super::pagination::cursor_of(&s.ids, &c.id)?;
                conn.edges
                    .push(async_graphql::connection::Edge::new(cursor, Customer(c)));
            }
            Ok(conn)
        }
        .await;
        r.map(Some)
    }

    /// The topic tree: main topics with their secondary topics and triplets (§4.1).
    async fn topic_tree(&self, ctx: &Context<'_>) -> GqlResult<Vec<Topic>> {
        ctx.principal()?;
        Ok(ctx
            .shared()?
            .reference
            .topics
            .iter()
            .filter(|t| t.level == 1)
            .cloned()
            .map(Topic)
            .collect())
    }

    /// A triplet by code, e.g. `IT.REFUND.FORM135`.
    async fn triplet(&self, ctx: &Context<'_>, code: String) -> GqlResult<Triplet> {
        ctx.principal()?;
        ctx.shared()?
            .reference
            .triplet(&code)
            .cloned()
            .map(Triplet)
            .ok_or_else(|| ApiError::not_found("triplet").into())
    }

    /// All triplets; `selectableOnly` keeps those a customer may choose.
    async fn triplets(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] selectable_only: bool,
    ) -> GqlResult<Vec<Triplet>> {
        ctx.principal()?;
        Ok(ctx
            .shared()?
            .reference
            .triplets
            .iter()
            .filter(|t| !selectable_only || t.customer_selectable)
            .cloned()
            .map(Triplet)
            .collect())
    }

    /// Teams, optionally of one office.
    async fn teams(
        &self,
        ctx: &Context<'_>,
        office_id: Option<ID>,
    ) -> GqlResult<Option<Vec<Team>>> {
        let r: GqlResult<Vec<Team>> = async {
            let s = ctx.shared()?;
            let office = office_id
                .map(|id| s.ids.decode_int(&id, NodeType::Office))
                .transpose()?;
            Ok(s.reference
                .teams
                .iter()
                .filter(|t| office.is_none_or(|o| t.office_id == o))
                .cloned()
                .map(Team)
                .collect())
        }
        .await;
        r.map(Some)
    }

    /// Suggests triplets for an inquiry text (R8): ranked leaves with calibrated probabilities,
    /// the main and secondary topic, and whether the model abstains. Text: 1-5,000 characters.
    async fn suggest_triplets(
        &self,
        ctx: &Context<'_>,
        text: String,
        limit: Option<i32>,
    ) -> GqlResult<super::types::suggestion::TripletSuggestions> {
        let limit = limit.unwrap_or(3);
        if !(1..=10).contains(&limit) {
            return Err(ApiError::validation("limit must be between 1 and 10").into());
        }
        let p = ctx
            .shared()?
            .services
            .suggestions
            .suggest(&text, limit as usize)
            .await?;
        Ok(p.into())
    }

    /// All offices.
    async fn offices(&self, ctx: &Context<'_>) -> GqlResult<Vec<Office>> {
        ctx.principal()?;
        Ok(ctx
            .shared()?
            .reference
            .offices
            .iter()
            .cloned()
            .map(Office)
            .collect())
    }
}

async fn find_inquiry(ctx: &Context<'_>, key: i64) -> GqlResult<Option<Inquiry>> {
    let s = ctx.shared()?;
    Ok(store::inquiries::find(&s.db, &ctx.scope()?, key)
        .await
        .map_err(ApiError::from)?
        .map(Inquiry))
}

async fn find_customer(ctx: &Context<'_>, key: i64) -> GqlResult<Option<Customer>> {
    let s = ctx.shared()?;
    if !store::people::customer_visible(&s.db, &ctx.scope()?, key)
        .await
        .map_err(ApiError::from)?
    {
        return Ok(None);
    }
    Ok(ctx
        .req()?
        .loaders
        .customers
        .load_one(key)
        .await?
        .map(Customer))
}

/// Resolves a node through the same scope checks as the typed entry points.
async fn resolve_node(ctx: &Context<'_>, id: &ID) -> GqlResult<Option<Node>> {
    let s = ctx.shared()?;
    let p = ctx.principal()?;
    let (ty, key) = s.ids.decode(id)?;
    let int = |k: &NodeKey| match k {
        NodeKey::Int(i) => Ok(*i),
        NodeKey::Code(_) => Err(ApiError::not_found("object")),
    };
    let code = |k: &NodeKey| match k {
        NodeKey::Code(c) => Ok(c.clone()),
        NodeKey::Int(_) => Err(ApiError::not_found("object")),
    };
    Ok(match ty {
        NodeType::Inquiry => find_inquiry(ctx, int(&key)?).await?.map(Node::Inquiry),
        NodeType::Customer => find_customer(ctx, int(&key)?).await?.map(Node::Customer),
        NodeType::Representative => {
            let k = int(&key)?;
            let visible = p.is_staff() || p.kind == PrincipalKind::Representative(k);
            if !visible {
                return Ok(None);
            }
            ctx.req()?
                .loaders
                .representatives
                .load_one(k)
                .await?
                .map(|r| Node::Representative(Representative(r)))
        }
        NodeType::User => {
            if !p.is_staff() {
                return Ok(None);
            }
            ctx.req()?
                .loaders
                .users
                .load_one(int(&key)?)
                .await?
                .map(|u| Node::User(User(u)))
        }
        NodeType::Team => s
            .reference
            .team(int(&key)?)
            .cloned()
            .map(|t| Node::Team(Team(t))),
        NodeType::Office => s
            .reference
            .office(int(&key)?)
            .cloned()
            .map(|o| Node::Office(Office(o))),
        NodeType::Triplet => s
            .reference
            .triplet(&code(&key)?)
            .cloned()
            .map(|t| Node::Triplet(Triplet(t))),
        NodeType::Topic => s
            .reference
            .topic(&code(&key)?)
            .cloned()
            .map(|t| Node::Topic(Topic(t))),
        NodeType::HistoryEntry => {
            if !p.is_staff() {
                return Ok(None);
            }
            let row = store::inquiries::history_entry(&s.db, int(&key)?)
                .await
                .map_err(ApiError::from)?;
            match row {
                Some(h) if find_inquiry(ctx, h.inquiry_id).await?.is_some() => {
                    Some(Node::HistoryEntry(super::types::inquiry::HistoryEntry(h)))
                }
                _ => None,
            }
        }
        NodeType::ResponseTemplate => {
            if !p.is_staff() {
                return Ok(None);
            }
            // The same rows as `responseTemplates`: the viewer's office's and the general ones.
            let (svc, actor) = ctx.services()?;
            let office = svc.staff(&svc.db, &actor).await?.office_id;
            crate::store::templates::find(&s.db, int(&key)?)
                .await
                .map_err(ApiError::from)?
                .filter(|t| t.office_id.is_none() || office.is_none() || t.office_id == office)
                .map(|t| Node::ResponseTemplate(super::templates_api::ResponseTemplate(t)))
        }
        // A file, authorised like its inquiry's `attachments` list: staff who read the inquiry;
        // the customer side only files shown in the personal area and not refused.
        NodeType::Attachment => {
            let row = store::inquiries::attachment(&s.db, int(&key)?)
                .await
                .map_err(ApiError::from)?;
            match row {
                Some(a)
                    if (p.is_staff()
                        || (a.show_on_internet
                            && matches!(
                                a.sanitize_status.as_str(),
                                "CLEAN" | crate::service::attachments::PENDING
                            )))
                        && find_inquiry(ctx, a.inquiry_id).await?.is_some() =>
                {
                    Some(Node::Attachment(super::attachment_api::Attachment(a)))
                }
                _ => None,
            }
        }
        NodeType::SavedView => {
            let (svc, actor) = ctx.services()?;
            match crate::service::views::saved_view(svc, &actor, int(&key)?).await {
                Ok(v) => Some(Node::SavedView(super::views_api::SavedView(v))),
                Err(_) => None,
            }
        }
        NodeType::Correspondence => {
            let row = store::inquiries::correspondence(&s.db, int(&key)?)
                .await
                .map_err(ApiError::from)?;
            match row {
                Some(c) if find_inquiry(ctx, c.inquiry_id).await?.is_some() => Some(
                    Node::Correspondence(super::types::inquiry::Correspondence(c)),
                ),
                _ => None,
            }
        }
    })
}
