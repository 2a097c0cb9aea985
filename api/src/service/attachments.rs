//! Attachments (§4.5, §5.1.2-5.1.3, §5.2.11; R14-R16, R22): every upload is sanitised before it
//! counts as loaded; an infected or invalid file is quarantined, never served, and the inquiry is
//! closed by the system with a clear Hebrew message to the customer.

use entity::{attachment, inquiry};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel, TransactionTrait};
use sha2::{Digest, Sha256};

use crate::domain::error::DomainError;
use crate::domain::principal::PrincipalKind;
use std::sync::Arc;

use crate::domain::sanitize::{self, InfectedReason, Verdict};
use crate::domain::{Direction, ReadScope, Status, handling};
use crate::infra::events::InquiryEventKind;
use crate::infra::scanner::ScanOutcome;
use crate::service::inquiries::{Actor, Services, check_len, parse_status, place};
use crate::store::writes;

pub struct AddInput {
    pub inquiry_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Clerks decide; customers' and representatives' files are shown to them.
    pub show_on_internet: Option<bool>,
    pub clerk_note: Option<String>,
}

pub struct Added {
    pub attachment: attachment::Model,
    pub inquiry: inquiry::Model,
}

pub async fn add(
    svc: &Arc<Services>,
    actor: &Actor,
    input: AddInput,
) -> Result<Added, DomainError> {
    check_len("clerkNote", input.clerk_note.as_deref(), 2_000)?;
    let file_name = sanitize::safe_file_name(&input.file_name)
        .map_err(|r| DomainError::validation(format!("{} ({})", r.message_he(), r.message_en())))?;
    let (direction, customer_id, rep_id, user_id) = match actor.principal.kind {
        PrincipalKind::Customer(c) => (Direction::FromCustomer, Some(c), None, None),
        PrincipalKind::Representative(r) => (Direction::FromRepresentative, None, Some(r), None),
        PrincipalKind::Staff(u) => (Direction::FromClerk, None, None, Some(u)),
    };
    if direction != Direction::FromClerk
        && (input.clerk_note.is_some() || input.show_on_internet == Some(false))
    {
        return Err(DomainError::forbidden(
            "only clerks set notes and hide files from the personal area",
        ));
    }
    let staff = if user_id.is_some() {
        Some(svc.staff(&svc.db, actor).await?)
    } else {
        None
    };
    let verdict = sanitize::inspect(&input.content_type, &file_name, &input.bytes);
    let clean = matches!(verdict, Verdict::Clean { .. });
    // With a virus scanner configured, a file that passed the built-in checks is pending until
    // the scanner has seen it (R16: "documents not yet loaded" pauses the SLA clock).
    let pending = clean && svc.scanner.is_some();
    let digest = hex(&Sha256::digest(&input.bytes));
    let now = svc.now();
    let txn = svc.db.begin().await?;
    let before = svc.lock(&txn, input.inquiry_id, None).await?;
    let visible = match actor.principal.read_scope(now) {
        ReadScope::All | ReadScope::Staff { .. } => staff
            .as_ref()
            .is_some_and(|s| handling::may_handle(s, &place(&before))),
        ReadScope::Customer(c) => before.customer_id == c,
        // R33: as for correspondence, its own inquiries and its clients' under a POA in force.
        scope @ ReadScope::Representative { .. } => {
            crate::store::inquiries::visible(&txn, &scope, before.id).await?
        }
    };
    if !visible {
        return Err(DomainError::not_found("inquiry"));
    }
    if parse_status(&before)?.is_closed() {
        return Err(DomainError::invalid_transition(
            "files cannot be added to a closed inquiry",
        ));
    }
    // A clerk's own file that fails sanitising is refused, nothing stored: §5.2.11 closes the
    // customer's inquiry for the customer's files, never for a file staff tried to send.
    if direction == Direction::FromClerk && verdict.closes_inquiry() {
        return Err(DomainError::validation(format!(
            "the file did not pass sanitising ({}); nothing was attached",
            verdict.code()
        )));
    }
    // A retried upload (same file, same name, same author, same inquiry: a client that timed out
    // and sent it again) returns the file already attached instead of a second copy.
    if let Some(existing) = crate::store::inquiries::same_upload(
        &txn,
        crate::store::inquiries::UploadIdentity {
            inquiry_id: before.id,
            sha256: &digest,
            file_name: &file_name,
            customer_id,
            representative_id: rep_id,
            user_id,
        },
    )
    .await?
    {
        txn.rollback().await?;
        return Ok(Added {
            attachment: existing,
            inquiry: before,
        });
    }
    let area = if pending {
        "pending"
    } else if clean {
        "files"
    } else {
        "quarantine"
    };
    let key = storage_key(area, before.id, &digest);
    svc.blobs
        .put(&key, &input.bytes)
        .await
        .map_err(DomainError::internal)?;
    let served_type = match &verdict {
        Verdict::Clean { detected } => detected.content_type().to_string(),
        _ => "application/octet-stream".to_string(),
    };
    let a = attachment::ActiveModel {
        inquiry_id: Set(before.id),
        direction: Set(direction.code().into()),
        author_customer_id: Set(customer_id),
        author_representative_id: Set(rep_id),
        author_user_id: Set(user_id),
        file_name: Set(file_name),
        content_type: Set(served_type),
        size_bytes: Set(input.bytes.len() as i64),
        sha256: Set(digest),
        storage_key: Set(key),
        show_on_internet: Set(input.show_on_internet.unwrap_or(true)),
        clerk_note: Set(input.clerk_note),
        sanitize_status: Set(if pending {
            PENDING.to_string()
        } else {
            verdict.code().to_string()
        }),
        created_at: Set(now),
        loaded_at: Set((clean && !pending).then_some(now)),
        read_at: Set((direction == Direction::FromClerk).then_some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut after = before.clone();
    if verdict.closes_inquiry() {
        after = close_for_rejected_file(svc, &txn, &before, &verdict, None).await?;
    } else if direction != Direction::FromClerk {
        // §5.2.6, §5.2.11 (R9, R22): a document sent while the inquiry waits for the customer is
        // the customer's answer: information arrived, the clock runs again, and the three-month
        // closure no longer applies.
        let answers = parse_status(&before)? == Status::WaitingForCustomer;
        let flag = pending && !before.documents_pending;
        if answers || flag {
            let mut am = before.clone().into_active_model();
            if flag {
                am.documents_pending = Set(true);
            }
            if answers {
                am.status = Set(Status::InfoFromCustomer.code().into());
                am.status_changed_at = Set(now);
            }
            am.updated_at = Set(now);
            after = writes::update_inquiry(&txn, am).await?;
            if answers {
                writes::append_history(
                    &txn,
                    Some(&before),
                    &after,
                    writes::HistoryRow {
                        kind: "STATUS_CHANGE",
                        at: now,
                        actor_kind: actor.kind_code(),
                        actor_id: actor.id(),
                        note: None,
                    },
                )
                .await?;
            }
        }
    }
    svc.audit(
        &txn,
        actor,
        "addAttachment",
        &[before.id],
        &["attachment"],
        Some(format!(
            "{} {}",
            a.id,
            if pending { PENDING } else { verdict.code() }
        )),
    )
    .await?;
    svc.refresh_due(&txn, before.id).await?;
    txn.commit().await?;
    svc.publish(
        if verdict.closes_inquiry() || after.status != before.status {
            InquiryEventKind::StatusChanged
        } else {
            InquiryEventKind::Correspondence
        },
        &after,
    );
    if pending {
        spawn_scan(svc.clone(), a.id);
    }
    Ok(Added {
        attachment: a,
        inquiry: after,
    })
}

/// A clerk's change to a file already attached (§4.5: "אפשרות לעובד למנוע הצגת המסמך ללקוח";
/// §5.1.2: notes on a file).
#[derive(Debug, Clone, Default)]
pub struct UpdateInput {
    pub attachment_id: i64,
    /// Shown in the customer's personal area.
    pub show_on_internet: Option<bool>,
    /// The clerk's note; an empty note clears it.
    pub clerk_note: Option<String>,
}

/// Changes a file's visibility or note (R14): the handling team only, audited, one transaction.
pub async fn update(
    svc: &Services,
    actor: &Actor,
    input: UpdateInput,
) -> Result<attachment::Model, DomainError> {
    check_len("clerkNote", input.clerk_note.as_deref(), 2_000)?;
    if input.show_on_internet.is_none() && input.clerk_note.is_none() {
        return Err(DomainError::validation(
            "pass showOnInternet, clerkNote or both",
        ));
    }
    if !actor.principal.is_staff() {
        return Err(DomainError::forbidden(
            "only clerks hide files or write notes on them",
        ));
    }
    let a = crate::store::inquiries::attachment(&svc.db, input.attachment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("attachment"))?;
    let (staff, txn, inq) = svc.begin_staff_change(actor, a.inquiry_id, None).await?;
    if !handling::may_handle(&staff, &place(&inq)) {
        return Err(DomainError::forbidden(
            "only the handling team changes the inquiry's files",
        ));
    }
    let current = crate::store::inquiries::attachment_in(&txn, a.id)
        .await?
        .ok_or_else(|| DomainError::not_found("attachment"))?;
    let mut am = current.clone().into_active_model();
    let mut fields = Vec::new();
    if let Some(show) = input.show_on_internet {
        am.show_on_internet = Set(show);
        fields.push("attachment.showOnInternet");
    }
    if let Some(note) = &input.clerk_note {
        let note = note.trim();
        am.clerk_note = Set((!note.is_empty()).then(|| note.to_string()));
        fields.push("attachment.clerkNote");
    }
    let after = am.update(&txn).await?;
    svc.audit(
        &txn,
        actor,
        "updateAttachment",
        &[inq.id],
        &fields,
        Some(format!("attachment {}", a.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The sanitising status of a file waiting for the virus scanner.
pub const PENDING: &str = "PENDING";

/// How long a pending file is left to the scan its upload started before the periodic pass
/// takes it over (a replica that stopped mid-scan, or a scanner that was down).
pub const SCAN_TAKEOVER: chrono::Duration = chrono::Duration::minutes(2);

fn storage_key(area: &str, inquiry_id: i64, digest: &str) -> String {
    format!("{area}/inquiries/{inquiry_id}/{digest}")
}

/// R15, R22: an invalid or infected file closes the inquiry by the system, with a clear Hebrew
/// message to the customer, a history row and the customer's notice (§2.1.3).
async fn close_for_rejected_file(
    svc: &Services,
    txn: &sea_orm::DatabaseTransaction,
    before: &inquiry::Model,
    verdict: &Verdict,
    signature: Option<&str>,
) -> Result<inquiry::Model, DomainError> {
    let now = svc.now();
    let mut am = before.clone().into_active_model();
    am.status = Set(Status::ClosedBySystem.code().into());
    am.closed_at = Set(Some(now));
    am.status_changed_at = Set(now);
    am.updated_at = Set(now);
    am.documents_pending = Set(false);
    let after = writes::update_inquiry(txn, am).await?;
    crate::service::activities::queue_status_notice(svc, txn, &after, Status::ClosedBySystem)
        .await?;
    let message = verdict
        .message_he()
        .unwrap_or("הקובץ שצורף לא עבר את בדיקת האבטחה והפנייה נסגרה.");
    writes::insert_correspondence(
        txn,
        writes::NewCorrespondence {
            inquiry_id: before.id,
            direction: "FROM_SYSTEM",
            author_customer_id: None,
            author_representative_id: None,
            author_user_id: None,
            body: format!("{message} לכן הפנייה נסגרה על ידי המערכת. ניתן לפתוח פנייה חדשה ולצרף אליה קובץ תקין."),
            at: now,
        },
    )
    .await?;
    writes::append_history(
        txn,
        Some(before),
        &after,
        writes::HistoryRow {
            kind: "STATUS_CHANGE",
            at: now,
            actor_kind: "SYSTEM",
            actor_id: None,
            note: Some(match signature {
                Some(sig) => format!(
                    "נסגרה ע\"י המערכת: קובץ שלא עבר הלבנה ({}: {sig})",
                    verdict.code()
                ),
                None => format!("נסגרה ע\"י המערכת: קובץ שלא עבר הלבנה ({})", verdict.code()),
            }),
        },
    )
    .await?;
    Ok(after)
}

/// Scans a pending file in the background, right after its upload committed.
pub fn spawn_scan(svc: Arc<Services>, attachment_id: i64) {
    tokio::spawn(async move {
        if let Err(e) = scan_pending_file(&svc, attachment_id).await {
            tracing::warn!(attachment_id, error = %e.message, "scan left for the periodic pass");
        }
    });
}

/// Scans one pending file and settles it: clean → loaded (the SLA clock runs again, R16);
/// infected → quarantined and the inquiry closed by the system (R15, R22). The scan runs
/// outside the transaction; the settlement locks the inquiry and settles only a file still
/// pending, so two replicas scanning the same file settle it once. A scanner that gives no
/// answer leaves the file pending: it is never let through unscanned.
/// Returns the settled status, or `None` when the file was no longer pending.
pub async fn scan_pending_file(
    svc: &Services,
    attachment_id: i64,
) -> Result<Option<String>, DomainError> {
    let Some(scanner) = svc.scanner.as_ref() else {
        return Err(DomainError::internal("no virus scanner is configured"));
    };
    let a = crate::store::inquiries::attachment(&svc.db, attachment_id)
        .await?
        .ok_or_else(|| DomainError::not_found("attachment"))?;
    if a.sanitize_status != PENDING {
        return Ok(None);
    }
    let bytes = svc
        .blobs
        .get(&a.storage_key)
        .await
        .map_err(|e| DomainError::internal(format!("pending content: {e}")))?;
    let outcome = scanner
        .scan(&bytes)
        .await
        .map_err(|e| DomainError::internal(e.to_string()))?;
    let (verdict, signature) = match outcome {
        ScanOutcome::Clean => (None, None),
        ScanOutcome::Infected { signature } => (
            Some(Verdict::Infected {
                reason: InfectedReason::VirusSignature,
            }),
            Some(signature),
        ),
    };
    let area = if verdict.is_some() {
        "quarantine"
    } else {
        "files"
    };
    let target = storage_key(area, a.inquiry_id, &a.sha256);
    svc.blobs
        .copy(&a.storage_key, &target)
        .await
        .map_err(DomainError::internal)?;
    let now = svc.now();
    let txn = svc.db.begin().await?;
    let before = svc.lock(&txn, a.inquiry_id, None).await?;
    let Some(current) = crate::store::inquiries::attachment_in(&txn, attachment_id).await? else {
        return Ok(None);
    };
    if current.sanitize_status != PENDING {
        return Ok(None);
    }
    let status = verdict.as_ref().map_or("CLEAN", |v| v.code()).to_string();
    let mut am = current.clone().into_active_model();
    am.sanitize_status = Set(status.clone());
    am.storage_key = Set(target);
    if verdict.is_none() {
        am.loaded_at = Set(Some(now));
    } else {
        am.content_type = Set("application/octet-stream".into());
    }
    am.update(&txn).await?;
    let still_pending = crate::store::inquiries::pending_customer_files(&txn, before.id).await? > 0;
    let closed = parse_status(&before)?.is_closed();
    let after = match &verdict {
        // A clerk's file found infected is quarantined; the customer's inquiry stays as it is.
        Some(v) if !closed && current.direction != Direction::FromClerk.code() => {
            close_for_rejected_file(svc, &txn, &before, v, signature.as_deref()).await?
        }
        _ if before.documents_pending != still_pending => {
            let mut am = before.clone().into_active_model();
            am.documents_pending = Set(still_pending);
            am.updated_at = Set(now);
            writes::update_inquiry(&txn, am).await?
        }
        _ => before.clone(),
    };
    svc.audit(
        &txn,
        &Actor::system(),
        "sanitizeAttachment",
        &[before.id],
        &["attachment"],
        Some(match &signature {
            Some(sig) => format!("{attachment_id} {status} {sig}"),
            None => format!("{attachment_id} {status}"),
        }),
    )
    .await?;
    svc.refresh_due(&txn, before.id).await?;
    txn.commit().await?;
    if let Err(e) = svc.blobs.delete(&a.storage_key).await {
        tracing::warn!(attachment_id, error = %e, "pending copy not removed");
    }
    svc.publish(
        if after.status != before.status {
            InquiryEventKind::StatusChanged
        } else {
            InquiryEventKind::Correspondence
        },
        &after,
    );
    Ok(Some(status))
}

/// The periodic pass: scans files left pending longer than [`SCAN_TAKEOVER`] (the upload's own
/// scan failed or its replica stopped). Returns how many were settled.
pub async fn scan_stale_pending(svc: &Services) -> Result<usize, DomainError> {
    if svc.scanner.is_none() {
        return Ok(0);
    }
    let ids =
        crate::store::inquiries::pending_files_before(&svc.db, svc.now() - SCAN_TAKEOVER, 100)
            .await?;
    let mut settled = 0;
    for id in ids {
        match scan_pending_file(svc, id).await {
            Ok(Some(_)) => settled += 1,
            Ok(None) => {}
            Err(e) => {
                // The scanner is down: the rest would fail the same way; the next pass retries.
                tracing::warn!(attachment_id = id, error = %e.message, "pending file not scanned");
                break;
            }
        }
    }
    Ok(settled)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file as served by the download endpoint.
pub struct Download {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Serves an attachment's content (§4.5, R14) to a principal who may read its inquiry:
/// customers and representatives only files shown on the internet and clean; nobody a file
/// pending or quarantined. Outside that, NOT_FOUND. Every attempt, granted or denied, is
/// audited (R3).
pub async fn download(
    svc: &Services,
    actor: &Actor,
    scope: &ReadScope,
    attachment_id: i64,
) -> Result<Download, DomainError> {
    let result = serve(svc, actor, scope, attachment_id).await;
    let (outcome, details) = match &result {
        Ok(_) => ("OK", None),
        Err(e) => ("DENIED", Some(e.message.clone())),
    };
    writes::append_audit(
        &svc.db,
        writes::AuditRow {
            outcome: outcome.into(),
            details,
            ..actor.audit_row(
                svc.now(),
                "downloadAttachment",
                Some("Attachment"),
                attachment_id.to_string(),
                "content",
            )
        },
    )
    .await?;
    result
}

async fn serve(
    svc: &Services,
    actor: &Actor,
    scope: &ReadScope,
    attachment_id: i64,
) -> Result<Download, DomainError> {
    let not_found = || DomainError::not_found("attachment");
    let a = crate::store::inquiries::attachment(&svc.db, attachment_id)
        .await?
        .ok_or_else(not_found)?;
    crate::store::inquiries::find(&svc.db, scope, a.inquiry_id)
        .await?
        .ok_or_else(not_found)?;
    let staff = actor.principal.is_staff();
    if !staff && !a.show_on_internet {
        return Err(not_found());
    }
    if a.sanitize_status != "CLEAN" {
        return Err(if staff {
            DomainError::forbidden("the file is quarantined or not yet checked; it is never served")
        } else {
            not_found()
        });
    }
    let bytes = svc
        .blobs
        .get(&a.storage_key)
        .await
        .map_err(|e| DomainError::internal(format!("attachment content: {e}")))?;
    Ok(Download {
        file_name: a.file_name,
        content_type: a.content_type,
        bytes,
    })
}
