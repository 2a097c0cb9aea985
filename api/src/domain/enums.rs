//! The closed vocabularies of the directive as enums. They are stored in the database as their
//! SCREAMING_SNAKE_CASE names (`strum`), exposed in GraphQL under the same names, and each carries
//! its Hebrew and English display names.

use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr};

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => ($he:expr, $en:expr) ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 Display, EnumString, AsRefStr, IntoStaticStr, EnumIter)]
        #[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Display name in Hebrew, as the directive writes it.
            pub fn name_he(self) -> &'static str {
                match self { $( Self::$variant => $he ),+ }
            }
            /// Display name in English.
            pub fn name_en(self) -> &'static str {
                match self { $( Self::$variant => $en ),+ }
            }
            /// The stored / wire code (SCREAMING_SNAKE_CASE).
            pub fn code(self) -> &'static str {
                self.into()
            }
        }
    };
}

vocabulary! {
    /// Inquiry status (§5.2). `ActiveOpen` exists only before an information-centre agent saves a
    /// manually opened inquiry (§5.2.1).
    Status {
        ActiveOpen => ("פעיל – פתוחה", "Active – open"),
        InTreatment => ("פעיל – בטיפול", "Active – in treatment"),
        OpenAssignedToTeam => ("פעיל – פתוחה משויכת לצוות", "Active – open, assigned to team"),
        InfoFromCustomer => ("פעיל – הגיע מידע מהלקוח", "Active – information arrived from customer"),
        TransferForFurtherTreatment => ("פעיל – העברה להמשך טיפול", "Active – transfer for further treatment"),
        WaitingForCustomer => ("פעיל – בהמתנה ללקוח", "Active – waiting for customer"),
        ClosedHandled => ("סגור – טופל בהצלחה", "Closed – handled successfully"),
        ClosedWithoutTreatment => ("סגור – ללא טיפול", "Closed – without treatment"),
        ClosedCancelledByCustomer => ("סגור – בוטל ע\"י הלקוח", "Closed – cancelled by the customer"),
        ClosedCancelledByRepresentative => ("סגור – בוטל ע\"י המייצג", "Closed – cancelled by the representative"),
        ClosedBySystem => ("סגור – נסגר ע\"י המערכת", "Closed – closed by the system"),
    }
}

impl Status {
    /// Closed statuses (סגור – ...).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::ClosedHandled
                | Self::ClosedWithoutTreatment
                | Self::ClosedCancelledByCustomer
                | Self::ClosedCancelledByRepresentative
                | Self::ClosedBySystem
        )
    }
    /// Open (active) statuses, i.e. not closed.
    pub fn is_open(self) -> bool {
        !self.is_closed()
    }
}

vocabulary! {
    /// The channel an inquiry came through (§2.1.5). Drives field rules (R18, R54).
    Channel {
        Web => ("אינטרנט – אזור אישי", "Web – personal area"),
        RepresentativesNetwork => ("רשת המייצגים", "Representatives' network"),
        Phone => ("טלפון", "Phone"),
        InfoCenterHaifa => ("מרכז המידע חיפה", "Haifa information centre"),
        InfoCenterJerusalem => ("מרכז המידע ירושלים", "Jerusalem information centre"),
    }
}

vocabulary! {
    /// Security roles. A user may hold several; effective rights are the union.
    Role {
        Customer => ("לקוח", "Customer"),
        Representative => ("מייצג", "Representative"),
        Clerk => ("עובד", "Clerk"),
        InfoCenterAgent => ("נציג מרכז מידע", "Information-centre agent"),
        Coordinator => ("רכז", "Coordinator"),
        CrmTrustee => ("נאמן CRM", "CRM trustee"),
        OfficeManager => ("מנהל משרד", "Office manager"),
        DeputyOfficeManager => ("סגן מנהל משרד", "Deputy office manager"),
        HqMainTeam => ("צוות ראשי – מנהלת פניות מע\"מ ומס הכנסה", "HQ main team"),
        DataScientist => ("מדען נתונים", "Data scientist"),
        Auditor => ("מבקר", "Auditor"),
        Admin => ("מנהל מערכת", "Administrator"),
    }
}

impl Role {
    /// Roles held by ITA staff (as opposed to customers and representatives).
    pub fn is_staff(self) -> bool {
        !matches!(self, Self::Customer | Self::Representative)
    }
}

