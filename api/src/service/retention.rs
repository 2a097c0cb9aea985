//! Audit retention (issue 4 §7): rows older than the configured retention (at least 24 months)
//! may be purged; the purge itself is audited, in the same transaction.

use chrono::{DateTime, Months, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::config::MIN_AUDIT_RETENTION_MONTHS;
use crate::domain::error::DomainError;
use crate::store::{audit, writes};

/// Purges audit rows older than `months` before `now`; returns how many were removed.
pub async fn purge_audit(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    months: u32,
) -> Result<u64, DomainError> {
    if months < MIN_AUDIT_RETENTION_MONTHS {
        return Err(DomainError::validation(format!(
            "the audit log is kept at least {MIN_AUDIT_RETENTION_MONTHS} months"
        )));
    }
    let cutoff = now
        .checked_sub_months(Months::new(months))
        .ok_or_else(|| DomainError::validation("retention out of range"))?;
    let txn = db.begin().await?;
    let n = audit::purge_before(&txn, cutoff).await?;
    writes::append_audit(
        &txn,
        writes::AuditRow {
            at: now,
            request_id: None,
            actor_kind: "SYSTEM".into(),
            actor_id: None,
            roles: String::new(),
            operation: "purgeAuditLog".into(),
            object_type: Some("AuditEntry".into()),
            object_ids: String::new(),
            fields: String::new(),
            outcome: "OK".into(),
            details: Some(format!("{n} rows older than {cutoff} ({months} months)")),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(n)
}
