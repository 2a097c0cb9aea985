//! Clerks' views and search (R44, R45).

use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};
use tests::{TestApp, error_code};

use super::lifecycle::{ASSIGN, OPEN, ok, team_clerk};

/// A customer whose national ID has leading zeros and whose name has a final letter.
async fn cohen(app: &TestApp) -> (String, Value) {
    let c = entity::customer::ActiveModel {
        national_id: Set("000000018".into()),
        last_name: Set("כהן".into()),
        first_name: Set("משה".into()),
        search_name: Set(api::domain::search::fold("כהן משה")),
        is_company: Set(false),
        file_number: Set(Some("012345678".into())),
        file_type: Set(Some("01".into())),
        file_active: Set(true),
        annual_report_required: Set(true),
        file_office: Set(Some("IT_TA1".into())),
        vat_file_number: Set(None),
        vat_dealer_active: Set(false),
        vat_office: Set(None),
        residence_city: Set("תל אביב-יפו".into()),
        business_city: Set(None),
        email: Set(Some("moshe@example.co.il".into())),
        email_verified: Set(true),
        mobile: Set(None),
        mobile_verified: Set(false),
        preferred_channel: Set("EMAIL".into()),
        verification_level: Set("HIGH".into()),
        personal_area_registered: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    let codec = api::graphql::ids::IdCodec::new(&app.state.config.node_id_secret);
    let id = codec.encode(
        api::graphql::ids::NodeType::Customer,
        &api::graphql::ids::NodeKey::Int(c.id),
    );
    let phone = app.token_for_user("it_ta1.it_assess.1").await;
    let r = app.gql(&phone, OPEN, json!({"input": {"customerId": id, "channel": "PHONE", "tripletCode": "IT.ANNUAL.ASSESSMENT", "taxYear": 2024, "body": "שיחה: שאלה על שומה"}})).await;
    let inq = ok(&r, "openInquiry")["inquiry"].clone();
    (inq["id"].as_str().unwrap().to_string(), inq)
}

const SEARCH: &str =
    "query($s:String!){ inquiries(first: 20, search: $s) { edges { node { id } } } }";

fn ids(r: &Value) -> Vec<String> {
    r["data"]["inquiries"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn r45_search_by_id_number_file_number_and_name_with_hebrew_folding() {
    let app = TestApp::spawn().await;
    let (id, inq) = cohen(&app).await;
    let t = app.token("HQ_MAIN_TEAM").await;
    for s in [
        "18",
        "000000018",
        "012345678",
        "כהן משה",
        "משה כהן",
        "כהנ",
        "כהן",
        "*הן",
        "*ה*ן מש",
        "כֹּהֵן",
    ] {
        let r = app.gql(&t, SEARCH, json!({"s": s})).await;
        assert!(ids(&r).contains(&id), "{s:?} did not find the inquiry: {r}");
    }
    let number = inq["number"].as_i64().unwrap().to_string();
    assert!(
        ids(&app.gql(&t, SEARCH, json!({"s": number})).await).contains(&id),
        "inquiry number"
    );
    // §3.3: "ניתן להזין כוכבית עם חלק ממספר הפנייה": a star and the number's last digits, or a
    // middle part, find it; a part it does not contain does not.
    let tail = &number[number.len() - 4..];
    let middle = &number[2..6];
    for s in [format!("*{tail}"), format!("*{middle}*")] {
        assert!(
            ids(&app.gql(&t, SEARCH, json!({"s": s})).await).contains(&id),
            "{s:?}: part of the inquiry number"
        );
    }
    let absent = format!("*{}", tail.chars().rev().collect::<String>()) + "99999";
    assert!(!ids(&app.gql(&t, SEARCH, json!({"s": absent})).await).contains(&id));
    // File number keeps its leading zero; LIKE metacharacters match literally.
    for s in ["12345678", "%", "_", "\\", "כה%", "*%_*"] {
        let r = app.gql(&t, SEARCH, json!({"s": s})).await;
        assert!(!ids(&r).contains(&id), "{s:?} must not match");
    }
    let r = app.gql(&t, SEARCH, json!({"s": "*"})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app.gql(&t, SEARCH, json!({"s": "א".repeat(101)})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
}

#[tokio::test]
async fn r44_views_waiting_for_my_team_handled_by_my_team_and_my_business_unit() {
    let app = TestApp::spawn().await;
    let (id, inq) = cohen(&app).await;
    let clerk = team_clerk(&app, &inq).await;
    let q = "query($v: InquiryView!, $s: String){ inquiries(first: 100, view: $v, search: $s) { totalCount edges { node { id status { code } team { code } office { code } } } } }";
    let r = app
        .gql(
            &clerk,
            q,
            json!({"v": "WAITING_FOR_MY_TEAM", "s": "כהן משה"}),
        )
        .await;
    assert_eq!(ids(&r), vec![id.clone()], "{r}");
    let r = app
        .gql(&clerk, q, json!({"v": "WAITING_FOR_MY_TEAM"}))
        .await;
    let team = inq["team"]["code"].clone();
    assert!(
        r["data"]["inquiries"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["team"]["code"] == team)
    );
    // Taken by the clerk: it moves to "handled by my team's users" and "my assigned".
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": id, "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    let r = app
        .gql(
            &clerk,
            q,
            json!({"v": "WAITING_FOR_MY_TEAM", "s": "כהן משה"}),
        )
        .await;
    assert!(ids(&r).is_empty());
    for v in [
        "HANDLED_BY_MY_TEAM_USERS",
        "MY_ASSIGNED",
        "MY_BUSINESS_UNIT",
    ] {
        let r = app.gql(&clerk, q, json!({"v": v, "s": "כהן משה"})).await;
        assert_eq!(ids(&r), vec![id.clone()], "{v}: {r}");
    }
    let r = app.gql(&clerk, q, json!({"v": "MY_BUSINESS_UNIT"})).await;
    let office = inq["team"]["office"]["code"].clone();
    assert!(
        r["data"]["inquiries"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["office"]["code"] == office)
    );
    // Another office's clerk does not see it in their business unit.
    let other = app.token_for_user("it_haifa.it_assess.1").await;
    let r = app
        .gql(&other, q, json!({"v": "MY_BUSINESS_UNIT", "s": "כהן משה"}))
        .await;
    assert!(ids(&r).is_empty());
    // Views are for staff.
    let customer = app.token("CUSTOMER").await;
    let r = app.gql(&customer, q, json!({"v": "MY_ASSIGNED"})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}