vocabulary! {
    /// Reasons for CLOSED_WITHOUT_TREATMENT (§5.2.8, §6.6; the representative's case in the
    /// directive's words). There is deliberately no "contact another unit": §6.4 and §6.5 forbid
    /// that answer; what a clerk cannot place goes to the HQ main team (§7, R52).
    ClosureReason {
        DuplicateInquiry => ("פנייה כפולה", "Duplicate inquiry"),
        NotOpenedInClientName => ("פנייה לא נפתחה ע\"ש הלקוח", "Inquiry not opened in the client's name"),
        NotInItaScope => ("הנושא אינו בתחום רשות המסים", "Not within the Tax Authority's scope"),
        NoPowerOfAttorney => ("אין ייפוי כוח תקף", "No valid power of attorney"),
        CustomerUnreachable => ("לא ניתן ליצור קשר עם הלקוח", "The customer cannot be reached"),
        InsufficientDetails => ("אין די פרטים לטיפול", "Not enough details to handle"),
        Other => ("אחר", "Other"),
    }
}

vocabulary! {
    /// The rule that picks the office for a triplet (taxonomy `routing` column, §7).
    RoutingKind {
        FileOffice => ("משרד התיק", "Office managing the file"),
        ResidenceOffice => ("משרד לפי מען מגורים", "Office by residence"),
        MshmRegional => ("מש\"מ אזורי", "Regional MSHM"),
        Nsa => ("נס\"א", "National bookkeeping unit"),
        VatDealerOffice => ("משרד תיק העוסק", "Office of the dealer file"),
        VatNewDealer => ("משרד לפי מען העסק", "Office by business address"),
        RealEstateNational => ("היחידה הארצית – מקרקעין", "National real-estate unit"),
        HqMainTeam => ("צוות ראשי – מנהלת פניות מע\"מ ומס הכנסה", "HQ main team"),
        RegistryUnit => ("מרשם המייצגים", "Representatives registry"),
        CompensationFund => ("קרן פיצויים", "Compensation fund"),
    }
}

vocabulary! {
    /// Tax domain of a main topic. A clerk cannot move an inquiry across domains (R7).
    TaxDomain {
        IncomeTax => ("מס הכנסה", "Income tax"),
        Vat => ("מע\"מ", "VAT"),
        RealEstate => ("מיסוי מקרקעין", "Real-estate taxation"),
        Withholding => ("ניכויים", "Withholding"),
        Registry => ("מרשם המייצגים", "Representatives registry"),
        Compensation => ("קרן פיצויים", "Compensation fund"),
        Digital => ("שירותים דיגיטליים ומידע כללי", "Digital services and general information"),
    }
}

impl TaxDomain {
    /// The domain of a triplet code, from its main-topic segment (`IT.REFUND.FORM135` → IncomeTax).
    pub fn of_triplet_code(code: &str) -> Option<Self> {
        match code.split('.').next()? {
            "IT" => Some(Self::IncomeTax),
            "VAT" => Some(Self::Vat),
            "RE" => Some(Self::RealEstate),
            "WH" => Some(Self::Withholding),
            "REG" => Some(Self::Registry),
            "COMP" => Some(Self::Compensation),
            "DIG" => Some(Self::Digital),
            _ => None,
        }
    }

    /// The main-topic segment of the domain's triplet codes (the inverse of
    /// [`Self::of_triplet_code`]).
    pub fn triplet_prefix(self) -> &'static str {
        match self {
            Self::IncomeTax => "IT",
            Self::Vat => "VAT",
            Self::RealEstate => "RE",
            Self::Withholding => "WH",
            Self::Registry => "REG",
            Self::Compensation => "COMP",
            Self::Digital => "DIG",
        }
    }
}

vocabulary! {
    /// Kind of office (offices.csv `kind`).
    OfficeKind {
        IncomeTaxAssessing => ("פקיד שומה", "Income-tax assessing office"),
        Vat => ("משרד מע\"מ", "VAT office"),
        RealEstate => ("משרד מיסוי מקרקעין", "Real-estate taxation office"),
        Mshm => ("יחידת מש\"מ", "MSHM unit"),
        Nsa => ("נס\"א", "National bookkeeping unit"),
        InfoCenter => ("מרכז מידע", "Information centre"),
        NationalUnit => ("יחידה ארצית", "National unit"),
        Hq => ("מטה", "Headquarters"),
    }
}

vocabulary! {
    /// Kind of representative (מייצג).
    RepresentativeKind {
        Lawyer => ("עורך דין", "Lawyer"),
        Accountant => ("רואה חשבון", "Certified accountant"),
        TaxConsultant => ("יועץ מס", "Tax consultant"),
    }
}

