//! Field- and row-level security over HTTP (R2, R3, R31-R33, R38, R41).

use serde_json::json;
use tests::{TestApp, error_code};

use super::lifecycle::{OPEN, customer, free_triplet, ok};

/// The demo representative `api token --role REPRESENTATIVE` acts as, and the customers it holds
/// a power of attorney for (any state).
async fn demo_representative(app: &TestApp) -> (i64, Vec<i64>) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let p = api::service::principals::find(&app.state.db, None, Some("REPRESENTATIVE"))
        .await
        .unwrap();
    let api::domain::principal::PrincipalKind::Representative(rid) = p.kind else {
        panic!("the REPRESENTATIVE role is not a representative")
    };
    let clients = entity::power_of_attorney::Entity::find()
        .filter(entity::power_of_attorney::Column::RepresentativeId.eq(rid))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.customer_id)
        .collect();
    (rid, clients)
}

#[tokio::test]
async fn r31_denied_fields_are_null_with_forbidden_at_their_path() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let r = app
        .gql(
            &t,
            "{ inquiries(first: 1) { edges { node { number proposedSolution } } } }",
            json!({}),
        )
        .await;
    let node = &r["data"]["inquiries"]["edges"][0]["node"];
    assert!(node["number"].is_number());
    assert!(node["proposedSolution"].is_null());
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    assert_eq!(
        r["errors"][0]["path"],
        json!(["inquiries", "edges", 0, "node", "proposedSolution"])
    );
}

/// GRAPHQL.md: a field the viewer may not read resolves to null with FORBIDDEN at its path, and
/// only that field: a customer asking for staff-only lists beside `me` still gets `me`.
#[tokio::test]
async fn r31_a_forbidden_top_level_field_is_null_and_its_siblings_answer() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let r = app
        .gql(&t, "{ me { kind } teams { id } customers(first: 1) { edges { cursor } } auditLog(first: 1) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(r["data"]["me"]["kind"], "CUSTOMER", "{r}");
    for field in ["teams", "customers", "auditLog"] {
        assert!(r["data"][field].is_null(), "{field}: {r}");
        let e = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == json!([field]))
            .unwrap_or_else(|| panic!("no error at {field}: {r}"));
        assert_eq!(e["extensions"]["code"], "FORBIDDEN");
    }
}

#[tokio::test]
async fn r31_r33_representatives_see_their_clients_with_masked_national_ids() {
    let app = TestApp::spawn().await;
    let rep = app.token("REPRESENTATIVE").await;
    let r = app
        .gql(
            &rep,
            "{ inquiries(first: 20) { edges { node { customer { nationalId } } } } }",
            json!({}),
        )
        .await;
    let edges = r["data"]["inquiries"]["edges"].as_array().unwrap();
    assert!(
        !edges.is_empty(),
        "the demo representative has clients: {r}"
    );
    for e in edges {
        let id = e["node"]["customer"]["nationalId"].as_str().unwrap();
        assert!(id.starts_with("*****") && id.len() == 9, "{id}");
    }
}

#[tokio::test]
async fn r33_a_representative_without_a_registry_poa_cannot_open_for_a_customer() {
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    let rep = app.token("REPRESENTATIVE").await;
    let me = app
        .gql(&rep, "{ me { representative { id } } }", json!({}))
        .await;
    assert!(me["data"]["me"]["representative"]["id"].is_string());
    // A customer the representative holds no power of attorney for.
    let (_, clients) = demo_representative(&app).await;
    let stranger = entity::customer::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| !clients.contains(&c.id))
        .unwrap();
    let codec = api::graphql::ids::IdCodec::new(&app.state.config.node_id_secret);
    let stranger_id = codec.encode(
        api::graphql::ids::NodeType::Customer,
        &api::graphql::ids::NodeKey::Int(stranger.id),
    );
    let r = app.gql(&rep, OPEN, json!({"input": {"customerId": stranger_id, "tripletCode": "IT.CERT.RESIDENCY", "taxYear": 2024, "body": "בשם מרשי"}})).await;
    assert_eq!(error_code(&r), Some("POA_REQUIRED"), "{r}");
    // For a client with a registry POA it works, through the representatives' network.
    let client = codec.encode(
        api::graphql::ids::NodeType::Customer,
        &api::graphql::ids::NodeKey::Int(clients[0]),
    );
    let r = app.gql(&rep, OPEN, json!({"input": {"customerId": client, "tripletCode": "IT.CERT.WITHHOLDING", "taxYear": 2024, "body": "בשם מרשי, נבקש אישור ניכוי במקור"}})).await;
    let inq = ok(&r, "openInquiry")["inquiry"].clone();
    assert_eq!(inq["channel"]["code"], "REPRESENTATIVES_NETWORK");
}

