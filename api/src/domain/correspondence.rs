//! Correspondence rules (§2.2.4, §4.2, §6.2, §6.7): at most three open (unanswered) customer
//! correspondences, reset by a clerk's answer; after closure, a customer may write for 14 days
//! from the closing date, which reopens the inquiry at the last handling team.

use chrono::{DateTime, Days, Utc};
use chrono_tz::Asia::Jerusalem;

use super::error::{DomainError, ErrorCode};
use super::{Direction, Status};

/// Open customer correspondences allowed before a clerk answers (R10).
pub const MAX_OPEN_CORRESPONDENCES: usize = 3;
/// Days after the closing date in which a customer may still write (R11).
pub const DEFAULT_REOPEN_DAYS: u64 = 14;
/// Correspondences from which a phone call is suggested (R13).
pub const DEFAULT_PHONE_CALL_THRESHOLD: usize = 6;

/// Customer/representative correspondences after the last clerk answer, given the directions in
/// chronological order.
pub fn open_count(directions: &[Direction]) -> usize {
    directions
        .iter()
        .rev()
        .take_while(|d| !matches!(d, Direction::FromClerk))
        .filter(|d| matches!(d, Direction::FromCustomer | Direction::FromRepresentative))
        .count()
}

/// What a customer correspondence does to the inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerWriteEffect {
    /// Recorded; the status stays.
    Recorded,
    /// The customer wrote back on an answer (waiting for the customer, or a clerk's answer while
    /// in treatment): it becomes INFO_FROM_CUSTOMER (§5.2.4).
    InfoArrived,
    /// The inquiry was closed within the window: it reopens as INFO_FROM_CUSTOMER at the last
    /// handling team of the triplet, not at the last clerk (R11, §6.2).
    Reopen,
}

/// Decides whether a customer (or representative) may add a correspondence and what it does.
pub fn customer_write(
    status: Status,
    closed_at: Option<DateTime<Utc>>,
    directions: &[Direction],
    now: DateTime<Utc>,
    reopen_days: u64,
) -> Result<CustomerWriteEffect, DomainError> {
    if status.is_closed() {
        let closed_at = closed_at.unwrap_or(now);
        if !within_reopen_window(closed_at, now, reopen_days) {
            return Err(DomainError::new(
                ErrorCode::ReopenWindowExpired,
                format!(
                    "לא ניתן להוסיף התכתבות: חלפו יותר מ-{reopen_days} ימים מיום סגירת הפנייה. יש לפתוח פנייה חדשה."
                ),
            ));
        }
        return Ok(CustomerWriteEffect::Reopen);
    }
    if open_count(directions) >= MAX_OPEN_CORRESPONDENCES {
        return Err(DomainError::new(
            ErrorCode::CorrespondenceLimit,
            format!(
                "ניתן לשלוח עד {MAX_OPEN_CORRESPONDENCES} התכתבויות פתוחות בפנייה. המגבלה תתאפס לאחר מענה העובד."
            ),
        ));
    }
    // §5.2.4: "כאשר לקוח יוצר התכתבות על מענה שקיבל בפנייה שלו": the customer writes back on an
    // answer: after a request for information (waiting), or on a clerk's answer while the clerk
    // handles it. Otherwise (no answer yet, or still in a team's stock) it is only recorded.
    let answered = directions.contains(&Direction::FromClerk);
    Ok(match status {
        Status::WaitingForCustomer => CustomerWriteEffect::InfoArrived,
        Status::InTreatment if answered => CustomerWriteEffect::InfoArrived,
        _ => CustomerWriteEffect::Recorded,
    })
}

/// "Not later than 14 days from the closing date": calendar days in Israel, so an inquiry closed
/// on the 1st accepts correspondence through the end of the 15th (day 14 after closing).
pub fn within_reopen_window(closed_at: DateTime<Utc>, now: DateTime<Utc>, days: u64) -> bool {
    let closed_day = closed_at.with_timezone(&Jerusalem).date_naive();
    let today = now.with_timezone(&Jerusalem).date_naive();
    match closed_day.checked_add_days(Days::new(days)) {
        Some(last) => today <= last,
        None => false,
    }
}

