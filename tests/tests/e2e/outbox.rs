//! The outbox (§5.1.4, R40): email queued by `sendActivity` reaches a real SMTP server (a local
//! sink) at the customer's verified address, once; with the server down nothing is lost and,
//! when it returns, exactly one copy arrives.

use api::infra::clock::Clock;
use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tests::TestApp;
use tests::smtp::SmtpSink;

use super::lifecycle::{free_triplet, ok, open_as, team_clerk};

const SEND: &str = "mutation($input: SendActivityInput!){ sendActivity(input: $input){ activity { status toAddress } } }";

/// A verified customer with a verified email, an inquiry of theirs, and its team's clerk.
async fn setup(app: &TestApp) -> (String, String, i64) {
    let c = entity::customer::Entity::find()
        .filter(entity::customer::Column::EmailVerified.eq(true))
        .filter(entity::customer::Column::VerificationLevel.eq("HIGH"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let t = app.token_for_user(&c.national_id).await;
    let triplet = free_triplet(
        app,
        &t,
        &[
            "IT.REFUND.STATUS",
            "IT.WORKGRANT.STATUS",
            "IT.CERT.RESIDENCY",
        ],
    )
    .await;
    let inq = open_as(app, &t, &triplet).await;
    let clerk = team_clerk(app, &inq).await;
    let r = app
        .gql(&clerk, SEND, json!({"input": {"inquiryId": inq["id"], "kind": "EMAIL", "subject": "Inquiry update", "body": "שלום רב, פנייתך בטיפול."}}))
        .await;
    let a = ok(&r, "sendActivity")["activity"].clone();
    assert_eq!(a["status"], "QUEUED");
    (
        c.email.unwrap(),
        clerk,
        inq["number"].as_i64().unwrap_or_default(),
    )
}

async fn activity(app: &TestApp) -> entity::activity::Model {
    entity::activity::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .pop()
        .unwrap()
}

#[tokio::test]
async fn r40_queued_email_reaches_the_smtp_server_at_the_verified_address_once() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let (email, _, _) = setup(&app).await;
    let now = app.clock.now();
    let report = app.state.outbox.dispatch_once(now).await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let mails = sink.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, std::slice::from_ref(&email));
    assert!(
        mails[0].data.contains(&format!("To: {email}")),
        "{}",
        mails[0].data
    );
    assert!(
        mails[0].data.contains("Message-ID: <activity-"),
        "{}",
        mails[0].data
    );
    let a = activity(&app).await;
    assert_eq!((a.status.as_str(), a.attempts), ("SENT", 1));
    assert!(a.sent_at.is_some());
    // Another pass sends nothing again.
    let report = app.state.outbox.dispatch_once(now).await.unwrap();
    assert_eq!(report.sent, 0);
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn r40_smtp_down_keeps_the_message_queued_and_it_arrives_once_when_it_returns() {
    // Reserve a free port, then leave it closed: the relay is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(format!("smtp://{port}"))).await;
    setup(&app).await;
    let now = app.clock.now();
    let report = app.state.outbox.dispatch_once(now).await.unwrap();
    assert_eq!((report.sent, report.retried), (0, 1), "{report:?}");
    let a = activity(&app).await;
    assert_eq!(
        (a.status.as_str(), a.attempts),
        ("QUEUED", 1),
        "kept, not lost"
    );
    assert!(a.last_error.is_some());
    // The relay comes back; the retry waits for its backoff, then one copy arrives.
    let sink = SmtpSink::start_on(port).await.unwrap();
    assert_eq!(
        app.state.outbox.dispatch_once(now).await.unwrap().sent,
        0,
        "not due yet"
    );
    let later = now + Duration::minutes(2);
    assert_eq!(app.state.outbox.dispatch_once(later).await.unwrap().sent, 1);
    assert_eq!(app.state.outbox.dispatch_once(later).await.unwrap().sent, 0);
    assert_eq!(sink.received().len(), 1, "exactly one copy");
    let a = activity(&app).await;
    assert_eq!((a.status.as_str(), a.attempts), ("SENT", 2));
}

/// §2.1.3, R40: moving an inquiry to WAITING_FOR_CUSTOMER and then closing it queue one notice
/// each, by the customer's preferred channel, to the verified address; the email notice reaches
/// the SMTP server in Hebrew; the customer's own cancellation sends nothing.
#[tokio::test]
async fn r40_waiting_and_closing_notify_the_customer_automatically() {
    use super::lifecycle::{ASSIGN, CHANGE};
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    let c = entity::customer::Entity::find()
        .filter(entity::customer::Column::EmailVerified.eq(true))
        .filter(entity::customer::Column::PreferredChannel.eq("EMAIL"))
        .filter(entity::customer::Column::VerificationLevel.eq("HIGH"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let t = app.token_for_user(&c.national_id).await;
    let triplet = free_triplet(
        &app,
        &t,
        &[
            "IT.REFUND.STATUS",
            "IT.WORKGRANT.STATUS",
            "IT.CERT.RESIDENCY",
        ],
    )
    .await;
    let inq = open_as(&app, &t, &triplet).await;
    let clerk = team_clerk(&app, &inq).await;
    let id = inq["id"].clone();
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": id, "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    let notices = || async {
        entity::activity::Entity::find()
            .filter(entity::activity::Column::IdempotencyKey.starts_with("notice-"))
            .all(&app.state.db)
            .await
            .unwrap()
    };
    assert!(
        notices().await.is_empty(),
        "assignment tells the customer nothing"
    );
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "חסר טופס 106", "responseToCustomer": "נא לצרף טופס 106"}})).await;
    ok(&r, "changeStatus");
    let n = notices().await;
    assert_eq!(n.len(), 1);
    assert_eq!(
        (n[0].kind.as_str(), n[0].to_address.as_str()),
        ("EMAIL", c.email.as_deref().unwrap())
    );
    assert!(n[0].subject.as_deref().unwrap().contains("ממתינה לתגובתך"));
    let report = app
        .state
        .outbox
        .dispatch_once(app.clock.now())
        .await
        .unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(sink.received()[0].to, [c.email.clone().unwrap()]);
    // Closing sends the closure notice.
    let r = app.gql(&clerk, CHANGE, json!({"input": {"inquiryId": id, "status": "CLOSED_HANDLED", "responseToCustomer": "צורף, הבקשה טופלה"}})).await;
    ok(&r, "changeStatus");
    let n = notices().await;
    assert_eq!(n.len(), 2);
    assert!(n[1].body.contains("הסתיים"), "{}", n[1].body);
    // A customer's own cancellation: no notice.
    let triplet = free_triplet(
        &app,
        &t,
        &["IT.FILE.CLOSE", "IT.FILE.OPEN", "IT.CREDIT.CHILDREN"],
    )
    .await;
    let other = open_as(&app, &t, &triplet).await;
    let r = app
        .gql(&t, "mutation($input: InquiryRefInput!){ cancelInquiry(input: $input){ inquiry { status { code } } } }", json!({"input": {"inquiryId": other["id"]}}))
        .await;
    ok(&r, "cancelInquiry");
    assert_eq!(notices().await.len(), 2);
}

