//! The event bus: every inquiry change publishes an event after its transaction commits.
//! Without Redis it is an in-process broadcast; with Redis every replica publishes to one
//! channel and delivers what that channel carries, so a subscription held on any replica sees
//! the changes made on all of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InquiryEventKind {
    Opened,
    StatusChanged,
    Assigned,
    Released,
    TripletChanged,
    Correspondence,
    Reopened,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiryEvent {
    pub kind: InquiryEventKind,
    pub inquiry_id: i64,
    pub team_id: i64,
    pub customer_id: i64,
    pub status: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<InquiryEvent>,
    redis: Option<(redis::aio::ConnectionManager, String)>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Self { tx, redis: None }
    }

    /// A bus fanned out through Redis pub/sub on `<prefix>:events`; spawns the listener.
    pub async fn with_redis(
        client: redis::Client,
        conn: redis::aio::ConnectionManager,
        prefix: &str,
    ) -> Result<Self, redis::RedisError> {
        let (tx, _) = broadcast::channel(1024);
        let channel = format!("{prefix}:events");
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(&channel).await?;
        let local = tx.clone();
        tokio::spawn(async move {
            use futures_util::StreamExt;
            let mut stream = pubsub.into_on_message();
            while let Some(msg) = stream.next().await {
                let Ok(payload) = msg.get_payload::<String>() else {
                    continue;
                };
                match serde_json::from_str::<InquiryEvent>(&payload) {
                    Ok(e) => {
                        let _ = local.send(e);
                    }
                    Err(err) => tracing::warn!(error = %err, "unreadable event on the bus"),
                }
            }
            tracing::warn!("the Redis event listener stopped");
        });
        Ok(Self {
            tx,
            redis: Some((conn, channel)),
        })
    }

    /// Publishes after commit; nobody listening is fine. With Redis the event reaches this
    /// replica's subscribers through the channel like everyone else's.
    pub fn publish(&self, e: InquiryEvent) {
        match &self.redis {
            None => {
                let _ = self.tx.send(e);
            }
            Some((conn, channel)) => {
                let (mut conn, channel) = (conn.clone(), channel.clone());
                let local = self.tx.clone();
                tokio::spawn(async move {
                    let payload = serde_json::to_string(&e).unwrap_or_default();
                    let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                        .arg(&channel)
                        .arg(payload)
                        .query_async(&mut conn)
                        .await;
                    if let Err(err) = sent {
                        // Redis down: at least this replica's subscribers get it.
                        tracing::warn!(error = %err, "event not fanned out");
                        let _ = local.send(e);
                    }
                });
            }
        }
    }
    pub fn subscribe(&self) -> broadcast::Receiver<InquiryEvent> {
        self.tx.subscribe()
    }
}
