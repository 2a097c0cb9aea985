//! Attachments over the multipart request spec (R12, R14, R15, R16, R22).

use serde_json::json;
use tests::{TestApp, error_code};

use super::lifecycle::{CHANGE, GET, customer, free_triplet, ok, open_as, team_clerk};

const ADD: &str = "mutation($input: AddAttachmentInput!){ addAttachment(input:$input){ attachment { fileName contentType direction showOnInternet sanitizeStatus } inquiry { status { code } } } }";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

#[tokio::test]
async fn r14_r12_customer_and_clerk_attach_files_with_direction_and_visibility() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &[
                "IT.ANNUAL.SUBMIT",
                "IT.ANNUAL.EXTENSION",
                "IT.ANNUAL.ASSESSMENT",
            ],
        )
        .await,
    )
    .await;
    let clerk = team_clerk(&app, &inq).await;
    let (status, r) = app
        .upload(
            &t,
            ADD,
            json!({"inquiryId": inq["id"]}),
            "טופס 106.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    assert_eq!(status, 200);
    let a = ok(&r, "addAttachment")["attachment"].clone();
    assert_eq!(a["sanitizeStatus"], "CLEAN");
    assert_eq!(a["direction"], "FROM_CUSTOMER");
    assert_eq!(a["contentType"], "application/pdf");
    // The customer cannot hide files or write clerk notes.
    let (_, r) = app
        .upload(
            &t,
            ADD,
            json!({"inquiryId": inq["id"], "showOnInternet": false}),
            "a.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"));
    // The clerk attaches an internal file, hidden from the personal area.
    let (_, r) = app
        .upload(
            &clerk,
            ADD,
            json!({"inquiryId": inq["id"], "showOnInternet": false, "clerkNote": "פנימי"}),
            "internal.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    assert_eq!(
        ok(&r, "addAttachment")["attachment"]["direction"],
        "FROM_CLERK"
    );
    let q = "query($id:ID!){ inquiry(id:$id){ unreadAttachments attachments { fileName showOnInternet } } }";
    let staff_view = app.gql(&clerk, q, json!({"id": inq["id"]})).await;
    assert_eq!(
        ok(&staff_view, "inquiry")["attachments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(staff_view["data"]["inquiry"]["unreadAttachments"], 1);
    // The clerk reads the inquiry: its files count as read (R12).
    ok(
        &app.gql(
            &clerk,
            "mutation($input: InquiryRefInput!){ markRead(input: $input){ inquiry { id } } }",
            json!({"input": {"inquiryId": inq["id"]}}),
        )
        .await,
        "markRead",
    );
    let after = app.gql(&clerk, q, json!({"id": inq["id"]})).await;
    assert_eq!(after["data"]["inquiry"]["unreadAttachments"], 0, "{after}");
    let customer_view = app
        .gql(
            &t,
            "query($id:ID!){ inquiry(id:$id){ attachments { fileName } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    let names: Vec<&str> = customer_view["data"]["inquiry"]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["fileName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["טופס 106.pdf"],
        "hidden files are invisible to the customer"
    );
    // A lying extension and a path in the file name are refused.
    let (_, r) = app
        .upload(
            &t,
            ADD,
            json!({"inquiryId": inq["id"]}),
            "../../etc/passwd.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"));
}

