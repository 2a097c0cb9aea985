//! Reference objects: offices, teams, topics and triplets (read from the in-memory snapshot).

use async_graphql::{Context, ID, Object};
use entity::{office, team, topic, triplet};

use super::enums::{OfficeKind, RoutingKind, parse_stored};
use crate::domain;
use crate::graphql::context::CtxExt;
use crate::graphql::errors::GqlResult;
use crate::graphql::ids::{NodeKey, NodeType, node_id};

/// An ITA office (משרד).
#[derive(Clone)]
pub struct Office(pub office::Model);

#[Object]
impl Office {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Office, &NodeKey::Int(self.0.id))
    }
    /// Stable office code, e.g. `IT_TA1`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name_he(&self) -> &str {
        &self.0.name_he
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    async fn kind(&self) -> GqlResult<OfficeKind> {
        let k: domain::OfficeKind = parse_stored("office kind", &self.0.kind.to_ascii_uppercase())?;
        Ok(k.into())
    }
    /// City (Hebrew name) where the office sits.
    async fn city(&self) -> &str {
        &self.0.city_he
    }
    /// The office's teams.
    async fn teams(&self, ctx: &Context<'_>) -> GqlResult<Vec<Team>> {
        let r = &ctx.shared()?.reference;
        Ok(r.teams
            .iter()
            .filter(|t| t.office_id == self.0.id)
            .cloned()
            .map(Team)
            .collect())
    }
}

/// A team (צוות) inside an office. New inquiries are routed to teams, not to clerks (R24).
#[derive(Clone)]
pub struct Team(pub team::Model);

#[Object]
impl Team {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Team, &NodeKey::Int(self.0.id))
    }
    /// Team kind code (teams.csv), e.g. `IT_UNIT17`.
    async fn code(&self) -> &str {
        &self.0.kind_code
    }
    async fn name_he(&self) -> &str {
        &self.0.name_he
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Administrative unit (חוליה), e.g. `חוליה 17`, when the team belongs to one.
    async fn unit(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        Ok(ctx
            .shared()?
            .reference
            .team_kind(&self.0.kind_code)
            .and_then(|k| k.unit.clone()))
    }
    async fn office(&self, ctx: &Context<'_>) -> GqlResult<Option<Office>> {
        Ok(ctx
            .shared()?
            .reference
            .office(self.0.office_id)
            .cloned()
            .map(Office))
    }
}

/// A main (level 1) or secondary (level 2) topic.
#[derive(Clone)]
pub struct Topic(pub topic::Model);

#[Object]
impl Topic {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Topic, &NodeKey::Code(self.0.code.clone()))
    }
    /// Topic code: `IT` (main) or `IT.REFUND` (secondary).
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name_he(&self) -> &str {
        &self.0.name_he
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// 1 = main topic, 2 = secondary topic.
    async fn level(&self) -> i32 {
        i32::from(self.0.level)
    }
    /// Secondary topics of a main topic.
    async fn children(&self, ctx: &Context<'_>) -> GqlResult<Vec<Topic>> {
        let r = &ctx.shared()?.reference;
        Ok(r.topics
            .iter()
            .filter(|t| t.parent_code.as_deref() == Some(self.0.code.as_str()))
            .cloned()
            .map(Topic)
            .collect())
    }
    /// Leaf triplets under a secondary topic.
    async fn triplets(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] selectable_only: bool,
    ) -> GqlResult<Vec<Triplet>> {
        let r = &ctx.shared()?.reference;
        Ok(r.triplets
            .iter()
            .filter(|t| {
                t.secondary_code == self.0.code || (self.0.level == 1 && t.main_code == self.0.code)
            })
            .filter(|t| !selectable_only || t.customer_selectable)
            .cloned()
            .map(Triplet)
            .collect())
    }
}

/// A triplet (שלשה): main topic / secondary topic / topic detail (§4.1).
#[derive(Clone)]
pub struct Triplet(pub triplet::Model);

#[Object]
impl Triplet {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::Triplet, &NodeKey::Code(self.0.code.clone()))
    }
    /// Stable code `MAIN.SECONDARY.DETAIL`, e.g. `IT.REFUND.FORM135`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn main(&self, ctx: &Context<'_>) -> GqlResult<Option<Topic>> {
        Ok(ctx
            .shared()?
            .reference
            .topic(&self.0.main_code)
            .cloned()
            .map(Topic))
    }
    async fn secondary(&self, ctx: &Context<'_>) -> GqlResult<Option<Topic>> {
        Ok(ctx
            .shared()?
            .reference
            .topic(&self.0.secondary_code)
            .cloned()
            .map(Topic))
    }
    /// The third level, the topic detail (פירוט נושא), beside `main` and `secondary`.
    async fn detail(&self) -> TripletDetail {
        TripletDetail {
            code: self
                .0
                .code
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string(),
            name_he: self.0.detail_he.clone(),
            name_en: self.0.detail_en.clone(),
        }
    }
    /// The detail level's Hebrew name (פירוט נושא).
    async fn detail_he(&self) -> &str {
        &self.0.detail_he
    }
    async fn detail_en(&self) -> &str {
        &self.0.detail_en
    }
    /// "main / secondary / detail" in Hebrew, for display.
    async fn name_he(&self, ctx: &Context<'_>) -> GqlResult<String> {
        let r = &ctx.shared()?.reference;
        let name = |c: &str| r.topic(c).map(|t| t.name_he.clone()).unwrap_or_default();
        Ok(format!(
            "{} / {} / {}",
            name(&self.0.main_code),
            name(&self.0.secondary_code),
            self.0.detail_he
        ))
    }
    /// "main / secondary / detail" in English.
    async fn name_en(&self, ctx: &Context<'_>) -> GqlResult<String> {
        let r = &ctx.shared()?.reference;
        let name = |c: &str| r.topic(c).map(|t| t.name_en.clone()).unwrap_or_default();
        Ok(format!(
            "{} / {} / {}",
            name(&self.0.main_code),
            name(&self.0.secondary_code),
            self.0.detail_en
        ))
    }
    /// The tax year is mandatory for this triplet (R5).
    async fn tax_year_required(&self) -> bool {
        self.0.tax_year_required
    }
    /// Customers may choose it; internal triplets are set by staff only.
    async fn customer_selectable(&self) -> bool {
        self.0.customer_selectable
    }
    /// Representatives need a client-approved power of attorney for it (R36).
    async fn representative_poa_topic(&self) -> bool {
        self.0.representative_poa_topic
    }
    /// The rule that picks the office (§7).
    async fn routing(&self) -> GqlResult<RoutingKind> {
        let k: domain::RoutingKind = parse_stored("routing", &self.0.routing.to_ascii_uppercase())?;
        Ok(k.into())
    }
    /// The team kind inquiries are assigned to after routing.
    async fn default_team_code(&self) -> &str {
        &self.0.default_team_kind
    }
}

/// A triplet's third level, the topic detail (פירוט נושא).
#[derive(async_graphql::SimpleObject)]
pub struct TripletDetail {
    /// The detail segment of the code (`FORM135` in `IT.REFUND.FORM135`).
    pub code: String,
    pub name_he: String,
    pub name_en: String,
}
