//! The read/act policy, declared in one place (R31, §2.2.2): role × type × field → allow, mask
//! or deny. The GraphQL layer consults it for every field it resolves (an extension), so a
//! resolver cannot forget it; a field or type with no entry is unreadable by every role, and a
//! test walks the whole matrix against the served schema. Row predicates (which inquiries,
//! which customers) live in `ReadScope` and the store's scoped queries.

use super::Role;

/// What a principal gets for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Deny,
    /// The value is shown masked (e.g. a national ID as `*****6789`).
    Mask,
    Allow,
}

/// Columns of the matrix: every role belongs to one audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Audience {
    /// Handling staff: clerks, agents, coordinators, trustees, managers, HQ, administrators.
    Staff,
    /// Read-only oversight.
    Auditor,
    /// Model work: no direct identifiers.
    DataScientist,
    Customer,
    Representative,
}

pub fn audience(role: Role) -> Audience {
    match role {
        Role::Customer => Audience::Customer,
        Role::Representative => Audience::Representative,
        Role::DataScientist => Audience::DataScientist,
        Role::Auditor => Audience::Auditor,
        _ => Audience::Staff,
    }
}

/// One rule: access per audience, in the order Staff, Auditor, DataScientist, Customer, Representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub access: [Access; 5],
    /// Reading it is a read of personal data (audited, R3).
    pub personal: bool,
}

use Access::{Allow as A, Deny as D, Mask as M};

const fn rule(
    staff: Access,
    auditor: Access,
    ds: Access,
    customer: Access,
    rep: Access,
    personal: bool,
) -> Rule {
    Rule {
        access: [staff, auditor, ds, customer, rep],
        personal,
    }
}

/// Everyone authenticated.
pub const PUBLIC: Rule = rule(A, A, A, A, A, false);
/// Internal working data: ITA staff (incl. auditors and data scientists), not customers.
pub const INTERNAL: Rule = rule(A, A, A, D, D, false);
/// Internal and identifying (who handled what): not for data scientists.
pub const STAFF_ONLY: Rule = rule(A, A, D, D, D, false);
/// Personal data of the customer: staff, the customer and its representative; never data scientists.
pub const PERSONAL: Rule = rule(A, A, D, A, A, true);
/// National ID: masked for representatives (R31 mask example).
pub const NATIONAL_ID: Rule = rule(A, A, D, A, M, true);
/// Staff-only personal data.
pub const STAFF_PERSONAL: Rule = rule(A, A, D, D, D, true);
/// Handling actions (mutations): handling staff only; auditors are read-only.
pub const HANDLE: Rule = rule(A, D, D, D, D, false);
/// Actions of the customer side (and answers by handling staff).
pub const CUSTOMER_SIDE: Rule = rule(A, D, D, A, A, false);
/// Actions only the customer side takes.
pub const CUSTOMER_ONLY: Rule = rule(D, D, D, A, A, false);

/// The audit trail: auditors only.
pub const AUDIT: Rule = rule(D, A, D, D, D, false);
/// Classifier operations (R8): data scientists act; auditors read the registry.
pub const MODEL_READ: Rule = rule(D, A, A, D, D, false);
pub const MODEL_ACT: Rule = rule(D, D, A, D, D, false);

