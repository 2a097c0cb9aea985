//! The inquiry lifecycle over HTTP (§2.2, §3.4, §4.2, §4.3, §5, §6): opening, routing,
//! statuses, assignment, correspondence, history, cancellation and system closing.

use serde_json::{Value, json};
use tests::{TestApp, error_code};

pub const OPEN: &str = r#"mutation($input: OpenInquiryInput!) { openInquiry(input: $input) { inquiry {
  id number version channel { code } status { code } unit taxYear handlerNameForCustomer
  team { id code office { code } } office { code } customer { id } } } }"#;
pub const CHANGE: &str = r#"mutation($input: ChangeStatusInput!) { changeStatus(input: $input) { inquiry {
  id version status { code } closedAt closureReason { code } team { id code office { code } } assignee { id } } } }"#;
pub const ASSIGN: &str = r#"mutation($input: AssignInquiryInput!) { assignInquiry(input: $input) { inquiry {
  id version status { code } assignee { id login } team { id code } } } }"#;
pub const CORR: &str = r#"mutation($input: AddCorrespondenceInput!) { addCorrespondence(input: $input) { inquiry {
  id status { code } team { id code } closedAt } } }"#;
pub const GET: &str = r#"query($id: ID!) { inquiry(id: $id) { id status { code } assignee { id } team { id code }
  unreadCorrespondences phoneCallSuggested correspondences { direction body }
  statusHistory { kind actorKind fromStatus { code } toStatus { code nameHe } fromTeam { code } toTeam { code } fromAssignee { id } toAssignee { id } note } } }"#;

pub fn ok<'a>(r: &'a Value, field: &str) -> &'a Value {
    assert!(r.get("errors").is_none(), "{field}: {r}");
    &r["data"][field]
}

/// A demo customer's token and id.
pub async fn customer(app: &TestApp) -> (String, Value) {
    let t = app.token("CUSTOMER").await;
    let me = app.gql(&t, "{ me { customer { id } } }", json!({})).await;
    let id = me["data"]["me"]["customer"]["id"].clone();
    (t, id)
}

/// Opens an inquiry as the customer on `triplet` (tax year 2024).
pub async fn open_as(app: &TestApp, token: &str, triplet: &str) -> Value {
    let r = app.gql(token, OPEN, json!({"input": {"tripletCode": triplet, "taxYear": 2024, "body": "שלום, אבקש לבדוק את הבקשה שלי"}})).await;
    ok(&r, "openInquiry")["inquiry"].clone()
}

/// A customer's token, a new web inquiry of that customer on the first free triplet among
/// `candidates`, and a token of a clerk in the team it was routed to.
pub async fn fresh_inquiry(app: &TestApp, candidates: &[&str]) -> (String, Value, String) {
    let (t, _) = customer(app).await;
    let inq = open_as(app, &t, &free_triplet(app, &t, candidates).await).await;
    let clerk = team_clerk(app, &inq).await;
    (t, inq, clerk)
}

/// A token of a clerk in the inquiry's team (demo logins are `<office>.<team>.1`).
pub async fn team_clerk(app: &TestApp, inquiry: &Value) -> String {
    tests::handling_clerk(app, inquiry).await
}

pub async fn coordinator(app: &TestApp, inquiry: &Value) -> String {
    let office = inquiry["team"]["office"]["code"]
        .as_str()
        .unwrap()
        .to_lowercase();
    let team = inquiry["team"]["code"].as_str().unwrap().to_lowercase();
    app.token_for_user(&format!("{office}.{team}.coord")).await
}

/// A triplet this customer has no open inquiry on.
pub async fn free_triplet(app: &TestApp, token: &str, candidates: &[&str]) -> String {
    for t in candidates {
        let r = app.gql(token, "query($t:[String!]){ inquiries(first:1, filter:{tripletCodes:$t, open:true}) { totalCount } }", json!({"t": [t]})).await;
        if r["data"]["inquiries"]["totalCount"] == 0 {
            return (*t).to_string();
        }
    }
    panic!("no free triplet among {candidates:?}");
}

