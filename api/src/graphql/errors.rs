//! The one mapping from failures to GraphQL errors with a stable `extensions.code`.
//! Clients get the code and a clear message; logs get the cause. SQL, ORM and stack text never
//! reach a client.

use async_graphql::ErrorExtensions;

pub use crate::domain::error::{DomainError as ApiError, ErrorCode};

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        async_graphql::Error::new(e.message).extend_with(|_, ext| ext.set("code", e.code.as_ref()))
    }
}

/// Result type of resolvers.
pub type GqlResult<T> = Result<T, async_graphql::Error>;

/// Gives every error in a response a code: errors raised before execution (parse, validation,
/// input coercion) come from async-graphql without one.
pub fn ensure_codes(resp: &mut async_graphql::Response) {
    for err in &mut resp.errors {
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if has_code {
            continue;
        }
        let code = classify(&err.message);
        let ext = err.extensions.get_or_insert_with(Default::default);
        ext.set("code", code.as_ref());
    }
}

fn classify(message: &str) -> ErrorCode {
    let m = message.to_ascii_lowercase();
    if m.contains("too complex")
        || m.contains("too deep")
        || m.contains("too many")
        || m.contains("recursion depth")
        || m.contains("cannot be greater than")
    {
        ErrorCode::QueryTooComplex
    } else if m.contains("input type")
        || m.contains("invalid value")
        || m.contains("failed to parse \"")
        || m.contains("variable")
    {
        // Input coercion: a value of the wrong type or enum, a missing required variable.
        ErrorCode::Validation
    } else if m.starts_with(" -->")
        || m.contains("parse")
        || m.contains("expected ")
        || m.contains("unexpected")
    {
        ErrorCode::GraphqlParseFailed
    } else {
        ErrorCode::GraphqlValidationFailed
    }
}