/// The matrix: (type, fields, rule). Every object field the schema serves must appear once.
pub const POLICY: &[(&str, &[&str], Rule)] = &[
    (
        "QueryRoot",
        &[
            "me",
            "node",
            "nodes",
            "inquiry",
            "inquiryByNumber",
            "inquiries",
            "customer",
            "topicTree",
            "triplet",
            "triplets",
            "offices",
            "suggestTriplets",
            "nonWorkingDays",
            "rateLimit",
        ],
        PUBLIC,
    ),
    (
        "RateLimit",
        &["cost", "limit", "remaining", "resetAt"],
        PUBLIC,
    ),
    ("TripletDetail", &["code", "nameHe", "nameEn"], PUBLIC),
    ("QueryRoot", &["customers", "teams"], STAFF_ONLY),
    (
        "MutationRoot",
        &["openInquiry", "addCorrespondence"],
        CUSTOMER_SIDE,
    ),
    ("MutationRoot", &["cancelInquiry"], CUSTOMER_ONLY),
    (
        "MutationRoot",
        &[
            "changeStatus",
            "assignInquiry",
            "releaseInquiry",
            "changeTriplet",
            "markRead",
            "closeInquiriesTogether",
            "addNonWorkingDay",
            "removeNonWorkingDay",
        ],
        HANDLE,
    ),
    ("Node", &["id"], PUBLIC),
    (
        "Sla",
        &[
            "workingTime",
            "workingHours",
            "segments",
            "byTeam",
            "byAssignee",
            "target",
            "remaining",
            "dueAt",
            "reachedTargetAt",
            "breached",
            "paused",
        ],
        STAFF_ONLY,
    ),
    (
        "SlaSegment",
        &[
            "status",
            "team",
            "assignee",
            "from",
            "to",
            "workingTime",
            "counted",
        ],
        STAFF_ONLY,
    ),
    ("SlaTeamTime", &["team", "workingTime"], STAFF_ONLY),
    ("SlaAssigneeTime", &["assignee", "workingTime"], STAFF_ONLY),
    (
        "NonWorkingDay",
        &["date", "kind", "nameHe", "nameEn"],
        PUBLIC,
    ),
    (
        "NonWorkingDayPayload",
        &["nonWorkingDay", "dueDatesRefreshed"],
        PUBLIC,
    ),
    ("SubscriptionRoot", &["inquiryEvents"], INTERNAL),
    ("SubscriptionRoot", &["myInquiryEvents"], CUSTOMER_ONLY),
    (
        "InquiryEvent",
        &["kind", "inquiryId", "teamId", "status", "at"],
        PUBLIC,
    ),
    ("MutationRoot", &["reauthenticate", "verifyCaller"], HANDLE),
    ("ReauthenticatePayload", &["validUntil"], HANDLE),
    (
        "InfoExpansion",
        &[
            "fileNumber",
            "fileType",
            "fileOffice",
            "annualReportRequired",
            "vatDealerActive",
            "residenceCity",
            "reportsFiled",
            "workGrantEligible",
            "source",
        ],
        STAFF_PERSONAL,
    ),
    ("QueryRoot", &["auditLog"], AUDIT),
    ("QueryRoot", &["dashboard"], INTERNAL),
    ("QueryRoot", &["responseTemplates"], STAFF_ONLY),
    ("QueryRoot", &["savedViews"], STAFF_ONLY),
    ("MutationRoot", &["saveView", "deleteSavedView"], HANDLE),
    ("SavedViewPayload", &["savedView"], STAFF_ONLY),
    ("DeleteSavedViewPayload", &["deletedId"], STAFF_ONLY),
    (
        "SavedView",
        &["id", "name", "definition", "createdAt", "updatedAt"],
        STAFF_ONLY,
    ),
    ("MutationRoot", &["sendActivity"], HANDLE),
    ("MutationRoot", &["validateTriplet"], HANDLE),
    ("QueryRoot", &["classifierModels"], MODEL_READ),
    ("QueryRoot", &["classifierFeedback"], MODEL_ACT),
    (
        "MutationRoot",
        &["retrainClassifier", "promoteClassifierModel"],
        MODEL_ACT,
    ),
    ("ClassifierModelPayload", &["model"], MODEL_ACT),
    (
        "ClassifierModel",
        &[
            "version",
            "parentVersion",
            "status",
            "trainedBy",
            "promotedBy",
            "createdAt",
            "promotedAt",
            "dataHash",
            "labelSetHash",
            "devTop1",
            "parentDevTop1",
            "feedbackTop1Before",
            "feedbackTop1After",
            "trainingSeconds",
            "gateReasons",
            "metricsJson",
            "acceptance",
        ],
        MODEL_READ,
    ),
    (
        "ModelAcceptanceDetail",
        &["total", "byMainTopic", "byWeek"],
        MODEL_READ,
    ),
    ("WeekAcceptance", &["week", "acceptance"], MODEL_READ),
    (
        "FeedbackExample",
        &[
            "cursor",
            "text",
            "tripletCode",
            "customerTripletCode",
            "verdict",
            "modelVersion",
            "suggestedTop1",
            "validatedAt",
        ],
        MODEL_ACT,
    ),
    ("ValidateTripletPayload", &["validation"], STAFF_ONLY),
    (
        "TripletValidation",
        &[
            "verdict",
            "customerTripletCorrect",
            "customerTriplet",
            "finalTriplet",
            "modelVersion",
            "suggestedTop1",
            "createdAt",
        ],
        INTERNAL,
    ),
    ("MutationRoot", &["addAttachment"], CUSTOMER_SIDE),
    ("AddAttachmentPayload", &["attachment", "inquiry"], PUBLIC),
    ("MutationRoot", &["updateAttachment"], HANDLE),
    ("UpdateAttachmentPayload", &["attachment"], STAFF_ONLY),
    ("Attachment", &["id", "downloadPath"], PERSONAL),
    (
        "Attachment",
        &[
            "fileName",
            "contentType",
            "sizeBytes",
            "direction",
            "showOnInternet",
            "sanitizeStatus",
            "createdAt",
        ],
        PERSONAL,
    ),
    ("Attachment", &["clerkNote"], STAFF_ONLY),
    ("SendActivityPayload", &["activity"], STAFF_ONLY),
    (
        "Activity",
        &["kind", "toAddress", "status", "createdAt"],
        STAFF_PERSONAL,
    ),
    (
        "MutationRoot",
        &["createResponseTemplate", "approveResponseTemplate"],
        HANDLE,
    ),
    (
        "ResponseTemplate",
        &[
            "id",
            "title",
            "bodyHe",
            "status",
            "system",
            "triplet",
            "approvedAt",
        ],
        STAFF_ONLY,
    ),
    ("ResponseTemplatePayload", &["template"], STAFF_ONLY),
    (
        "Dashboard",
        &[
            "from",
            "to",
            "total",
            "handled",
            "byStatus",
            "byChannel",
            "byTeam",
            "byTriplet",
            "openAge",
            "byPopulation",
            "sla",
            "unreadByTeam",
            "classifierAcceptance",
        ],
        INTERNAL,
    ),
    (
        "ClassifierAcceptance",
        &["total", "byModel", "byMainTopic"],
        INTERNAL,
    ),
    ("Acceptance", &["validated", "accepted", "rate"], INTERNAL),
    ("ModelAcceptance", &["modelVersion", "acceptance"], INTERNAL),
    ("TopicAcceptance", &["mainTopic", "acceptance"], INTERNAL),
    (
        "DashboardSla",
        &["total", "byOffice", "byTeam", "byTriplet"],
        INTERNAL,
    ),
    (
        "SlaFigures",
        &[
            "closed",
            "withinTarget",
            "shareWithinTarget",
            "medianWorkingTime",
            "medianWorkingHours",
        ],
        INTERNAL,
    ),
    ("OfficeSla", &["office", "sla"], INTERNAL),
    ("TeamSla", &["team", "sla"], INTERNAL),
    ("TripletSla", &["triplet", "sla"], INTERNAL),
    ("StatusCount", &["status", "count"], INTERNAL),
    ("ChannelCount", &["channel", "count"], INTERNAL),
    ("PopulationCount", &["population", "count"], INTERNAL),
    ("TeamCount", &["team", "count"], INTERNAL),
    ("TripletCount", &["triplet", "count"], INTERNAL),
    ("AgeBucket", &["days", "count"], INTERNAL),
    (
        "AuditEntry",
        &[
            "at",
            "requestId",
            "actorKind",
            "actorId",
            "roles",
            "operation",
            "objectType",
            "objectIds",
            "fields",
            "outcome",
            "details",
        ],
        AUDIT,
    ),
    (
        "AuditEntryConnection",
        &["pageInfo", "edges", "nodes"],
        AUDIT,
    ),
    ("AuditEntryEdge", &["node", "cursor"], AUDIT),
    (
        "Viewer",
        &["kind", "roles", "user", "customer", "representative"],
        PUBLIC,
    ),
    (
        "Inquiry",
        &[
            "id",
            "number",
            "channel",
            "status",
            "triplet",
            "customerTriplet",
            "taxYear",
            "unit",
            "subject",
            "office",
            "team",
            "openedAt",
            "updatedAt",
            "closedAt",
            "statusChangedAt",
            "documentsPending",
            "closureReason",
            "version",
        ],
        PUBLIC,
    ),
    (
        "Inquiry",
        &[
            "body",
            "customer",
            "representative",
            "correspondences",
            "attachments",
            "handlerNameForCustomer",
        ],
        PERSONAL,
    ),
    (
        "Inquiry",
        &[
            "proposedSolution",
            "statusHistory",
            "unreadCorrespondences",
            "phoneCallSuggested",
            "similarOpenInquiries",
            "assignee",
            "transferTargets",
            "callerVerifiedAt",
            "sla",
            "tripletSuggestions",
            "infoExpansion",
            "tripletValidation",
            "activities",
            "unreadAttachments",
        ],
        STAFF_ONLY,
    ),
    (
        "Customer",
        &[
            "id",
            "isCompany",
            "verificationLevel",
            "preferredChannel",
            "fileType",
            "fileActive",
            "annualReportRequired",
            "inquiries",
        ],
        PUBLIC,
    ),
    (
        "Customer",
        &[
            "lastName",
            "firstName",
            "fullName",
            "fileNumber",
            "residenceCity",
            "verifiedEmail",
            "verifiedMobile",
        ],
        PERSONAL,
    ),
    ("Customer", &["nationalId"], NATIONAL_ID),
    (
        "Representative",
        &[
            "id",
            "kind",
            "activeLawyer",
            "firmName",
            "licenseNumber",
            "lastName",
            "firstName",
        ],
        PUBLIC,
    ),
    ("User", &["id", "office"], PUBLIC),
    (
        "User",
        &["lastName", "firstName", "fullName"],
        rule(A, A, D, A, A, false),
    ),
    ("User", &["login", "roles", "teams"], STAFF_ONLY),
    (
        "HistoryEntry",
        &[
            "id",
            "kind",
            "at",
            "actorKind",
            "actor",
            "fromStatus",
            "toStatus",
            "fromTeam",
            "toTeam",
            "fromOffice",
            "toOffice",
            "fromAssignee",
            "toAssignee",
            "fromTripletCode",
            "toTripletCode",
            "note",
        ],
        STAFF_ONLY,
    ),
    (
        "Correspondence",
        &["id", "direction", "createdAt", "readAt"],
        PUBLIC,
    ),
    ("Correspondence", &["body"], PERSONAL),
    (
        "Office",
        &["id", "code", "nameHe", "nameEn", "kind", "city", "teams"],
        PUBLIC,
    ),
    (
        "Team",
        &["id", "code", "nameHe", "nameEn", "unit", "office"],
        PUBLIC,
    ),
    (
        "Topic",
        &[
            "id", "code", "nameHe", "nameEn", "level", "children", "triplets",
        ],
        PUBLIC,
    ),
    (
        "Triplet",
        &[
            "id",
            "code",
            "main",
            "secondary",
            "detail",
            "detailHe",
            "detailEn",
            "nameHe",
            "nameEn",
            "taxYearRequired",
            "customerSelectable",
            "representativePoaTopic",
            "routing",
            "defaultTeamCode",
        ],
        PUBLIC,
    ),
    ("StatusLabel", &["code", "nameHe", "nameEn"], PUBLIC),
    ("ChannelLabel", &["code", "nameHe", "nameEn"], PUBLIC),
    ("ClosureReasonLabel", &["code", "nameHe", "nameEn"], PUBLIC),
    (
        "InquiryConnection",
        &["pageInfo", "edges", "nodes", "totalCount"],
        PUBLIC,
    ),
    ("InquiryEdge", &["node", "cursor"], PUBLIC),
    (
        "CustomerConnection",
        &["pageInfo", "edges", "nodes", "totalCount"],
        PUBLIC,
    ),
    ("CustomerEdge", &["node", "cursor"], PUBLIC),
    (
        "PageInfo",
        &["hasPreviousPage", "hasNextPage", "startCursor", "endCursor"],
        PUBLIC,
    ),
    ("InquiryPayload", &["inquiry"], PUBLIC),
    (
        "TripletSuggestions",
        &[
            "modelVersion",
            "abstain",
            "suggestions",
            "mainTopic",
            "secondaryTopic",
        ],
        PUBLIC,
    ),
    (
        "StoredSuggestions",
        &["modelVersion", "abstain", "suggestions"],
        INTERNAL,
    ),
    (
        "TripletSuggestion",
        &["triplet", "code", "probability"],
        PUBLIC,
    ),
    ("TopicSuggestion", &["topic", "code", "probability"], PUBLIC),
    ("InquiriesPayload", &["inquiries"], PUBLIC),
];

