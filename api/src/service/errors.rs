//! Failures that are not the client's: logged with their cause, answered with `INTERNAL`.

use crate::domain::error::{DomainError, ErrorCode};

impl DomainError {
    /// An internal failure: the cause is logged, the client sees only the code.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            ErrorCode::Internal,
            "internal error; the incident was logged",
        )
    }
}

impl From<crate::store::StoreError> for DomainError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::internal(e)
    }
}
