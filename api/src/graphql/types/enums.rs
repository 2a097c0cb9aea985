//! GraphQL enums mirroring the domain vocabularies (remote enums: the domain stays free of
//! GraphQL), and the label objects that carry their Hebrew and English names.

use async_graphql::{Enum, SimpleObject};

use crate::domain;

/// Inquiry status (§5.2).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::Status")]
pub enum InquiryStatus {
    ActiveOpen,
    InTreatment,
    OpenAssignedToTeam,
    InfoFromCustomer,
    TransferForFurtherTreatment,
    WaitingForCustomer,
    ClosedHandled,
    ClosedWithoutTreatment,
    ClosedCancelledByCustomer,
    ClosedCancelledByRepresentative,
    ClosedBySystem,
}

/// Channel an inquiry came through (§2.1.5).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::Channel")]
pub enum Channel {
    Web,
    RepresentativesNetwork,
    Phone,
    InfoCenterHaifa,
    InfoCenterJerusalem,
}

/// Security role.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::Role")]
pub enum Role {
    Customer,
    Representative,
    Clerk,
    InfoCenterAgent,
    Coordinator,
    CrmTrustee,
    OfficeManager,
    DeputyOfficeManager,
    HqMainTeam,
    DataScientist,
    Auditor,
    Admin,
}

/// Reason for closing without treatment (§5.2.8).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::ClosureReason")]
pub enum ClosureReason {
    DuplicateInquiry,
    NotOpenedInClientName,
    NotInItaScope,
    NoPowerOfAttorney,
    CustomerUnreachable,
    InsufficientDetails,
    Other,
}

/// Kind of a status/owner history row.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::HistoryKind")]
pub enum HistoryKind {
    Opened,
    StatusChange,
    Assignment,
    Transfer,
    Release,
    TripletChange,
    Reopened,
}

/// Who wrote a correspondence.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::Direction")]
pub enum Direction {
    FromCustomer,
    FromRepresentative,
    FromClerk,
    FromSystem,
}

/// Office kind (offices.csv).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::OfficeKind")]
pub enum OfficeKind {
    IncomeTaxAssessing,
    Vat,
    RealEstate,
    Mshm,
    Nsa,
    InfoCenter,
    NationalUnit,
    Hq,
}

/// Kind of representative.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::RepresentativeKind")]
pub enum RepresentativeKind {
    Lawyer,
    Accountant,
    TaxConsultant,
}

/// Routing rule of a triplet (§7).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::RoutingKind")]
pub enum RoutingKind {
    FileOffice,
    ResidenceOffice,
    MshmRegional,
    Nsa,
    VatDealerOffice,
    VatNewDealer,
    RealEstateNational,
    HqMainTeam,
    RegistryUnit,
    CompensationFund,
}

/// Customer verification level (R32).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::VerificationLevel")]
pub enum VerificationLevel {
    None,
    Basic,
    High,
}

/// Preferred contact channel (R41).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::ContactChannel")]
pub enum ContactChannel {
    Email,
    Sms,
    Mail,
}

/// A status with its display names.
#[derive(SimpleObject, Clone)]
pub struct StatusLabel {
    pub code: InquiryStatus,
    pub name_he: String,
    pub name_en: String,
}

impl From<domain::Status> for StatusLabel {
    fn from(s: domain::Status) -> Self {
        Self {
            code: s.into(),
            name_he: s.name_he().into(),
            name_en: s.name_en().into(),
        }
    }
}

/// A channel with its display names.
#[derive(SimpleObject, Clone)]
pub struct ChannelLabel {
    pub code: Channel,
    pub name_he: String,
    pub name_en: String,
}

impl From<domain::Channel> for ChannelLabel {
    fn from(s: domain::Channel) -> Self {
        Self {
            code: s.into(),
            name_he: s.name_he().into(),
            name_en: s.name_en().into(),
        }
    }
}

/// A closure reason with its display names.
#[derive(SimpleObject, Clone)]
pub struct ClosureReasonLabel {
    pub code: ClosureReason,
    pub name_he: String,
    pub name_en: String,
}

impl From<domain::ClosureReason> for ClosureReasonLabel {
    fn from(s: domain::ClosureReason) -> Self {
        Self {
            code: s.into(),
            name_he: s.name_he().into(),
            name_en: s.name_en().into(),
        }
    }
}

/// Parses a stored code; a stored value that no longer parses is an internal error.
pub fn parse_stored<T: std::str::FromStr>(
    what: &str,
    code: &str,
) -> Result<T, crate::graphql::errors::ApiError> {
    code.parse().map_err(|_| {
        crate::graphql::errors::ApiError::internal(format!("stored {what} {code:?} is not valid"))
    })
}
