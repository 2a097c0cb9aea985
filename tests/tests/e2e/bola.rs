//! Broken object-level authorisation (issue 4 §9, R2, R31): every operation that takes an ID,
//! given another principal's ID, through `node`, the typed entry points, filters and nested
//! edges, answers NOT_FOUND (or nothing), never a hint that the object exists, and changes
//! nothing.

use serde_json::{Value, json};
use tests::{TestApp, error_code};

use super::lifecycle::{ASSIGN, CHANGE, CORR, fresh_inquiry, ok};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A customer's inquiry with a correspondence, and the ids around it.
struct Target {
    inquiry: Value,
    number: i64,
    customer_id: Value,
    correspondence_id: Value,
    history_id: Value,
    version: i64,
}

async fn target(app: &TestApp) -> (String, Target, String) {
    let (t, inq, clerk) = fresh_inquiry(
        app,
        &[
            "IT.REFUND.STATUS",
            "IT.WORKGRANT.STATUS",
            "IT.CERT.RESIDENCY",
        ],
    )
    .await;
    ok(
        &app.gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": inq["id"], "body": "פרטים נוספים"}}),
        )
        .await,
        "addCorrespondence",
    );
    let r = app
        .gql(&t, "query($id: ID!){ inquiry(id: $id){ number version customer { id } correspondences { id } } }", json!({"id": inq["id"]}))
        .await;
    let i = ok(&r, "inquiry").clone();
    // History is staff-only: its id comes from the handling clerk.
    let r = app
        .gql(
            &clerk,
            "query($id: ID!){ inquiry(id: $id){ statusHistory(last: 1) { id } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    let history_id = ok(&r, "inquiry")["statusHistory"][0]["id"].clone();
    (
        t,
        Target {
            inquiry: inq,
            number: i["number"].as_i64().unwrap(),
            customer_id: i["customer"]["id"].clone(),
            correspondence_id: i["correspondences"][0]["id"].clone(),
            history_id,
            version: i["version"].as_i64().unwrap(),
        },
        clerk,
    )
}

/// Every read path with the target's ids, as `intruder`: nothing comes back.
async fn reads_find_nothing(app: &TestApp, intruder: &str, tg: &Target, who: &str) {
    let id = &tg.inquiry["id"];
    let r = app
        .gql(
            intruder,
            "query($id: ID!){ inquiry(id: $id){ id subject } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"), "{who} inquiry(id): {r}");
    let r = app
        .gql(
            intruder,
            "query($n: Int!){ inquiryByNumber(number: $n){ id } }",
            json!({"n": tg.number}),
        )
        .await;
    assert_eq!(
        error_code(&r),
        Some("NOT_FOUND"),
        "{who} inquiryByNumber: {r}"
    );
    for node in [id, &tg.correspondence_id, &tg.history_id] {
        let r = app
            .gql(
                intruder,
                "query($id: ID!){ node(id: $id){ id } }",
                json!({"id": node}),
            )
            .await;
        assert!(r["data"]["node"].is_null(), "{who} node({node}): {r}");
        assert!(
            !r.to_string().contains("body"),
            "{who}: nothing of it leaks"
        );
        let r = app
            .gql(
                intruder,
                "query($ids: [ID!]!){ nodes(ids: $ids){ id } }",
                json!({"ids": [node]}),
            )
            .await;
        assert!(r["data"]["nodes"][0].is_null(), "{who} nodes({node}): {r}");
    }
    // Filters with its number and customer: an empty list, the same as for a made-up number.
    let r = app
        .gql(
            intruder,
            "query($n: [Int!]){ inquiries(first: 5, filter: {numbers: $n}) { totalCount } }",
            json!({"n": [tg.number]}),
        )
        .await;
    assert_eq!(
        r["data"]["inquiries"]["totalCount"], 0,
        "{who} numbers filter: {r}"
    );
}

