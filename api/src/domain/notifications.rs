//! Automatic customer notifications (§2.1.3: "משוב (דוא"ל ומסרון אוטומטי) ללקוחות בסטטוסים
//! מסוימים"): when an inquiry waits for the customer or is closed, the customer is told by the
//! preferred channel, at the registered and verified address only (R40). Plain functions.

use super::{ActivityKind, ContactChannel, Status};

/// A notice to queue: subject (email only) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// The notice for an inquiry that moved to `status`, if that status tells the customer
/// something (the customer's or representative's own cancellation does not).
pub fn status_notice(status: Status, number: i64, kind: ActivityKind) -> Option<Notice> {
    let (subject, text) = match status {
        Status::WaitingForCustomer => (
            format!("פנייתך מספר {number} ממתינה לתגובתך"),
            format!(
                "בפנייתך מספר {number} נדרשים ממך פרטים או מסמכים נוספים. הבקשה מופיעה באזור \
                 האישי באתר רשות המסים. אם לא תתקבל תגובה בתוך שלושה חודשים, הפנייה תיסגר."
            ),
        ),
        // Closed by the system (no answer for three months, or a file that failed
        // sanitising): not "handled", and the reason is in the personal area.
        Status::ClosedBySystem => (
            format!("פנייתך מספר {number} נסגרה"),
            format!(
                "פנייתך מספר {number} נסגרה על ידי המערכת. הסיבה לסגירה מופיעה באזור האישי \
                 באתר רשות המסים. ניתן להוסיף התכתבות לפנייה בתוך 14 יום ממועד הסגירה."
            ),
        ),
        // Closed without treatment (a duplicate, not opened in the client's name, ...): nothing
        // was handled; the answer and the reason are in the personal area.
        Status::ClosedWithoutTreatment => (
            format!("פנייתך מספר {number} נסגרה"),
            format!(
                "פנייתך מספר {number} נסגרה ללא טיפול. המענה וסיבת הסגירה מופיעים באזור האישי \
                 באתר רשות המסים. ניתן להוסיף התכתבות לפנייה בתוך 14 יום ממועד הסגירה."
            ),
        ),
        Status::ClosedHandled => (
            format!("הטיפול בפנייתך מספר {number} הסתיים"),
            format!(
                "הטיפול בפנייתך מספר {number} הסתיים. המענה מופיע באזור האישי באתר רשות המסים. \
                 ניתן להוסיף התכתבות לפנייה בתוך 14 יום ממועד הסגירה."
            ),
        ),
        _ => return None,
    };
    Some(match kind {
        ActivityKind::Email => Notice {
            subject,
            body: format!("שלום רב,\n{text}\nבברכה,\nרשות המסים"),
        },
        // An SMS is short: the subject line and where to read more.
        ActivityKind::Sms => Notice {
            body: format!("רשות המסים: {subject}. הפרטים באזור האישי באתר רשות המסים."),
            subject,
        },
    })
}

/// The channels to try, in order: the preferred one, then the other electronic one (a
/// customer who prefers post still gets an electronic notice when one is verified).
pub fn channels(preferred: ContactChannel) -> [ActivityKind; 2] {
    match preferred {
        ContactChannel::Sms => [ActivityKind::Sms, ActivityKind::Email],
        ContactChannel::Email | ContactChannel::Mail => [ActivityKind::Email, ActivityKind::Sms],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r40_waiting_and_closure_notices_name_the_inquiry_and_cancellations_send_none() {
        let n = status_notice(Status::WaitingForCustomer, 10000042, ActivityKind::Email).unwrap();
        assert_eq!(n.subject, "פנייתך מספר 10000042 ממתינה לתגובתך");
        assert!(n.body.starts_with("שלום רב,\n") && n.body.ends_with("רשות המסים"));
        assert!(
            n.body.contains("שלושה חודשים"),
            "R22: closes after three months"
        );
        for (s, says) in [
            (Status::ClosedHandled, "הטיפול בפנייתך מספר 7 הסתיים"),
            (Status::ClosedWithoutTreatment, "פנייתך מספר 7 נסגרה"),
            // R22: the system closed it; nobody handled it, so it must not say so.
            (Status::ClosedBySystem, "פנייתך מספר 7 נסגרה"),
        ] {
            let n = status_notice(s, 7, ActivityKind::Sms).unwrap();
            assert!(n.body.contains(says), "{n:?}");
            if s == Status::ClosedWithoutTreatment {
                let e = status_notice(s, 7, ActivityKind::Email).unwrap();
                assert!(
                    e.body.contains("נסגרה ללא טיפול") && !e.body.contains("הטיפול"),
                    "{e:?}"
                );
            }
            if s == Status::ClosedBySystem {
                let e = status_notice(s, 7, ActivityKind::Email).unwrap();
                assert!(
                    !e.body.contains("הטיפול") && e.body.contains("הסיבה"),
                    "{e:?}"
                );
            }
            assert!(n.body.chars().count() <= 140, "an SMS stays short");
            let e = status_notice(s, 7, ActivityKind::Email).unwrap();
            assert!(
                e.body.contains("14 יום"),
                "R11: 14 days to add correspondence"
            );
        }
        for s in [
            Status::ClosedCancelledByCustomer,
            Status::ClosedCancelledByRepresentative,
            Status::InTreatment,
            Status::InfoFromCustomer,
        ] {
            assert_eq!(status_notice(s, 7, ActivityKind::Email), None, "{s:?}");
        }
    }

    #[test]
    fn r40_the_preferred_channel_comes_first() {
        assert_eq!(channels(ContactChannel::Sms)[0], ActivityKind::Sms);
        assert_eq!(channels(ContactChannel::Email)[0], ActivityKind::Email);
        assert_eq!(channels(ContactChannel::Mail)[0], ActivityKind::Email);
    }
}
