//! What resolvers can reach: the shared application state and the per-request context.

use std::sync::Arc;

use crate::store::Db as DatabaseConnection;
use async_graphql::Context;

use super::errors::{ApiError, GqlResult};
use super::ids::IdCodec;
use super::loaders::Loaders;
use crate::domain::{Principal, ReadScope};
use crate::store::reference::Reference;

/// Shared, immutable application state (schema data).
pub struct Shared {
    pub db: DatabaseConnection,
    pub reference: Arc<Reference>,
    pub ids: IdCodec,
    pub services: Arc<crate::service::inquiries::Services>,
    /// Jobs one replica runs at a time (retraining).
    pub job_lock: Arc<dyn crate::infra::locks::JobLock>,
}

/// Per-request data: the authenticated principal and the request's loaders.
pub struct RequestCtx {
    pub principal: Principal,
    pub loaders: Loaders,
    pub request_id: String,
    /// The rows this principal reads (loaded once per request).
    pub scope: ReadScope,
    /// Personal-data reads of this request, for its audit row.
    pub reads: super::guards::SharedReadLog,
    /// What this request was charged against the principal's rate limit (HTTP only).
    pub rate: Option<crate::infra::ratelimit::RateDecision>,
    /// A graphql-transport-ws connection: subscriptions only (queries and mutations go through
    /// POST /graphql, with its limits and audit).
    pub websocket: bool,
}

pub trait CtxExt {
    fn shared(&self) -> GqlResult<&Shared>;
    fn req(&self) -> GqlResult<&RequestCtx>;
    fn principal(&self) -> GqlResult<&Principal> {
        Ok(&self.req()?.principal)
    }
    fn scope(&self) -> GqlResult<ReadScope> {
        Ok(self.req()?.scope.clone())
    }
    /// The use cases and the acting principal.
    fn services(
        &self,
    ) -> GqlResult<(
        &crate::service::inquiries::Services,
        crate::service::inquiries::Actor,
    )> {
        let req = self.req()?;
        let actor = crate::service::inquiries::Actor {
            principal: req.principal.clone(),
            request_id: Some(req.request_id.clone()),
        };
        Ok((&self.shared()?.services, actor))
    }
}

impl CtxExt for Context<'_> {
    fn shared(&self) -> GqlResult<&Shared> {
        self.data::<Shared>()
    }
    fn req(&self) -> GqlResult<&RequestCtx> {
        self.data::<RequestCtx>()
            .map_err(|_| ApiError::unauthenticated("authentication is required").into())
    }
}