/// The rule for a type's field, if declared.
pub fn rule_for(type_name: &str, field: &str) -> Option<Rule> {
    POLICY
        .iter()
        .find(|(t, fields, _)| *t == type_name && fields.contains(&field))
        .map(|(_, _, r)| *r)
}

/// The access of a principal holding `roles` (the union of its roles' rights). Undeclared: deny.
pub fn decide(roles: &[Role], type_name: &str, field: &str) -> Access {
    let Some(rule) = rule_for(type_name, field) else {
        return Access::Deny;
    };
    roles
        .iter()
        .map(|r| rule.access[audience(*r) as usize])
        .max()
        .unwrap_or(Access::Deny)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r31_undeclared_fields_are_denied_to_everyone() {
        for role in [Role::Admin, Role::Clerk, Role::Customer] {
            assert_eq!(decide(&[role], "Inquiry", "newSecretField"), Access::Deny);
            assert_eq!(decide(&[role], "NewType", "id"), Access::Deny);
        }
    }

    #[test]
    fn r31_proposed_solution_is_staff_only() {
        assert_eq!(
            decide(&[Role::Clerk], "Inquiry", "proposedSolution"),
            Access::Allow
        );
        assert_eq!(
            decide(&[Role::Customer], "Inquiry", "proposedSolution"),
            Access::Deny
        );
        assert_eq!(
            decide(&[Role::Representative], "Inquiry", "proposedSolution"),
            Access::Deny
        );
    }

    #[test]
    fn r31_national_id_masked_for_representatives_denied_to_data_scientists() {
        assert_eq!(
            decide(&[Role::Representative], "Customer", "nationalId"),
            Access::Mask
        );
        assert_eq!(
            decide(&[Role::DataScientist], "Customer", "nationalId"),
            Access::Deny
        );
        assert_eq!(
            decide(
                &[Role::DataScientist, Role::Clerk],
                "Customer",
                "nationalId"
            ),
            Access::Allow,
            "union of roles"
        );
    }

    #[test]
    fn r31_auditors_read_but_do_not_act() {
        assert_eq!(
            decide(&[Role::Auditor], "Inquiry", "statusHistory"),
            Access::Allow
        );
        assert_eq!(
            decide(&[Role::Auditor], "MutationRoot", "changeStatus"),
            Access::Deny
        );
    }

    #[test]
    fn every_field_is_declared_once() {
        let mut seen = std::collections::HashSet::new();
        for (t, fields, _) in POLICY {
            for f in *fields {
                assert!(seen.insert((*t, *f)), "{t}.{f} declared twice");
            }
        }
    }
}
