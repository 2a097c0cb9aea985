//! Every mutation for every role (R31): the declared policy decides who may even try; allowed
//! roles then meet the use case's own checks (here: an unknown ID), never the policy wall.

use serde_json::json;
use tests::TestApp;

const ROLES: &[&str] = &[
    "CUSTOMER",
    "REPRESENTATIVE",
    "CLERK",
    "INFO_CENTER_AGENT",
    "COORDINATOR",
    "CRM_TRUSTEE",
    "OFFICE_MANAGER",
    "DEPUTY_OFFICE_MANAGER",
    "HQ_MAIN_TEAM",
    "DATA_SCIENTIST",
    "AUDITOR",
    "ADMIN",
];

/// (mutation, document) with harmless, invalid arguments.
const MUTATIONS: &[(&str, &str)] = &[
    (
        "openInquiry",
        r#"mutation { openInquiry(input: {tripletCode: "NO.SUCH.CODE", body: "x"}) { inquiry { id } } }"#,
    ),
    (
        "changeStatus",
        r#"mutation { changeStatus(input: {inquiryId: "AAAA", status: CLOSED_HANDLED}) { inquiry { id } } }"#,
    ),
    (
        "assignInquiry",
        r#"mutation { assignInquiry(input: {inquiryId: "AAAA", to: ME}) { inquiry { id } } }"#,
    ),
    (
        "releaseInquiry",
        r#"mutation { releaseInquiry(input: {inquiryId: "AAAA"}) { inquiry { id } } }"#,
    ),
    (
        "changeTriplet",
        r#"mutation { changeTriplet(input: {inquiryId: "AAAA", tripletCode: "IT.CERT.RESIDENCY"}) { inquiry { id } } }"#,
    ),
    (
        "addCorrespondence",
        r#"mutation { addCorrespondence(input: {inquiryId: "AAAA", body: "x"}) { inquiry { id } } }"#,
    ),
    (
        "markRead",
        r#"mutation { markRead(input: {inquiryId: "AAAA"}) { inquiry { id } } }"#,
    ),
    (
        "cancelInquiry",
        r#"mutation { cancelInquiry(input: {inquiryId: "AAAA"}) { inquiry { id } } }"#,
    ),
    (
        "closeInquiriesTogether",
        r#"mutation { closeInquiriesTogether(input: {inquiryIds: ["AAAA"], status: CLOSED_HANDLED}) { inquiries { id } } }"#,
    ),
    (
        "sendActivity",
        r#"mutation { sendActivity(input: {inquiryId: "AAAA", kind: EMAIL, body: "x"}) { activity { status } } }"#,
    ),
    (
        "approveResponseTemplate",
        r#"mutation { approveResponseTemplate(input: {templateId: "AAAA"}) { template { id } } }"#,
    ),
    (
        "removeNonWorkingDay",
        r#"mutation { removeNonWorkingDay(input: {date: "1999-01-01"}) { dueDatesRefreshed } }"#,
    ),
];

#[tokio::test]
async fn r31_every_mutation_for_every_role_follows_the_declared_policy() {
    let app = TestApp::spawn().await;
    let mut cells = 0;
    for role in ROLES {
        let token = app.token(role).await;
        let principal = api::service::principals::find(&app.state.db, None, Some(role))
            .await
            .unwrap();
        for (name, doc) in MUTATIONS {
            let r = app.gql(&token, doc, json!({})).await;
            let errors = r["errors"].as_array().cloned().unwrap_or_default();
            let walled = errors.iter().any(|e| {
                e["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains(&format!("MutationRoot.{name}"))
            });
            let allowed = api::domain::policy::decide(&principal.roles, "MutationRoot", name)
                != api::domain::policy::Access::Deny;
            assert_eq!(!walled, allowed, "{role} {name}: {r}");
            assert!(
                !errors.is_empty(),
                "{role} {name} must not succeed with invalid arguments: {r}"
            );
            cells += 1;
        }
    }
    assert_eq!(cells, ROLES.len() * MUTATIONS.len());
}
