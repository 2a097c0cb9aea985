//! Saved custom views (R44): a clerk names a view, a search, filters and an order, and opens
//! it later with `inquiries(savedViewId:)`. Each user sees only their own.

use async_graphql::{Context, ID, InputObject, InputType, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::saved_view;

use super::context::CtxExt;
use super::errors::{ApiError, GqlResult};
use super::ids::{NodeKey, NodeType, node_id};
use super::query::InquiryView;
use super::types::inquiry::{InquiryFilterInput, InquiryOrder};
use crate::service::views as svc_views;

/// What a saved view holds: the arguments of `inquiries` it stands for.
#[derive(InputObject, Default)]
pub struct SavedViewDefinitionInput {
    pub view: Option<InquiryView>,
    pub search: Option<String>,
    pub filter: Option<InquiryFilterInput>,
    pub order_by: Option<InquiryOrder>,
}

impl SavedViewDefinitionInput {
    /// Parses a stored definition (stored only after it was validated).
    pub fn from_stored(text: &str) -> GqlResult<Self> {
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|_| ApiError::internal("a stored view definition is not JSON"))?;
        let value = async_graphql::Value::from_json(json)
            .map_err(|_| ApiError::internal("a stored view definition is not a GraphQL value"))?;
        Self::parse(Some(value)).map_err(|_| {
            ApiError::validation("this saved view no longer parses; save it again").into()
        })
    }

    /// Checks that the definition would run (IDs decode, search parses, limits hold).
    fn validate(&self, ctx: &Context<'_>) -> GqlResult<()> {
        if let Some(f) = &self.filter {
            let copy = InquiryFilterInput::parse(Some(f.to_value()))
                .map_err(|_| ApiError::validation("the filter does not parse"))?;
            copy.into_store(ctx)?;
        }
        if let Some(s) = &self.search {
            svc_views::parse_search(s)?;
        }
        Ok(())
    }
}

/// A saved custom view of the inquiries list (R44).
#[derive(Clone)]
pub struct SavedView(pub saved_view::Model);

#[Object]
impl SavedView {
    pub async fn id(&self, ctx: &Context<'_>) -> ID {
        node_id(ctx, NodeType::SavedView, &NodeKey::Int(self.0.id))
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The saved arguments: `{ view, search, filter, orderBy }` as given to `inquiries`.
    async fn definition(&self) -> GqlResult<Json<serde_json::Value>> {
        serde_json::from_str(&self.0.definition)
            .map(Json)
            .map_err(|_| ApiError::internal("a stored view definition is not JSON").into())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(InputObject)]
pub struct SaveViewInput {
    /// 1-100 characters; saving under an existing name replaces that view.
    pub name: String,
    pub definition: SavedViewDefinitionInput,
}

#[derive(InputObject)]
pub struct DeleteSavedViewInput {
    pub saved_view_id: ID,
}

#[derive(SimpleObject)]
pub struct SavedViewPayload {
    pub saved_view: SavedView,
}

#[derive(SimpleObject)]
pub struct DeleteSavedViewPayload {
    pub deleted_id: ID,
}

#[derive(Default)]
pub struct SavedViewQuery;

#[Object]
impl SavedViewQuery {
    /// The viewer's saved views, by name (staff).
    async fn saved_views(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<SavedView>>> {
        let r: GqlResult<Vec<SavedView>> = async {
            let (svc, actor) = ctx.services()?;
            Ok(svc_views::saved_views(svc, &actor)
                .await?
                .into_iter()
                .map(SavedView)
                .collect())
        }
        .await;
        r.map(Some)
    }
}

#[derive(Default)]
pub struct SavedViewMutations;

#[Object]
impl SavedViewMutations {
    /// Saves one of the viewer's custom views (at most 50; a name replaces its view).
    async fn save_view(
        &self,
        ctx: &Context<'_>,
        input: SaveViewInput,
    ) -> GqlResult<SavedViewPayload> {
        input.definition.validate(ctx)?;
        let json = input
            .definition
            .to_value()
            .into_json()
            .map_err(|_| ApiError::validation("the definition is not valid JSON"))?;
        let (svc, actor) = ctx.services()?;
        let row = svc_views::save_view(svc, &actor, &input.name, &json).await?;
        Ok(SavedViewPayload {
            saved_view: SavedView(row),
        })
    }

    /// Deletes one of the viewer's saved views.
    async fn delete_saved_view(
        &self,
        ctx: &Context<'_>,
        input: DeleteSavedViewInput,
    ) -> GqlResult<DeleteSavedViewPayload> {
        let id = ctx
            .shared()?
            .ids
            .decode_int(&input.saved_view_id, NodeType::SavedView)?;
        let (svc, actor) = ctx.services()?;
        svc_views::delete_view(svc, &actor, id).await?;
        Ok(DeleteSavedViewPayload {
            deleted_id: input.saved_view_id,
        })
    }
}
