//! Triplet suggestions over HTTP (R8): ranked, calibrated, versioned, stored with the inquiry.

use serde_json::json;
use tests::{TestApp, error_code};

use super::lifecycle::{customer, free_triplet, ok, open_as, team_clerk};

const SUGGEST: &str = r#"query($t: String!, $l: Int) { suggestTriplets(text: $t, limit: $l) {
  modelVersion abstain suggestions { code probability triplet { nameHe } } mainTopic { code probability } secondaryTopic { code } } }"#;

#[tokio::test]
async fn r8_suggest_triplets_ranks_leaves_with_probabilities_and_the_model_version() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let r = app
        .gql(
            &t,
            SUGGEST,
            json!({"t": "הגשתי בקשה להחזר מס לשנת 2023 וטרם קיבלתי את הכסף, מה הסטטוס?", "l": 3}),
        )
        .await;
    let s = ok(&r, "suggestTriplets");
    let current = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../models/triplet/CURRENT"
    ))
    .unwrap();
    assert_eq!(s["modelVersion"], current.trim());
    let list = s["suggestions"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let probs: Vec<f64> = list
        .iter()
        .map(|x| x["probability"].as_f64().unwrap())
        .collect();
    assert!(probs.windows(2).all(|w| w[0] >= w[1]), "{probs:?}");
    assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
    assert!(list.iter().all(|x| x["triplet"]["nameHe"].is_string()));
    assert_eq!(s["mainTopic"]["code"], "IT", "{s}");
}

#[tokio::test]
async fn r8_bad_texts_get_validation_or_an_abstention_never_a_crash() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    for bad in ["", "   \n\t ", &"א".repeat(6000)] {
        let r = app.gql(&t, SUGGEST, json!({"t": bad})).await;
        assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
    }
    for odd in ["😀😀😀", "hello world refund", "Привет", "\u{0007}bell"] {
        let r = app.gql(&t, SUGGEST, json!({"t": odd})).await;
        assert!(
            r["data"]["suggestTriplets"].is_object() || error_code(&r) == Some("VALIDATION"),
            "{odd}: {r}"
        );
    }
    let r = app.gql(&t, SUGGEST, json!({"t": "החזר מס", "l": 50})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
}

#[tokio::test]
async fn r8_opening_stores_the_suggestions_shown() {
    let app = TestApp::spawn().await;
    let (t, inq, clerk) =
        super::lifecycle::fresh_inquiry(&app, &["IT.REFUND.STATUS", "IT.WORKGRANT.STATUS"]).await;
    let r = app.gql(&clerk, "query($id:ID!){ inquiry(id:$id){ tripletSuggestions { modelVersion suggestions { code probability } } } }", json!({"id": inq["id"]})).await;
    let s = &ok(&r, "inquiry")["tripletSuggestions"];
    assert_eq!(s["suggestions"].as_array().unwrap().len(), 3, "{r}");
    // Customers do not see the stored suggestions (internal validation data).
    let r = app
        .gql(
            &t,
            "query($id:ID!){ inquiry(id:$id){ tripletSuggestions { modelVersion } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

#[tokio::test]
async fn r8_triplet_validation_records_the_verdict_and_triplet_changes_count_as_corrections() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &["IT.CERT.RESIDENCY", "IT.FILE.CLOSE", "IT.FILE.OPEN"],
        )
        .await,
    )
    .await;
    let clerk = team_clerk(&app, &inq).await;
    let m = "mutation($i: ValidateTripletInput!){ validateTriplet(input:$i){ validation { verdict customerTripletCorrect finalTriplet { code } modelVersion suggestedTop1 } } }";
    let r = app
        .gql(
            &clerk,
            m,
            json!({"i": {"inquiryId": inq["id"], "verdict": "CORRECTED"}}),
        )
        .await;
    assert_eq!(
        error_code(&r),
        Some("VALIDATION"),
        "CORRECTED needs a triplet"
    );
    let r = app
        .gql(
            &clerk,
            m,
            json!({"i": {"inquiryId": inq["id"], "verdict": "ACCEPTED"}}),
        )
        .await;
    let v = ok(&r, "validateTriplet")["validation"].clone();
    assert_eq!(v["customerTripletCorrect"], true);
    assert!(
        v["modelVersion"].is_string() && v["suggestedTop1"].is_string(),
        "{v}"
    );
    let r = app.gql(&clerk, m, json!({"i": {"inquiryId": inq["id"], "verdict": "CORRECTED", "tripletCode": "IT.ANNUAL.SUBMIT"}})).await;
    assert_eq!(
        ok(&r, "validateTriplet")["validation"]["customerTripletCorrect"],
        false
    );
    let q =
        "query($id:ID!){ inquiry(id:$id){ tripletValidation { verdict finalTriplet { code } } } }";
    let r = app.gql(&clerk, q, json!({"id": inq["id"]})).await;
    assert_eq!(
        ok(&r, "inquiry")["tripletValidation"]["finalTriplet"]["code"],
        "IT.ANNUAL.SUBMIT",
        "the later verdict supersedes"
    );
    // A triplet change by the clerk is an implicit correction.
    let ct = "mutation($i: ChangeTripletInput!){ changeTriplet(input:$i){ inquiry { id } } }";
    ok(&app.gql(&clerk, ct, json!({"i": {"inquiryId": inq["id"], "tripletCode": "IT.CERT.WITHHOLDING", "taxYear": 2024}})).await, "changeTriplet");
    let hq = app.token_for_user("hq.hq_main.1").await;
    let r = app.gql(&hq, q, json!({"id": inq["id"]})).await;
    assert_eq!(
        ok(&r, "inquiry")["tripletValidation"]["verdict"],
        "CORRECTED"
    );
    assert_eq!(
        r["data"]["inquiry"]["tripletValidation"]["finalTriplet"]["code"],
        "IT.CERT.WITHHOLDING"
    );
    // Customers never see validation data.
    let r = app.gql(&t, q, json!({"id": inq["id"]})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}
