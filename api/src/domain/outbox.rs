//! Outbox delivery rules (§5.1.4, R40): how often a message is retried and when. Plain
//! functions; the dispatcher (`infra::outbox`) applies them.

use chrono::Duration;

/// Attempts before a message is marked FAILED (kept, with its last error, for staff to see).
pub const MAX_ATTEMPTS: i32 = 8;

/// Wait before the next attempt after `attempts` failed ones: 1, 2, 4 … minutes, at most an
/// hour (8 attempts span about two hours).
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 7) - 1;
    Duration::minutes((1i64 << exp).min(60))
}

/// The status after a failed attempt: retried, or given up.
pub fn after_failure(attempts: i32) -> &'static str {
    if attempts >= MAX_ATTEMPTS {
        "FAILED"
    } else {
        "QUEUED"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r40_retries_back_off_exponentially_up_to_an_hour_then_give_up() {
        let waits: Vec<i64> = (1..=9).map(|a| backoff(a).num_minutes()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(after_failure(1), "QUEUED");
        assert_eq!(after_failure(MAX_ATTEMPTS - 1), "QUEUED");
        assert_eq!(after_failure(MAX_ATTEMPTS), "FAILED");
    }
}