#[tokio::test]
async fn r31_data_scientists_get_no_direct_identifiers() {
    let app = TestApp::spawn().await;
    let ds = app.token("DATA_SCIENTIST").await;
    let r = app.gql(&ds, "{ inquiries(first: 3) { edges { node { number triplet { code } customer { id nationalId lastName } body } } } }", json!({})).await;
    let node = &r["data"]["inquiries"]["edges"][0]["node"];
    assert!(node["triplet"]["code"].is_string());
    assert!(node["customer"].is_null(), "{r}");
    assert!(node["body"].is_null());
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

#[tokio::test]
async fn r38_handler_name_hidden_for_information_centre_inquiries() {
    let app = TestApp::spawn().await;
    let (ct, cid) = customer(&app).await;
    let agent = app.token_for_user("info_haifa.info_general.1").await;
    let triplet = free_triplet(&app, &ct, &["DIG.INFO.OFFICES", "DIG.INFO.FORMS"]).await;
    let r = app.gql(&agent, OPEN, json!({"input": {"customerId": cid, "channel": "INFO_CENTER_HAIFA", "tripletCode": triplet, "body": "שיחה במרכז המידע", "draft": true}})).await;
    let inq = ok(&r, "openInquiry")["inquiry"].clone();
    assert_eq!(inq["status"]["code"], "ACTIVE_OPEN");
    let r = app
        .gql(
            &ct,
            "query($id:ID!){ inquiry(id:$id){ handlerNameForCustomer } }",
            json!({"id": inq["id"]}),
        )
        .await;
    assert!(
        ok(&r, "inquiry")["handlerNameForCustomer"].is_null(),
        "assigned to the agent, but opened in an information centre"
    );
    // A web inquiry assigned to a clerk shows the clerk's name to the customer.
    let web = super::lifecycle::open_as(
        &app,
        &ct,
        &free_triplet(
            &app,
            &ct,
            &["IT.FILE.OPEN", "IT.IMMIG.CREDIT", "IT.RENT.TEN_PCT"],
        )
        .await,
    )
    .await;
    let clerk = super::lifecycle::team_clerk(&app, &web).await;
    ok(
        &app.gql(
            &clerk,
            super::lifecycle::ASSIGN,
            json!({"input": {"inquiryId": web["id"], "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    let r = app
        .gql(
            &ct,
            "query($id:ID!){ inquiry(id:$id){ handlerNameForCustomer } }",
            json!({"id": web["id"]}),
        )
        .await;
    assert!(ok(&r, "inquiry")["handlerNameForCustomer"].is_string());
    // A phone call taken by a Haifa agent is opened in the information centre too: once a clerk
    // handles it, the customer still sees no name.
    let triplet = free_triplet(
        &app,
        &ct,
        &[
            "IT.CREDIT.ACADEMIC",
            "IT.CREDIT.CHILDREN",
            "IT.CREDIT.PERIPHERY",
        ],
    )
    .await;
    let r = app.gql(&agent, OPEN, json!({"input": {"customerId": cid, "channel": "PHONE", "tripletCode": triplet, "taxYear": 2024, "body": "שיחה טלפונית במרכז המידע"}})).await;
    let phone = ok(&r, "openInquiry")["inquiry"].clone();
    let handler = super::lifecycle::team_clerk(&app, &phone).await;
    ok(
        &app.gql(
            &handler,
            super::lifecycle::ASSIGN,
            json!({"input": {"inquiryId": phone["id"], "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    let r = app
        .gql(
            &ct,
            "query($id:ID!){ inquiry(id:$id){ handlerNameForCustomer } }",
            json!({"id": phone["id"]}),
        )
        .await;
    assert!(ok(&r, "inquiry")["handlerNameForCustomer"].is_null(), "{r}");
    // An agent records its own centre's channel, not the other centre's.
    let r = app.gql(&agent, OPEN, json!({"input": {"customerId": cid, "channel": "INFO_CENTER_JERUSALEM", "tripletCode": "DIG.INFO.FORMS", "body": "שיחה", "draft": true}})).await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
}

#[tokio::test]
async fn r41_only_verified_contact_details_are_shown() {
    use sea_orm::EntityTrait;
    let app = TestApp::spawn().await;
    let staff = app.token("CLERK").await;
    let unverified = entity::customer::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| !c.email_verified)
        .unwrap();
    let codec = api::graphql::ids::IdCodec::new(&app.state.config.node_id_secret);
    let id = codec.encode(
        api::graphql::ids::NodeType::Customer,
        &api::graphql::ids::NodeKey::Int(unverified.id),
    );
    let r = app
        .gql(
            &staff,
            "query($id:ID!){ customer(id:$id){ verifiedEmail verifiedMobile preferredChannel } }",
            json!({"id": id}),
        )
        .await;
    let c = ok(&r, "customer");
    assert!(unverified.email.is_some());
    assert!(c["verifiedEmail"].is_null() && c["verifiedMobile"].is_null());
    assert!(c["preferredChannel"].is_string());
}

#[tokio::test]
async fn r3_reads_of_personal_fields_are_audited_granted_and_denied() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let _ = app.gql(&t, "{ inquiries(first: 1) { edges { node { body proposedSolution customer { nationalId } } } } }", json!({})).await;
    let rows = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("read"))
        .all(&app.state.db)
        .await
        .unwrap();
    let granted = rows.iter().find(|r| r.outcome == "OK").unwrap();
    assert!(
        granted.fields.contains("Inquiry.body") && granted.fields.contains("Customer.nationalId"),
        "{}",
        granted.fields
    );
    assert_eq!(granted.actor_kind, "CUSTOMER");
    let denied = rows.iter().find(|r| r.outcome == "DENIED").unwrap();
    assert!(denied.fields.contains("Inquiry.proposedSolution"));
}

#[tokio::test]
async fn r3_auditors_read_the_append_only_audit_log() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(
        &app,
        &t,
        &["DIG.AUTH.OTP", "DIG.AUTH.LOCKED", "DIG.AUTH.ABROAD"],
    )
    .await;
    super::lifecycle::open_as(&app, &t, &triplet).await;
    let auditor = app.token("AUDITOR").await;
    let q = r#"{ auditLog(first: 10, filter: { operation: "openInquiry" }) { edges { node { operation actorKind outcome requestId } } } }"#;
    let r = app.gql(&auditor, q, json!({})).await;
    let edges = ok(&r, "auditLog")["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["actorKind"], "CUSTOMER");
    let clerk = app.token("CLERK").await;
    let r = app.gql(&clerk, q, json!({})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    // Append-only: the database refuses updates and deletes.
    let backend = app.state.db.get_database_backend();
    for sql in [
        "UPDATE audit_log SET outcome = 'X'",
        "DELETE FROM audit_log",
    ] {
        let res = app
            .state
            .db
            .execute_raw(Statement::from_string(backend, sql))
            .await;
        assert!(res.is_err(), "{sql} must fail on {backend:?}");
    }
}

#[tokio::test]
async fn r37_information_expansion_needs_a_verified_customer_and_a_daily_reidentification() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    // A nationwide reader: the inquiries below may sit in any office.
    let clerk = app.token("HQ_MAIN_TEAM").await;
    let codec = api::graphql::ids::IdCodec::new(&app.state.config.node_id_secret);
    let first_inquiry_of = |level: &'static str| {
        let db = app.state.db.clone();
        async move {
            let customers: Vec<i64> = entity::customer::Entity::find()
                .filter(entity::customer::Column::VerificationLevel.eq(level))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect();
            entity::inquiry::Entity::find()
                .filter(entity::inquiry::Column::CustomerId.is_in(customers))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let verified = codec.encode(
        api::graphql::ids::NodeType::Inquiry,
        &api::graphql::ids::NodeKey::Int(first_inquiry_of("HIGH").await),
    );
    let unverified = codec.encode(
        api::graphql::ids::NodeType::Inquiry,
        &api::graphql::ids::NodeKey::Int(first_inquiry_of("BASIC").await),
    );
    let q = "query($id:ID!){ inquiry(id:$id){ infoExpansion { fileType annualReportRequired reportsFiled source } } }";
    let r = app.gql(&clerk, q, json!({"id": verified})).await;
    assert_eq!(
        error_code(&r),
        Some("FORBIDDEN"),
        "no re-identification yet: {r}"
    );
    let m = "mutation($c:String!){ reauthenticate(input:{code:$c}) { validUntil } }";
    let r = app.gql(&clerk, m, json!({"c": "000000"})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    let r = app.gql(&clerk, m, json!({"c": "123456"})).await;
    assert!(ok(&r, "reauthenticate")["validUntil"].is_string());
    let r = app.gql(&clerk, q, json!({"id": verified})).await;
    assert_eq!(ok(&r, "inquiry")["infoExpansion"]["source"], "fixture");
    let r = app.gql(&clerk, q, json!({"id": unverified})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "unverified customer");
    // The next day it is needed again.
    app.clock.advance(chrono::Duration::hours(25));
    let r = app.gql(&clerk, q, json!({"id": verified})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    // Customers never get it.
    let (ct, _) = customer(&app).await;
    let r = app
        .gql(
            &ct,
            "{ inquiries(first:1){ edges { node { infoExpansion { source } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
}

#[tokio::test]
async fn r32_only_customers_identified_at_the_high_level_open_inquiries_general_information_excepted()
 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let basic = entity::customer::Entity::find()
        .filter(entity::customer::Column::VerificationLevel.eq("BASIC"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let t = app.token_for_user(&basic.national_id).await;
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": "IT.CERT.RESIDENCY", "taxYear": 2024, "body": "אבקש אישור תושבות"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    // General information and login help need no identification (§4.6, §2.2.1 "במרבית המקרים").
    for (triplet, body) in [
        ("DIG.AUTH.OTP", "לא מקבל קוד אימות לנייד"),
        ("DIG.INFO.FORMS", "איפה הטופס?"),
    ] {
        let r = app
            .gql(
                &t,
                OPEN,
                json!({"input": {"tripletCode": triplet, "body": body}}),
            )
            .await;
        assert!(
            ok(&r, "openInquiry")["inquiry"]["id"].is_string(),
            "{triplet}: {r}"
        );
    }
    // The personal topic by a phone clerk, who identifies the caller, is accepted.
    let codec = api::graphql::ids::IdCodec::new(&app.state.config.node_id_secret);
    let id = codec.encode(
        api::graphql::ids::NodeType::Customer,
        &api::graphql::ids::NodeKey::Int(basic.id),
    );
    let clerk = app.token_for_user("hq.hq_main.1").await;
    let r = app.gql(&clerk, OPEN, json!({"input": {"customerId": id, "channel": "PHONE", "tripletCode": "IT.CERT.RESIDENCY", "taxYear": 2024, "body": "שיחה: אישור תושבות"}})).await;
    assert!(ok(&r, "openInquiry")["inquiry"]["id"].is_string(), "{r}");
}

#[tokio::test]
async fn r53_foreign_residents_use_a_representative_or_published_channels() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = TestApp::spawn().await;
    let c = entity::customer::ActiveModel {
        national_id: Set("000000026".into()),
        last_name: Set("Smith".into()),
        first_name: Set("John".into()),
        search_name: Set("smith john".into()),
        is_company: Set(false),
        file_number: Set(None),
        file_type: Set(None),
        file_active: Set(false),
        annual_report_required: Set(false),
        file_office: Set(None),
        vat_file_number: Set(None),
        vat_dealer_active: Set(false),
        vat_office: Set(None),
        residence_city: Set("London".into()),
        business_city: Set(None),
        email: Set(Some("john@example.com".into())),
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
    let t = app.token_for_user(&c.national_id).await;
    let r = app
        .gql(
            &t,
            OPEN,
            json!({"input": {"tripletCode": "VAT.DEALER.FOREIGN", "body": "I need a VAT file"}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("נציג"));
}

/// Issue 4 §7: the audit log is kept at least 24 months. A purge removes only rows older than
/// the retention and is itself audited; the database refuses to delete a younger row or to
/// update any row, whatever the caller; a retention under 24 months is refused.
#[tokio::test]
async fn r3_audit_retention_purges_only_rows_older_than_the_retention() {
    use chrono::{Months, Utc};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let now = Utc::now();
    let row = |months: u32, op: &str| entity::audit_log::ActiveModel {
        at: Set(now.checked_sub_months(Months::new(months)).unwrap()),
        request_id: Set(None),
        actor_kind: Set("SYSTEM".into()),
        actor_id: Set(None),
        roles: Set(String::new()),
        operation: Set(op.into()),
        object_type: Set(None),
        object_ids: Set(String::new()),
        fields: Set(String::new()),
        outcome: Set("OK".into()),
        details: Set(None),
        ..Default::default()
    };
    row(30, "old").insert(db).await.unwrap();
    let young = row(13, "young").insert(db).await.unwrap();
    let count = |op: &'static str| {
        let db = db.clone();
        async move {
            entity::audit_log::Entity::find()
                .filter(entity::audit_log::Column::Operation.eq(op))
                .all(&db)
                .await
                .unwrap()
                .len()
        }
    };
    // Under the floor: refused before anything happens.
    let r = api::service::retention::purge_audit(db, now, 12).await;
    assert_eq!(
        r.unwrap_err().code,
        api::domain::error::ErrorCode::Validation
    );
    // 24 months: the 30-month row goes, the 13-month row stays, the purge is audited.
    let n = api::service::retention::purge_audit(db, now, 24)
        .await
        .unwrap();
    assert!(n >= 1);
    assert_eq!((count("old").await, count("young").await), (0, 1));
    assert_eq!(count("purgeAuditLog").await, 1);
    // The database itself refuses to delete a younger row or to change any row.
    let del = entity::audit_log::Entity::delete_by_id(young.id)
        .exec(db)
        .await;
    assert!(del.is_err(), "a 13-month-old row cannot be deleted");
    let mut upd: entity::audit_log::ActiveModel = young.clone().into();
    upd.outcome = Set("DENIED".into());
    assert!(
        upd.update(db).await.is_err(),
        "audit rows are never updated"
    );
    assert_eq!(count("young").await, 1);
}

/// §2.2.1 (R33: "אסור למסור מידע למייצג ללא קיום של ייפוי כוח שכבר נקלט במערכת. אין להסתמך על
/// ייפוי כוח שנשלח, כמסמך"): a representative reads and writes on a client's inquiries only in
/// the tax domain a registry POA in force covers. An income-tax POA shows the income-tax inquiry,
/// not the VAT one; an expired, future, revoked or document-only POA shows nothing, and writing
/// is refused as for an inquiry that does not exist.
#[tokio::test]
async fn r33_a_representative_reads_a_clients_inquiries_only_under_a_registry_poa_in_force_for_their_domain()
 {
    use api::infra::clock::Clock;
    use chrono::Duration;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let rep = app.token("REPRESENTATIVE").await;
    let (rid, clients) = demo_representative(&app).await;
    // A verified customer who is not yet the representative's client opens two inquiries.
    let c = entity::customer::Entity::find()
        .filter(entity::customer::Column::VerificationLevel.eq("HIGH"))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| !clients.contains(&c.id))
        .unwrap();
    let ct = app.token_for_user(&c.national_id).await;
    let it = super::lifecycle::open_as(&app, &ct, "IT.CERT.RESIDENCY").await;
    let vat = super::lifecycle::open_as(&app, &ct, "VAT.DEALER.OPEN").await;
    let now = app.clock.now();
    let poa = entity::power_of_attorney::ActiveModel {
        representative_id: Set(rid),
        customer_id: Set(c.id),
        tax_domain: Set("INCOME_TAX".into()),
        source: Set("REGISTRY".into()),
        approved_by_client: Set(false),
        approved_at: Set(None),
        valid_from: Set(now - Duration::days(30)),
        valid_to: Set(Some(now + Duration::days(300))),
        revoked_at: Set(None),
        created_at: Set(now - Duration::days(30)),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    let get = "query($id:ID!){ inquiry(id:$id){ number } }";
    let reads = |id: serde_json::Value| {
        let (app, rep) = (&app, rep.clone());
        async move {
            let r = app.gql(&rep, get, json!({"id": id})).await;
            match error_code(&r) {
                None => true,
                Some("NOT_FOUND") => false,
                other => panic!("{other:?}: {r}"),
            }
        }
    };
    let write = |id: serde_json::Value| {
        let (app, rep) = (&app, rep.clone());
        async move {
            let r = app
                .gql(
                    &rep,
                    super::lifecycle::CORR,
                    json!({"input": {"inquiryId": id, "body": "בשם מרשי: מצורף הטופס"}}),
                )
                .await;
            error_code(&r).map(str::to_string)
        }
    };
    assert!(
        reads(it["id"].clone()).await,
        "income-tax POA: the income-tax inquiry"
    );
    assert!(
        !reads(vat["id"].clone()).await,
        "income-tax POA: not the VAT inquiry"
    );
    assert_eq!(write(vat["id"].clone()).await.as_deref(), Some("NOT_FOUND"));
    assert_eq!(write(it["id"].clone()).await, None, "writes where it reads");
    // Each way a POA is not in force, or not the registry's, hides the client's inquiries.
    type Change = fn(&mut entity::power_of_attorney::ActiveModel, chrono::DateTime<chrono::Utc>);
    let cases: [(&str, Change); 4] = [
        ("expired", |m, now| {
            m.valid_to = Set(Some(now - Duration::days(1)))
        }),
        ("not yet in force", |m, now| {
            m.valid_from = Set(now + Duration::days(1))
        }),
        ("revoked", |m, now| {
            m.revoked_at = Set(Some(now - Duration::hours(1)))
        }),
        ("sent as a document", |m, _| {
            m.source = Set("ATTACHED_DOCUMENT".into())
        }),
    ];
    for (why, change) in cases {
        let mut m: entity::power_of_attorney::ActiveModel = poa.clone().into();
        change(&mut m, now);
        m.update(&app.state.db).await.unwrap();
        assert!(
            !reads(it["id"].clone()).await,
            "{why}: the inquiry is hidden"
        );
        assert_eq!(
            write(it["id"].clone()).await.as_deref(),
            Some("NOT_FOUND"),
            "{why}"
        );
        let m: entity::power_of_attorney::ActiveModel = poa.clone().into();
        let mut m = m.reset_all();
        m.id = sea_orm::ActiveValue::Unchanged(poa.id);
        m.update(&app.state.db).await.unwrap();
        assert!(reads(it["id"].clone()).await, "{why}: restored");
    }
}

/// §4.6 (R37: "הרחבת המידע תוצג לעובד רק בפניות בהן הלקוח 'אומת' ... או שאומת טלפונית"): on a
/// phone inquiry of a customer not identified at the high level, information expansion stays
/// closed until the handling clerk verifies the caller by phone; a web inquiry's caller is not
/// verified by phone, and customers cannot verify themselves.
#[tokio::test]
async fn r37_a_caller_verified_by_phone_opens_information_expansion_on_that_inquiry() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let basic = entity::customer::Entity::find()
        .filter(entity::customer::Column::VerificationLevel.eq("BASIC"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let codec = api::graphql::ids::IdCodec::new(&app.state.config.node_id_secret);
    let cid = codec.encode(
        api::graphql::ids::NodeType::Customer,
        &api::graphql::ids::NodeKey::Int(basic.id),
    );
    let phone = app.token_for_user("it_ta1.it_assess.1").await;
    let r = app.gql(&phone, OPEN, json!({"input": {"customerId": cid, "channel": "PHONE", "tripletCode": "IT.ANNUAL.ASSESSMENT", "taxYear": 2024, "body": "שיחה: שאלה על השומה"}})).await;
    let inq = ok(&r, "openInquiry")["inquiry"].clone();
    let clerk = super::lifecycle::team_clerk(&app, &inq).await;
    let reauth = "mutation($c:String!){ reauthenticate(input:{code:$c}) { validUntil } }";
    ok(
        &app.gql(&clerk, reauth, json!({"c": "123456"})).await,
        "reauthenticate",
    );
    let q = "query($id:ID!){ inquiry(id:$id){ callerVerifiedAt infoExpansion { source } } }";
    let r = app.gql(&clerk, q, json!({"id": inq["id"]})).await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "not identified yet: {r}");
    let verify = "mutation($input: InquiryRefInput!){ verifyCaller(input: $input){ inquiry { callerVerifiedAt } } }";
    let (ct, _) = customer(&app).await;
    let r = app
        .gql(&ct, verify, json!({"input": {"inquiryId": inq["id"]}}))
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    let r = app
        .gql(&clerk, verify, json!({"input": {"inquiryId": inq["id"]}}))
        .await;
    assert!(ok(&r, "verifyCaller")["inquiry"]["callerVerifiedAt"].is_string());
    let r = app.gql(&clerk, q, json!({"id": inq["id"]})).await;
    assert_eq!(
        ok(&r, "inquiry")["infoExpansion"]["source"],
        "fixture",
        "{r}"
    );
    // A web inquiry is not verified by phone.
    let web = super::lifecycle::open_as(
        &app,
        &ct,
        &free_triplet(&app, &ct, &["IT.CERT.RESIDENCY", "IT.WORKGRANT.STATUS"]).await,
    )
    .await;
    let web_clerk = super::lifecycle::team_clerk(&app, &web).await;
    let r = app
        .gql(
            &web_clerk,
            verify,
            json!({"input": {"inquiryId": web["id"]}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
}
