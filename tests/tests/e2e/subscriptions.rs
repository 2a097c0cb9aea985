//! Live updates over graphql-transport-ws, fanned out across replicas through Redis.

use serde_json::json;
use tests::{TestApp, ws::Subscription};

use super::lifecycle::{customer, free_triplet, open_as};

const SUB: &str =
    "subscription($t: ID!){ inquiryEvents(teamId: $t){ kind inquiryId status { code nameHe } } }";

async fn info_jlm_digital(app: &TestApp, token: &str) -> serde_json::Value {
    let r = app
        .gql(token, "{ offices { code teams { id code } } }", json!({}))
        .await;
    let office = r["data"]["offices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "INFO_JLM")
        .unwrap()
        .clone();
    office["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "INFO_DIGITAL")
        .unwrap()["id"]
        .clone()
}

#[tokio::test]
async fn a_new_inquiry_reaches_the_teams_subscription() {
    let app = TestApp::spawn().await;
    let clerk = app.token_for_user("info_jlm.info_digital.1").await;
    let team = info_jlm_digital(&app, &clerk).await;
    let mut sub = Subscription::start(app.addr, &clerk, SUB, json!({"t": team}))
        .await
        .unwrap();
    let (t, _) = customer(&app).await;
    let triplet = free_triplet(
        &app,
        &t,
        &["DIG.AUTH.OTP", "DIG.AUTH.LOCKED", "DIG.AUTH.APP_ERROR"],
    )
    .await;
    let inq = open_as(&app, &t, &triplet).await;
    let msg = sub.next_json().await.unwrap();
    assert_eq!(msg["type"], "next", "{msg}");
    assert_eq!(msg["payload"]["data"]["inquiryEvents"]["kind"], "OPENED");
    assert_eq!(
        msg["payload"]["data"]["inquiryEvents"]["status"]["code"], "OPEN_ASSIGNED_TO_TEAM",
        "{msg}"
    );
    assert_eq!(
        msg["payload"]["data"]["inquiryEvents"]["inquiryId"],
        inq["id"]
    );
    // Another team's clerk may not follow this team.
    let other = app.token_for_user("it_ta1.it_assess.1").await;
    let mut denied = Subscription::start(app.addr, &other, SUB, json!({"t": team}))
        .await
        .unwrap();
    let msg = denied.next_json().await.unwrap();
    let code = msg["payload"]["errors"][0]["extensions"]["code"].clone();
    assert!(msg["type"] == "error" || code == "FORBIDDEN", "{msg}");
    assert!(msg["payload"]["data"].is_null());
}

/// A clerk who leaves the team stops receiving its events: the right to follow the team is
/// checked again once a minute on the subscription, not only when it started.
#[tokio::test]
async fn a_clerk_who_leaves_the_team_stops_receiving_its_events() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let control = app.token_for_user("info_jlm.info_digital.1").await;
    let team = info_jlm_digital(&app, &control).await;
    let (t, _) = customer(&app).await;
    let triplets = ["DIG.AUTH.OTP", "DIG.AUTH.LOCKED", "DIG.AUTH.APP_ERROR"];
    let first = open_as(&app, &t, &free_triplet(&app, &t, &triplets).await).await;
    let leaver = super::lifecycle::colleague_of(&app, &first).await;
    let mut stays = Subscription::start(app.addr, &control, SUB, json!({"t": team}))
        .await
        .unwrap();
    let mut leaves = Subscription::start(app.addr, &leaver, SUB, json!({"t": team}))
        .await
        .unwrap();
    let second = open_as(&app, &t, &free_triplet(&app, &t, &triplets).await).await;
    for sub in [&mut stays, &mut leaves] {
        let msg = sub.next_json().await.unwrap();
        assert_eq!(
            msg["payload"]["data"]["inquiryEvents"]["inquiryId"], second["id"],
            "{msg}"
        );
    }
    // The colleague leaves the team; a minute later the next event reaches only the team.
    let me = app
        .gql(&leaver, "{ me { user { login } } }", json!({}))
        .await;
    let login = me["data"]["me"]["user"]["login"]
        .as_str()
        .unwrap()
        .to_string();
    let user = entity::user::Entity::find()
        .filter(entity::user::Column::Login.eq(login))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    entity::team_member::Entity::delete_many()
        .filter(entity::team_member::Column::UserId.eq(user.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    app.clock.advance(chrono::Duration::seconds(61));
    let third = open_as(&app, &t, &free_triplet(&app, &t, &triplets).await).await;
    let msg = stays.next_json().await.unwrap();
    assert_eq!(
        msg["payload"]["data"]["inquiryEvents"]["inquiryId"], third["id"],
        "{msg}"
    );
    let r = leaves.next_json().await;
    assert!(r.is_err(), "the clerk who left got {r:?}");
}

/// Over WebSocket only subscriptions are served: a query, a mutation or introspection sent there
/// would skip POST /graphql's alias and rate limits, introspection gate and audit.
#[tokio::test]
async fn queries_mutations_and_introspection_are_refused_over_websocket() {
    let app = TestApp::spawn().await;
    let (t, _) = customer(&app).await;
    for q in [
        "{ me { kind } }",
        "{ __schema { types { name } } }",
        "mutation { reauthenticate(input: {code: \"123456\"}) { validUntil } }",
    ] {
        let mut s = Subscription::start(app.addr, &t, q, json!({}))
            .await
            .unwrap();
        let msg = s.next_json().await.unwrap();
        let refused = msg["type"] == "error"
            || msg["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN";
        assert!(refused, "{q}: {msg}");
        assert!(
            msg["payload"]["data"].is_null() || msg["payload"]["data"]["me"].is_null(),
            "{q}: {msg}"
        );
        assert!(
            !msg.to_string().contains("__Schema") && !msg.to_string().contains("\"types\""),
            "{q}: {msg}"
        );
    }
}

#[tokio::test]
async fn two_replicas_share_events_through_redis() {
    if std::env::var("REDIS_URL").is_err() || std::env::var("TEST_DATABASE_URL").is_err() {
        // The SQLite run has no Redis: the PostgreSQL + Redis suite of `.ci/run` runs this test.
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.spawn_replica().await;
    let clerk = a.token_for_user("info_jlm.info_digital.1").await;
    let team = info_jlm_digital(&a, &clerk).await;
    let mut sub = Subscription::start(b.addr, &clerk, SUB, json!({"t": team}))
        .await
        .unwrap();
    let (t, _) = customer(&a).await;
    let triplet = free_triplet(
        &a,
        &t,
        &["DIG.AUTH.OTP", "DIG.AUTH.LOCKED", "DIG.AUTH.APP_ERROR"],
    )
    .await;
    let inq = open_as(&a, &t, &triplet).await;
    let msg = sub.next_json().await.unwrap();
    assert_eq!(
        msg["payload"]["data"]["inquiryEvents"]["inquiryId"], inq["id"],
        "{msg}"
    );
}
