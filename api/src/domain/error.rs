//! The stable error vocabulary: every refusal carries one code from [`ErrorCode`] and a clear,
//! client-safe message. The GraphQL layer maps it to `extensions.code`; the README lists the codes.

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
    /// A user keeps at most 50 saved views.
    SavedViewLimit,
    ReopenWindowExpired,
    PoaRequired,
    Conflict,
    RateLimited,
    /// The classifier is at capacity; retry shortly.
    ClassifierBusy,
    /// A classifier model's files on disk are missing or inconsistent; the active model serves on.
    ModelArtifactInvalid,
    QueryTooComplex,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    Internal,
}

/// An API failure: a code and a client-safe message.
/// Deliberately not `Display`/`Error`: conversion into a GraphQL error must go through the
/// `From` impl in `graphql::errors`, which attaches the code.
#[derive(Debug, Clone)]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
}

impl DomainError {
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
    pub fn invalid_transition(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidTransition, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message)
    }
}

/// The audit outcome of a refused mutation, from its error code (R3): `DENIED` when the caller
/// may not act (authorisation, a row outside its scope, a missing power of attorney), `ERROR`
/// for a failure of ours, `REFUSED` for a rule of the directive or bad input.
pub fn refusal_outcome(code: &str) -> &'static str {
    match code {
        "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "POA_REQUIRED" => "DENIED",
        "INTERNAL" | "MODEL_ARTIFACT_INVALID" => "ERROR",
        _ => "REFUSED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r3_refusals_are_classified_from_the_stable_codes() {
        assert_eq!(refusal_outcome(ErrorCode::Forbidden.as_ref()), "DENIED");
        assert_eq!(refusal_outcome(ErrorCode::PoaRequired.as_ref()), "DENIED");
        assert_eq!(
            refusal_outcome(ErrorCode::CorrespondenceLimit.as_ref()),
            "REFUSED"
        );
        assert_eq!(refusal_outcome(ErrorCode::Validation.as_ref()), "REFUSED");
        assert_eq!(refusal_outcome(ErrorCode::Internal.as_ref()), "ERROR");
    }
}
