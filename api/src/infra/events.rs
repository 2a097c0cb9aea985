//! The internal event bus: every inquiry change publishes an event after its transaction
//! commits. In-process broadcast today; the subscriptions issue fans it out through Redis.

use chrono::{DateTime, Utc};
use tokio::sync::broadcast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Self { tx }
    }
    /// Publishes; nobody listening is fine.
    pub fn publish(&self, e: InquiryEvent) {
        let _ = self.tx.send(e);
    }
    pub fn subscribe(&self) -> broadcast::Receiver<InquiryEvent> {
        self.tx.subscribe()
    }
}
