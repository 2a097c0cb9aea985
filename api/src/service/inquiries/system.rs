//! What the system does by itself (§5.2.11, R22): close inquiries that waited for the customer
//! for three months. Runs from the scheduler; with several replicas one pass at a time (lock).

use chrono::Months;
use sea_orm::{ActiveValue::Set, IntoActiveModel, TransactionTrait};

use super::{Actor, Services, parse_status};
use crate::domain::Status;
use crate::domain::error::DomainError;
use crate::infra::events::InquiryEventKind;
use crate::store::writes::{self, HistoryRow, NewCorrespondence};

/// Customer-facing text of the automatic closure.
pub const CLOSED_FOR_NO_ANSWER_HE: &str = "הפנייה נסגרה אוטומטית מאחר שלא התקבל ממך מענה במשך שלושה חודשים. ניתן להוסיף התכתבות בתוך 14 יום מיום הסגירה כדי לפתוח אותה מחדש.";

/// Closes every inquiry waiting for the customer since before now minus the configured months;
/// returns how many it closed. Each inquiry is its own transaction.
pub async fn close_stale_waiting(svc: &Services) -> Result<usize, DomainError> {
    let now = svc.now();
    let cutoff = now
        .checked_sub_months(Months::new(svc.settings.waiting_close_months))
        .ok_or_else(|| DomainError::internal("date out of range"))?;
    let actor = Actor::system();
    let mut closed = 0;
    loop {
        let ids = writes::stale_waiting(&svc.db, cutoff, 200).await?;
        if ids.is_empty() {
            break;
        }
        let batch = ids.len();
        for id in ids {
            let txn = svc.db.begin().await?;
            let before = svc.lock(&txn, id, None).await?;
            // Re-check under the lock: the customer may have answered meanwhile.
            if parse_status(&before)? != Status::WaitingForCustomer
                || before.status_changed_at >= cutoff
            {
                txn.rollback().await?;
                continue;
            }
            let mut am = before.clone().into_active_model();
            am.status = Set(Status::ClosedBySystem.code().into());
            am.closed_at = Set(Some(now));
            am.status_changed_at = Set(now);
            am.updated_at = Set(now);
            let after = writes::update_inquiry(&txn, am).await?;
            writes::insert_correspondence(
                &txn,
                NewCorrespondence {
                    inquiry_id: id,
                    direction: "FROM_SYSTEM",
                    author_customer_id: None,
                    author_representative_id: None,
                    author_user_id: None,
                    body: CLOSED_FOR_NO_ANSWER_HE.into(),
                    at: now,
                },
            )
            .await?;
            writes::append_history(
                &txn,
                Some(&before),
                &after,
                HistoryRow {
                    kind: "STATUS_CHANGE",
                    at: now,
                    actor_kind: "SYSTEM",
                    actor_id: None,
                    note: Some("נסגרה ע\"י המערכת: אין מענה מהלקוח במשך שלושה חודשים".into()),
                },
            )
            .await?;
            crate::service::activities::queue_status_notice(
                svc,
                &txn,
                &after,
                Status::ClosedBySystem,
            )
            .await?;
            svc.audit(
                &txn,
                &actor,
                "system.closeStaleWaiting",
                &[id],
                &["status"],
                None,
            )
            .await?;
            svc.refresh_due(&txn, id).await?;
            txn.commit().await?;
            svc.publish(InquiryEventKind::StatusChanged, &after);
            closed += 1;
        }
        if batch < 200 {
            break;
        }
    }
    Ok(closed)
}
