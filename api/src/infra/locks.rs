//! Job locks: with several API replicas, only one runs a scheduled pass at a time. Redis
//! `SET NX PX` when configured; an in-process twin otherwise.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

pub trait JobLock: Send + Sync {
    /// Tries to take `name` for `ttl`; true when this replica holds it now.
    fn try_acquire<'a>(&'a self, name: &'a str, ttl: Duration) -> BoxFuture<'a, bool>;
    /// Frees `name` if this replica holds it (a job that ends before its TTL, e.g. retraining).
    fn release<'a>(&'a self, name: &'a str) -> BoxFuture<'a, ()>;
}

#[derive(Default)]
pub struct LocalJobLock(Mutex<HashMap<String, Instant>>);

impl JobLock for LocalJobLock {
    fn try_acquire<'a>(&'a self, name: &'a str, ttl: Duration) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let Ok(mut held) = self.0.lock() else {
                return false;
            };
            let now = Instant::now();
            match held.get(name) {
                Some(until) if *until > now => false,
                _ => {
                    held.insert(name.to_string(), now + ttl);
                    true
                }
            }
        })
    }
    fn release<'a>(&'a self, name: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Ok(mut held) = self.0.lock() {
                held.remove(name);
            }
        })
    }
}

pub struct RedisJobLock {
    conn: redis::aio::ConnectionManager,
    prefix: String,
    owner: String,
}

impl RedisJobLock {
    pub fn new(conn: redis::aio::ConnectionManager, prefix: &str) -> Self {
        let owner = format!(
            "{}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos()
        );
        Self {
            conn,
            prefix: prefix.to_string(),
            owner,
        }
    }
}

impl JobLock for RedisJobLock {
    fn try_acquire<'a>(&'a self, name: &'a str, ttl: Duration) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let key = format!("{}:lock:{name}", self.prefix);
            let res: redis::RedisResult<Option<String>> = redis::cmd("SET")
                .arg(&key)
                .arg(&self.owner)
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis() as u64)
                .query_async(&mut conn)
                .await;
            match res {
                Ok(v) => v.is_some(),
                Err(e) => {
                    tracing::warn!(error = %e, "job lock unavailable; skipping this pass");
                    false
                }
            }
        })
    }
    fn release<'a>(&'a self, name: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let key = format!("{}:lock:{name}", self.prefix);
            // Delete only our own hold: another replica may have taken an expired lock.
            let r: redis::RedisResult<i64> = redis::cmd("EVAL")
                .arg("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end")
                .arg(1)
                .arg(&key)
                .arg(&self.owner)
                .query_async(&mut conn)
                .await;
            if let Err(e) = r {
                tracing::warn!(error = %e, "job lock not released; it expires by itself");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn r22_only_one_holder_at_a_time() {
        let l = LocalJobLock::default();
        assert!(l.try_acquire("close", Duration::from_secs(60)).await);
        assert!(!l.try_acquire("close", Duration::from_secs(60)).await);
        assert!(l.try_acquire("other", Duration::from_secs(60)).await);
        assert!(l.try_acquire("short", Duration::from_millis(1)).await);
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(
            l.try_acquire("short", Duration::from_millis(1)).await,
            "expired locks are free"
        );
        l.release("close").await;
        assert!(
            l.try_acquire("close", Duration::from_secs(60)).await,
            "released locks are free"
        );
    }
}
