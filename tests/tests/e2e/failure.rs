//! Failure: the database connection dies in the middle of a mutation (issue 4, "Done when").
//! The mutation's writes and its audit row are one transaction: nothing is committed without
//! the audit row, and the next request succeeds on a fresh connection.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use tests::TestApp;

use super::lifecycle::{ASSIGN, fresh_inquiry, ok};

#[tokio::test]
async fn r3_a_connection_killed_mid_mutation_commits_nothing_and_the_next_request_succeeds() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("postgres") {
        // Killing a server backend needs a server; SQLite runs in-process (the PostgreSQL
        // suite of `.ci/run` runs this test).
        eprintln!("connection-kill test: PostgreSQL only; skipped on SQLite");
        return;
    }
    let (_, inq, clerk) = fresh_inquiry(&app, &["IT.REFUND.STATUS", "IT.WORKGRANT.STATUS"]).await;
    let id = inq["id"].clone();
    let get = "query($id: ID!){ inquiry(id: $id){ version assignee { id } } }";
    let before = app.gql(&clerk, get, json!({"id": id})).await;
    let version = before["data"]["inquiry"]["version"].clone();
    let audit_rows = |db: sea_orm::DatabaseConnection| async move {
        db.query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'assignInquiry' AND outcome = 'OK'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
    };
    let side = sea_orm::Database::connect(app.database_url.clone())
        .await
        .unwrap();
    let audits_before = audit_rows(side.clone()).await;

    // Hold the audit table so the mutation blocks after its first writes (row lock, version,
    // assignee, history), right where it appends its audit row.
    let hold = side.begin().await.unwrap();
    hold.execute_unprepared("LOCK TABLE audit_log IN EXCLUSIVE MODE")
        .await
        .unwrap();
    let mutation = {
        let (http, url, clerk, id) = (
            app.http.clone(),
            app.url("/graphql"),
            clerk.clone(),
            id.clone(),
        );
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(clerk)
                .json(&json!({"query": ASSIGN, "variables": {"input": {"inquiryId": id, "to": "ME"}}}))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        })
    };
    // Wait until the API's backend waits on the audit table, then kill every API connection.
    let mut waited = false;
    for _ in 0..100 {
        let blocked = side
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock' AND query ILIKE '%audit_log%'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        if blocked > 0 {
            waited = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        waited,
        "the mutation reached its audit write and waited there"
    );
    let killed = side
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
             AND backend_type = 'client backend' \
             AND pid NOT IN (SELECT pid FROM pg_locks WHERE relation = 'audit_log'::regclass AND granted)",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert!(killed > 0);
    hold.rollback().await.unwrap();

    let r = mutation.await.unwrap();
    assert_eq!(
        tests::error_code(&r),
        Some("INTERNAL"),
        "the client learns the mutation failed: {r}"
    );
    assert!(
        !r.to_string().to_lowercase().contains("sql"),
        "no SQL text leaks: {r}"
    );
    // Nothing of it was committed: no audit row of a change, same version, still unassigned.
    assert_eq!(audit_rows(side.clone()).await, audits_before);
    // The failed attempt itself is on record (R3), outside the rolled-back transaction.
    let failed = side
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'assignInquiry' AND outcome = 'ERROR'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(failed, 1);
    // The next request succeeds (the pool replaces the dead connections).
    let after = app.gql(&clerk, get, json!({"id": id})).await;
    assert!(after.get("errors").is_none(), "{after}");
    assert_eq!(after["data"]["inquiry"]["version"], version);
    assert!(after["data"]["inquiry"]["assignee"].is_null());
    // And the same mutation now goes through, with its audit row.
    ok(
        &app.gql(
            &clerk,
            ASSIGN,
            json!({"input": {"inquiryId": id, "to": "ME"}}),
        )
        .await,
        "assignInquiry",
    );
    assert_eq!(audit_rows(side).await, audits_before + 1);
}
