//! One inquiry's whole life over HTTP, time moved by the test clock (R9, R11, R22, R27), and the
//! concurrency rules under parallel requests (R10, R39, assignment).

use chrono::Duration;
use serde_json::json;
use tests::{TestApp, error_code};

use super::lifecycle::{
    ASSIGN, CHANGE, CORR, GET, customer, free_triplet, ok, open_as, team_clerk,
};

#[tokio::test]
async fn r9_r11_r22_r27_one_inquiry_from_web_to_system_closure() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &[
                "IT.ANNUAL.SUBMIT",
                "IT.ANNUAL.ASSESSMENT",
                "IT.CAPITAL.SUBMIT",
            ],
        )
        .await,
    )
    .await;
    let id = inq["id"].clone();
    let clerk = team_clerk(&app, &inq).await;
    // Assigned, then transferred to the HQ main team.
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": id, "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    let hq_team = super::lifecycle::hq_main_team_id(&app, &clerk).await;
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "TRANSFER_FOR_FURTHER_TREATMENT", "proposedSolution": "נדרשת הכרעת המטה", "targetTeamId": hq_team}})).await;
    ok(&r, "changeStatus");
    let hq = app.token_for_user("hq.hq_main.1").await;
    ok(
        &app.gql(&hq, ASSIGN, json!({"input": {"inquiryId": id, "to": "ME"}}))
            .await,
        "assignInquiry",
    );
    // Waiting for the customer; the response is a correspondence (R9).
    let r = app.gql(&hq, CHANGE, json!({"input": {"inquiryId": id, "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר טופס 106", "responseToCustomer": "נא לצרף טופס 106"}})).await;
    assert_eq!(
        ok(&r, "changeStatus")["inquiry"]["status"]["code"],
        "WAITING_FOR_CUSTOMER"
    );
    // The customer answers: information arrived.
    let r = app
        .gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": id, "body": "צירפתי את הטופס"}}),
        )
        .await;
    assert_eq!(
        ok(&r, "addCorrespondence")["inquiry"]["status"]["code"],
        "INFO_FROM_CUSTOMER"
    );
    // Closed; reopened by a correspondence on day 13 at the last team, without the clerk (R11).
    let r = app.gql(&hq, CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_HANDLED", "responseToCustomer": "הבקשה טופלה"}})).await;
    ok(&r, "changeStatus");
    app.clock.advance(Duration::days(13));
    let r = app
        .gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": id, "body": "יש לי עוד שאלה"}}),
        )
        .await;
    let m = ok(&r, "addCorrespondence")["inquiry"].clone();
    assert_eq!(m["status"]["code"], "INFO_FROM_CUSTOMER");
    assert_eq!(m["team"]["code"], "HQ_MAIN");
    assert!(m["closedAt"].is_null());
    let g = app.gql(&hq, GET, json!({"id": id})).await;
    assert!(
        ok(&g, "inquiry")["assignee"].is_null(),
        "back to the team, not to the last clerk"
    );
    // Closed again; day 15 is too late.
    ok(
        &app.gql(&hq, ASSIGN, json!({"input": {"inquiryId": id, "to": "ME"}}))
            .await,
        "assignInquiry",
    );
    ok(&app.gql(&hq, CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_HANDLED", "responseToCustomer": "נענה"}})).await, "changeStatus");
    app.clock.advance(Duration::days(15));
    let r = app
        .gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": id, "body": "שוב אני"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("REOPEN_WINDOW_EXPIRED"), "{r}");
    // The whole history is there, in order, with teams and assignees (R27).
    let g = app.gql(&hq, GET, json!({"id": id})).await;
    let hist = ok(&g, "inquiry")["statusHistory"]
        .as_array()
        .unwrap()
        .clone();
    let kinds: Vec<&str> = hist.iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "OPENED",
            "ASSIGNMENT",
            "TRANSFER",
            "ASSIGNMENT",
            "STATUS_CHANGE",
            "STATUS_CHANGE",
            "STATUS_CHANGE",
            "REOPENED",
            "ASSIGNMENT",
            "STATUS_CHANGE"
        ]
    );
    assert_eq!(hist[2]["toTeam"]["code"], "HQ_MAIN");
    assert_eq!(hist[2]["note"], "נדרשת הכרעת המטה");
    assert_eq!(hist[7]["actorKind"], "CUSTOMER");
    let bodies: Vec<&str> = g["data"]["inquiry"]["correspondences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"נא לצרף טופס 106") && bodies.contains(&"הבקשה טופלה"));

    // A second inquiry waits three months and a day for the customer: the system closes it (R22).
    let (t2, _) = (t.clone(), ());
    let inq2 = open_as(
        &app,
        &t2,
        &free_triplet(
            &app,
            &t2,
            &[
                "IT.CREDIT.ACADEMIC",
                "IT.CREDIT.CHILDREN",
                "IT.CREDIT.PERIPHERY",
            ],
        )
        .await,
    )
    .await;
    let c2 = team_clerk(&app, &inq2).await;
    ok(&app.gql(&c2, CHANGE, json!({"input": {"inquiryId": inq2["id"], "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר אישור", "responseToCustomer": "נא לצרף אישור לימודים"}})).await, "changeStatus");
    app.clock.advance(Duration::days(80));
    // The scheduler pass (the replica holding the job lock) leaves an 80-day wait alone.
    assert!(
        api::infra::scheduler::run_once(&app.state.services, app.state.job_lock.as_ref())
            .await
            .is_some()
    );
    let g = app.gql(&c2, GET, json!({"id": inq2["id"]})).await;
    assert_eq!(
        g["data"]["inquiry"]["status"]["code"],
        "WAITING_FOR_CUSTOMER"
    );
    app.clock.advance(Duration::days(13));
    let closed = api::service::inquiries::system::close_stale_waiting(&app.state.services)
        .await
        .map_err(|e| e.message)
        .unwrap();
    assert!(closed >= 1);
    let g = app.gql(&c2, GET, json!({"id": inq2["id"]})).await;
    assert_eq!(g["data"]["inquiry"]["status"]["code"], "CLOSED_BY_SYSTEM");
    let last = g["data"]["inquiry"]["statusHistory"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["actorKind"], "SYSTEM");
}

