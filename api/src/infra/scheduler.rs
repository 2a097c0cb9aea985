//! The in-process scheduler: every minute, the replica that takes the job lock runs the system's
//! passes (R22: close inquiries waiting for the customer for three months; R15/R16: scan files
//! left pending).

use std::sync::Arc;
use std::time::Duration;

use super::locks::JobLock;
use crate::service::inquiries::{Services, system};

pub const PERIOD: Duration = Duration::from_secs(60);

/// Runs one pass if this replica gets the lock; returns inquiries closed (None if another replica holds it).
pub async fn run_once(services: &Services, lock: &dyn JobLock) -> Option<usize> {
    if !lock.try_acquire("close-stale-waiting", PERIOD).await {
        return None;
    }
    match system::close_stale_waiting(services).await {
        Ok(n) => {
            if n > 0 {
                tracing::info!(
                    closed = n,
                    "closed inquiries that waited three months for the customer"
                );
            }
            Some(n)
        }
        Err(e) => {
            tracing::error!(error = %e.message, "scheduled pass failed");
            Some(0)
        }
    }
}

/// The sanitising pass (R15, R16): files left pending by a scan that failed or a replica that
/// stopped are scanned again; one replica at a time.
pub async fn run_scan_pass(services: &Services, lock: &dyn JobLock) -> Option<usize> {
    if services.scanner.is_none() || !lock.try_acquire("scan-pending", PERIOD).await {
        return None;
    }
    let out = match crate::service::attachments::scan_stale_pending(services).await {
        Ok(n) => {
            if n > 0 {
                tracing::info!(settled = n, "pending files scanned");
            }
            Some(n)
        }
        Err(e) => {
            tracing::error!(error = %e.message, "sanitising pass failed");
            Some(0)
        }
    };
    // The lock only keeps passes from overlapping; a finished pass frees it for any replica.
    lock.release("scan-pending").await;
    out
}

/// Spawns the periodic loop.
pub fn spawn(services: Arc<Services>, lock: Arc<dyn JobLock>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PERIOD);
        loop {
            tick.tick().await;
            run_once(&services, lock.as_ref()).await;
            run_scan_pass(&services, lock.as_ref()).await;
            // R8: serve the registry's active classifier even if a reload signal was missed.
            if let Err(e) = crate::service::learning::reconcile(&services).await {
                tracing::warn!(error = %e.message, "classifier registry check failed");
            }
        }
    })
}

/// How often the outbox is drained.
pub const OUTBOX_PERIOD: Duration = Duration::from_secs(15);

/// Spawns the outbox loop (every replica: messages are claimed one by one).
pub fn spawn_outbox(
    outbox: Arc<super::outbox::Dispatcher>,
    clock: Arc<dyn super::clock::Clock>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(OUTBOX_PERIOD);
        loop {
            tick.tick().await;
            if let Err(e) = outbox.dispatch_once(clock.now()).await {
                tracing::error!(error = %e.message, "outbox pass failed");
            }
        }
    })
}
