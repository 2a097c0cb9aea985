//! Dashboards (R43) and the handled share where waiting for the customer counts (R23).

use serde_json::{Value, json};
use tests::{TestApp, error_code};

const Q: &str = "query($o: ID){ dashboard(officeId: $o) { total handled byStatus { status { code nameHe } count } byChannel { channel { code nameHe } count } byTeam { team { code } count } byTriplet { triplet { code } count } openAge { days count } } }";

#[tokio::test]
async fn r43_r23_dashboard_counts_in_sql_with_waiting_counted_as_handled() {
    let app = TestApp::spawn().await;
    let hq = app.token("HQ_MAIN_TEAM").await;
    let r = app.gql(&hq, Q, json!({})).await;
    assert!(r.get("errors").is_none(), "{r}");
    let d = &r["data"]["dashboard"];
    let total = d["total"].as_i64().unwrap();
    assert!(total > 0);
    let sum = |k: &str| {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x["count"].as_i64().unwrap())
            .sum::<i64>()
    };
    assert_eq!(sum("byStatus"), total);
    assert_eq!(sum("byChannel"), total);
    assert!(
        d["byChannel"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["channel"]["code"] == "WEB" && c["channel"]["nameHe"].is_string()),
        "{d}"
    );
    assert_eq!(sum("byTeam"), total);
    assert_eq!(sum("byTriplet"), total);
    // Populations (§3 "פילוח אוכלוסיות", R43) partition the same inquiries.
    let r = app
        .gql(
            &hq,
            "{ dashboard { total byPopulation { population count } } }",
            json!({}),
        )
        .await;
    let pops = ok_data(&r)["dashboard"]["byPopulation"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        pops.iter()
            .map(|p| p["count"].as_i64().unwrap())
            .sum::<i64>(),
        r["data"]["dashboard"]["total"].as_i64().unwrap()
    );
    let kinds: Vec<&str> = pops
        .iter()
        .map(|p| p["population"].as_str().unwrap())
        .collect();
    for k in ["INDIVIDUAL", "REPRESENTATIVE"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    let handled_expected: i64 = d["byStatus"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            let c = x["status"]["code"].as_str().unwrap();
            c.starts_with("CLOSED") || c == "WAITING_FOR_CUSTOMER"
        })
        .map(|x| x["count"].as_i64().unwrap())
        .sum();
    assert_eq!(d["handled"].as_i64().unwrap(), handled_expected);
    assert!(
        d["byStatus"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["status"]["code"] == "WAITING_FOR_CUSTOMER")
    );
    // An office manager sees the own office only; another office is FORBIDDEN; customers never.
    let manager = app.token_for_user("it_ta1.manager").await;
    let r = app.gql(&manager, Q, json!({})).await;
    assert!(r["data"]["dashboard"]["total"].as_i64().unwrap() <= total);
    let offices = app.gql(&hq, "{ offices { id code } }", json!({})).await;
    let haifa = offices["data"]["offices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "IT_HAIFA")
        .unwrap()["id"]
        .clone();
    let r = app.gql(&manager, Q, json!({"o": haifa})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    let customer = app.token("CUSTOMER").await;
    let r = app.gql(&customer, Q, json!({})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

/// §6.3 (R23): an inquiry waiting for the customer is handled, so it leaves the open backlog's
/// age buckets as it enters WAITING_FOR_CUSTOMER.
#[tokio::test]
async fn r23_waiting_for_the_customer_is_not_open_backlog() {
    use super::lifecycle::{CHANGE, fresh_inquiry, ok};
    let app = TestApp::spawn().await;
    let hq = app.token("HQ_MAIN_TEAM").await;
    async fn young(app: &TestApp, hq: &str) -> i64 {
        let r = app.gql(hq, Q, json!({})).await;
        assert_eq!(r["data"]["dashboard"]["openAge"][0]["days"], "0-2", "{r}");
        r["data"]["dashboard"]["openAge"][0]["count"]
            .as_i64()
            .unwrap()
    }
    let before = young(&app, &hq).await;
    let (_, inq, clerk) = fresh_inquiry(&app, &["IT.CREDIT.ACADEMIC", "IT.CREDIT.CHILDREN"]).await;
    assert_eq!(
        young(&app, &hq).await,
        before + 1,
        "a new inquiry is open backlog"
    );
    ok(&app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר אישור", "responseToCustomer": "נא לצרף אישור"}})).await, "changeStatus");
    assert_eq!(young(&app, &hq).await, before, "waiting is handled");
}

fn ok_data(r: &serde_json::Value) -> &serde_json::Value {
    assert!(r.get("errors").is_none(), "{r}");
    &r["data"]
}

const SLA_Q: &str = "query($f: DateTime, $o: ID){ dashboard(from: $f, officeId: $o) { sla { total { closed withinTarget shareWithinTarget medianWorkingTime } byOffice { office { id } sla { closed withinTarget medianWorkingTime } } byTeam { team { id } sla { closed } } byTriplet { triplet { code } sla { closed withinTarget medianWorkingTime } } } } }";

/// Issue 5 §4 (R28, R29): the dashboard's share within target and median working time to close
/// agree with each closed inquiry's own clock; one closed in time, one long after its target.
#[tokio::test]
async fn r28_dashboard_sla_share_within_target_and_median_time_to_close() {
    use super::lifecycle::{ASSIGN, CHANGE, fresh_inquiry, ok};
    use api::infra::clock::Clock;
    use chrono::Duration;

    let app = TestApp::spawn().await;
    // After every demo row (the seed may close rows at its `now`).
    app.clock.advance(Duration::seconds(1));
    let since = app.clock.now();
    let mut closed = Vec::new();
    for (i, wait) in [Duration::hours(30), Duration::days(200)]
        .into_iter()
        .enumerate()
    {
        let (_, inq, clerk) = fresh_inquiry(
            &app,
            &[
                "IT.ANNUAL.SUBMIT",
                "IT.ANNUAL.ASSESSMENT",
                "IT.CAPITAL.SUBMIT",
                "IT.REFUND.STATUS",
            ][i..],
        )
        .await;
        let id = inq["id"].clone();
        ok(
            &app.gql(
                &clerk,
                ASSIGN,
                json!({"input": {"inquiryId": id, "to": "ME"}}),
            )
            .await,
            "assignInquiry",
        );
        app.clock.advance(wait);
        let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_HANDLED", "proposedSolution": "טופל", "responseToCustomer": "הבקשה טופלה"}})).await;
        ok(&r, "changeStatus");
        let s = app
            .gql(
                &clerk,
                "query($id: ID!){ inquiry(id: $id) { team { id office { id } } triplet { code } sla { workingTime breached } } }",
                json!({"id": id}),
            )
            .await;
        closed.push(s["data"]["inquiry"].clone());
    }
    let working: Vec<i64> = closed
        .iter()
        .map(|c| c["sla"]["workingTime"].as_i64().unwrap())
        .collect();
    let breached: Vec<bool> = closed
        .iter()
        .map(|c| c["sla"]["breached"].as_bool().unwrap())
        .collect();
    assert!(working[0] > 0 && working[1] > working[0], "{working:?}");
    assert_eq!(
        breached,
        [false, true],
        "the 200-day one is over its target"
    );

    // The period is [from, to) and `to` defaults to now: step past the last closure.
    app.clock.advance(Duration::seconds(1));
    let hq = app.token("HQ_MAIN_TEAM").await;
    let r = app.gql(&hq, SLA_Q, json!({"f": since})).await;
    assert!(r.get("errors").is_none(), "{r}");
    let sla = &r["data"]["dashboard"]["sla"];
    assert_eq!(
        sla["total"]["closed"], 2,
        "only this test's closures fall in the period"
    );
    assert_eq!(sla["total"]["withinTarget"], 1);
    assert_eq!(sla["total"]["shareWithinTarget"].as_f64(), Some(0.5));
    // The median of two is their mean.
    let median = sla["total"]["medianWorkingTime"].as_i64().unwrap();
    assert!(
        (median - (working[0] + working[1]) / 2).abs() <= 1,
        "{median} vs {working:?}"
    );
    // Per triplet: each group holds its own inquiry's figures.
    for c in &closed {
        let g = sla["byTriplet"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["triplet"]["code"] == c["triplet"]["code"])
            .unwrap();
        assert_eq!(g["sla"]["closed"], 1);
        assert_eq!(g["sla"]["medianWorkingTime"], c["sla"]["workingTime"]);
        let within = i64::from(!c["sla"]["breached"].as_bool().unwrap());
        assert_eq!(g["sla"]["withinTarget"], within);
    }
    let per = |k: &str| -> i64 {
        sla[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["sla"]["closed"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(
        (per("byOffice"), per("byTeam"), per("byTriplet")),
        (2, 2, 2)
    );
    // An office filter keeps only that office's closures.
    let office = closed[0]["team"]["office"]["id"].clone();
    let r = app.gql(&hq, SLA_Q, json!({"f": since, "o": office})).await;
    let expected = closed
        .iter()
        .filter(|c| c["team"]["office"]["id"] == office)
        .count();
    assert_eq!(
        r["data"]["dashboard"]["sla"]["total"]["closed"].as_i64(),
        Some(expected as i64)
    );
}

/// R43, R8, R12: the dashboard's classifier acceptance agrees with the validations recorded on
/// each inquiry (accepted = the final triplet is the model's top-1), and the unread count of a
/// team rises by the customer's messages and falls when the clerk reads them.
#[tokio::test]
async fn r43_r8_r12_dashboard_classifier_acceptance_and_unread_per_team() {
    use super::lifecycle::{CORR, fresh_inquiry, ok};
    use api::infra::clock::Clock;
    use chrono::Duration;

    let app = TestApp::spawn().await;
    app.clock.advance(Duration::seconds(1));
    let since = app.clock.now();
    let q = "query($f: DateTime){ dashboard(from: $f) { classifierAcceptance { total { validated accepted rate } byModel { modelVersion acceptance { validated accepted } } byMainTopic { mainTopic { code } acceptance { validated accepted } } } unreadByTeam { team { id } count } } }";
    let hq = app.token("HQ_MAIN_TEAM").await;
    let unread_of = |d: &Value, team: &Value| -> i64 {
        d["unreadByTeam"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| &r["team"]["id"] == team)
            .map_or(0, |r| r["count"].as_i64().unwrap())
    };
    app.clock.advance(Duration::seconds(1));
    let before = app.gql(&hq, q, json!({"f": since})).await;
    assert!(before.get("errors").is_none(), "{before}");
    let before = before["data"]["dashboard"].clone();
    assert_eq!(before["classifierAcceptance"]["total"]["validated"], 0);
    assert!(before["classifierAcceptance"]["total"]["rate"].is_null());

    let m = "mutation($i: ValidateTripletInput!){ validateTriplet(input:$i){ validation { finalTriplet { code } modelVersion suggestedTop1 } } }";
    let (t1, a, clerk_a) = fresh_inquiry(&app, &["IT.REFUND.STATUS", "IT.WORKGRANT.STATUS"]).await;
    let (_, b, clerk_b) = fresh_inquiry(&app, &["IT.CERT.RESIDENCY", "IT.FILE.CLOSE"]).await;
    let va = ok(
        &app.gql(
            &clerk_a,
            m,
            json!({"i": {"inquiryId": a["id"], "verdict": "ACCEPTED"}}),
        )
        .await,
        "validateTriplet",
    )["validation"]
        .clone();
    let vb = ok(&app.gql(&clerk_b, m, json!({"i": {"inquiryId": b["id"], "verdict": "CORRECTED", "tripletCode": "IT.ANNUAL.SUBMIT"}})).await, "validateTriplet")["validation"].clone();
    let accepted = [&va, &vb]
        .iter()
        .filter(|v| v["finalTriplet"]["code"] == v["suggestedTop1"])
        .count() as i64;
    // Two messages from the customer on inquiry a.
    for i in 0..2 {
        ok(
            &app.gql(
                &t1,
                CORR,
                json!({"input": {"inquiryId": a["id"], "body": format!("עדכון {i}")}}),
            )
            .await,
            "addCorrespondence",
        );
    }
    app.clock.advance(Duration::seconds(1));
    let after = app.gql(&hq, q, json!({"f": since})).await;
    assert!(after.get("errors").is_none(), "{after}");
    let d = &after["data"]["dashboard"];
    let acc = &d["classifierAcceptance"];
    assert_eq!(acc["total"]["validated"], 2);
    assert_eq!(acc["total"]["accepted"], accepted);
    assert_eq!(acc["total"]["rate"].as_f64(), Some(accepted as f64 / 2.0));
    assert_eq!(acc["byModel"][0]["modelVersion"], va["modelVersion"]);
    assert_eq!(acc["byModel"][0]["acceptance"]["validated"], 2);
    let per_topic: i64 = acc["byMainTopic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["acceptance"]["validated"].as_i64().unwrap())
        .sum();
    assert_eq!(per_topic, 2);
    let team = &a["team"]["id"];
    assert_eq!(unread_of(d, team), unread_of(&before, team) + 2);
    // The clerk reads them: the team's count falls back.
    let r = app
        .gql(
            &clerk_a,
            "mutation($i: InquiryRefInput!){ markRead(input: $i) { inquiry { id } } }",
            json!({"i": {"inquiryId": a["id"]}}),
        )
        .await;
    ok(&r, "markRead");
    let d = app.gql(&hq, q, json!({"f": since})).await["data"]["dashboard"].clone();
    assert_eq!(unread_of(&d, team), unread_of(&before, team));
}
