//! Pure domain rules of the ITA CRM (directive 06/2025). No I/O here: no database, no HTTP, no
//! GraphQL, no clock reads. Everything is a function of its inputs so it can be unit-tested directly.
//!
//! Inside this module tree, refer to siblings with `super::` paths only (never `crate::`), so the
//! tree also compiles on its own as a crate root for quick checks.
//!
//! Glossary (Hebrew term in the directive = identifier here):
//! - פנייה = Inquiry; מספר פנייה = inquiry number
//! - לקוח = Customer; תיק = file; סוג תיק = file type (91, 10, 95 ...)
//! - מייצג = Representative; ייפוי כוח = power of attorney (POA); מרשם המייצגים = representatives registry
//! - שלשה = Triplet: נושא ראשי / נושא משני / פירוט נושא = main / secondary / detail topic
//! - חוליה = Unit; צוות = Team; משרד = Office; מש"מ = MSHM; נס"א = NSA
//! - התכתבות = Correspondence; קובץ מצורף = Attachment; הלבנה = sanitising
//! - פתרון מוצע = proposed solution (internal); תגובה ללקוח = response to customer
//! - סיבת סגירה = closure reason; פעילות = activity (email / SMS)
//! - הרחבת מידע = information expansion; תבנית תשובה = response template
//! - רכז = coordinator; נאמן CRM = CRM trustee; מנהל משרד = office manager

pub mod contact;
pub mod correspondence;
pub mod enums;
pub mod error;
pub mod handling;
pub mod limits;
pub mod national_id;
pub mod notifications;
pub mod outbox;
pub mod policy;
pub mod principal;
pub mod redact;
pub mod representation;
pub mod routing;
pub mod sanitize;
pub mod search;
pub mod sla;
pub mod status;
pub mod templates;

pub use enums::*;
pub use principal::{Principal, ReadScope};
