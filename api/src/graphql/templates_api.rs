//! Response templates (R42): list, draft, approve.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::response_template;

use super::context::CtxExt;
use super::errors::{ApiError, GqlResult};
use super::ids::{NodeKey, NodeType, node_id};
use super::types::reference::Triplet;

/// A response template (תבנית מענה).
#[derive(Clone)]
pub struct ResponseTemplate(pub response_template::Model);

#[Object]
impl ResponseTemplate {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::ResponseTemplate, &NodeKey::Int(self.0.id))
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Hebrew text with placeholders `{customerName}` and `{inquiryNumber}`.
    async fn body_he(&self) -> &str {
        &self.0.body_he
    }
    /// DRAFT, APPROVED or RETIRED.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// A system template of the directive (usable in every office).
    async fn system(&self) -> bool {
        self.0.system
    }
    /// The triplet it answers; null for all triplets.
    async fn triplet(&self, ctx: &Context<'_>) -> GqlResult<Option<Triplet>> {
        Ok(self
            .0
            .triplet_code
            .as_deref()
            .and_then(|c| ctx.shared().ok()?.reference.triplet(c).cloned())
            .map(Triplet))
    }
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.approved_at
    }
}

#[derive(InputObject)]
pub struct CreateResponseTemplateInput {
    pub triplet_code: Option<String>,
    pub title: String,
    pub body_he: String,
}

#[derive(InputObject)]
pub struct ApproveResponseTemplateInput {
    pub template_id: ID,
}

#[derive(SimpleObject)]
pub struct ResponseTemplatePayload {
    pub template: ResponseTemplate,
}

#[derive(Default)]
pub struct TemplateQuery;

#[Object]
impl TemplateQuery {
    /// Templates of the viewer's office and the system ones, for a triplet (and general ones).
    async fn response_templates(
        &self,
        ctx: &Context<'_>,
        triplet_code: Option<String>,
        #[graphql(default = true)] approved_only: bool,
    ) -> GqlResult<Option<Vec<ResponseTemplate>>> {
        let r: GqlResult<Vec<ResponseTemplate>> = async {
            let (svc, actor) = ctx.services()?;
            let staff = svc.staff(&svc.db, &actor).await?;
            let rows = crate::store::templates::list(
                &svc.db,
                triplet_code.as_deref(),
                staff.office_id,
                approved_only,
            )
            .await
            .map_err(ApiError::from)?;
            Ok(rows.into_iter().map(ResponseTemplate).collect())
        }
        .await;
        r.map(Some)
    }
}

#[derive(Default)]
pub struct TemplateMutations;

#[Object]
impl TemplateMutations {
    /// Drafts a template for the clerk's office (R42).
    async fn create_response_template(
        &self,
        ctx: &Context<'_>,
        input: CreateResponseTemplateInput,
    ) -> GqlResult<ResponseTemplatePayload> {
        let (svc, actor) = ctx.services()?;
        let m = crate::service::templates::create(
            svc,
            &actor,
            input.triplet_code,
            &input.title,
            &input.body_he,
        )
        .await?;
        Ok(ResponseTemplatePayload {
            template: ResponseTemplate(m),
        })
    }

    /// Approves a draft: the office manager or deputy of its office only (R42, §2.2.5).
    async fn approve_response_template(
        &self,
        ctx: &Context<'_>,
        input: ApproveResponseTemplateInput,
    ) -> GqlResult<ResponseTemplatePayload> {
        let (svc, actor) = ctx.services()?;
        let id = ctx
            .shared()?
            .ids
            .decode_int(&input.template_id, NodeType::ResponseTemplate)?;
        let m = crate::service::templates::approve(svc, &actor, id).await?;
        Ok(ResponseTemplatePayload {
            template: ResponseTemplate(m),
        })
    }
}
