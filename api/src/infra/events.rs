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
    /// Model-reload signals (a promoted classifier version), on `<prefix>:models` with Redis.
    models: broadcast::Sender<String>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        let (models, _) = broadcast::channel(16);
        Self {
            tx,
            redis: None,
            models,
        }
    }

    /// A bus fanned out through Redis pub/sub on `<prefix>:events`; spawns the listener.
    pub async fn with_redis(
        client: redis::Client,
        conn: redis::aio::ConnectionManager,
        prefix: &str,
    ) -> Result<Self, redis::RedisError> {
        let (tx, _) = broadcast::channel(1024);
        let (models, _) = broadcast::channel(16);
        let channel = format!("{prefix}:events");
        let models_channel = models_channel(&channel);
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(&channel).await?;
        pubsub.subscribe(&models_channel).await?;
        let local = tx.clone();
        let local_models = models.clone();
        tokio::spawn(async move {
            use futures_util::StreamExt;
            let mut stream = pubsub.into_on_message();
            while let Some(msg) = stream.next().await {
                let Ok(payload) = msg.get_payload::<String>() else {
                    continue;
                };
                if msg.get_channel_name() == models_channel {
                    let _ = local_models.send(payload);
                    continue;
                }
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
            models,
        })
    }

    /// Tells every replica (this one included) that `version` is now the active classifier.
    pub fn publish_model(&self, version: &str) {
        match &self.redis {
            None => {
                let _ = self.models.send(version.to_string());
            }
            Some((conn, channel)) => {
                let (mut conn, channel) = (conn.clone(), models_channel(channel));
                let local = self.models.clone();
                let version = version.to_string();
                tokio::spawn(async move {
                    let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                        .arg(&channel)
                        .arg(&version)
                        .query_async(&mut conn)
                        .await;
                    if let Err(err) = sent {
                        // The periodic reconciliation brings the other replicas along.
                        tracing::warn!(error = %err, "model signal not fanned out");
                        let _ = local.send(version);
                    }
                });
            }
        }
    }

    pub fn subscribe_models(&self) -> broadcast::Receiver<String> {
        self.models.subscribe()
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

fn models_channel(events_channel: &str) -> String {
    format!("{}:models", events_channel.trim_end_matches(":events"))
}
