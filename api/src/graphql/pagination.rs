//! Relay cursor pagination: argument checks (page size 1-100, one direction at a time) and
//! signed keyset cursors.

use serde::{Serialize, de::DeserializeOwned};

use super::errors::ApiError;
use super::ids::IdCodec;

pub const MAX_PAGE: i32 = 100;

/// A checked page request: `limit` rows after (or before, walking backwards) a cursor.
#[derive(Debug, Clone)]
pub struct PageArgs<P> {
    pub limit: u64,
    pub cursor: Option<P>,
    pub backward: bool,
}

impl<P: DeserializeOwned> PageArgs<P> {
    /// Validates Relay arguments. `first` or `last` is required (1-100); `after` goes with
    /// `first`, `before` with `last`.
    pub fn parse(
        ids: &IdCodec,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Self, ApiError> {
        let (size, cursor, backward) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(ApiError::validation(
                    "pass either `first` or `last`, not both",
                ));
            }
            (None, None) => {
                return Err(ApiError::validation(
                    "`first` or `last` is required (1-100)",
                ));
            }
            (Some(n), None) => {
                if before.is_some() {
                    return Err(ApiError::validation("`before` goes with `last`"));
                }
                (n, after, false)
            }
            (None, Some(n)) => {
                if after.is_some() {
                    return Err(ApiError::validation("`after` goes with `first`"));
                }
                (n, before, true)
            }
        };
        if !(1..=MAX_PAGE).contains(&size) {
            return Err(ApiError::validation(format!(
                "page size must be between 1 and {MAX_PAGE}, got {size}"
            )));
        }
        let cursor = match cursor {
            Some(c) => {
                let json = ids.verify_cursor(&c)?;
                Some(
                    serde_json::from_str(&json)
                        .map_err(|_| ApiError::validation("invalid cursor"))?,
                )
            }
            None => None,
        };
        Ok(Self {
            limit: size as u64,
            cursor,
            backward,
        })
    }
}

/// Signs a keyset position as an opaque cursor.
pub fn cursor_of<P: Serialize>(ids: &IdCodec, pos: &P) -> Result<String, ApiError> {
    let json = serde_json::to_string(pos).map_err(ApiError::internal)?;
    Ok(ids.sign_cursor(&json))
}

/// `(hasPreviousPage, hasNextPage)` for a page fetched with LIMIT n+1.
pub fn page_flags(backward: bool, had_cursor: bool, more: bool) -> (bool, bool) {
    if backward {
        (more, had_cursor)
    } else {
        (had_cursor, more)
    }
}
