//! Every column sortable and filterable, keyset-paginated, and saved custom views (R44).

use serde_json::{Value, json};
use tests::{TestApp, error_code};

const LIST: &str = "query($f: InquiryFilterInput, $o: InquiryOrder, $first: Int, $after: String, $s: ID){ inquiries(filter: $f, orderBy: $o, first: $first, after: $after, savedViewId: $s) { totalCount edges { node { id number status { code } channel { code } triplet { code } team { id } office { id } assignee { id } openedAt updatedAt closedAt statusChangedAt taxYear documentsPending sla { dueAt } } } pageInfo { hasNextPage endCursor } } }";

/// All rows in `order`, walked page by page through cursors.
async fn walk(app: &TestApp, t: &str, f: &Value, order: &Value, page: i64) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let r = app
            .gql(
                t,
                LIST,
                json!({"f": f, "o": order, "first": page, "after": after}),
            )
            .await;
        assert!(r.get("errors").is_none(), "{r}");
        let c = &r["data"]["inquiries"];
        out.extend(
            c["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return out;
        }
        after = c["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// The sort key the server should have used for `field` (None sorts last).
fn key(n: &Value, field: &str) -> (bool, String) {
    let v = match field {
        "NUMBER" => json!(format!("{:012}", n["number"].as_i64().unwrap())),
        "OPENED_AT" => n["openedAt"].clone(),
        "UPDATED_AT" => n["updatedAt"].clone(),
        "STATUS_CHANGED_AT" => n["statusChangedAt"].clone(),
        "CLOSED_AT" => n["closedAt"].clone(),
        "DUE_AT" => n["sla"]["dueAt"].clone(),
        "STATUS" => n["status"]["code"].clone(),
        "CHANNEL" => n["channel"]["code"].clone(),
        "TRIPLET" => n["triplet"]["code"].clone(),
        _ => unreachable!(),
    };
    match v {
        Value::Null => (true, String::new()),
        // RFC 3339 UTC strings from the server order as the instants they name.
        Value::String(s) => (false, s),
        other => (false, other.to_string()),
    }
}

/// R44: each sortable column, both directions, walked in pages of 7 over one team's rows, gives
/// every row exactly once, in order (empty values last), the same as one big page.
#[tokio::test]
async fn r44_every_column_sorts_with_stable_keyset_pages() {
    let app = TestApp::spawn().await;
    let hq = app.token("HQ_MAIN_TEAM").await;
    // One busy team keeps the walk small but varied (open and closed, assigned and not).
    let teams = app.gql(&hq, LIST, json!({"first": 100})).await;
    let team = teams["data"]["inquiries"]["edges"][0]["node"]["team"]["id"].clone();
    let f = json!({"teamIds": [team]});
    for field in [
        "NUMBER",
        "OPENED_AT",
        "UPDATED_AT",
        "STATUS_CHANGED_AT",
        "CLOSED_AT",
        "DUE_AT",
        "STATUS",
        "CHANNEL",
        "TRIPLET",
        "TEAM",
        "OFFICE",
        "ASSIGNEE",
    ] {
        for dir in ["ASC", "DESC"] {
            let order = json!({"field": field, "direction": dir});
            let paged = walk(&app, &hq, &f, &order, 7).await;
            let whole = walk(&app, &hq, &f, &order, 100).await;
            let ids = |v: &[Value]| v.iter().map(|n| n["id"].clone()).collect::<Vec<_>>();
            assert_eq!(ids(&paged), ids(&whole), "{field} {dir}: pages differ");
            assert!(paged.len() > 7, "the team has several pages");
            let mut seen = ids(&paged);
            seen.sort_by_key(|v| v.to_string());
            seen.dedup();
            assert_eq!(seen.len(), paged.len(), "{field} {dir}: a row repeats");
            if matches!(field, "TEAM" | "OFFICE" | "ASSIGNEE") {
                continue; // opaque ids: order checked by the pages agreeing above
            }
            let keys: Vec<(bool, String)> = paged.iter().map(|n| key(n, field)).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if dir == "DESC" {
                sorted.reverse();
            }
            assert_eq!(keys, sorted, "{field} {dir}: out of order");
        }
    }
}

/// R44: the filters added for every column narrow to rows that satisfy them.
#[tokio::test]
async fn r44_every_column_filters() {
    let app = TestApp::spawn().await;
    let hq = app.token("HQ_MAIN_TEAM").await;
    let all = walk(
        &app,
        &hq,
        &json!({}),
        &json!({"field": "NUMBER", "direction": "ASC"}),
        100,
    )
    .await;
    let total = all.len();
    let count = |r: &Value| r["data"]["inquiries"]["totalCount"].as_i64().unwrap() as usize;
    // Numbers.
    let nums: Vec<i64> = all
        .iter()
        .take(3)
        .map(|n| n["number"].as_i64().unwrap())
        .collect();
    let r = app
        .gql(&hq, LIST, json!({"f": {"numbers": nums}, "first": 10}))
        .await;
    assert_eq!(count(&r), 3);
    // Main topic: every row's triplet starts with it; the split adds up.
    let main = all[0]["triplet"]["code"]
        .as_str()
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .to_owned();
    let r = app
        .gql(
            &hq,
            LIST,
            json!({"f": {"mainTopicCodes": [main]}, "first": 100}),
        )
        .await;
    let expected = all
        .iter()
        .filter(|n| {
            n["triplet"]["code"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{main}."))
        })
        .count();
    assert_eq!(count(&r), expected);
    // A LIKE metacharacter in a main topic code matches literally (nothing).
    let r = app
        .gql(
            &hq,
            LIST,
            json!({"f": {"mainTopicCodes": ["%"]}, "first": 1}),
        )
        .await;
    assert_eq!(count(&r), 0);
    // Closed in a period: closed rows only, inside it.
    let closed: Vec<&Value> = all.iter().filter(|n| !n["closedAt"].is_null()).collect();
    let mut times: Vec<&str> = closed
        .iter()
        .map(|n| n["closedAt"].as_str().unwrap())
        .collect();
    times.sort();
    let (from, to) = (times[times.len() / 4], times[3 * times.len() / 4]);
    let r = app
        .gql(
            &hq,
            LIST,
            json!({"f": {"closedFrom": from, "closedTo": to}, "first": 100}),
        )
        .await;
    let inside = times.iter().filter(|t| **t >= from && **t < to).count();
    assert_eq!(count(&r), inside);
    // Tax years and documents pending: each side of a boolean adds up to the whole.
    let t = app
        .gql(
            &hq,
            LIST,
            json!({"f": {"documentsPending": true}, "first": 1}),
        )
        .await;
    let f = app
        .gql(
            &hq,
            LIST,
            json!({"f": {"documentsPending": false}, "first": 1}),
        )
        .await;
    assert_eq!(count(&t) + count(&f), total);
    let t = app
        .gql(
            &hq,
            LIST,
            json!({"f": {"hasRepresentative": true}, "first": 1}),
        )
        .await;
    let f = app
        .gql(
            &hq,
            LIST,
            json!({"f": {"hasRepresentative": false}, "first": 1}),
        )
        .await;
    assert_eq!(count(&t) + count(&f), total);
    assert!(count(&t) > 0, "the demo has representatives' inquiries");
    let year = all.iter().find_map(|n| n["taxYear"].as_i64()).unwrap();
    let r = app
        .gql(&hq, LIST, json!({"f": {"taxYears": [year]}, "first": 100}))
        .await;
    assert_eq!(
        count(&r),
        all.iter().filter(|n| n["taxYear"] == year).count()
    );
    // Too many values: VALIDATION.
    let many: Vec<i64> = (1..=101).collect();
    let r = app
        .gql(&hq, LIST, json!({"f": {"numbers": many}, "first": 1}))
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
}

const SAVE: &str =
    "mutation($i: SaveViewInput!){ saveView(input: $i) { savedView { id name definition } } }";
const DELETE: &str =
    "mutation($i: DeleteSavedViewInput!){ deleteSavedView(input: $i) { deletedId } }";

/// R44: a clerk saves a custom view and opens it; it equals the same arguments given directly;
/// a name replaces its view; another clerk cannot use or delete it; customers cannot save.
#[tokio::test]
async fn r44_saved_custom_views_are_personal_and_reproduce_their_list() {
    let app = TestApp::spawn().await;
    // A clerk and the coordinator of a team that has open inquiries.
    let hq = app.token("HQ_MAIN_TEAM").await;
    let r = app
        .gql(&hq, "{ inquiries(first: 1, filter: {open: true}) { edges { node { team { code office { code } } } } } }", json!({}))
        .await;
    let inq = &r["data"]["inquiries"]["edges"][0]["node"];
    let clerk = super::lifecycle::team_clerk(&app, inq).await;
    let other = super::lifecycle::coordinator(&app, inq).await;
    let def = json!({"view": "MY_BUSINESS_UNIT", "filter": {"open": true}, "orderBy": {"field": "STATUS_CHANGED_AT", "direction": "ASC"}});
    let r = app
        .gql(
            &clerk,
            SAVE,
            json!({"i": {"name": "הפתוחות שלי", "definition": def}}),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let id = r["data"]["saveView"]["savedView"]["id"].clone();
    assert_eq!(
        r["data"]["saveView"]["savedView"]["definition"]["view"],
        "MY_BUSINESS_UNIT"
    );

    let q = "query($s: ID, $v: InquiryView, $f: InquiryFilterInput, $o: InquiryOrder){ inquiries(first: 50, savedViewId: $s, view: $v, filter: $f, orderBy: $o) { totalCount edges { node { id } } } }";
    let via_saved = app.gql(&clerk, q, json!({"s": id})).await;
    let direct = app
        .gql(
            &clerk,
            q,
            json!({"v": def["view"], "f": def["filter"], "o": def["orderBy"]}),
        )
        .await;
    assert!(via_saved.get("errors").is_none(), "{via_saved}");
    assert_eq!(via_saved["data"], direct["data"]);
    assert!(
        via_saved["data"]["inquiries"]["totalCount"]
            .as_i64()
            .unwrap()
            > 0
    );
    // An explicit argument overrides the saved part.
    let closed = app
        .gql(&clerk, q, json!({"s": id, "f": {"open": false}}))
        .await;
    let closed_direct = app
        .gql(
            &clerk,
            q,
            json!({"v": def["view"], "f": {"open": false}, "o": def["orderBy"]}),
        )
        .await;
    assert_eq!(closed["data"], closed_direct["data"]);

    // Saving under the same name replaces; the list holds one.
    let r = app
        .gql(
            &clerk,
            SAVE,
            json!({"i": {"name": "הפתוחות שלי", "definition": {"view": "MY_ASSIGNED"}}}),
        )
        .await;
    assert_eq!(r["data"]["saveView"]["savedView"]["id"], id);
    let list = app
        .gql(&clerk, "{ savedViews { id name definition } }", json!({}))
        .await;
    assert_eq!(list["data"]["savedViews"].as_array().unwrap().len(), 1);
    assert_eq!(
        list["data"]["savedViews"][0]["definition"]["view"],
        "MY_ASSIGNED"
    );

    // Another clerk: not found through the list argument, `node`, or delete.
    let r = app.gql(&other, q, json!({"s": id})).await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    let r = app
        .gql(
            &other,
            "query($id: ID!){ node(id: $id) { id } }",
            json!({"id": id}),
        )
        .await;
    assert!(r["data"]["node"].is_null(), "{r}");
    let r = app
        .gql(&other, DELETE, json!({"i": {"savedViewId": id}}))
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    assert!(
        app.gql(&other, "{ savedViews { id } }", json!({})).await["data"]["savedViews"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Bad definitions are refused before anything is stored.
    let r = app
        .gql(
            &clerk,
            SAVE,
            json!({"i": {"name": "x", "definition": {"filter": {"teamIds": ["not-an-id"]}}}}),
        )
        .await;
    assert!(error_code(&r).is_some(), "{r}");
    let r = app
        .gql(
            &clerk,
            SAVE,
            json!({"i": {"name": "x", "definition": {"search": "*"}}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .gql(&clerk, SAVE, json!({"i": {"name": "  ", "definition": {}}}))
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    assert_eq!(
        app.gql(&clerk, "{ savedViews { id } }", json!({})).await["data"]["savedViews"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Customers and auditors do not save views.
    for role in ["CUSTOMER", "AUDITOR"] {
        let t = app.token(role).await;
        let r = app
            .gql(&t, SAVE, json!({"i": {"name": "v", "definition": {}}}))
            .await;
        assert_eq!(error_code(&r), Some("FORBIDDEN"), "{role}: {r}");
    }
    // Delete, then it is gone; the save and the delete are audited.
    let r = app
        .gql(&clerk, DELETE, json!({"i": {"savedViewId": id}}))
        .await;
    assert_eq!(r["data"]["deleteSavedView"]["deletedId"], id);
    let r = app.gql(&clerk, q, json!({"s": id})).await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    let auditor = app.token("AUDITOR").await;
    for op in ["saveView", "deleteSavedView"] {
        let log = app
            .gql(&auditor, "query($op: String){ auditLog(first: 10, filter: {operation: $op, outcome: \"OK\"}) { edges { node { operation objectType objectIds } } } }", json!({"op": op}))
            .await;
        let rows = log["data"]["auditLog"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{log}"));
        assert!(!rows.is_empty(), "{op} is audited");
        assert!(rows.iter().all(|e| e["node"]["objectType"] == "SavedView"));
    }
}

/// R44: the per-user limit of 50 saved views holds under 60 parallel saves.
#[tokio::test]
async fn r44_saved_view_limit_holds_under_parallel_saves() {
    let app = TestApp::spawn().await;
    let clerk = app.token_for_user("it_ta1.it_assess.1").await;
    let requests = (0..60)
        .map(|i| {
            (
                clerk.clone(),
                json!({"query": SAVE, "variables": {"i": {"name": format!("view {i}"), "definition": {"view": "MY_ASSIGNED"}}}}),
            )
        })
        .collect();
    let results = app.parallel(requests).await;
    let ok = results.iter().filter(|r| r.is_none()).count();
    let limited = results
        .iter()
        .filter(|r| r.as_deref() == Some("SAVED_VIEW_LIMIT"))
        .count();
    assert_eq!((ok, limited), (50, 10), "{results:?}");
    let list = app.gql(&clerk, "{ savedViews { id } }", json!({})).await;
    assert_eq!(list["data"]["savedViews"].as_array().unwrap().len(), 50);
}
