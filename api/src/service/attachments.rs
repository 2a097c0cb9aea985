//! Attachments (§4.5, §5.1.2-5.1.3, §5.2.11; R14-R16, R22): every upload is sanitised before it
//! counts as loaded; an infected or invalid file is quarantined, never served, and the inquiry is
//! closed by the system with a clear Hebrew message to the customer.

use entity::{attachment, inquiry};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel, TransactionTrait};
use sha2::{Digest, Sha256};

use crate::domain::error::DomainError;
use crate::domain::principal::PrincipalKind;
use crate::domain::sanitize::{self, Verdict};
use crate::domain::{Direction, ReadScope, Status, handling};
use crate::infra::events::InquiryEventKind;
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

pub async fn add(svc: &Services, actor: &Actor, input: AddInput) -> Result<Added, DomainError> {
    check_len("clerkNote", input.clerk_note.as_deref(), 2_000)?;
    let file_name = sanitize::safe_file_name(&input.file_name)
        .map_err(|r| DomainError::validation(r.message_en()))?;
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
    let digest = hex(&Sha256::digest(&input.bytes));
    let now = svc.now();
    let txn = svc.db.begin().await?;
    let before = svc.lock(&txn, input.inquiry_id, None).await?;
    let visible = match actor.principal.read_scope() {
        ReadScope::All | ReadScope::Staff { .. } => staff
            .as_ref()
            .is_some_and(|s| handling::may_handle(s, &place(&before))),
        ReadScope::Customer(c) => before.customer_id == c,
        ReadScope::Representative(r) => before.representative_id == Some(r),
    };
    if !visible {
        return Err(DomainError::not_found("inquiry"));
    }
    if parse_status(&before)?.is_closed() {
        return Err(DomainError::invalid_transition(
            "files cannot be added to a closed inquiry",
        ));
    }
    let clean = matches!(verdict, Verdict::Clean { .. });
    let key = format!(
        "{}/inquiries/{}/{}",
        if clean { "files" } else { "quarantine" },
        before.id,
        digest
    );
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
        sanitize_status: Set(verdict.code().to_string()),
        created_at: Set(now),
        loaded_at: Set(clean.then_some(now)),
        read_at: Set((direction == Direction::FromClerk).then_some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut after = before.clone();
    if verdict.closes_inquiry() {
        // R15, R22: an infected or invalid file closes the inquiry by the system.
        let mut am = before.clone().into_active_model();
        am.status = Set(Status::ClosedBySystem.code().into());
        am.closed_at = Set(Some(now));
        am.status_changed_at = Set(now);
        am.updated_at = Set(now);
        after = writes::update_inquiry(&txn, am).await?;
        crate::service::activities::queue_status_notice(svc, &txn, &after, Status::ClosedBySystem)
            .await?;
        let message = verdict
            .message_he()
            .unwrap_or("הקובץ שצורף לא עבר את בדיקת האבטחה והפנייה נסגרה.");
        writes::insert_correspondence(
            &txn,
            writes::NewCorrespondence {
                inquiry_id: before.id,
                direction: "FROM_SYSTEM",
                author_customer_id: None,
                author_representative_id: None,
                author_user_id: None,
                body: format!("{message} ניתן לפתוח פנייה חדשה ולצרף קובץ תקין."),
                at: now,
            },
        )
        .await?;
        writes::append_history(
            &txn,
            Some(&before),
            &after,
            writes::HistoryRow {
                kind: "STATUS_CHANGE",
                at: now,
                actor_kind: "SYSTEM",
                actor_id: None,
                note: Some(format!(
                    "נסגרה ע\"י המערכת: קובץ שלא עבר הלבנה ({})",
                    verdict.code()
                )),
            },
        )
        .await?;
    }
    svc.audit(
        &txn,
        actor,
        "addAttachment",
        &[before.id],
        &["attachment"],
        Some(format!("{} {}", a.id, verdict.code())),
    )
    .await?;
    svc.refresh_due(&txn, before.id).await?;
    txn.commit().await?;
    svc.publish(
        if verdict.closes_inquiry() {
            InquiryEventKind::StatusChanged
        } else {
            InquiryEventKind::Correspondence
        },
        &after,
    );
    Ok(Added {
        attachment: a,
        inquiry: after,
    })
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
            at: svc.now(),
            request_id: actor.request_id.clone(),
            actor_kind: actor.kind_code().into(),
            actor_id: actor.id(),
            roles: actor
                .principal
                .roles
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(","),
            operation: "downloadAttachment".into(),
            object_type: Some("Attachment".into()),
            object_ids: attachment_id.to_string(),
            fields: "content".into(),
            outcome: outcome.into(),
            details,
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
