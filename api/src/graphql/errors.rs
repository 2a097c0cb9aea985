//! The one mapping from failures to GraphQL errors with a stable `extensions.code`.
//! Clients get the code and a clear message; logs get the cause. SQL, ORM and stack text never
//! reach a client.

use async_graphql::ErrorExtensions;

/// Every client-facing error code, documented in the README's error table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr, strum::EnumIter)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    Validation,
    InvalidTransition,
    CorrespondenceLimit,
    OpenInquiryLimit,
    ReopenWindowExpired,
    PoaRequired,
    Conflict,
    RateLimited,
    QueryTooComplex,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    Internal,
}

/// An API failure: a code and a client-safe message.
/// Deliberately not `Display`/`Error`: conversion into a GraphQL error must go through the
/// `From` below, which attaches the code.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message)
    }
    /// An internal failure: the cause is logged, the client sees only the code.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            ErrorCode::Internal,
            "internal error; the incident was logged",
        )
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::internal(e)
    }
}

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
    if m.contains("too complex") || m.contains("too deep") || m.contains("too many") {
        ErrorCode::QueryTooComplex
    } else if m.starts_with(" -->")
        || m.contains("parse")
        || m.contains("expected ")
        || m.contains("unexpected")
    {
        ErrorCode::GraphqlParseFailed
    } else if m.contains("invalid value for argument")
        || m.contains("failed to parse")
        || m.contains("invalid value")
    {
        ErrorCode::Validation
    } else {
        ErrorCode::GraphqlValidationFailed
    }
}
