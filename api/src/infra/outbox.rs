//! The outbox dispatcher (§5.1.4, R40): sends queued email through SMTP (`lettre`) and SMS
//! through a provider trait, with retries and backoff (`domain::outbox`). A message is claimed
//! by one replica before it is sent (`store::activities::claim`), so replicas never send it
//! twice; a failed attempt keeps it queued with its error, and after the last attempt it is
//! FAILED, never lost. Destinations were checked against the verified registered address when
//! the message was queued (`service::activities`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::activity;
use futures_util::future::BoxFuture;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::error::DomainError;
use crate::domain::outbox::{after_failure, backoff};
use crate::store::{Db, activities};

/// Sends one email.
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, a: &'a activity::Model) -> BoxFuture<'a, Result<(), String>>;
}

/// Sends one SMS.
pub trait SmsSender: Send + Sync {
    fn send<'a>(&'a self, a: &'a activity::Model) -> BoxFuture<'a, Result<(), String>>;
}

/// SMTP to a relay, `smtp://host:port` (no TLS: an internal relay).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl SmtpMailer {
    /// `smtp://host[:port]` (plain, an internal relay), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://host[:465]` (implicit TLS); `user:password@` for authentication.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err(format!(
                "SMTP_URL must be smtp://host:port or smtps://host:port, got {:?}",
                redact_password(url)
            ));
        }
        crate::infra::storage::install_tls_provider();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL {:?}: {e}", redact_password(url)))?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        Ok(Self {
            transport,
            from: from.parse().map_err(|e| format!("SMTP_FROM: {e}"))?,
        })
    }
}

/// An SMTP URL fit for a log line: the password, if any, replaced.
fn redact_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod smtp_url_tests {
    use super::*;

    #[test]
    fn plain_starttls_and_implicit_tls_urls_are_accepted_and_others_refused() {
        let from = "ITA CRM <no-reply@taxes.gov.il>";
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://relay.internal",
            "smtp://relay.internal:587?tls=required",
            "smtps://mailer:secret@relay.example:465",
        ] {
            assert!(SmtpMailer::new(ok, from).is_ok(), "{ok}");
        }
        let err = SmtpMailer::new("http://mailer:secret@relay", from)
            .err()
            .unwrap();
        assert!(!err.contains("secret"), "{err}");
        assert!(SmtpMailer::new("smtp://relay", "not an address").is_err());
    }

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact_password("smtps://mailer:secret@relay:465"),
            "smtps://mailer:***@relay:465"
        );
        assert_eq!(redact_password("smtp://relay:25"), "smtp://relay:25");
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, a: &'a activity::Model) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let to: lettre::message::Mailbox = a.to_address.parse().map_err(|e| format!("{e}"))?;
            // The Message-ID is derived from the outbox row, so a retry after a lost reply is
            // recognisable as the same message at the receiving end.
            let msg = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(a.subject.clone().unwrap_or_else(|| "רשות המסים".into()))
                .message_id(Some(format!(
                    "<activity-{}-{}@ita-crm>",
                    a.id, a.idempotency_key
                )))
                .header(lettre::message::header::ContentType::TEXT_PLAIN)
                .body(a.body.clone())
                .map_err(|e| e.to_string())?;
            self.transport
                .send(msg)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }
}

/// Until an SMS provider is contracted: records the message in the log and counts it sent.
pub struct LogSms;

impl SmsSender for LogSms {
    fn send<'a>(&'a self, a: &'a activity::Model) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tracing::info!(activity = a.id, to = %a.to_address, "SMS handed to the log provider");
            Ok(())
        })
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DispatchReport {
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

pub struct Dispatcher {
    pub db: Db,
    /// None: no SMTP relay configured; email stays queued (logged once per pass).
    pub mailer: Option<Arc<dyn Mailer>>,
    pub sms: Arc<dyn SmsSender>,
}

/// Messages per pass.
const BATCH: u64 = 100;

/// How long a claim holds: a replica that stops mid-send leaves its message SENDING, and after
/// this lease another pass tries it again (the same Message-ID lets the receiver tell a copy).
pub const SEND_LEASE: chrono::Duration = chrono::Duration::minutes(10);

impl Dispatcher {
    /// One pass over the due messages.
    pub async fn dispatch_once(&self, now: DateTime<Utc>) -> Result<DispatchReport, DomainError> {
        let mut report = DispatchReport::default();
        let mut waiting_mail = 0;
        for a in activities::due(&self.db, now, BATCH).await? {
            let outcome = match a.kind.as_str() {
                "EMAIL" => match &self.mailer {
                    Some(m) => Some(m.send(&a)),
                    None => {
                        waiting_mail += 1;
                        None
                    }
                },
                _ => Some(self.sms.send(&a)),
            };
            let Some(send) = outcome else { continue };
            if !activities::claim(&self.db, a.id, now, now + SEND_LEASE).await? {
                continue; // another replica has it
            }
            let attempts = a.attempts + 1;
            match send.await {
                Ok(()) => {
                    activities::finish(&self.db, a.id, "SENT", attempts, None, Some(now), None)
                        .await?;
                    report.sent += 1;
                }
                Err(e) => {
                    let status = after_failure(attempts);
                    let next = (status == "QUEUED").then(|| now + backoff(attempts));
                    tracing::warn!(activity = a.id, attempts, error = %e, "outbox send failed");
                    activities::finish(&self.db, a.id, status, attempts, Some(e), None, next)
                        .await?;
                    if status == "FAILED" {
                        report.failed += 1;
                    } else {
                        report.retried += 1;
                    }
                }
            }
        }
        if waiting_mail > 0 {
            tracing::warn!(waiting_mail, "no SMTP_URL configured: email stays queued");
        }
        Ok(report)
    }
}
