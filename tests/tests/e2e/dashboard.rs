//! Dashboards (R43) and the handled share where waiting for the customer counts (R23).

use serde_json::json;
use tests::{TestApp, error_code};

const Q: &str = "query($o: ID){ dashboard(officeId: $o) { total handled byStatus { status { code nameHe } count } byChannel { channel count } byTeam { team { code } count } byTriplet { triplet { code } count } openAge { days count } } }";

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
    assert_eq!(sum("byTeam"), total);
    assert_eq!(sum("byTriplet"), total);
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