pub async fn hq_main_team_id(app: &TestApp, token: &str) -> Value {
    let r = app
        .gql(token, "{ offices { code teams { id code } } }", json!({}))
        .await;
    let offices = r["data"]["offices"].as_array().unwrap();
    let hq = offices.iter().find(|o| o["code"] == "HQ").unwrap();
    hq["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "HQ_MAIN")
        .unwrap()["id"]
        .clone()
}

#[tokio::test]
async fn r24_r54_a_web_inquiry_is_routed_to_a_team_stock_with_an_opening_history_row() {
    let app = TestApp::spawn().await;
    let (t, cid) = customer(&app).await;
    let triplet = free_triplet(
        &app,
        &t,
        &["IT.CREDIT.ACADEMIC", "IT.CERT.RESIDENCY", "IT.FILE.CLOSE"],
    )
    .await;
    let inq = open_as(&app, &t, &triplet).await;
    assert_eq!(inq["status"]["code"], "OPEN_ASSIGNED_TO_TEAM");
    assert_eq!(inq["channel"]["code"], "WEB");
    assert_eq!(inq["customer"]["id"], cid);
    assert!(
        inq["handlerNameForCustomer"].is_null(),
        "routed to a team, not to a clerk"
    );
    let clerk = team_clerk(&app, &inq).await;
    let g = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    assert!(ok(&g, "inquiry")["assignee"].is_null());
    let h = &g["data"]["inquiry"]["statusHistory"];
    assert_eq!(h.as_array().unwrap().len(), 1);
    assert_eq!(h[0]["kind"], "OPENED");
    assert_eq!(h[0]["toStatus"]["code"], "OPEN_ASSIGNED_TO_TEAM");
    assert_eq!(h[0]["toStatus"]["nameHe"], "פעיל – פתוחה משויכת לצוות");
    assert_eq!(h[0]["actorKind"], "CUSTOMER");
    // The customer cannot pick a staff-only channel or an internal triplet.
    let r = app.gql(&t, OPEN, json!({"input": {"tripletCode": triplet, "taxYear": 2024, "body": "x", "channel": "PHONE"}})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": "IT.INFO.FORM", "body": "x"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": "NO.SUCH.CODE", "body": "x"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": triplet, "taxYear": 2024, "body": "   "}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
}

#[tokio::test]
async fn r5_tax_year_is_mandatory_only_where_the_triplet_says_so() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": "IT.REFUND.FORM135", "body": "החזר מס"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
    let triplet = free_triplet(
        &app,
        &t,
        &["DIG.AUTH.OTP", "DIG.AUTH.LOCKED", "DIG.INFO.FORMS"],
    )
    .await;
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": triplet, "body": "לא מגיע קוד"}}),
        )
        .await;
    assert!(ok(&r, "openInquiry")["inquiry"]["taxYear"].is_null());
}

#[tokio::test]
async fn r6_the_handling_unit_is_derived_for_income_tax_triplets() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(
        &app,
        &t,
        &[
            "IT.MEDICAL.COMMITTEE",
            "IT.CREDIT.DISABLED_CHILD",
            "IT.MEDICAL.EXEMPTION",
        ],
    )
    .await;
    let inq = open_as(&app, &t, &triplet).await;
    assert_eq!(inq["team"]["code"], "IT_UNIT17");
    assert_eq!(inq["unit"], "חוליה 17");
    let vat = free_triplet(&app, &t, &["VAT.REPORTS.PERIODIC", "VAT.REPORTS.AMEND"]).await;
    assert!(open_as(&app, &t, &vat).await["unit"].is_null());
}

#[tokio::test]
async fn r39_a_fourth_open_inquiry_on_one_triplet_is_refused() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(
        &app,
        &t,
        &["IT.CERT.BOOKKEEPING", "IT.CERT.WITHHOLDING", "WH.CERT.F857"],
    )
    .await;
    for _ in 0..3 {
        open_as(&app, &t, &triplet).await;
    }
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": triplet, "taxYear": 2024, "body": "עוד פנייה"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("OPEN_INQUIRY_LIMIT"), "{r}");
}