vocabulary! {
    /// How far a customer's identity is verified (R32).
    VerificationLevel {
        None => ("לא מזוהה", "Not identified"),
        Basic => ("זיהוי בסיסי", "Basic identification"),
        High => ("זיהוי ברמה גבוהה", "High-level identification"),
    }
}

vocabulary! {
    /// Contact channel the customer prefers (R41).
    ContactChannel {
        Email => ("דואר אלקטרוני", "Email"),
        Sms => ("מסרון", "SMS"),
        Mail => ("דואר", "Post"),
    }
}

vocabulary! {
    /// Where a power of attorney is recorded (R33, R34, R36).
    PoaSource {
        Registry => ("מרשם המייצגים", "Representatives registry"),
        Assessment => ("שומה במיסוי מקרקעין", "Real-estate assessment"),
        AttachedDocument => ("מסמך מצורף", "Attached document"),
        ClientApprovalFlow => ("אישור הלקוח בתהליך ייעודי", "Client approval flow"),
    }
}

vocabulary! {
    /// Who wrote a correspondence or attached a file.
    Direction {
        FromCustomer => ("מהלקוח", "From the customer"),
        FromRepresentative => ("מהמייצג", "From the representative"),
        FromClerk => ("מהעובד", "From the clerk"),
        FromSystem => ("מהמערכת", "From the system"),
    }
}

vocabulary! {
    /// Kind of a status/owner history row (R27).
    HistoryKind {
        Opened => ("נפתחה", "Opened"),
        StatusChange => ("שינוי סטטוס", "Status change"),
        Assignment => ("הקצאה", "Assignment"),
        Transfer => ("העברה", "Transfer"),
        Release => ("שחרור לצוות", "Released to team"),
        TripletChange => ("שינוי שלשה", "Triplet change"),
        Reopened => ("נפתחה מחדש", "Reopened"),
    }
}

vocabulary! {
    /// Outbound activity channel (§5.1.4).
    ActivityKind {
        Email => ("דואר אלקטרוני", "Email"),
        Sms => ("מסרון", "SMS"),
    }
}

vocabulary! {
    /// Kind of a non-working day in the SLA calendar.
    NonWorkingKind {
        Weekend => ("סוף שבוע", "Weekend"),
        Holiday => ("חג", "Holiday"),
        Extra => ("יום שאינו יום עבודה", "Extra non-working day"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use strum::IntoEnumIterator;

    #[test]
    fn triplet_prefix_is_the_inverse_of_of_triplet_code() {
        for d in TaxDomain::iter() {
            let code = format!("{}.X.Y", d.triplet_prefix());
            assert_eq!(TaxDomain::of_triplet_code(&code), Some(d));
        }
    }

    /// R19 (§5.2.8, §6.4-§6.6): the representative's reason reads as the directive writes it, and
    /// no reason sends the customer to another unit (an answer the directive forbids).
    #[test]
    fn r19_closure_reasons_follow_the_directive() {
        assert_eq!(
            ClosureReason::NotOpenedInClientName.name_he(),
            "פנייה לא נפתחה ע\"ש הלקוח"
        );
        for r in ClosureReason::iter() {
            assert!(!r.name_he().contains("לפנות"), "{r}: {}", r.name_he());
            assert!(!r.code().contains("OTHER_UNIT"), "{r}");
        }
    }

    #[test]
    fn r17_eleven_statuses_round_trip_through_their_codes() {
        assert_eq!(Status::iter().count(), 11);
        for s in Status::iter() {
            assert_eq!(Status::from_str(s.code()).ok(), Some(s));
            assert!(!s.name_he().is_empty());
        }
        assert_eq!(
            Status::TransferForFurtherTreatment.code(),
            "TRANSFER_FOR_FURTHER_TREATMENT"
        );
        assert_eq!(Status::iter().filter(|s| s.is_closed()).count(), 5);
    }

    #[test]
    fn r7_tax_domain_is_read_from_the_main_topic() {
        assert_eq!(
            TaxDomain::of_triplet_code("VAT.REPORTS.PCN874"),
            Some(TaxDomain::Vat)
        );
        assert_eq!(
            TaxDomain::of_triplet_code("RE.CERT.TABU"),
            Some(TaxDomain::RealEstate)
        );
        assert_eq!(TaxDomain::of_triplet_code("XX.Y.Z"), None);
    }
}