#[tokio::test]
async fn r15_r22_an_infected_file_closes_the_inquiry_by_the_system() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let inq = open_as(
        &app,
        &t,
        &free_triplet(
            &app,
            &t,
            &[
                "IT.CREDIT.CHILDREN",
                "IT.CREDIT.ACADEMIC",
                "IT.CREDIT.PERIPHERY",
            ],
        )
        .await,
    )
    .await;
    let clerk = team_clerk(&app, &inq).await;
    // A clerk's own infected file is refused, nothing attached, and the customer's inquiry stays
    // open: §5.2.11 closes inquiries for the customer's files.
    let (_, refused) = app
        .upload(
            &clerk,
            ADD,
            json!({"inquiryId": inq["id"]}),
            "reply.pdf",
            "application/pdf",
            EICAR,
        )
        .await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    let g = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    assert_eq!(ok(&g, "inquiry")["status"]["code"], "OPEN_ASSIGNED_TO_TEAM");
    let (_, r) = app
        .upload(
            &t,
            ADD,
            json!({"inquiryId": inq["id"]}),
            "scan.pdf",
            "application/pdf",
            EICAR,
        )
        .await;
    let out = ok(&r, "addAttachment");
    assert_ne!(out["attachment"]["sanitizeStatus"], "CLEAN");
    assert_eq!(out["inquiry"]["status"]["code"], "CLOSED_BY_SYSTEM");
    let g = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    let corr = ok(&g, "inquiry")["correspondences"]
        .as_array()
        .unwrap()
        .clone();
    let last = corr.last().unwrap();
    assert_eq!(last["direction"], "FROM_SYSTEM");
    assert!(
        last["body"].as_str().unwrap().contains("פנייה חדשה"),
        "{last}"
    );
    // The customer never sees the quarantined file.
    let r = app
        .gql(
            &t,
            "query($id:ID!){ inquiry(id:$id){ attachments { fileName } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    assert_eq!(r["data"]["inquiry"]["attachments"], json!([]));
}

