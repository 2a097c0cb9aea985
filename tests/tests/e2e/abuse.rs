//! Abuse suite (security issue): hostile requests get a 4xx or a GraphQL error quickly, and the
//! server answers the next request.

use std::time::{Duration, Instant};

use serde_json::json;
use tests::{TestApp, error_code};

async fn still_answers(app: &TestApp, token: &str) {
    let r = app.gql(token, "{ me { kind } }", json!({})).await;
    assert_eq!(r["data"]["me"]["kind"], "STAFF");
}

async fn raw(app: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> u16 {
    let started = Instant::now();
    let resp = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered in {:?}",
        started.elapsed()
    );
    resp.status().as_u16()
}

#[tokio::test]
async fn r31_hostile_documents_are_refused_fast() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    // 50 levels of nesting.
    let mut sel = "code".to_string();
    for _ in 0..50 {
        sel = format!("children {{ {sel} }}");
    }
    let r = app
        .gql(&t, &format!("{{ topicTree {{ {sel} }} }}"), json!({}))
        .await;
    assert_eq!(error_code(&r), Some("QUERY_TOO_COMPLEX"), "{r}");
    // 1,000 aliases.
    let aliases: String = (0..1000).map(|i| format!("a{i}: me {{ kind }} ")).collect();
    let (status, r) = app
        .post(Some(&t), json!({ "query": format!("{{ {aliases} }}") }))
        .await;
    assert_eq!(
        (status, error_code(&r)),
        (400, Some("QUERY_TOO_COMPLEX")),
        "{r}"
    );
    // However the aliases are spaced, and through a fragment used many times.
    for form in ["a{i} : me {{ kind }} ", "a{i}:me{{kind}} "] {
        let aliases: String = (0..1000)
            .map(|i| {
                form.replace("{i}", &i.to_string())
                    .replace("{{", "{")
                    .replace("}}", "}")
            })
            .collect();
        let r = app.gql(&t, &format!("{{ {aliases} }}"), json!({})).await;
        assert_eq!(error_code(&r), Some("QUERY_TOO_COMPLEX"), "{form}: {r}");
    }
    let spreads: String = (0..20).map(|i| format!("x{i}: me {{ ...F }} ")).collect();
    let r = app
        .gql(
            &t,
            &format!("{{ {spreads} }} fragment F on Viewer {{ a: kind b: kind }}"),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&r), Some("QUERY_TOO_COMPLEX"), "{r}");
    let few: String = (0..4).map(|i| format!("x{i}: me {{ ...F }} ")).collect();
    let r = app
        .gql(
            &t,
            &format!("{{ {few} }} fragment F on Viewer {{ a: kind b: kind }}"),
            json!({}),
        )
        .await;
    assert!(r.get("errors").is_none(), "12 aliases are allowed: {r}");
    // A batch of 500 operations is not accepted (batching is off).
    let batch: Vec<_> = (0..500)
        .map(|_| json!({"query": "{ me { kind } }"}))
        .collect();
    let status = raw(
        &app,
        &t,
        "application/json",
        serde_json::to_vec(&batch).unwrap(),
    )
    .await;
    assert!((400..500).contains(&status), "batch -> {status}");
    // 5 MB body.
    let status = raw(&app, &t, "application/json", vec![b' '; 5 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    // Invalid UTF-8, truncated JSON, wrong content type.
    assert!(
        (400..500).contains(&raw(&app, &t, "application/json", vec![b'{', 0xff, 0xfe, b'}']).await)
    );
    assert!(
        (400..500).contains(
            &raw(
                &app,
                &t,
                "application/json",
                br#"{"query": "{ me "#.to_vec()
            )
            .await
        )
    );
    assert!(
        (400..500).contains(
            &raw(
                &app,
                &t,
                "text/plain",
                br#"{"query": "{ me { kind } }"}"#.to_vec()
            )
            .await
        )
    );
    // Page size and cost.
    let r = app.gql(&t, "{ inquiries(first: 100) { edges { node { customer { inquiries(first: 100) { edges { node { id } } } } } } } }", json!({})).await;
    assert_eq!(error_code(&r), Some("QUERY_TOO_COMPLEX"), "{r}");
    // LIKE metacharacters and wildcards in search arguments are plain text.
    for s in ["%", "_", "\\", "*", "%_%", "' OR 1=1 --"] {
        let r = app
            .gql(
                &t,
                "query($s:String){ customers(first: 5, search: $s) { edges { cursor } } }",
                json!({"s": s}),
            )
            .await;
        assert!(r.get("errors").is_none(), "{s}: {r}");
        assert_eq!(
            r["data"]["customers"]["edges"],
            json!([]),
            "{s} matched something"
        );
    }
    still_answers(&app, &t).await;
}
