//! Response templates (R42) and the representative who wrote in its own name (R35, §6.6).

use serde_json::json;
use tests::{TestApp, error_code};

use super::lifecycle::{CHANGE, customer, free_triplet, ok, open_as, team_clerk};

const CREATE: &str = "mutation($i: CreateResponseTemplateInput!){ createResponseTemplate(input:$i){ template { id status } } }";
const APPROVE: &str = "mutation($id: ID!){ approveResponseTemplate(input:{templateId:$id}){ template { id status approvedAt } } }";

#[tokio::test]
async fn r42_a_template_is_used_only_after_the_office_manager_approves_it() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &[
                "IT.ANNUAL.EXTENSION",
                "IT.ANNUAL.SUBMIT",
                "IT.CAPITAL.EXTENSION",
            ],
        )
        .await,
    )
    .await;
    let clerk = team_clerk(&app, &inq).await;
    let office = inq["team"]["office"]["code"]
        .as_str()
        .unwrap()
        .to_lowercase();
    let r = app.gql(&clerk, CREATE, json!({"i": {"title": "בקשת מסמכים", "bodyHe": "שלום {customerName}, לצורך הטיפול בפנייה {inquiryNumber} נבקש לצרף את טופס 106."}})).await;
    let tpl = ok(&r, "createResponseTemplate")["template"].clone();
    assert_eq!(tpl["status"], "DRAFT");
    // Through `node`, a clerk of another office finds the draft no more than in its list.
    let other = if office == "it_haifa" {
        "it_ta1.it_assess.1"
    } else {
        "it_haifa.it_assess.1"
    };
    let other = app.token_for_user(other).await;
    let node = "query($id: ID!){ node(id: $id){ id } }";
    let r = app.gql(&other, node, json!({"id": tpl["id"]})).await;
    assert!(r["data"]["node"].is_null(), "another office's draft: {r}");
    let r = app.gql(&clerk, node, json!({"id": tpl["id"]})).await;
    assert_eq!(r["data"]["node"]["id"], tpl["id"], "the own office's: {r}");
    // A draft cannot answer the customer.
    let change = json!({"input": {"inquiryId": inq["id"], "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר טופס", "templateId": tpl["id"]}});
    let r = app.gql(&clerk, CHANGE, change.clone()).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    // A clerk, and another office's manager, cannot approve; the office's deputy can.
    assert_eq!(
        error_code(&app.gql(&clerk, APPROVE, json!({"id": tpl["id"]})).await),
        Some("FORBIDDEN")
    );
    let other = app.token_for_user("it_haifa.manager").await;
    assert_eq!(
        error_code(&app.gql(&other, APPROVE, json!({"id": tpl["id"]})).await),
        Some("FORBIDDEN")
    );
    let deputy = app.token_for_user(&format!("{office}.deputy")).await;
    let r = app.gql(&deputy, APPROVE, json!({"id": tpl["id"]})).await;
    assert_eq!(
        ok(&r, "approveResponseTemplate")["template"]["status"],
        "APPROVED"
    );
    let r = app.gql(&clerk, CHANGE, change).await;
    assert_eq!(
        ok(&r, "changeStatus")["inquiry"]["status"]["code"],
        "WAITING_FOR_CUSTOMER"
    );
    let r = app
        .gql(
            &clerk,
            "query($id:ID!){ inquiry(id:$id){ number correspondences { direction body } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    let number = r["data"]["inquiry"]["number"].as_i64().unwrap().to_string();
    let last = r["data"]["inquiry"]["correspondences"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["direction"], "FROM_CLERK");
    let body = last["body"].as_str().unwrap();
    assert!(body.contains(&number) && !body.contains('{'), "{body}");
}

#[tokio::test]
async fn r35_representative_in_its_own_name_is_closed_without_treatment_from_the_system_template() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &["IT.CERT.RESIDENCY", "IT.FILE.CLOSE", "IT.CREDIT.ACADEMIC"],
        )
        .await,
    )
    .await;
    let clerk = team_clerk(&app, &inq).await;
    let r = app
        .gql(
            &clerk,
            "{ responseTemplates { id title system } }",
            json!({}),
        )
        .await;
    let system = ok(&r, "responseTemplates")
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["system"] == true)
        .unwrap()
        .clone();
    assert_eq!(system["title"], "פנייה שלא נפתחה בשם הלקוח");
    let r = app
        .gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "CLOSED_WITHOUT_TREATMENT", "closureReason": "NOT_OPENED_IN_CLIENT_NAME", "proposedSolution": "מייצג פנה בשמו על לקוח", "templateId": system["id"]}}))
        .await;
    let m = ok(&r, "changeStatus")["inquiry"].clone();
    assert_eq!(m["status"]["code"], "CLOSED_WITHOUT_TREATMENT");
    assert_eq!(m["closureReason"]["code"], "NOT_OPENED_IN_CLIENT_NAME");
    // The reason in the directive's words (§6.6).
    let r = app
        .gql(
            &clerk,
            "query($id:ID!){ inquiry(id:$id){ closureReason { nameHe } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    assert_eq!(
        ok(&r, "inquiry")["closureReason"]["nameHe"],
        "פנייה לא נפתחה ע\"ש הלקוח"
    );
    let r = app
        .gql(
            &t,
            "query($id:ID!){ inquiry(id:$id){ correspondences { direction body } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    let bodies: Vec<String> = r["data"]["inquiry"]["correspondences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap().to_string())
        .collect();
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("ייפוי כוח") && b.contains("נסגרה ללא טיפול")),
        "{bodies:?}"
    );
}

#[tokio::test]
async fn r40_email_and_sms_only_to_the_registered_verified_address() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &[
                "IT.REFUND.STATUS",
                "IT.WORKGRANT.STATUS",
                "IT.WORKGRANT.APPLY",
            ],
        )
        .await,
    )
    .await;
    let clerk = team_clerk(&app, &inq).await;
    let m = "mutation($i: SendActivityInput!){ sendActivity(input:$i){ activity { kind toAddress status } } }";
    let r = app.gql(&clerk, m, json!({"i": {"inquiryId": inq["id"], "kind": "EMAIL", "to": "someone@elsewhere.com", "body": "מצורף האישור"}})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    let r = app.gql(&clerk, m, json!({"i": {"inquiryId": inq["id"], "kind": "EMAIL", "body": "מצורף האישור", "idempotencyKey": "k-1"}})).await;
    let a = ok(&r, "sendActivity")["activity"].clone();
    assert_eq!(a["status"], "QUEUED");
    assert_eq!(a["toAddress"], "customer1@example.co.il");
    // Retrying with the same key does not queue twice.
    ok(&app.gql(&clerk, m, json!({"i": {"inquiryId": inq["id"], "kind": "EMAIL", "body": "מצורף האישור", "idempotencyKey": "k-1"}})).await, "sendActivity");
    let queued = entity::activity::Entity::find()
        .filter(entity::activity::Column::IdempotencyKey.eq("k-1"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    let audits = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("sendActivity"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(
        audits.iter().any(|a| a.outcome == "DENIED") && audits.iter().any(|a| a.outcome == "OK")
    );
}
