//! Read benchmark at scale (issues 5 and 9): the first page of each clerk view, the SLA breach
//! and due-soon filters, a `*` contains search and a one-year dashboard, over the real server and
//! a PostgreSQL database of N demo inquiries (seeded once, kept between runs).
//!
//! ```sh
//! cargo run --release -p tests --bin bench_read -- 1000000 200
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m (the default; created if missing)
//! ```
//! Arguments: inquiries to seed into an empty database (default 1,000,000), repetitions per
//! query (default 200), and optionally a part of a measurement's name to run only those. Requests are sequential, one at a time; prints p50/p99 per query.

use std::time::Instant;

use serde_json::{Value, json};
use tests::TestApp;

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn ensure_database(url: &str) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    let Some((base, name)) = url.rsplit_once('/') else {
        anyhow::bail!("BENCH_DATABASE_URL needs a database path");
    };
    let admin = sea_orm::Database::connect(format!("{base}/postgres")).await?;
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await?
        .is_some();
    if !exists {
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
    }
    admin.close().await?;
    Ok(())
}

async fn measure(app: &TestApp, name: &str, token: &str, query: &str, vars: Value, reps: usize) {
    // An optional third argument runs only the measurements whose name contains it.
    if let Some(only) = std::env::args().nth(3)
        && !name.contains(&only)
    {
        return;
    }
    // One warm-up request (plans, caches), checked for errors.
    let first = app.gql(token, query, vars.clone()).await;
    if let Some(e) = first.get("errors") {
        panic!("{name}: {e}");
    }
    let mut ms = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        let r = app.gql(token, query, vars.clone()).await;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(r.get("errors").is_none(), "{name}: {r}");
    }
    ms.sort_by(f64::total_cmp);
    let rows = first["data"]
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(|v| v["edges"].as_array())
        .map_or(String::from("-"), |e| e.len().to_string());
    println!(
        "{name:<48} rows {rows:>3}  p50 {:>7.2} ms  p99 {:>7.2} ms  (n={reps})",
        pct(&ms, 0.5),
        pct(&ms, 0.99)
    );
}

const PAGE: &str = "query($v: InquiryView, $s: String, $f: InquiryFilterInput){ inquiries(first: 50, view: $v, search: $s, filter: $f) { edges { node { id number status { code } triplet { code } team { code } assignee { fullName } customer { lastName } openedAt } } pageInfo { hasNextPage endCursor } } }";
const DASH: &str = "query($f: DateTime){ dashboard(from: $f) { total handled byStatus { count } byChannel { count } byTeam { count } byTriplet { count } openAge { count } sla { total { closed shareWithinTarget medianWorkingTime } byOffice { sla { closed } } byTeam { sla { closed } } byTriplet { sla { closed } } } } }";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let reps: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(200);
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/bench1m".into());
    ensure_database(&url).await?;
    let started = Instant::now();
    let app = TestApp::spawn_on(&url, |c| {
        c.seed_inquiries = n;
        c.rate_limit_per_minute = 10_000_000;
        c.redis_url = None;
    })
    .await;
    let total = {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::inquiry::Entity::find().count(&app.state.db).await?
    };
    println!(
        "ready: {total} inquiries in {url} after {:.1} s (seed and SLA backfill on first run)",
        started.elapsed().as_secs_f64()
    );
    let clerk = app.token_for_user("it_ta1.it_assess.1").await;
    let coord = app.token_for_user("it_ta1.it_assess.coord").await;
    let hq = app.token_for_user("hq.hq_main.1").await;
    for view in [
        "WAITING_FOR_MY_TEAM",
        "HANDLED_BY_MY_TEAM_USERS",
        "MY_BUSINESS_UNIT",
        "MY_ASSIGNED",
    ] {
        let token = if view == "MY_ASSIGNED" {
            &clerk
        } else {
            &coord
        };
        measure(
            &app,
            &format!("view {view}"),
            token,
            PAGE,
            json!({"v": view}),
            reps,
        )
        .await;
    }
    measure(
        &app,
        "HQ slaBreached",
        &hq,
        PAGE,
        json!({"f": {"slaBreached": true}}),
        reps,
    )
    .await;
    measure(
        &app,
        "HQ dueWithinHours 48",
        &hq,
        PAGE,
        json!({"f": {"dueWithinHours": 48}}),
        reps,
    )
    .await;
    measure(
        &app,
        "MY_BUSINESS_UNIT search *כהן",
        &coord,
        PAGE,
        json!({"v": "MY_BUSINESS_UNIT", "s": "*כהן"}),
        reps,
    )
    .await;
    measure(
        &app,
        "HQ search *לוי (all offices)",
        &hq,
        PAGE,
        json!({"s": "*לוי"}),
        reps,
    )
    .await;
    measure(
        &app,
        "HQ search last-first name",
        &hq,
        PAGE,
        json!({"s": "כהן משה"}),
        reps,
    )
    .await;
    let year_ago = chrono::Utc::now() - chrono::Duration::days(365);
    measure(
        &app,
        "dashboard, one year, all offices, with SLA",
        &hq,
        DASH,
        json!({"f": year_ago}),
        (reps / 10).max(5),
    )
    .await;
    Ok(())
}