#[tokio::test]
async fn r17_r18_r19_status_changes_follow_the_table_and_the_field_rules() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.ANNUAL.EXTENSION", "IT.ANNUAL.SUBMIT"]).await;
    let inq = open_as(&app, &t, &triplet).await;
    let clerk = team_clerk(&app, &inq).await;
    let id = &inq["id"];
    // R18: a response to the customer is mandatory for WAITING_FOR_CUSTOMER.
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר מסמך"}})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    // R17: staff never set INFO_FROM_CUSTOMER.
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "INFO_FROM_CUSTOMER", "proposedSolution": "x", "responseToCustomer": "y"}})).await;
    assert_eq!(error_code(&r), Some("INVALID_TRANSITION"));
    // R19: CLOSED_WITHOUT_TREATMENT needs a reason.
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_WITHOUT_TREATMENT", "proposedSolution": "כפולה", "responseToCustomer": "נענתה בפנייה אחרת"}})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
    let r = app
        .gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_WITHOUT_TREATMENT", "closureReason": "DUPLICATE_INQUIRY", "proposedSolution": "כפולה", "responseToCustomer": "נענתה בפנייה אחרת"}}))
        .await;
    let m = ok(&r, "changeStatus")["inquiry"].clone();
    assert_eq!(m["status"]["code"], "CLOSED_WITHOUT_TREATMENT");
    assert_eq!(m["closureReason"]["code"], "DUPLICATE_INQUIRY");
    assert!(m["closedAt"].is_string());
    // Closed: no staff exit.
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "IN_TREATMENT", "proposedSolution": "x", "responseToCustomer": "y"}})).await;
    assert_eq!(error_code(&r), Some("INVALID_TRANSITION"));
    // A clerk of another office: the inquiry is outside the business unit, so it does not
    // exist for them (NOT_FOUND, issue 4 §9).
    let other = app.token_for_user("hq.hq_provident.1").await;
    let inq2 = open_as(
        &app,
        &t,
        &free_triplet(&app, &t, &["IT.CREDIT.CHILDREN", "IT.CREDIT.PERIPHERY"]).await,
    )
    .await;
    let r = app.gql(&other, CHANGE, json!({"input": {"inquiryId": inq2["id"], "status": "CLOSED_HANDLED", "responseToCustomer": "y"}})).await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
    // Customers cannot change statuses.
    let r = app.gql(&t, CHANGE, json!({"input": {"inquiryId": inq2["id"], "status": "CLOSED_HANDLED", "responseToCustomer": "y"}})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

#[tokio::test]
async fn r18_phone_inquiries_need_a_proposed_solution_and_take_no_response() {
    let app = TestApp::spawn().await;
    let (ct, cid) = customer(&app).await;
    let triplet = free_triplet(&app, &ct, &["IT.COORD.MANUAL", "IT.COORD.ONLINE"]).await;
    let clerk = app.token_for_user("it_ta1.it_coord.1").await;
    let r = app.gql(&clerk, OPEN, json!({"input": {"customerId": cid, "channel": "PHONE", "tripletCode": triplet, "taxYear": 2025, "body": "שיחה טלפונית: תיאום מס"}})).await;
    let inq = ok(&r, "openInquiry")["inquiry"].clone();
    assert_eq!(inq["channel"]["code"], "PHONE");
    let handler = team_clerk(&app, &inq).await;
    let r = app.gql(&handler, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "CLOSED_HANDLED", "proposedSolution": "הוסבר", "responseToCustomer": "שלום"}})).await;
    assert_eq!(
        error_code(&r),
        Some("VALIDATION"),
        "no response field on phone inquiries"
    );
    let r = app
        .gql(
            &handler,
            CHANGE,
            json!({"input": {"inquiryId": inq["id"], "status": "CLOSED_HANDLED"}}),
        )
        .await;
    assert_eq!(
        error_code(&r),
        Some("VALIDATION"),
        "proposed solution is mandatory"
    );
    let r = app.gql(&handler, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "CLOSED_HANDLED", "proposedSolution": "הוסבר ללקוח בטלפון"}})).await;
    assert_eq!(
        ok(&r, "changeStatus")["inquiry"]["status"]["code"],
        "CLOSED_HANDLED"
    );
}