/// §4.5, R14, R3: `GET /attachments/{id}` serves a clean file to whoever may read it — the
/// owner and the handling staff — with safe headers; a file hidden from the internet is not
/// found for the customer; another customer, a clerk of another office, no token, or a made-up
/// id get nothing; every attempt is audited.
#[tokio::test]
async fn r14_r3_downloads_are_authorised_audited_and_never_public() {
    let app = TestApp::spawn().await;
    let (t, inq, clerk) = super::lifecycle::fresh_inquiry(
        &app,
        &[
            "IT.ANNUAL.SUBMIT",
            "IT.ANNUAL.EXTENSION",
            "IT.ANNUAL.ASSESSMENT",
        ],
    )
    .await;
    let q = "mutation($input: AddAttachmentInput!){ addAttachment(input:$input){ attachment { id downloadPath } } }";
    let (_, r) = app
        .upload(
            &t,
            q,
            json!({"inquiryId": inq["id"]}),
            "טופס 106.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    let path = ok(&r, "addAttachment")["attachment"]["downloadPath"]
        .as_str()
        .unwrap()
        .to_owned();
    // A staff-only file (clerk, hidden from the internet).
    let (_, r) = app
        .upload(
            &clerk,
            q,
            json!({"inquiryId": inq["id"], "showOnInternet": false, "clerkNote": "פנימי"}),
            "internal.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    let hidden = ok(&r, "addAttachment")["attachment"]["downloadPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let get = |token: Option<String>, path: String| {
        let (http, url) = (app.http.clone(), app.url(&path));
        async move {
            let mut req = http.get(url);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            (status, headers, resp.bytes().await.unwrap().to_vec())
        }
    };
    let (status, headers, body) = get(Some(t.clone()), path.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(body, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"),
        "{disposition}"
    );
    assert!(!disposition.contains('/') && !disposition.contains('\n'));
    // The handling clerk reads both; the customer does not see the hidden one exists.
    assert_eq!(get(Some(clerk.clone()), hidden.clone()).await.0, 200);
    assert_eq!(get(Some(t.clone()), hidden.clone()).await.0, 404);
    // Strangers, no token, made-up ids.
    let admin = app.token("ADMIN").await;
    let r = app
        .gql(
            &admin,
            "{ customers(first: 20) { edges { node { nationalId } } } }",
            json!({}),
        )
        .await;
    let me = app
        .gql(&t, "{ me { customer { nationalId } } }", json!({}))
        .await;
    let other = r["data"]["customers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["nationalId"].as_str().unwrap().to_owned())
        .find(|n| me["data"]["me"]["customer"]["nationalId"] != *n)
        .unwrap();
    let stranger = app.token_for_user(&other).await;
    assert_eq!(get(Some(stranger), path.clone()).await.0, 404);
    if inq["office"]["code"] != "HQ" {
        let far_clerk = app.token_for_user("hq.hq_provident.1").await;
        assert_eq!(get(Some(far_clerk), path.clone()).await.0, 404);
    }
    assert_eq!(get(None, path.clone()).await.0, 401);
    assert_eq!(
        get(Some(t.clone()), "/attachments/not-an-id".into())
            .await
            .0,
        404
    );
    // Audited, granted and denied.
    let auditor = app.token("AUDITOR").await;
    let log = app
        .gql(&auditor, "{ auditLog(first: 50, filter: {operation: \"downloadAttachment\"}) { edges { node { outcome } } } }", json!({}))
        .await;
    let outcomes: Vec<&str> = log["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{log}"))
        .iter()
        .map(|e| e["node"]["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"OK") && outcomes.contains(&"DENIED"),
        "{outcomes:?}"
    );
}

/// R14 (bad input): a client that timed out and sends the same file again — even twice at
/// once — gets the file already attached, not a second copy; another file name is another file.
#[tokio::test]
async fn r14_a_retried_upload_is_idempotent_even_when_concurrent() {
    let app = TestApp::spawn().await;
    let (t, inq, clerk) = super::lifecycle::fresh_inquiry(
        &app,
        &[
            "IT.ANNUAL.SUBMIT",
            "IT.ANNUAL.EXTENSION",
            "IT.ANNUAL.ASSESSMENT",
        ],
    )
    .await;
    let q =
        "mutation($input: AddAttachmentInput!){ addAttachment(input:$input){ attachment { id } } }";
    let send = |name: &'static str| {
        app.upload(
            &t,
            q,
            json!({"inquiryId": inq["id"]}),
            name,
            "application/pdf",
            PDF,
        )
    };
    let ((_, a), (_, b)) = tokio::join!(send("106.pdf"), send("106.pdf"));
    let (_, c) = send("106.pdf").await;
    let id = |r: &serde_json::Value| ok(r, "addAttachment")["attachment"]["id"].clone();
    assert_eq!(id(&a), id(&b));
    assert_eq!(id(&a), id(&c));
    let (_, d) = send("106-copy.pdf").await;
    assert_ne!(id(&a), id(&d));
    let r = app
        .gql(
            &clerk,
            "query($id:ID!){ inquiry(id:$id){ attachments { id } } }",
            json!({"id": inq["id"]}),
        )
        .await;
    assert_eq!(
        ok(&r, "inquiry")["attachments"].as_array().unwrap().len(),
        2
    );
}

/// §5.2.6 / §5.2.11 (R9, R22): the clerk asks for a document and the customer uploads it: that is
/// the customer's answer. The inquiry moves to INFO_FROM_CUSTOMER (a history row), and the
/// three-month closure for unanswered waits no longer touches it.
#[tokio::test]
async fn r9_r22_a_document_uploaded_while_waiting_is_the_customers_answer() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.CREDIT.ACADEMIC", "IT.CREDIT.CHILDREN"]).await;
    let inq = open_as(&app, &t, &triplet).await;
    let clerk = team_clerk(&app, &inq).await;
    ok(&app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר אישור", "responseToCustomer": "נא לצרף אישור לימודים"}})).await, "changeStatus");
    let (status, r) = app
        .upload(
            &t,
            ADD,
            json!({"inquiryId": inq["id"]}),
            "אישור לימודים.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        ok(&r, "addAttachment")["inquiry"]["status"]["code"],
        "INFO_FROM_CUSTOMER"
    );
    let g = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    let last = ok(&g, "inquiry")["statusHistory"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (
            last["kind"].as_str(),
            last["fromStatus"]["code"].as_str(),
            last["actorKind"].as_str()
        ),
        (
            Some("STATUS_CHANGE"),
            Some("WAITING_FOR_CUSTOMER"),
            Some("CUSTOMER")
        ),
        "{last}"
    );
    app.clock.advance(chrono::Duration::days(100));
    api::service::inquiries::system::close_stale_waiting(&app.state.services)
        .await
        .map_err(|e| e.message)
        .unwrap();
    let g = app.gql(&clerk, GET, json!({"id": inq["id"]})).await;
    assert_eq!(ok(&g, "inquiry")["status"]["code"], "INFO_FROM_CUSTOMER");
    // A clerk's own file while waiting changes nothing.
    ok(&app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": inq["id"], "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר אישור נוסף", "responseToCustomer": "נא לצרף גם את אישור הזכאות"}})).await, "changeStatus");
    let (_, r) = app
        .upload(
            &clerk,
            ADD,
            json!({"inquiryId": inq["id"]}),
            "הנחיות.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    assert_eq!(
        ok(&r, "addAttachment")["inquiry"]["status"]["code"],
        "WAITING_FOR_CUSTOMER"
    );
}

/// §4.5 ("אפשרות לעובד למנוע הצגת המסמך ללקוח") and §5.1.2 (notes on a file), R14: the handling
/// clerk hides a customer's file from the personal area, annotates it, and shows it again; the
/// customer cannot, and a clerk of another office does not find it.
#[tokio::test]
async fn r14_the_handling_clerk_hides_annotates_and_shows_a_file_again() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(&app, &t, &["IT.CERT.RESIDENCY", "IT.WORKGRANT.STATUS"]).await;
    let inq = open_as(&app, &t, &triplet).await;
    let clerk = team_clerk(&app, &inq).await;
    let (_, r) = app
        .upload(
            &t,
            ADD,
            json!({"inquiryId": inq["id"]}),
            "תעודת זהות.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    ok(&r, "addAttachment");
    let list = "query($id:ID!){ inquiry(id:$id){ attachments { id fileName showOnInternet } } }";
    let files = |r: &serde_json::Value| ok(r, "inquiry")["attachments"].as_array().unwrap().clone();
    let file_id = files(&app.gql(&clerk, list, json!({"id": inq["id"]})).await)[0]["id"].clone();
    let upd = "mutation($input: UpdateAttachmentInput!){ updateAttachment(input: $input){ attachment { showOnInternet clerkNote } } }";
    let r = app
        .gql(&clerk, upd, json!({"input": {"attachmentId": file_id, "showOnInternet": false, "clerkNote": "צילום לא קריא"}}))
        .await;
    assert_eq!(
        ok(&r, "updateAttachment")["attachment"],
        json!({"showOnInternet": false, "clerkNote": "צילום לא קריא"})
    );
    assert!(
        files(&app.gql(&t, list, json!({"id": inq["id"]})).await).is_empty(),
        "hidden from the customer"
    );
    // `node` answers as the list does (Relay object identification).
    let node = "query($id: ID!){ node(id: $id){ ... on Attachment { fileName } } }";
    let r = app.gql(&clerk, node, json!({"id": file_id})).await;
    assert_eq!(r["data"]["node"]["fileName"], "תעודת זהות.pdf", "{r}");
    let r = app.gql(&t, node, json!({"id": file_id})).await;
    assert!(r["data"]["node"].is_null(), "hidden: {r}");
    // Refusals: the customer, nothing to change, a clerk outside the business unit.
    let r = app
        .gql(
            &t,
            upd,
            json!({"input": {"attachmentId": file_id, "showOnInternet": true}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("FORBIDDEN"), "{r}");
    let r = app
        .gql(&clerk, upd, json!({"input": {"attachmentId": file_id}}))
        .await;
    assert_eq!(error_code(&r), Some("VALIDATION"), "{r}");
    let office = inq["team"]["office"]["code"].as_str().unwrap();
    let stranger_login = if office == "IT_HAIFA" {
        "it_ta1.it_assess.1"
    } else {
        "it_haifa.it_assess.1"
    };
    let stranger = app.token_for_user(stranger_login).await;
    let r = app
        .gql(
            &stranger,
            upd,
            json!({"input": {"attachmentId": file_id, "showOnInternet": true}}),
        )
        .await;
    assert_eq!(error_code(&r), Some("NOT_FOUND"), "{r}");
    // Shown again; an empty note clears the note.
    let r = app
        .gql(
            &clerk,
            upd,
            json!({"input": {"attachmentId": file_id, "showOnInternet": true, "clerkNote": " "}}),
        )
        .await;
    assert_eq!(
        ok(&r, "updateAttachment")["attachment"],
        json!({"showOnInternet": true, "clerkNote": null})
    );
    assert_eq!(
        files(&app.gql(&t, list, json!({"id": inq["id"]})).await).len(),
        1
    );
    let r = app.gql(&t, node, json!({"id": file_id})).await;
    assert_eq!(
        r["data"]["node"]["fileName"], "תעודת זהות.pdf",
        "shown again: {r}"
    );
}
