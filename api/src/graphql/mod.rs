//! The GraphQL API: schema, types, resolvers, loaders, opaque IDs, pagination and the error
//! mapping. Resolvers stay thin: parse, authorise, call the store or a service, map errors.

pub mod activity_api;
pub mod attachment_api;
pub mod audit_api;
pub mod context;
pub mod dashboard_api;
pub mod errors;
pub mod guards;
pub mod ids;
pub mod info_api;
pub mod learning_api;
pub mod loaders;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod schema;
pub mod sla_api;
pub mod subscription;
pub mod templates_api;
pub mod types;
pub mod validation_api;
pub mod views_api;