#[tokio::test]
async fn r20_transfer_goes_to_a_team_valid_for_the_triplet() {
    let app = TestApp::spawn().await;
    let (_, inq, clerk) =
        fresh_inquiry(&app, &["IT.ANNUAL.ASSESSMENT", "IT.CAPITAL.EXTENSION"]).await;
    let hq = hq_main_team_id(&app, &clerk).await;
    // A team of another kind is refused.
    let teams = app
        .gql(&clerk, "{ offices { code teams { id code } } }", json!({}))
        .await;
    let vat_team = teams["data"]["offices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "VAT_TA")
        .unwrap()["teams"][0]["id"]
        .clone();
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "TRANSFER_FOR_FURTHER_TREATMENT", "proposedSolution": "לא בתחומנו", "targetTeamId": vat_team}})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "TRANSFER_FOR_FURTHER_TREATMENT", "proposedSolution": "לא ברור לאן לסווג"}})).await;
    assert_eq!(
        error_code(&r),
        Some("VALIDATION"),
        "target team is mandatory"
    );
    // The list the front end offers (R20): every listed team is of the triplet's kind or the HQ
    // main team, the VAT team is not listed, and the same rule accepts the listed ones.
    let r = app
        .gql(
            &clerk,
            "query($id:ID!){ inquiry(id:$id){ team { id code } transferTargets { id code } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    let own = ok(&r, "inquiry")["team"].clone();
    let targets = ok(&r, "inquiry")["transferTargets"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        targets.iter().any(|t| t["id"] == hq),
        "the HQ main team is offered"
    );
    assert!(
        !targets.iter().any(|t| t["id"] == vat_team),
        "a VAT team is not"
    );
    assert!(
        !targets.iter().any(|t| t["id"] == own["id"]),
        "nor the inquiry's own team"
    );
    assert!(
        targets
            .iter()
            .all(|t| t["code"] == own["code"] || t["code"] == "HQ_MAIN"),
        "{targets:?}"
    );
    assert!(
        targets.len() > 2,
        "the same team kind in other offices: {targets:?}"
    );
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "TRANSFER_FOR_FURTHER_TREATMENT", "proposedSolution": "לא ברור לאן לסווג", "targetTeamId": hq}})).await;
    let m = ok(&r, "changeStatus")["inquiry"].clone();
    assert_eq!(m["team"]["code"], "HQ_MAIN");
    assert_eq!(m["status"]["code"], "TRANSFER_FOR_FURTHER_TREATMENT");
    assert!(m["assignee"].is_null());
}

