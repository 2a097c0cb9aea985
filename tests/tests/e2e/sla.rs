//! The SLA clock and the working calendar over HTTP (§2.1.7, R16, R23, R28-R30): the calendar
//! query, the administrator's extra days, and an inquiry's working time measured while the test
//! clock moves between steps.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::{TestApp, error_code};

use super::lifecycle::{ASSIGN, CHANGE, CORR, customer, free_triplet, ok, open_as, team_clerk};

const DAYS: &str = r#"query($from: NaiveDate!, $to: NaiveDate!) {
  nonWorkingDays(from: $from, to: $to) { date kind nameHe nameEn } }"#;
const ADD: &str = r#"mutation($input: AddNonWorkingDayInput!) { addNonWorkingDay(input: $input) {
  nonWorkingDay { date kind nameHe nameEn } dueDatesRefreshed } }"#;
const REMOVE: &str = r#"mutation($input: RemoveNonWorkingDayInput!) { removeNonWorkingDay(input: $input) {
  nonWorkingDay { date kind nameHe nameEn } dueDatesRefreshed } }"#;
const SLA: &str = r#"query($id: ID!) { inquiry(id: $id) { sla {
  workingTime workingHours target remaining dueAt breached paused
  segments { status { code } team { code } assignee { login } from to workingTime counted }
  byTeam { team { code } workingTime } byAssignee { assignee { login } workingTime } } } }"#;

const HOUR: i64 = 3600;

/// An instant given in Israel's local time (winter: UTC+2).
fn il(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap() - Duration::hours(2)
}