/// A replica that stops mid-send leaves its message SENDING: after the claim's lease it is sent
/// by the next pass, and not before.
#[tokio::test]
async fn r40_a_message_left_sending_by_a_stopped_replica_is_sent_after_its_lease() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    let app = TestApp::spawn_with(|c| c.smtp_url = Some(url)).await;
    setup(&app).await;
    let now = app.clock.now();
    // As a replica that claimed it and stopped: SENDING, lease until now + 10 minutes.
    let mut a: entity::activity::ActiveModel = activity(&app).await.into();
    a.status = Set("SENDING".into());
    a.next_attempt_at = Set(Some(now + api::infra::outbox::SEND_LEASE));
    a.update(&app.state.db).await.unwrap();
    assert_eq!(
        app.state.outbox.dispatch_once(now).await.unwrap().sent,
        0,
        "lease holds"
    );
    let later = now + api::infra::outbox::SEND_LEASE + Duration::seconds(1);
    assert_eq!(app.state.outbox.dispatch_once(later).await.unwrap().sent, 1);
    assert_eq!(app.state.outbox.dispatch_once(later).await.unwrap().sent, 0);
    assert_eq!(sink.received().len(), 1);
    assert_eq!(activity(&app).await.status, "SENT");
}

/// §5.1.4 (R40): a clerk may send several messages on one inquiry. Without an idempotency key, a
/// second email is queued as its own activity; a client's key makes a retry send nothing twice.
#[tokio::test]
async fn r40_a_second_email_is_queued_and_a_retried_key_is_not() {
    let app = TestApp::spawn().await;
    let (_, clerk, number) = setup(&app).await;
    let inq = entity::inquiry::Entity::find()
        .filter(entity::inquiry::Column::Number.eq(number))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let r = app
        .gql(
            &clerk,
            "query($n: Int!) { inquiryByNumber(number: $n) { id } }",
            json!({"n": number}),
        )
        .await;
    let id = ok(&r, "inquiryByNumber")["id"].clone();
    let send = |body: &'static str, key: Option<&'static str>| {
        let mut input =
            json!({"inquiryId": id, "kind": "EMAIL", "subject": "Inquiry update", "body": body});
        if let Some(k) = key {
            input["idempotencyKey"] = json!(k);
        }
        json!({"input": input})
    };
    let count = || async {
        entity::activity::Entity::find()
            .filter(entity::activity::Column::InquiryId.eq(inq.id))
            .all(&app.state.db)
            .await
            .unwrap()
            .len()
    };
    assert_eq!(count().await, 1, "setup queued one");
    let second = send("שלום רב, נדרש מסמך נוסף.", None);
    ok(&app.gql(&clerk, SEND, second).await, "sendActivity");
    assert_eq!(count().await, 2, "a different message is a new activity");
    let keyed = send("הודעה שלישית", Some("k-1"));
    ok(&app.gql(&clerk, SEND, keyed).await, "sendActivity");
    ok(
        &app.gql(&clerk, SEND, send("הודעה אחרת", Some("k-1"))).await,
        "sendActivity",
    );
    assert_eq!(count().await, 3, "a retry with the same key queues nothing");
}
