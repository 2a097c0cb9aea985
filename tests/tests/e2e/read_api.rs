//! The read side: customer file (R1), scopes, Relay pagination, node resolution, no N+1, SDL.

use std::collections::HashSet;

use serde_json::{Value, json};
use tests::{TEST_INQUIRIES, TestApp, error_code};

const PAGE: &str = r#"query($first:Int,$after:String,$last:Int,$before:String){
  inquiries(first:$first, after:$after, last:$last, before:$before, orderBy:{field: OPENED_AT, direction: DESC}) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id number openedAt } } } }"#;

fn numbers(r: &Value) -> Vec<i64> {
    r["data"]["inquiries"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["number"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn keyset_pagination_walks_every_inquiry_once_both_ways() {
    let app = TestApp::spawn().await;
    let t = app.token("ADMIN").await;
    let mut seen = HashSet::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let r = app
            .gql(&t, PAGE, json!({"first": 100, "after": after}))
            .await;
        assert!(r.get("errors").is_none(), "{r}");
        assert_eq!(r["data"]["inquiries"]["totalCount"], TEST_INQUIRIES as i64);
        for n in numbers(&r) {
            assert!(seen.insert(n), "inquiry {n} seen twice");
        }
        pages += 1;
        let info = &r["data"]["inquiries"]["pageInfo"];
        if !info["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = info["endCursor"].as_str().map(String::from);
    }
    assert_eq!(seen.len(), TEST_INQUIRIES);
    assert_eq!(pages, TEST_INQUIRIES.div_ceil(100));
    // Backwards from the end of the first page gives nothing before it; from page 2 gives page 1.
    let p1 = app.gql(&t, PAGE, json!({"first": 10})).await;
    let p2 = app
        .gql(
            &t,
            PAGE,
            json!({"first": 10, "after": p1["data"]["inquiries"]["pageInfo"]["endCursor"]}),
        )
        .await;
    let back = app
        .gql(
            &t,
            PAGE,
            json!({"last": 10, "before": p2["data"]["inquiries"]["pageInfo"]["startCursor"]}),
        )
        .await;
    assert_eq!(numbers(&back), numbers(&p1));
    assert_eq!(
        back["data"]["inquiries"]["pageInfo"]["hasPreviousPage"],
        false
    );
}

#[tokio::test]
async fn a_cursor_from_another_sort_order_is_refused() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    let p1 = app.gql(&t, PAGE, json!({"first": 2})).await;
    let cursor = p1["data"]["inquiries"]["pageInfo"]["endCursor"].clone();
    let r = app
        .gql(&t, "query($a:String){ inquiries(first:2, after:$a, orderBy:{field: NUMBER, direction: ASC}) { edges { cursor } } }", json!({"a": cursor}))
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
}

#[tokio::test]
async fn r1_customer_file_holds_all_inquiries_across_tax_domains() {
    let app = TestApp::spawn().await;
    // R2: the authorised clerk (an information-centre agent answers callers from anywhere).
    let staff = app.token("INFO_CENTER_AGENT").await;
    // Find a customer with inquiries in more than one tax domain.
    let r = app.gql(&staff, "{ customers(first: 60) { edges { node { id inquiries(first: 30) { totalCount edges { node { triplet { main { code } } customer { id } } } } } } } }", json!({})).await;
    assert!(r.get("errors").is_none(), "{r}");
    let edges = r["data"]["customers"]["edges"].as_array().unwrap();
    let mut total = 0;
    let mut multi_domain = false;
    for e in edges {
        let c = &e["node"];
        let inq = c["inquiries"]["edges"].as_array().unwrap();
        total += c["inquiries"]["totalCount"].as_i64().unwrap();
        let domains: HashSet<_> = inq
            .iter()
            .map(|i| {
                i["node"]["triplet"]["main"]["code"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        multi_domain |= domains.len() > 1;
        for i in inq {
            assert_eq!(
                i["node"]["customer"]["id"], c["id"],
                "an inquiry of another customer in the file"
            );
        }
    }
    assert!(
        multi_domain,
        "the demo data should give some customer several tax domains"
    );
    assert!(total > 0);
}

#[tokio::test]
async fn r2_a_customer_reads_only_its_own_inquiries_and_customer_record() {
    let app = TestApp::spawn().await;
    let customer = app.token("CUSTOMER").await;
    let staff = app.token("CLERK").await;
    let me = app.gql(&customer, "{ me { customer { id } } inquiries(first: 100) { totalCount edges { node { id customer { id } } } } }", json!({})).await;
    assert!(me.get("errors").is_none(), "{me}");
    let my_id = me["data"]["me"]["customer"]["id"].clone();
    for e in me["data"]["inquiries"]["edges"].as_array().unwrap() {
        assert_eq!(e["node"]["customer"]["id"], my_id);
    }
    // Another customer's inquiry and record, through typed fields and node: NOT_FOUND (BOLA).
    let all = app
        .gql(
            &staff,
            "{ inquiries(first: 100) { edges { node { id number customer { id } } } } }",
            json!({}),
        )
        .await;
    let foreign = all["data"]["inquiries"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["customer"]["id"] != my_id)
        .unwrap()["node"]
        .clone();
    let r = app
        .gql(
            &customer,
            "query($id:ID!){ inquiry(id:$id){ number } }",
            json!({"id": foreign["id"]}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    let r = app
        .gql(
            &customer,
            "query($id:ID!){ node(id:$id){ id } }",
            json!({"id": foreign["id"]}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    let r = app
        .gql(
            &customer,
            "query($n:Long!){ inquiryByNumber(number:$n){ number } }"
                .replace("Long", "Int")
                .as_str(),
            json!({"n": foreign["number"]}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    let r = app
        .gql(
            &customer,
            "query($id:ID!){ customer(id:$id){ lastName } }",
            json!({"id": foreign["customer"]["id"]}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    let r = app
        .gql(
            &customer,
            "query($ids:[ID!]!){ nodes(ids:$ids){ id } }",
            json!({"ids": [foreign["id"], foreign["customer"]["id"]]}),
        )
        .await;
    assert_eq!(r["data"]["nodes"], json!([null, null]));
    // Staff-only fields and lists are refused to customers.
    let r = app
        .gql(
            &customer,
            "{ customers(first: 5) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

/// GRAPHQL.md: `customers` is a Relay connection both ways (`first/after`, `last/before`) with
/// `totalCount` when asked; the pages going backward are the pages going forward.
#[tokio::test]
async fn customers_page_forward_and_backward_with_a_total_count() {
    let app = TestApp::spawn().await;
    let staff = app.token("HQ_MAIN_TEAM").await;
    let q = "query($f: Int, $a: String, $l: Int, $b: String){ customers(first: $f, after: $a, last: $l, before: $b) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }";
    let page = |r: &Value| -> Vec<Value> {
        r["data"]["customers"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"))
            .iter()
            .map(|e| e["node"]["id"].clone())
            .collect()
    };
    let first = app.gql(&staff, q, json!({"f": 5})).await;
    let total = first["data"]["customers"]["totalCount"].as_i64().unwrap();
    assert!(total >= 200, "{first}");
    let second = app
        .gql(
            &staff,
            q,
            json!({"f": 5, "a": first["data"]["customers"]["pageInfo"]["endCursor"]}),
        )
        .await;
    assert_eq!(
        second["data"]["customers"]["pageInfo"]["hasPreviousPage"],
        true
    );
    // Back from the second page's start: the first page again.
    let back = app
        .gql(
            &staff,
            q,
            json!({"l": 5, "b": second["data"]["customers"]["pageInfo"]["startCursor"]}),
        )
        .await;
    assert_eq!(page(&back), page(&first), "{back}");
    assert_eq!(back["data"]["customers"]["pageInfo"]["hasNextPage"], true);
    // The last page from the end.
    let last = app.gql(&staff, q, json!({"l": 3})).await;
    assert_eq!(page(&last).len(), 3);
    assert_eq!(
        last["data"]["customers"]["pageInfo"]["hasPreviousPage"],
        true
    );
    assert_eq!(last["data"]["customers"]["totalCount"], total);
}

#[tokio::test]
async fn node_resolves_every_type_it_hands_out() {
    let app = TestApp::spawn().await;
    let t = app.token("CLERK").await;
    let r = app
        .gql(&t, "{ inquiries(first: 1) { edges { node { id customer { id } team { id office { id } } triplet { id main { id } } statusHistory(last: 1) { id } } } } }", json!({}))
        .await;
    let n = &r["data"]["inquiries"]["edges"][0]["node"];
    let ids = [
        &n["id"],
        &n["customer"]["id"],
        &n["team"]["id"],
        &n["team"]["office"]["id"],
        &n["triplet"]["id"],
        &n["triplet"]["main"]["id"],
        &n["statusHistory"][0]["id"],
    ];
    for id in ids {
        let r = app
            .gql(
                &t,
                "query($id:ID!){ node(id:$id){ id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(&r["data"]["node"]["id"], id, "{r}");
    }
}

#[tokio::test]
async fn a_page_of_50_with_nested_objects_costs_at_most_8_statements() {
    let app = TestApp::spawn().await;
    // Nationwide reader: a full page of 50 (a clerk's business unit may hold fewer).
    let t = app.token("HQ_MAIN_TEAM").await;
    let q = "{ inquiries(first: 50) { edges { node { number customer { fullName } team { nameHe office { code } } assignee { fullName } statusHistory(last: 5) { kind at toAssignee { fullName } } } } } }";
    // Warm-up (token lookups etc. are not part of the measured request).
    let _ = app.gql(&t, "{ me { kind } }", json!({})).await;
    let before = app.statements();
    let r = app.gql(&t, q, json!({})).await;
    let used = app.statements() - before;
    assert!(r.get("errors").is_none(), "{r}");
    assert_eq!(
        r["data"]["inquiries"]["edges"].as_array().unwrap().len(),
        50
    );
    assert!(used <= 8, "{used} statements for one page");
}

#[tokio::test]
async fn topic_tree_and_reference_data() {
    let app = TestApp::spawn().await;
    let t = app.token("CUSTOMER").await;
    let r = app.gql(&t, "{ topicTree { code nameHe children { code triplets(selectableOnly: true) { code taxYearRequired } } } triplet(code: \"IT.MEDICAL.COMMITTEE\") { nameHe routing defaultTeamCode main { code } secondary { code } detail { code nameHe } } }", json!({})).await;
    assert!(r.get("errors").is_none(), "{r}");
    let mains = r["data"]["topicTree"].as_array().unwrap();
    assert_eq!(mains.len(), 7);
    let leaves: usize = mains
        .iter()
        .flat_map(|m| m["children"].as_array().unwrap())
        .map(|s| s["triplets"].as_array().unwrap().len())
        .sum();
    assert_eq!(leaves, 100, "customer-selectable triplets");
    assert_eq!(r["data"]["triplet"]["routing"], "MSHM_REGIONAL");
    assert_eq!(r["data"]["triplet"]["defaultTeamCode"], "IT_UNIT17");
    // The three levels (R4): main, secondary, detail.
    let t = &r["data"]["triplet"];
    assert_eq!(
        (
            t["main"]["code"].as_str(),
            t["secondary"]["code"].as_str(),
            t["detail"]["code"].as_str()
        ),
        (Some("IT"), Some("IT.MEDICAL"), Some("COMMITTEE"))
    );
    assert!(
        t["detail"]["nameHe"]
            .as_str()
            .is_some_and(|n| n.contains("ועדה")),
        "{t}"
    );
}

#[test]
fn schema_graphql_matches_the_served_sdl() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == api::graphql::schema::sdl(),
        "schema.graphql is out of date: run `cargo run -p api -- schema > schema.graphql`"
    );
}
