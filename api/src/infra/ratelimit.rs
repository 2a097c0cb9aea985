//! Per-principal request rate limiting in fixed one-minute windows. With Redis every API
//! replica shares the counters; without it an in-process twin takes its place (one replica).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, TimeZone, Utc};
use futures_util::future::BoxFuture;

/// The outcome of charging a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
#[error("rate limiter backend failed: {0}")]
pub struct RateLimitError(pub String);

pub trait RateLimiter: Send + Sync {
    /// Charges `cost` points to `subject` in the window containing `now`.
    fn charge<'a>(
        &'a self,
        subject: &'a str,
        cost: u32,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<RateDecision, RateLimitError>>;
}

const WINDOW_SECS: i64 = 60;

fn window_of(now: DateTime<Utc>) -> (i64, DateTime<Utc>) {
    let idx = now.timestamp().div_euclid(WINDOW_SECS);
    let reset = Utc
        .timestamp_opt((idx + 1) * WINDOW_SECS, 0)
        .single()
        .unwrap_or(now);
    (idx, reset)
}

fn decide(used: u64, limit: u32, reset_at: DateTime<Utc>) -> RateDecision {
    let used = used.min(u64::from(u32::MAX)) as u32;
    RateDecision {
        allowed: used <= limit,
        limit,
        remaining: limit.saturating_sub(used),
        reset_at,
    }
}

/// In-process counters (single replica).
pub struct LocalRateLimiter {
    limit: u32,
    counts: Mutex<HashMap<String, (i64, u64)>>,
}

impl LocalRateLimiter {
    pub fn new(limit_per_minute: u32) -> Self {
        Self {
            limit: limit_per_minute,
            counts: Mutex::new(HashMap::new()),
        }
    }
}

impl RateLimiter for LocalRateLimiter {
    fn charge<'a>(
        &'a self,
        subject: &'a str,
        cost: u32,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<RateDecision, RateLimitError>> {
        Box::pin(async move {
            let (idx, reset) = window_of(now);
            let mut counts = self
                .counts
                .lock()
                .map_err(|_| RateLimitError("poisoned lock".into()))?;
            if counts.len() > 100_000 {
                counts.retain(|_, (w, _)| *w == idx);
            }
            let entry = counts.entry(subject.to_string()).or_insert((idx, 0));
            if entry.0 != idx {
                *entry = (idx, 0);
            }
            entry.1 += u64::from(cost);
            Ok(decide(entry.1, self.limit, reset))
        })
    }
}

/// Redis counters shared by all replicas: `INCRBY` + `EXPIRE NX` in one transaction.
pub struct RedisRateLimiter {
    conn: redis::aio::ConnectionManager,
    prefix: String,
    limit: u32,
}

impl RedisRateLimiter {
    pub fn new(conn: redis::aio::ConnectionManager, prefix: &str, limit_per_minute: u32) -> Self {
        Self {
            conn,
            prefix: prefix.to_string(),
            limit: limit_per_minute,
        }
    }
}

impl RateLimiter for RedisRateLimiter {
    fn charge<'a>(
        &'a self,
        subject: &'a str,
        cost: u32,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<RateDecision, RateLimitError>> {
        Box::pin(async move {
            let (idx, reset) = window_of(now);
            let key = format!("{}:rate:{subject}:{idx}", self.prefix);
            let mut conn = self.conn.clone();
            let (used,): (u64,) = redis::pipe()
                .atomic()
                .incr(&key, cost)
                .cmd("EXPIRE")
                .arg(&key)
                .arg(WINDOW_SECS * 2)
                .arg("NX")
                .ignore()
                .query_async(&mut conn)
                .await
                .map_err(|e| RateLimitError(e.to_string()))?;
            Ok(decide(used, self.limit, reset))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_limiter_refuses_past_the_limit_and_resets_next_window() {
        let l = LocalRateLimiter::new(3);
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 5).unwrap();
        for i in 0..3 {
            assert!(
                l.charge("user:1", 1, t).await.unwrap().allowed,
                "request {i}"
            );
        }
        let d = l.charge("user:1", 1, t).await.unwrap();
        assert!(!d.allowed);
        assert_eq!(d.remaining, 0);
        assert_eq!(
            d.reset_at,
            Utc.with_ymd_and_hms(2026, 1, 1, 10, 1, 0).unwrap()
        );
        assert!(
            l.charge("user:2", 1, t).await.unwrap().allowed,
            "other users are not affected"
        );
        assert!(l.charge("user:1", 1, d.reset_at).await.unwrap().allowed);
    }
}