#[tokio::test]
async fn r25_r26_assign_to_me_to_a_user_and_release_by_the_coordinator() {
    let app = TestApp::spawn().await;
    let (_, inq, clerk) = fresh_inquiry(&app, &["IT.CREDIT.PERIPHERY", "IT.CREDIT.CHILDREN"]).await;
    let coord = coordinator(&app, &inq).await;
    let r = app
        .gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": inq["id"], "to": "ME", "note": "לוקחת לטיפול"}}),
        )
        .await;
    let m = ok(&r, "assignInquiry")["inquiry"].clone();
    assert_eq!(m["status"]["code"], "IN_TREATMENT");
    let mine = m["assignee"]["id"].clone();
    // A plain clerk may not release; the coordinator may (R26).
    let rel = r#"mutation($input: ReleaseInquiryInput!) { releaseInquiry(input: $input) { inquiry { status { code } assignee { id } } } }"#;
    let r = app
        .gql(&clerk, rel, json!({"input": {"inquiryId": inq["id"]}}))
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    let r = app
        .gql(
            &coord,
            rel,
            json!({"input": {"inquiryId": inq["id"], "note": "העובדת בחופשה ארוכה"}}),
        )
        .await;
    let m = ok(&r, "releaseInquiry")["inquiry"].clone();
    assert!(m["assignee"].is_null());
    assert_eq!(m["status"]["code"], "OPEN_ASSIGNED_TO_TEAM");
    // Assign to a user of the team, with a note shown in history (R25, R27).
    let r = app.gql(&coord, ASSIGN, json!({"input": {"inquiryId": inq["id"], "to": "USER", "userId": mine, "note": "מומחית בנושא"}})).await;
    assert_eq!(ok(&r, "assignInquiry")["inquiry"]["assignee"]["id"], mine);
    let h = app.gql(&coord, GET, json!({"id": inq["id"]})).await;
    let hist = ok(&h, "inquiry")["statusHistory"]
        .as_array()
        .unwrap()
        .clone();
    let kinds: Vec<&str> = hist.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["OPENED", "ASSIGNMENT", "RELEASE", "ASSIGNMENT"]);
    assert_eq!(hist[2]["note"], "העובדת בחופשה ארוכה");
    assert_eq!(hist[2]["fromAssignee"]["id"], mine);
    assert!(hist[2]["toAssignee"].is_null());
    assert_eq!(hist[3]["note"], "מומחית בנושא");
    // A user outside the team cannot be the assignee.
    let outsider = app
        .gql(
            &app.token_for_user("admin").await,
            "{ me { user { id } } }",
            json!({}),
        )
        .await["data"]["me"]["user"]["id"]
        .clone();
    let r = app
        .gql(
            &coord,
            ASSIGN,
            json!({"input": {"inquiryId": inq["id"], "to": "USER", "userId": outsider}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
}

/// A second plain clerk in the team the inquiry sits in (the demo data has one per team).
pub async fn colleague_of(app: &TestApp, inquiry: &Value) -> String {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let row = entity::inquiry::Entity::find()
        .filter(entity::inquiry::Column::Number.eq(inquiry["number"].as_i64().unwrap()))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let id = 9_000_000 + row.id;
    entity::user::ActiveModel {
        id: Set(id),
        login: Set(format!("colleague.{id}")),
        last_name: Set("לוי".into()),
        first_name: Set("דנה".into()),
        office_id: Set(Some(row.office_id)),
        email: Set(None),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    entity::user_role::ActiveModel {
        user_id: Set(id),
        role: Set("CLERK".into()),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    entity::team_member::ActiveModel {
        user_id: Set(id),
        team_id: Set(row.team_id),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    app.token_for_user(&format!("colleague.{id}")).await
}

/// §3.4 (R24-R26): an inquiry a clerk holds stays with that clerk. A colleague can neither take
/// it by assigning it to themselves nor put it back in the team's stock by "assigning" it to the
/// team (that is a release, the coordinator's); the coordinator can move it. §7 (R52): a transfer
/// to the HQ main team states the reason.
#[tokio::test]
async fn r24_r26_r52_a_colleague_cannot_take_or_release_a_held_inquiry_and_hq_needs_a_reason() {
    let app = TestApp::spawn().await;
    let (_, inq, holder) =
        fresh_inquiry(&app, &["IT.CREDIT.PERIPHERY", "IT.CREDIT.CHILDREN"]).await;
    let r = app
        .gql(
            &holder,
            ASSIGN,
            json!({"input": {"inquiryId": inq["id"], "to": "ME"}}),
        )
        .await;
    let held_by = ok(&r, "assignInquiry")["inquiry"]["assignee"]["id"].clone();
    let colleague = colleague_of(&app, &inq).await;
    let me = app
        .gql(&colleague, "{ me { user { id } } }", json!({}))
        .await;
    let colleague_id = me["data"]["me"]["user"]["id"].clone();
    let team_id = ok(
        &app.gql(&colleague, GET, json!({"id": inq["id"]})).await,
        "inquiry",
    )["team"]["id"]
        .clone();
    let hq = hq_main_team_id(&app, &colleague).await;
    for input in [
        json!({"inquiryId": inq["id"], "to": "USER", "userId": colleague_id}),
        json!({"inquiryId": inq["id"], "to": "TEAM", "teamId": team_id, "note": "מחזירה לצוות"}),
        json!({"inquiryId": inq["id"], "to": "TEAM", "teamId": hq, "note": "לא בתחומנו"}),
    ] {
        let r = app.gql(&colleague, ASSIGN, json!({"input": input})).await;
        assert_eq!(error_code(&r), Some("CONFLICT"), "{input}: {r}");
    }
    let r = app.gql(&holder, GET, json!({"id": inq["id"]})).await;
    assert_eq!(
        ok(&r, "inquiry")["assignee"]["id"],
        held_by,
        "still the holder's"
    );
    // The coordinator moves it to the colleague.
    let coord = coordinator(&app, &inq).await;
    let r = app
        .gql(
            &coord,
            ASSIGN,
            json!({"input": {"inquiryId": inq["id"], "to": "USER", "userId": colleague_id}}),
        )
        .await;
    assert_eq!(
        ok(&r, "assignInquiry")["inquiry"]["assignee"]["id"],
        colleague_id
    );
    // The new holder sends it to the HQ main team: refused without the reason, kept with it.
    let r = app
        .gql(
            &colleague,
            ASSIGN,
            json!({"input": {"inquiryId": inq["id"], "to": "TEAM", "teamId": hq}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
    let r = app
        .gql(
            &colleague,
            ASSIGN,
            json!({"input": {"inquiryId": inq["id"], "to": "TEAM", "teamId": hq, "note": "  "}}),
        )
        .await;
    assert_eq!(
        error_code(&r),
        Some("VALIDATION"),
        "a blank reason is no reason: {r}"
    );
    let r = app
        .gql(&colleague, ASSIGN, json!({"input": {"inquiryId": inq["id"], "to": "TEAM", "teamId": hq, "note": "הלקוח שואל גם על מע\"מ"}}))
        .await;
    assert_eq!(
        ok(&r, "assignInquiry")["inquiry"]["team"]["code"],
        "HQ_MAIN"
    );
    let hq_clerk = app.token_for_user("hq.hq_main.1").await;
    let h = app.gql(&hq_clerk, GET, json!({"id": inq["id"]})).await;
    let last = ok(&h, "inquiry")["statusHistory"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["note"], "הלקוח שואל גם על מע\"מ");
}

#[tokio::test]
async fn r7_triplet_changes_reroute_and_cross_domain_changes_go_through_hq() {
    let app = TestApp::spawn().await;
    let (_, inq, clerk) = fresh_inquiry(&app, &["IT.CERT.RESIDENCY", "IT.FILE.CLOSE"]).await;
    let q = r#"mutation($input: ChangeTripletInput!) { changeTriplet(input: $input) { inquiry { triplet { code } team { code office { code } } unit status { code } } } }"#;
    let r = app.gql(&clerk, q, json!({"input": {"inquiryId": inq["id"], "tripletCode": "IT.MEDICAL.COMMITTEE", "taxYear": 2024, "note": "הלקוח שואל על ועדה רפואית"}})).await;
    let m = ok(&r, "changeTriplet")["inquiry"].clone();
    assert_eq!(m["triplet"]["code"], "IT.MEDICAL.COMMITTEE");
    assert_eq!(
        m["team"]["code"], "IT_UNIT17",
        "re-routed to the unit-17 team"
    );
    assert_eq!(m["unit"], "חוליה 17");
    // The unit-17 clerk cannot move it to VAT; the HQ main team can.
    let unit17 = team_clerk(&app, &m).await;
    let r = app
        .gql(
            &unit17,
            q,
            json!({"input": {"inquiryId": inq["id"], "tripletCode": "VAT.REPORTS.PERIODIC"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    let hq = app.token_for_user("hq.hq_main.1").await;
    let r = app
        .gql(
            &hq,
            q,
            json!({"input": {"inquiryId": inq["id"], "tripletCode": "VAT.REPORTS.PERIODIC"}}),
        )
        .await;
    assert_eq!(
        ok(&r, "changeTriplet")["inquiry"]["triplet"]["code"],
        "VAT.REPORTS.PERIODIC"
    );
}

#[tokio::test]
async fn r10_r12_r13_correspondence_limit_unread_counts_and_phone_call_flag() {
    let app = TestApp::spawn().await;
    let (t, inq, clerk) = fresh_inquiry(&app, &["IT.REFUND.STATUS", "IT.WORKGRANT.STATUS"]).await;
    for i in 0..3 {
        let r = app
            .gql(
                &t,
                CORR,
                json!({"input": {"inquiryId": inq["id"], "body": format!("הודעה {i}")}}),
            )
            .await;
        ok(&r, "addCorrespondence");
    }
    let r = app
        .gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": inq["id"], "body": "רביעית"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("CORRESPONDENCE_LIMIT"));
    // R3 (§4.2 "ניסיון נוסף יחסם"): the blocked attempt is recorded, under the mutation's name
    // even when the client aliases it.
    let aliased = r#"mutation($input: AddCorrespondenceInput!) { again: addCorrespondence(input: $input) { inquiry { id } } }"#;
    let r = app
        .gql(
            &t,
            aliased,
            json!({"input": {"inquiryId": inq["id"], "body": "חמישית"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("CORRESPONDENCE_LIMIT"));
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let refused = entity::audit_log::Entity::find()
            .filter(entity::audit_log::Column::Operation.eq("addCorrespondence"))
            .filter(entity::audit_log::Column::Outcome.eq("REFUSED"))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(refused.iter().all(|a| {
            a.actor_kind == "CUSTOMER"
                && a.details
                    .as_deref()
                    .is_some_and(|d| d.starts_with("CORRESPONDENCE_LIMIT"))
        }));
    }
    let g = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    assert_eq!(ok(&g, "inquiry")["unreadCorrespondences"], 3);
    assert_eq!(g["data"]["inquiry"]["phoneCallSuggested"], false);
    let mark = r#"mutation($input: InquiryRefInput!) { markRead(input: $input) { inquiry { unreadCorrespondences } } }"#;
    let r = app
        .gql(&clerk, mark, json!({"input": {"inquiryId": inq["id"]}}))
        .await;
    assert_eq!(ok(&r, "markRead")["inquiry"]["unreadCorrespondences"], 0);
    // The clerk answers: the counter resets.
    ok(
        &app.gql(
            &clerk,
            CORR,
            json!({"input": {"inquiryId": inq["id"], "body": "שלום, בדקנו ונעדכן"}}),
        )
        .await,
        "addCorrespondence",
    );
    ok(
        &app.gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": inq["id"], "body": "תודה, עוד שאלה"}}),
        )
        .await,
        "addCorrespondence",
    );
    ok(
        &app.gql(
            &t,
            CORR,
            json!({"input": {"inquiryId": inq["id"], "body": "ועוד אחת"}}),
        )
        .await,
        "addCorrespondence",
    );
    let g = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    assert_eq!(g["data"]["inquiry"]["unreadCorrespondences"], 2);
    assert_eq!(
        g["data"]["inquiry"]["phoneCallSuggested"], true,
        "six correspondences"
    );
    // Another customer cannot write on it.
    let other = app.token_for_user("200000370").await;
    let r = app
        .gql(
            &other,
            CORR,
            json!({"input": {"inquiryId": inq["id"], "body": "x"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"));
}

#[tokio::test]
async fn r21_cancellation_only_before_a_clerk_takes_the_inquiry() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let cancel = r#"mutation($input: InquiryRefInput!) { cancelInquiry(input: $input) { inquiry { status { code } closedAt } } }"#;
    let a = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &["DIG.INFO.FORMS", "DIG.INFO.OFFICES", "DIG.REGISTER.CONTACT"],
        )
        .await,
    )
    .await;
    let r = app
        .gql(&t, cancel, json!({"input": {"inquiryId": a["id"]}}))
        .await;
    assert_eq!(
        ok(&r, "cancelInquiry")["inquiry"]["status"]["code"],
        "CLOSED_CANCELLED_BY_CUSTOMER"
    );
    let b = open_as(
        &app,
        &t,
        &free_triplet(&app, &t, &["IT.FILE.OPEN", "IT.IMMIG.CREDIT"]).await,
    )
    .await;
    let clerk = team_clerk(&app, &b).await;
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": b["id"], "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    let r = app
        .gql(&t, cancel, json!({"input": {"inquiryId": b["id"]}}))
        .await;
    assert_eq!(error_code(&r), Some("INVALID_TRANSITION"));
    let r = app
        .gql(&clerk, cancel, json!({"input": {"inquiryId": b["id"]}}))
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

#[tokio::test]
async fn r46_similar_open_inquiries_are_shown_and_closed_together() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.PAY.BALANCE", "IT.PAY.LINK"]).await;
    let a = open_as(&app, &t, &triplet).await;
    let b = open_as(&app, &t, &triplet).await;
    let clerk = team_clerk(&app, &a).await;
    let r = app
        .gql(
            &clerk,
            "query($id:ID!){ inquiry(id:$id){ similarOpenInquiries { id } } }",
            json!({"id": a["id"]}),
        )
        .await;
    let similar: Vec<Value> = ok(&r, "inquiry")["similarOpenInquiries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert!(similar.contains(&b["id"]), "{r}");
    let q = r#"mutation($input: CloseInquiriesTogetherInput!) { closeInquiriesTogether(input: $input) { inquiries { status { code } } } }"#;
    let r = app.gql(&clerk, q, json!({"input": {"inquiryIds": [a["id"], b["id"]], "status": "CLOSED_HANDLED", "responseToCustomer": "ענינו על שתי הפניות יחד"}})).await;
    let closed = ok(&r, "closeInquiriesTogether")["inquiries"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(closed.len(), 2);
    assert!(
        closed
            .iter()
            .all(|i| i["status"]["code"] == "CLOSED_HANDLED")
    );
}

/// R46 (§4.1: "פניות דומות של הלקוח, באותו הנושא"): closing together takes one topic only, and a
/// refused batch closes nothing (one transaction).
#[tokio::test]
async fn r46_closing_together_refuses_another_topic_or_a_closed_inquiry_and_closes_nothing() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.PAY.BALANCE", "IT.PAY.LINK"]).await;
    let a = open_as(&app, &t, &triplet).await;
    let other = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &[
                "IT.REFUND.STATUS",
                "IT.CERT.RESIDENCY",
                "IT.WORKGRANT.STATUS",
            ],
        )
        .await,
    )
    .await;
    let clerk = team_clerk(&app, &a).await;
    let q = r#"mutation($input: CloseInquiriesTogetherInput!) { closeInquiriesTogether(input: $input) { inquiries { status { code } } } }"#;
    let status_of = |id: Value| {
        let app = &app;
        let clerk = clerk.clone();
        async move {
            let r = app.gql(&clerk, GET, json!({"id": id})).await;
            ok(&r, "inquiry")["status"]["code"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let r = app.gql(&clerk, q, json!({"input": {"inquiryIds": [a["id"], other["id"]], "status": "CLOSED_HANDLED", "responseToCustomer": "ענינו על הפניות"}})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
    assert!(
        !status_of(a["id"].clone()).await.starts_with("CLOSED"),
        "nothing closed"
    );
    // A closed inquiry cannot be closed again with the others.
    let b = open_as(&app, &t, &triplet).await;
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": b["id"], "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    ok(&app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": b["id"], "status": "CLOSED_HANDLED", "responseToCustomer": "טופל"}})).await, "changeStatus");
    let r = app.gql(&clerk, q, json!({"input": {"inquiryIds": [a["id"], b["id"]], "status": "CLOSED_HANDLED", "responseToCustomer": "ענינו על הפניות"}})).await;
    assert!(error_code(&r).is_some(), "{r}");
    assert!(
        !status_of(a["id"].clone()).await.starts_with("CLOSED"),
        "nothing closed"
    );
    let r = app.gql(&clerk, q, json!({"input": {"inquiryIds": [], "status": "CLOSED_HANDLED", "responseToCustomer": "x"}})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
}

/// §3.4 ("על מנת לטפל בפנייה חובה לבצע הקצאה לעובד ספציפי", R17, R24): a clerk who answers an
/// inquiry straight from the team's stock becomes its handler, in the row and in its history.
#[tokio::test]
async fn r17_r24_answering_from_the_teams_stock_assigns_the_clerk() {
    let app = TestApp::spawn().await;
    let (_, inq, clerk) = fresh_inquiry(&app, &["IT.CERT.RESIDENCY", "IT.WORKGRANT.STATUS"]).await;
    let me = app.gql(&clerk, "{ me { user { id } } }", json!({})).await["data"]["me"]["user"]["id"]
        .clone();
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "CLOSED_HANDLED", "responseToCustomer": "האישור נשלח לאזור האישי"}})).await;
    let m = ok(&r, "changeStatus")["inquiry"].clone();
    assert_eq!(m["assignee"]["id"], me);
    let h = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    let last = ok(&h, "inquiry")["statusHistory"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(last["fromAssignee"].is_null(), "{last}");
    assert_eq!(last["toAssignee"]["id"], me);
}

#[tokio::test]
async fn r3_every_mutation_writes_an_audit_row() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(&app, &t, &["IT.IMMIG.FOREIGN_INCOME", "IT.RENT.TRACK"]).await,
    )
    .await;
    let rows = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("openInquiry"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor_kind, "CUSTOMER");
    assert_eq!(rows[0].outcome, "OK");
    assert!(rows[0].request_id.is_some());
    let _ = inq;
}