fn dates(r: &Value) -> Vec<(String, String)> {
    ok(r, "nonWorkingDays")
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn stored_due_at(app: &TestApp, number: i64) -> entity::inquiry::Model {
    entity::inquiry::Entity::find()
        .filter(entity::inquiry::Column::Number.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn r28_non_working_days_over_pesach_2026_list_holidays_in_hebrew_and_weekends() {
    let app = TestApp::spawn().await;
    // Any authenticated principal may read the calendar.
    let (t, _) = customer(&app).await;
    let r = app
        .gql(&t, DAYS, json!({"from": "2026-03-29", "to": "2026-04-12"}))
        .await;
    let want: Vec<(String, String)> = [
        ("2026-04-02", "HOLIDAY"),
        ("2026-04-03", "WEEKEND"),
        ("2026-04-04", "WEEKEND"),
        ("2026-04-08", "HOLIDAY"),
        ("2026-04-10", "WEEKEND"),
        ("2026-04-11", "WEEKEND"),
    ]
    .iter()
    .map(|(d, k)| ((*d).to_string(), (*k).to_string()))
    .collect();
    assert_eq!(dates(&r), want, "chol hamoed is a working day");
    let days = &r["data"]["nonWorkingDays"];
    assert_eq!(days[0]["nameHe"], "פסח");
    assert_eq!(days[0]["nameEn"], "Pesach");
    assert_eq!(days[1]["nameHe"], "יום שישי");
    assert_eq!(days[2]["nameHe"], "שבת");
    assert_eq!(days[3]["nameHe"], "שביעי של פסח");
    // Yom HaAtzmaut 2026: 5 Iyar is Wednesday 22 April, which does not move.
    let r = app
        .gql(&t, DAYS, json!({"from": "2026-04-19", "to": "2026-04-23"}))
        .await;
    assert_eq!(
        dates(&r),
        vec![("2026-04-22".to_string(), "HOLIDAY".to_string())]
    );
    assert_eq!(
        r["data"]["nonWorkingDays"][0]["nameEn"],
        "Yom HaAtzmaut (Independence Day)"
    );
    // Bounded ranges only.
    let r = app
        .gql(&t, DAYS, json!({"from": "2026-01-01", "to": "2027-12-31"}))
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .gql(&t, DAYS, json!({"from": "2026-05-01", "to": "2026-04-01"}))
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .post(
            None,
            json!({"query": DAYS, "variables": {"from": "2026-04-01", "to": "2026-04-02"}}),
        )
        .await;
    assert_eq!(error_code(&r.1), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn r28_an_admin_adds_an_election_day_a_clerk_may_not_and_it_is_audited() {
    let app = TestApp::spawn().await;
    let admin = app.token_for_user("admin").await;
    let clerk = app.token_for_user("it_ta1.it_assess.1").await;
    let (customer_token, _) = customer(&app).await;
    // Tuesday 15 December 2026.
    let election = json!({"input": {"date": "2026-12-15", "nameHe": "יום הבחירות לכנסת", "nameEn": "Knesset election day"}});
    for t in [&clerk, &customer_token] {
        let r = app.gql(t, ADD, election.clone()).await;
        assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    }
    let r = app.gql(&admin, ADD, election.clone()).await;
    let day = &ok(&r, "addNonWorkingDay")["nonWorkingDay"];
    assert_eq!(day["date"], "2026-12-15");
    assert_eq!(day["kind"], "EXTRA");
    // Everyone sees it, with its names.
    let r = app
        .gql(
            &clerk,
            DAYS,
            json!({"from": "2026-12-14", "to": "2026-12-16"}),
        )
        .await;
    let days = ok(&r, "nonWorkingDays");
    assert_eq!(days.as_array().unwrap().len(), 1);
    assert_eq!(days[0]["kind"], "EXTRA");
    assert_eq!(days[0]["nameHe"], "יום הבחירות לכנסת");
    assert_eq!(days[0]["nameEn"], "Knesset election day");
    // Not twice, not on a weekend or holiday, and names are required.
    let r = app.gql(&admin, ADD, election.clone()).await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .gql(
            &admin,
            ADD,
            json!({"input": {"date": "2026-12-18", "nameHe": "שביתה", "nameEn": "Strike"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "a Friday");
    let r = app
        .gql(
            &admin,
            ADD,
            json!({"input": {"date": "2026-12-16", "nameHe": " ", "nameEn": "Strike"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    // The change is audited with its actor.
    let auditor = app.token_for_user("auditor").await;
    let r = app
        .gql(&auditor, r#"{ auditLog(first: 10, filter: { operation: "addNonWorkingDay" }) { edges { node { objectType objectIds actorKind outcome } } } }"#, json!({}))
        .await;
    let edges: Vec<Value> = ok(&r, "auditLog")["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["outcome"] == "OK")
        .cloned()
        .collect();
    assert_eq!(edges.len(), 1, "{r}");
    // The refused attempts are on record too (R3): the clerk's, and the three invalid ones.
    let outcomes = |o: &str| {
        ok(&r, "auditLog")["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["node"]["outcome"] == o)
            .count()
    };
    assert_eq!((outcomes("DENIED"), outcomes("REFUSED")), (1, 3), "{r}");
    assert_eq!(edges[0]["node"]["objectType"], "NonWorkingDay");
    assert_eq!(edges[0]["node"]["objectIds"], "2026-12-15");
    assert_eq!(edges[0]["node"]["actorKind"], "USER");
    // Removal: a clerk may not; the admin may, once; holidays cannot be removed.
    let rm = json!({"input": {"date": "2026-12-15"}});
    let r = app.gql(&clerk, REMOVE, rm.clone()).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    let r = app.gql(&admin, REMOVE, rm.clone()).await;
    assert_eq!(
        ok(&r, "removeNonWorkingDay")["nonWorkingDay"]["nameEn"],
        "Knesset election day"
    );
    let r = app
        .gql(
            &clerk,
            DAYS,
            json!({"from": "2026-12-14", "to": "2026-12-16"}),
        )
        .await;
    assert!(dates(&r).is_empty());
    let r = app.gql(&admin, REMOVE, rm).await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    let r = app
        .gql(&admin, REMOVE, json!({"input": {"date": "2026-04-02"}}))
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
}

#[tokio::test]
async fn r16_r23_r29_r30_working_time_per_segment_team_and_clerk_without_waiting_time() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.REFUND.STATUS", "IT.WORKGRANT.STATUS"]).await;
    // Sunday 22 November 2026, 09:00 in Israel: opened (to the team's stock).
    app.clock.set(il(2026, 11, 22, 9, 0));
    let inq = open_as(&app, &t, &triplet).await;
    let id = inq["id"].clone();
    let clerk = team_clerk(&app, &inq).await;
    // 11:30: the clerk takes it (IN_TREATMENT).
    app.clock.set(il(2026, 11, 22, 11, 30));
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": id, "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    // 14:45: asks the customer for a document (WAITING_FOR_CUSTOMER).
    app.clock.set(il(2026, 11, 22, 14, 45));
    ok(
        &app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר טופס 106", "responseToCustomer": "נא לצרף טופס 106"}}))
            .await,
        "changeStatus",
    );
    // While waiting, the clock is stopped.
    app.clock.set(il(2026, 11, 24, 8, 0));
    let r = app.gql(&clerk, SLA, json!({"id": id})).await;
    let s = &ok(&r, "inquiry")["sla"];
    assert_eq!(s["workingTime"], (5 * HOUR + 45 * 60));
    assert_eq!(s["paused"], true);
    assert!(s["dueAt"].is_null());
    // Thursday 26 November 10:00: the customer answers (INFO_FROM_CUSTOMER); the waiting
    // segment counts nothing (R30).
    app.clock.set(il(2026, 11, 26, 10, 0));
    ok(
        &app.gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": id, "body": "מצורף הטופס"}}),
        )
        .await,
        "addCorrespondence",
    );
    // The clock runs again: due 240 working hours minus what was used.
    app.clock.set(il(2026, 11, 26, 12, 0));
    let r = app.gql(&clerk, SLA, json!({"id": id})).await;
    let s = &ok(&r, "inquiry")["sla"];
    assert_eq!(s["paused"], false);
    assert_eq!(s["workingTime"], (7 * HOUR + 45 * 60));
    assert_eq!(s["target"], 240 * HOUR);
    assert!(s["dueAt"].is_string());
    // Sunday 29 November 09:10: closed, after the weekend (Friday and Saturday do not count).
    app.clock.set(il(2026, 11, 29, 9, 10));
    ok(
        &app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_HANDLED", "proposedSolution": "הוחזר", "responseToCustomer": "הטיפול הסתיים"}}))
            .await,
        "changeStatus",
    );
    app.clock.set(il(2026, 12, 1, 12, 0));
    let r = app.gql(&clerk, SLA, json!({"id": id})).await;
    let s = ok(&r, "inquiry")["sla"].clone();
    let seg = s["segments"].as_array().unwrap().clone();
    let codes: Vec<&str> = seg
        .iter()
        .map(|x| x["status"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "OPEN_ASSIGNED_TO_TEAM",
            "IN_TREATMENT",
            "WAITING_FOR_CUSTOMER",
            "INFO_FROM_CUSTOMER",
            "CLOSED_HANDLED"
        ]
    );
    let times: Vec<(i64, i64)> = seg
        .iter()
        .map(|x| {
            (
                x["workingTime"].as_i64().unwrap(),
                x["counted"].as_i64().unwrap(),
            )
        })
        .collect();
    let info = 14 * HOUR + 9 * HOUR + 10 * 60; // Thu 10:00-24:00, Sun 00:00-09:10
    let waiting = 9 * HOUR + 15 * 60 + 3 * 24 * HOUR + 10 * HOUR; // Sun 14:45 .. Thu 10:00
    let closed = 14 * HOUR + 50 * 60 + 24 * HOUR + 12 * HOUR; // Sun 09:10 .. Tue 12:00
    assert_eq!(
        times,
        vec![
            (2 * HOUR + 30 * 60, 2 * HOUR + 30 * 60),
            (3 * HOUR + 15 * 60, 3 * HOUR + 15 * 60),
            (waiting, 0),
            (info, info),
            (closed, 0),
        ]
    );
    let total = 2 * HOUR + 30 * 60 + 3 * HOUR + 15 * 60 + info;
    assert_eq!(s["workingTime"], total);
    assert_eq!(s["remaining"], 240 * HOUR - total);
    assert_eq!(
        (s["breached"].clone(), s["paused"].clone()),
        (json!(false), json!(true))
    );
    assert!(s["dueAt"].is_null(), "closed: no due date");
    // Segment boundaries are the history's instants, RFC 3339.
    assert_eq!(
        seg[1]["from"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        il(2026, 11, 22, 11, 30)
    );
    assert!(seg[4]["to"].is_null());
    // The clerk's time: in treatment and after the answer (still assigned); the team's: all.
    let team = inq["team"]["code"].as_str().unwrap();
    assert_eq!(
        s["byTeam"],
        json!([{"team": {"code": team}, "workingTime": total}])
    );
    let by = s["byAssignee"].as_array().unwrap();
    assert_eq!(by.len(), 1, "{s}");
    assert_eq!(by[0]["workingTime"], 3 * HOUR + 15 * 60 + info);
    assert_eq!(seg[1]["assignee"]["login"], by[0]["assignee"]["login"]);
    // Customers never see the clock (staff only).
    let r = app.gql(&t, SLA, json!({"id": id})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

#[tokio::test]
async fn r28_refresh_due_stores_the_due_date_and_an_extra_day_moves_it() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.CREDIT.ACADEMIC", "IT.CERT.RESIDENCY"]).await;
    // Thursday 26 November 2026, 15:00 in Israel.
    app.clock.set(il(2026, 11, 26, 15, 0));
    let inq = open_as(&app, &t, &triplet).await;
    let number = inq["number"].as_i64().unwrap();
    let clerk = team_clerk(&app, &inq).await;
    let svc = app.state.services.clone();
    // 240 working hours: 9h on Thursday, nine whole working days, 15h on Thursday 10 December
    // (Fridays and Saturdays skipped). `openInquiry` stored it (refresh_due in its transaction).
    let due = il(2026, 12, 10, 15, 0);
    let m = stored_due_at(&app, number).await;
    assert_eq!(m.due_at, Some(due));
    svc.refresh_due(&app.state.db, m.id).await.unwrap();
    assert_eq!(stored_due_at(&app, number).await.due_at, Some(due));
    let r = app.gql(&clerk, SLA, json!({"id": inq["id"]})).await;
    assert_eq!(
        ok(&r, "inquiry")["sla"]["dueAt"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        due
    );
    // An election day inside the window moves it by one working day (R28).
    let admin = app.token_for_user("admin").await;
    let r = app
        .gql(
            &admin,
            ADD,
            json!({"input": {"date": "2026-12-01", "nameHe": "בחירות", "nameEn": "Elections"}}),
        )
        .await;
    assert!(
        ok(&r, "addNonWorkingDay")["dueDatesRefreshed"]
            .as_i64()
            .unwrap()
            >= 1
    );
    assert_eq!(
        stored_due_at(&app, number).await.due_at,
        Some(il(2026, 12, 13, 15, 0))
    );
    let r = app
        .gql(&admin, REMOVE, json!({"input": {"date": "2026-12-01"}}))
        .await;
    ok(&r, "removeNonWorkingDay");
    assert_eq!(stored_due_at(&app, number).await.due_at, Some(due));
    // Waiting for the customer stops the clock: no due date stored.
    app.clock.set(il(2026, 11, 29, 10, 0));
    ok(
        &app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר מסמך", "responseToCustomer": "נא לצרף"}}))
            .await,
        "changeStatus",
    );
    assert_eq!(stored_due_at(&app, number).await.due_at, None);
}

#[tokio::test]
async fn r28_an_extra_day_recorded_afterwards_corrects_a_closed_inquirys_working_time() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.CERT.RESIDENCY", "IT.WORKGRANT.STATUS"]).await;
    // Sunday 22 November 2026 09:00: opened; 09:00 on Wednesday 25 November: closed.
    app.clock.set(il(2026, 11, 22, 9, 0));
    let inq = open_as(&app, &t, &triplet).await;
    let number = inq["number"].as_i64().unwrap();
    let clerk = team_clerk(&app, &inq).await;
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": inq["id"], "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    app.clock.set(il(2026, 11, 25, 9, 0));
    ok(
        &app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "CLOSED_HANDLED", "proposedSolution": "טופל", "responseToCustomer": "הטיפול הסתיים"}}))
            .await,
        "changeStatus",
    );
    let m = stored_due_at(&app, number).await;
    assert_eq!(m.sla_working_seconds, Some(72 * HOUR));
    assert_eq!(m.due_at, None, "closed: no due date");
    // A week later the administrator records that Monday 23 November was a strike day: the
    // closed inquiry's stored working time loses that day (the dashboard reads it), and gets it
    // back when the day is removed.
    app.clock.set(il(2026, 12, 1, 10, 0));
    let admin = app.token_for_user("admin").await;
    let r = app
        .gql(
            &admin,
            ADD,
            json!({"input": {"date": "2026-11-23", "nameHe": "שביתה", "nameEn": "Strike"}}),
        )
        .await;
    assert!(
        ok(&r, "addNonWorkingDay")["dueDatesRefreshed"]
            .as_i64()
            .unwrap()
            >= 1
    );
    assert_eq!(
        stored_due_at(&app, number).await.sla_working_seconds,
        Some(48 * HOUR)
    );
    let r = app
        .gql(&admin, REMOVE, json!({"input": {"date": "2026-11-23"}}))
        .await;
    assert!(
        ok(&r, "removeNonWorkingDay")["dueDatesRefreshed"]
            .as_i64()
            .unwrap()
            >= 1
    );
    assert_eq!(
        stored_due_at(&app, number).await.sla_working_seconds,
        Some(72 * HOUR)
    );
    // A day after the closure changes nothing of it.
    let r = app
        .gql(
            &admin,
            ADD,
            json!({"input": {"date": "2026-11-26", "nameHe": "שביתה", "nameEn": "Strike"}}),
        )
        .await;
    ok(&r, "addNonWorkingDay");
    assert_eq!(
        stored_due_at(&app, number).await.sla_working_seconds,
        Some(72 * HOUR)
    );
}

/// The issue's performance figure: the clock for a page of 100 inquiries with 20 history rows
/// each (segments built from the rows, then measured). Run in release:
/// `cargo test --release -p tests --test e2e sla_clock_page -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark"]
fn sla_clock_page_of_100_inquiries_x_20_history_rows() {
    use api::domain::sla::{ClockInput, WorkingCalendar, measure};
    use api::service::sla::segments_of;
    let statuses = [
        "OPEN_ASSIGNED_TO_TEAM",
        "IN_TREATMENT",
        "WAITING_FOR_CUSTOMER",
        "INFO_FROM_CUSTOMER",
        "TRANSFER_FOR_FURTHER_TREATMENT",
    ];
    let start = il(2026, 3, 1, 9, 0);
    let page: Vec<Vec<entity::inquiry_history::Model>> = (0..100)
        .map(|i| {
            (0..20)
                .map(|j| entity::inquiry_history::Model {
                    id: j,
                    inquiry_id: i,
                    kind: "STATUS_CHANGE".into(),
                    at: start + Duration::hours(i + 37 * j),
                    actor_kind: "USER".into(),
                    actor_id: None,
                    from_status: None,
                    to_status: statuses[(j % 5) as usize].into(),
                    from_office_id: None,
                    to_office_id: 1,
                    from_team_id: None,
                    to_team_id: j % 3,
                    from_assignee_id: None,
                    to_assignee_id: Some(j % 4),
                    from_triplet: None,
                    to_triplet: "IT.X.Y".into(),
                    note: None,
                })
                .collect()
        })
        .collect();
    let cal = WorkingCalendar::default();
    let now = start + Duration::days(60);
    let run = || {
        let mut total = Duration::zero();
        for h in &page {
            let segments = segments_of(h).unwrap();
            let input = ClockInput {
                segments: &segments,
                pauses: &[],
                target: Duration::hours(240),
                now,
            };
            total += measure(&cal, &input).working_time;
        }
        total
    };
    assert!(run() > Duration::zero());
    let best = (0..50)
        .map(|_| {
            let t = std::time::Instant::now();
            std::hint::black_box(run());
            t.elapsed()
        })
        .min()
        .unwrap();
    println!("SLA clock, 100 inquiries x 20 history rows: {best:?} (best of 50, one core)");
}

#[tokio::test]
async fn r28_breach_filter_finds_open_inquiries_past_their_due_date() {
    let app = TestApp::spawn().await;
    let (t, cid) = super::lifecycle::customer(&app).await;
    let triplet = super::lifecycle::free_triplet(
        &app,
        &t,
        &["DIG.INFO.FORMS", "DIG.INFO.OFFICES", "DIG.REGISTER.NEW"],
    )
    .await;
    let inq = super::lifecycle::open_as(&app, &t, &triplet).await;
    let staff = app.token("HQ_MAIN_TEAM").await;
    // Most urgent first by default: the customer filter keeps this customer's rows in view.
    let q = "query($b: Boolean, $h: Int, $c: [ID!]){ inquiries(first: 100, filter: { slaBreached: $b, dueWithinHours: $h, customerIds: $c }) { edges { node { id sla { dueAt } } } } }";
    let ids = |r: &serde_json::Value| -> Vec<String> {
        r["data"]["inquiries"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"))
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let id = inq["id"].as_str().unwrap().to_string();
    assert!(
        !ids(&app
            .gql(&staff, q, serde_json::json!({"b": true, "c": [cid]}))
            .await)
        .contains(&id),
        "not breached at opening"
    );
    assert!(
        ids(&app
            .gql(&staff, q, serde_json::json!({"h": 24 * 60, "c": [cid]}))
            .await)
        .contains(&id),
        "due within 60 days"
    );
    app.clock.advance(chrono::Duration::days(60));
    assert!(
        ids(&app
            .gql(&staff, q, serde_json::json!({"b": true, "c": [cid]}))
            .await)
        .contains(&id),
        "breached 60 days later"
    );
    // Without an order, the SLA filters list the most overdue first.
    let r = app.gql(&staff, q, serde_json::json!({"b": true})).await;
    let due: Vec<&str> = r["data"]["inquiries"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        // A paused clock shows no due date (the stored one still orders the row).
        .filter_map(|e| e["node"]["sla"]["dueAt"].as_str())
        .collect();
    assert!(due.len() > 1);
    assert!(due.windows(2).all(|w| w[0] <= w[1]), "{due:?}");
}