/// Every mutation that takes an inquiry id, as `intruder`: NOT_FOUND, and the inquiry unchanged.
async fn writes_find_nothing(app: &TestApp, intruder: &str, tg: &Target, who: &str, staff: bool) {
    let id = &tg.inquiry["id"];
    let mut calls: Vec<(&str, &str, Value)> = vec![
        (
            "addCorrespondence",
            CORR,
            json!({"input": {"inquiryId": id, "body": "ניסיון"}}),
        ),
        (
            "cancelInquiry",
            "mutation($input: InquiryRefInput!){ cancelInquiry(input: $input){ inquiry { id } } }",
            json!({"input": {"inquiryId": id}}),
        ),
    ];
    if staff {
        calls.extend([
            ("changeStatus", CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_HANDLED", "responseToCustomer": "x"}})),
            ("assignInquiry", ASSIGN, json!({"input": {"inquiryId": id, "to": "ME"}})),
            ("releaseInquiry", "mutation($input: ReleaseInquiryInput!){ releaseInquiry(input: $input){ inquiry { id } } }", json!({"input": {"inquiryId": id}})),
            ("changeTriplet", "mutation($input: ChangeTripletInput!){ changeTriplet(input: $input){ inquiry { id } } }", json!({"input": {"inquiryId": id, "tripletCode": "IT.ANNUAL.SUBMIT", "taxYear": 2024}})),
            ("markRead", "mutation($input: InquiryRefInput!){ markRead(input: $input){ inquiry { id } } }", json!({"input": {"inquiryId": id}})),
            ("validateTriplet", "mutation($input: ValidateTripletInput!){ validateTriplet(input: $input){ validation { verdict } } }", json!({"input": {"inquiryId": id, "verdict": "ACCEPTED"}})),
            ("sendActivity", "mutation($input: SendActivityInput!){ sendActivity(input: $input){ activity { status } } }", json!({"input": {"inquiryId": id, "kind": "EMAIL", "body": "שלום"}})),
            ("closeInquiriesTogether", "mutation($input: CloseInquiriesTogetherInput!){ closeInquiriesTogether(input: $input){ inquiries { id } } }", json!({"input": {"inquiryIds": [id], "status": "CLOSED_HANDLED", "responseToCustomer": "x"}})),
        ]);
    }
    for (name, q, vars) in calls {
        let r = app.gql(intruder, q, vars).await;
        // NOT_FOUND, or the role may not call the operation at all (decided before any lookup,
        // so it tells nothing about the object).
        let role_refusal = error_code(&r) == Some("FORBIDDEN")
            && r["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("your role may not"));
        assert!(
            error_code(&r) == Some("NOT_FOUND") || role_refusal,
            "{who} {name}: {r}"
        );
    }
    let (status, r) = app
        .upload(intruder, "mutation($input: AddAttachmentInput!){ addAttachment(input: $input){ attachment { fileName } } }", json!({"inquiryId": id}), "a.pdf", "application/pdf", PDF)
        .await;
    assert_eq!(
        (status, error_code(&r)),
        (200, Some("NOT_FOUND")),
        "{who} addAttachment: {r}"
    );
}

async fn unchanged(app: &TestApp, owner: &str, tg: &Target) {
    let r = app
        .gql(owner, "query($id: ID!){ inquiry(id: $id){ version status { code } correspondences { id } attachments { fileName } } }", json!({"id": tg.inquiry["id"]}))
        .await;
    let i = ok(&r, "inquiry");
    assert_eq!(i["version"], tg.version, "nothing was written: {i}");
    assert_eq!(i["correspondences"].as_array().unwrap().len(), 1);
    assert!(i["attachments"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn r31_another_customer_reaches_nothing_of_an_inquiry_by_any_id() {
    let app = TestApp::spawn().await;
    let (owner, tg, _) = target(&app).await;
    // Another customer (a different national ID).
    let admin = app.token("ADMIN").await;
    let r = app
        .gql(
            &admin,
            "{ customers(first: 20) { edges { node { id nationalId } } } }",
            json!({}),
        )
        .await;
    let other = r["data"]["customers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["id"] != tg.customer_id)
        .unwrap()["node"]["nationalId"]
        .as_str()
        .unwrap()
        .to_owned();
    let intruder = app.token_for_user(&other).await;
    reads_find_nothing(&app, &intruder, &tg, "customer").await;
    let r = app
        .gql(
            &intruder,
            "query($id: ID!){ customer(id: $id){ id fullName } }",
            json!({"id": tg.customer_id}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"), "{r}");
    writes_find_nothing(&app, &intruder, &tg, "customer", false).await;
    // Nested edges: the intruder's own file and similar inquiries never hold the target.
    let r = app
        .gql(&intruder, "{ me { customer { inquiries(first: 100) { edges { node { id similarOpenInquiries { id } } } } } } }", json!({}))
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    assert!(
        !r.to_string().contains(tg.inquiry["id"].as_str().unwrap()),
        "nested edges leak: {r}"
    );
    unchanged(&app, &owner, &tg).await;
}

#[tokio::test]
async fn r31_a_representative_without_a_power_of_attorney_reaches_nothing() {
    let app = TestApp::spawn().await;
    let (owner, tg, _) = target(&app).await;
    let rep = app.token("REPRESENTATIVE").await;
    // The demo customer may be this representative's client: only test when it is not.
    let r = app
        .gql(
            &rep,
            "query($id: ID!){ customer(id: $id){ id } }",
            json!({"id": tg.customer_id}),
        )
        .await;
    if error_code(&r) != Some("NOT_FOUND") {
        let r = app
            .gql(
                &rep,
                "query($id: ID!){ inquiry(id: $id){ id } }",
                json!({"id": tg.inquiry["id"]}),
            )
            .await;
        assert!(
            r.get("errors").is_none(),
            "a client's inquiry is readable: {r}"
        );
        return;
    }
    reads_find_nothing(&app, &rep, &tg, "representative").await;
    writes_find_nothing(&app, &rep, &tg, "representative", false).await;
    unchanged(&app, &owner, &tg).await;
}

/// Issue 4 §2: a clerk reads the business unit; an inquiry of another office does not exist for
/// them, by any id, filter, nested edge or mutation; the own-team clerk and HQ see it.
#[tokio::test]
async fn r2_r31_a_clerk_of_another_office_reaches_nothing_and_the_business_unit_does() {
    let app = TestApp::spawn().await;
    let (owner, tg, team_clerk) = target(&app).await;
    assert_ne!(tg.inquiry["office"]["code"], "HQ");
    let intruder = app.token_for_user("hq.hq_provident.1").await;
    reads_find_nothing(&app, &intruder, &tg, "clerk of another office").await;
    writes_find_nothing(&app, &intruder, &tg, "clerk of another office", true).await;
    // Nested: the customer file, as that clerk, leaves it out.
    let r = app
        .gql(&intruder, "query($id: ID!){ customer(id: $id){ inquiries(first: 100) { edges { node { id } } } } }", json!({"id": tg.customer_id}))
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    assert!(
        !r.to_string().contains(tg.inquiry["id"].as_str().unwrap()),
        "{r}"
    );
    unchanged(&app, &owner, &tg).await;
    // The business unit reads it; the HQ main team and information centres read everything.
    for t in [
        team_clerk,
        app.token("HQ_MAIN_TEAM").await,
        app.token("INFO_CENTER_AGENT").await,
    ] {
        let r = app
            .gql(
                &t,
                "query($id: ID!){ inquiry(id: $id){ id } }",
                json!({"id": tg.inquiry["id"]}),
            )
            .await;
        assert!(r.get("errors").is_none(), "{r}");
    }
}
