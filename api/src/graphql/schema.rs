//! Builds the schema with its limits (depth, complexity with page sizes multiplied, no field
//! suggestions) and its shared data.

use async_graphql::Schema;

use super::context::Shared;
use super::mutation::MutationRoot;
use super::query::CoreQuery;

/// The query root, merged from the areas (each area owns its own object).
#[derive(async_graphql::MergedObject, Default)]
pub struct QueryRoot(
    CoreQuery,
    super::audit_api::AuditQuery,
    super::dashboard_api::DashboardQuery,
    super::templates_api::TemplateQuery,
    super::sla_api::SlaQuery,
    super::views_api::SavedViewQuery,
    super::learning_api::LearningQuery,
);

pub type ApiSchema = Schema<QueryRoot, MutationRoot, super::subscription::SubscriptionRoot>;

/// Deepest selection accepted.
pub const MAX_DEPTH: usize = 10;
/// Largest cost accepted; list fields multiply their children's cost by the page size.
pub const MAX_COMPLEXITY: usize = 20_000;

pub fn build(shared: Option<Shared>) -> ApiSchema {
    let mut b = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        super::subscription::SubscriptionRoot,
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(32)
    .limit_directives(10)
    .disable_suggestions()
    .extension(super::guards::PolicyGuard);
    if let Some(s) = shared {
        b = b.data(super::types::sla::sla_loader(&s.db)).data(s);
    }
    b.finish()
}

/// The SDL the server serves (`api schema`, and `schema.graphql` at the repo root).
pub fn sdl() -> String {
    build(None).sdl()
}
