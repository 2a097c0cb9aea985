//! The clerk's daily extra identification for information expansion (R37, §4.6): valid until
//! midnight Asia/Jerusalem. Shared by replicas through Redis (a key with a TTL); in-process
//! without Redis.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;

pub trait ReauthStore: Send + Sync {
    /// Records that `user_id` identified again, valid until `until`.
    fn mark<'a>(
        &'a self,
        user_id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<(), String>>;
    /// Whether `user_id` has a valid extra identification at `now`.
    fn is_valid<'a>(
        &'a self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<bool, String>>;
}

#[derive(Default)]
pub struct LocalReauth(Mutex<HashMap<i64, DateTime<Utc>>>);

impl ReauthStore for LocalReauth {
    fn mark<'a>(
        &'a self,
        user_id: i64,
        _now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.0
                .lock()
                .map_err(|_| "poisoned".to_string())?
                .insert(user_id, until);
            Ok(())
        })
    }
    fn is_valid<'a>(
        &'a self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<bool, String>> {
        Box::pin(async move {
            Ok(self
                .0
                .lock()
                .map_err(|_| "poisoned".to_string())?
                .get(&user_id)
                .is_some_and(|u| *u > now))
        })
    }
}

pub struct RedisReauth {
    conn: redis::aio::ConnectionManager,
    prefix: String,
}

impl RedisReauth {
    pub fn new(conn: redis::aio::ConnectionManager, prefix: &str) -> Self {
        Self {
            conn,
            prefix: prefix.to_string(),
        }
    }
}

impl ReauthStore for RedisReauth {
    fn mark<'a>(
        &'a self,
        user_id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let ttl = (until - now).num_seconds().max(1);
            let mut conn = self.conn.clone();
            redis::cmd("SET")
                .arg(format!("{}:reauth:{user_id}", self.prefix))
                .arg(until.timestamp())
                .arg("EX")
                .arg(ttl)
                .query_async::<()>(&mut conn)
                .await
                .map_err(|e| e.to_string())
        })
    }
    fn is_valid<'a>(
        &'a self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<bool, String>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let until: Option<i64> = redis::cmd("GET")
                .arg(format!("{}:reauth:{user_id}", self.prefix))
                .query_async(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            // The key's own TTL follows the server clock; compare with the application's clock too.
            Ok(until.is_some_and(|u| u > now.timestamp()))
        })
    }
}

/// The next local midnight in Israel after `now`.
pub fn next_midnight_jerusalem(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    use chrono_tz::Asia::Jerusalem;
    let local = now.with_timezone(&Jerusalem).date_naive();
    let next = local.succ_opt().unwrap_or(local);
    match Jerusalem.from_local_datetime(&next.and_time(chrono::NaiveTime::MIN)) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        chrono::LocalResult::None => now + chrono::Duration::hours(24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn r37_valid_until_midnight_in_israel() {
        // 23:30 UTC on 2026-06-01 is 02:30 on June 2nd in Israel (UTC+3): valid until June 3rd 00:00 local.
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 23, 30, 0).unwrap();
        assert_eq!(
            next_midnight_jerusalem(now),
            Utc.with_ymd_and_hms(2026, 6, 2, 21, 0, 0).unwrap()
        );
        // Winter (UTC+2).
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
        assert_eq!(
            next_midnight_jerusalem(now),
            Utc.with_ymd_and_hms(2026, 12, 1, 22, 0, 0).unwrap()
        );
    }

    #[tokio::test]
    async fn r37_local_store_expires() {
        let s = LocalReauth::default();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
        assert!(!s.is_valid(1, now).await.unwrap());
        s.mark(1, now, next_midnight_jerusalem(now)).await.unwrap();
        assert!(s.is_valid(1, now).await.unwrap());
        assert!(!s.is_valid(2, now).await.unwrap());
        assert!(
            !s.is_valid(1, now + chrono::Duration::hours(13))
                .await
                .unwrap()
        );
    }
}