/// R13: many correspondences on an inquiry suggest a phone call to the customer.
pub fn phone_call_suggested(total_correspondences: usize, threshold: usize) -> bool {
    total_correspondences >= threshold
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;
    use chrono::TimeZone;

    fn t(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap()
    }

    #[test]
    fn r10_fourth_open_correspondence_is_refused_and_a_clerk_answer_resets() {
        let now = t(1, 10);
        assert_eq!(
            customer_write(
                Status::InTreatment,
                None,
                &[FromCustomer, FromCustomer],
                now,
                14
            )
            .ok(),
            Some(CustomerWriteEffect::Recorded)
        );
        let three = [FromCustomer, FromRepresentative, FromCustomer];
        let e = customer_write(Status::InTreatment, None, &three, now, 14).unwrap_err();
        assert_eq!(e.code, ErrorCode::CorrespondenceLimit);
        let answered = [FromCustomer, FromCustomer, FromCustomer, FromClerk];
        assert!(customer_write(Status::InTreatment, None, &answered, now, 14).is_ok());
        assert_eq!(
            open_count(&[
                FromCustomer,
                FromClerk,
                FromCustomer,
                FromSystem,
                FromCustomer
            ]),
            2
        );
    }

    #[test]
    fn r11_reopen_within_14_days_of_closing_only() {
        let closed = t(1, 20); // 22:00 in Israel on March 1st
        let day13 = t(14, 9);
        let day14_evening = Utc.with_ymd_and_hms(2026, 3, 15, 20, 0, 0).unwrap(); // 22:00 local, day 14
        let day15 = Utc.with_ymd_and_hms(2026, 3, 15, 23, 0, 0).unwrap(); // 01:00 local on the 16th
        assert_eq!(
            customer_write(Status::ClosedHandled, Some(closed), &[], day13, 14).ok(),
            Some(CustomerWriteEffect::Reopen)
        );
        assert!(within_reopen_window(closed, day14_evening, 14));
        let e = customer_write(Status::ClosedHandled, Some(closed), &[], day15, 14).unwrap_err();
        assert_eq!(e.code, ErrorCode::ReopenWindowExpired);
    }

    #[test]
    fn r11_reopen_ignores_the_open_correspondence_counter() {
        let closed = t(1, 10);
        let many = [FromCustomer, FromCustomer, FromCustomer];
        assert_eq!(
            customer_write(
                Status::ClosedWithoutTreatment,
                Some(closed),
                &many,
                t(2, 10),
                14
            )
            .ok(),
            Some(CustomerWriteEffect::Reopen)
        );
    }

    #[test]
    fn r9_a_reply_on_a_clerks_answer_in_treatment_is_information_from_the_customer() {
        let now = t(1, 1);
        assert_eq!(
            customer_write(
                Status::InTreatment,
                None,
                &[FromCustomer, FromClerk],
                now,
                14
            )
            .ok(),
            Some(CustomerWriteEffect::InfoArrived)
        );
        assert_eq!(
            customer_write(Status::InTreatment, None, &[FromCustomer], now, 14).ok(),
            Some(CustomerWriteEffect::Recorded),
            "no answer yet"
        );
        assert_eq!(
            customer_write(Status::OpenAssignedToTeam, None, &[FromClerk], now, 14).ok(),
            Some(CustomerWriteEffect::Recorded),
            "in the team's stock"
        );
        assert_eq!(
            customer_write(Status::InfoFromCustomer, None, &[FromClerk], now, 14).ok(),
            Some(CustomerWriteEffect::Recorded),
            "already there"
        );
    }

    #[test]
    fn r9_waiting_for_customer_becomes_info_from_customer() {
        assert_eq!(
            customer_write(Status::WaitingForCustomer, None, &[FromClerk], t(1, 1), 14).ok(),
            Some(CustomerWriteEffect::InfoArrived)
        );
    }

    #[test]
    fn r13_phone_call_threshold() {
        assert!(!phone_call_suggested(5, 6));
        assert!(phone_call_suggested(6, 6));
    }
}
