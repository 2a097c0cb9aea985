//! Transport, authentication, bad input and limits.

use serde_json::json;
use tests::{TestApp, error_code};

#[tokio::test]
async fn healthz_and_graphiql_answer() {
    let app = TestApp::spawn().await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = app.http.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("graphiql"));
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthenticated() {
    let app = TestApp::spawn().await;
    let q = json!({ "query": "{ me { kind } }" });
    let (status, body) = app.post(None, q.clone()).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    let (status, body) = app.post(Some("not-a-jwt"), q.clone()).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    // A token signed with another secret.
    let other = api::auth::Authenticator::new(
        "some-other-secret-some-other-secret",
        "ita-crm",
        "ita-crm-api",
    );
    let p = api::domain::Principal {
        kind: api::domain::principal::PrincipalKind::Staff(1),
        roles: vec![api::domain::Role::Admin],
    };
    let forged = other.mint(&p, chrono::Utc::now().timestamp(), 600).unwrap();
    let (status, body) = app.post(Some(&forged), q.clone()).await;
    assert_eq!((status, error_code(&body)), (401, Some("UNAUTHENTICATED")));
    // An expired token.
    let expired = app
        .state
        .auth
        .mint(&p, chrono::Utc::now().timestamp() - 7200, 600)
        .unwrap();
    let (status, body) = app.post(Some(&expired), q.clone()).await;
    assert_eq!((status, error_code(&body)), (401, Some("UNAUTHENTICATED")));
    // alg=none is never accepted.
    let none = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(
            r#"{"sub":"user:1","roles":["ADMIN"],"iss":"ita-crm","aud":"ita-crm-api","exp":9999999999}"#
        )
    );
    let (status, _) = app.post(Some(&none), q).await;
    assert_eq!(status, 401);
}

fn b64(s: &str) -> String {
    use base64_like::encode;
    encode(s.as_bytes())
}

/// Minimal base64url (no padding) so the suite needs no extra dependency.
mod base64_like {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    pub fn encode(data: &[u8]) -> String {
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}

#[tokio::test]
async fn malformed_queries_get_stable_codes_and_the_server_keeps_answering() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    let parse = app.gql(&t, "{ me { kind ", json!({})).await;
    assert_eq!(error_code(&parse), Some("GRAPHQL_PARSE_FAILED"), "{parse}");
    let unknown = app.gql(&t, "{ me { noSuchField } }", json!({})).await;
    assert_eq!(
        error_code(&unknown),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{unknown}"
    );
    let bad_enum = app
        .gql(
            &t,
            "{ inquiries(first: 1, filter: { statuses: [NOPE] }) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert!(error_code(&bad_enum).is_some(), "{bad_enum}");
    let ok = app.gql(&t, "{ me { kind } }", json!({})).await;
    assert_eq!(ok["data"]["me"]["kind"], "STAFF");
}

#[tokio::test]
async fn page_size_and_cursor_rules() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    let q = "query($f:Int,$l:Int,$a:String){ inquiries(first:$f,last:$l,after:$a){ edges { cursor } } }";
    for vars in [
        json!({"f": 101}),
        json!({"f": 0}),
        json!({}),
        json!({"f": 5, "l": 5}),
        json!({"f": 5, "a": "forged.cursor"}),
    ] {
        let r = app.gql(&t, q, vars.clone()).await;
        assert_eq!(error_code(&r), Some("VALIDATION"), "{vars} -> {r}");
    }
}

#[tokio::test]
async fn unknown_and_forged_ids_are_not_found() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    for id in [
        "",
        "abc",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "tYISIcZpdhWQDzVwo0azuQGDeEP0nQ",
    ] {
        let r = app
            .gql(
                &t,
                "query($id:ID!){ inquiry(id:$id){ number } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(error_code(&r), Some("NOT_FOUND"), "{id}: {r}");
        let r = app
            .gql(
                &t,
                "query($id:ID!){ node(id:$id){ id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(error_code(&r), Some("NOT_FOUND"), "{id}: {r}");
    }
}

#[tokio::test]
async fn depth_and_body_limits() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    // 12 levels of topic children exceed the depth limit of 10.
    let mut sel = "code".to_string();
    for _ in 0..12 {
        sel = format!("code children {{ {sel} }}");
    }
    let r = app
        .gql(&t, &format!("{{ topicTree {{ {sel} }} }}"), json!({}))
        .await;
    assert_eq!(error_code(&r), Some("QUERY_TOO_COMPLEX"), "{r}");
    let big = "x".repeat(2 * 1024 * 1024);
    let resp = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&t)
        .json(&json!({ "query": format!("{{ me {{ kind }} }} # {big}") }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    let ok = app.gql(&t, "{ me { kind } }", json!({})).await;
    assert_eq!(ok["data"]["me"]["kind"], "STAFF");
}

#[tokio::test]
async fn introspection_is_for_staff_only() {
    let app = TestApp::spawn().await;
    let staff = app.token("CLERK").await;
    let customer = app.token("CUSTOMER").await;
    let q = "{ __schema { queryType { name } } }";
    let r = app.gql(&staff, q, json!({})).await;
    assert_eq!(r["data"]["__schema"]["queryType"]["name"], "QueryRoot");
    // For everyone else introspection is switched off: the schema is not revealed.
    let r = app.gql(&customer, q, json!({})).await;
    assert!(r["data"]["__schema"].is_null(), "{r}");
}

#[tokio::test]
async fn graphql_response_media_type_is_honoured() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    let resp = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&t)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "{ me { kind" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let ct = resp
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(ct.starts_with("application/graphql-response+json"), "{ct}");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(
        body.get("data").is_none(),
        "not executed: no data entry: {body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    // A request that executed answers 200 even when an error nulled `data`.
    let resp = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&t)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "{ inquiryByNumber(number: 1) { id } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(
        body["data"].is_null() && body.get("data").is_some(),
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
}

#[tokio::test]
async fn per_user_rate_limit_answers_429_with_retry_after() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 5).await;
    let t = app.token("CLERK").await;
    let other = app.token("CUSTOMER").await;
    let q = json!({ "query": "{ me { kind } rateLimit { cost limit remaining resetAt } }" });
    // Pin the clock mid-window so the five requests share one window.
    let now = chrono::Utc::now();
    let minute = now.timestamp() - now.timestamp().rem_euclid(60);
    app.clock
        .set(chrono::DateTime::from_timestamp(minute + 10, 0).unwrap());
    for i in 0..5 {
        let (status, body) = app.post(Some(&t), q.clone()).await;
        assert_eq!(status, 200, "request {i}");
        // `rateLimit` tells the client where it stands (GRAPHQL.md), after this request.
        let rl = &body["data"]["rateLimit"];
        assert_eq!(
            (rl["cost"].as_i64(), rl["limit"].as_i64()),
            (Some(1), Some(5)),
            "{body}"
        );
        assert_eq!(rl["remaining"].as_i64(), Some(4 - i), "{body}");
        assert_eq!(
            rl["resetAt"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
                .timestamp(),
            minute + 60
        );
    }
    let resp = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&t)
        .json(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    let retry: i64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 50);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), Some("RATE_LIMITED"));
    // Other principals keep their own budget.
    assert_eq!(app.post(Some(&other), q.clone()).await.0, 200);
    // The next window starts afresh.
    app.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(app.post(Some(&t), q).await.0, 200);
}