#[tokio::test]
async fn r39_twenty_parallel_openings_leave_exactly_three_open() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(
        &app,
        &t,
        &["WH.EMPLOYER.F102", "WH.EMPLOYER.F126", "WH.EMPLOYER.F856"],
    )
    .await;
    let requests = (0..20)
        .map(|i| (t.clone(), json!({"query": super::lifecycle::OPEN, "variables": {"input": {"tripletCode": triplet, "taxYear": 2024, "body": format!("פנייה מקבילה {i}")}}})))
        .collect();
    let results = app.parallel(requests).await;
    assert!(
        results.iter().flatten().all(|c| c == "OPEN_INQUIRY_LIMIT"),
        "{results:?}"
    );
    assert_eq!(results.iter().filter(|r| r.is_none()).count(), 3);
}

#[tokio::test]
async fn r10_ten_parallel_correspondences_leave_exactly_three() {
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
                "IT.WORKGRANT.APPLY",
                "IT.WORKGRANT.STATUS",
            ],
        )
        .await,
    )
    .await;
    let requests = (0..10)
        .map(|i| (t.clone(), json!({"query": CORR, "variables": {"input": {"inquiryId": inq["id"], "body": format!("הודעה {i}")}}})))
        .collect();
    let results = app.parallel(requests).await;
    assert!(
        results
            .iter()
            .flatten()
            .all(|c| c == "CORRESPONDENCE_LIMIT"),
        "{results:?}"
    );
    assert_eq!(results.iter().filter(|r| r.is_none()).count(), 3);
}

#[tokio::test]
async fn r24_two_clerks_taking_one_inquiry_at_once_one_wins_the_other_conflicts() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(&app, &t, &["IT.CERT.WITHHOLDING", "IT.CERT.BOOKKEEPING"]).await,
    )
    .await;
    let a = team_clerk(&app, &inq).await;
    let b = super::lifecycle::coordinator(&app, &inq).await;
    let body =
        json!({"query": ASSIGN, "variables": {"input": {"inquiryId": inq["id"], "to": "ME"}}});
    let mut results = app.parallel(vec![(a, body.clone()), (b, body)]).await;
    results.sort();
    assert_eq!(results, vec![None, Some("CONFLICT".to_string())]);
    // A stale expected version is a conflict too.
    let r = app.gql(&team_clerk(&app, &inq).await, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "x", "responseToCustomer": "y", "expectedVersion": 1}})).await;
    assert_eq!(error_code(&r), Some("CONFLICT"), "{r}");
}
