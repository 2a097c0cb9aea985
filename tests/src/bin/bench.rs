//! Load benchmark of the lifecycle mutations (issue: lifecycle): `openInquiry` (customers on the
//! web) and `changeStatus` (the HQ main team) under concurrent clients against the real server.
//!
//! ```sh
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!   cargo run --release -p tests --bin bench -- 16 2000
//! ```
//! Arguments: clients (default 16), total operations per kind (default 2000). Prints p50/p99.

use std::time::Instant;

use serde_json::{Value, json};
use tests::{TestApp, error_code};

const OPEN: &str =
    "mutation($input: OpenInquiryInput!){ openInquiry(input:$input){ inquiry { id } } }";
const CHANGE: &str =
    "mutation($input: ChangeStatusInput!){ changeStatus(input:$input){ inquiry { id } } }";

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let clients: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(16);
    let total: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let app = TestApp::spawn_with(|c| {
        c.seed_inquiries = 2000;
        c.rate_limit_per_minute = 1_000_000;
    })
    .await;
    let backend = if app.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    // Verified customers (web openings need the high identification level).
    let customers: Vec<String> = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::customer::Entity::find()
            .filter(entity::customer::Column::VerificationLevel.eq("HIGH"))
            .all(&app.state.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.national_id)
            .collect()
    };
    let mut tokens = Vec::new();
    for nid in customers.iter().take(150) {
        tokens.push(app.token_for_user(nid).await);
    }
    let hq = app.token_for_user("hq.hq_main.1").await;
    let triplets = [
        "DIG.INFO.FORMS",
        "DIG.AUTH.OTP",
        "DIG.INFO.COMPLAINT",
        "DIG.REGISTER.NEW",
        "DIG.AUTH.LOCKED",
        "DIG.AUTH.APP_ERROR",
    ];
    let per_client = total.div_ceil(clients);
    let started = Instant::now();
    let mut handles = Vec::new();
    for c in 0..clients {
        let (http, url, tokens, hq) = (
            app.http.clone(),
            app.url("/graphql"),
            tokens.clone(),
            hq.clone(),
        );
        handles.push(tokio::spawn(async move {
            let (mut open_ms, mut change_ms, mut refused) = (Vec::new(), Vec::new(), 0usize);
            for i in 0..per_client {
                let n = c * per_client + i;
                let token = &tokens[n % tokens.len()];
                let triplet = triplets[(n / tokens.len()) % triplets.len()];
                let body = json!({"query": OPEN, "variables": {"input": {"tripletCode": triplet, "body": format!("בדיקת עומס {n}")}}});
                let t0 = Instant::now();
                let resp = http.post(&url).bearer_auth(token).json(&body);
                let r: Value = match resp.send().await {
                    Ok(r) => r.json().await.unwrap_or(Value::Null),
                    Err(_) => Value::Null,
                };
                open_ms.push(t0.elapsed().as_secs_f64() * 1000.0);
                let Some(id) = r["data"]["openInquiry"]["inquiry"]["id"].as_str().map(str::to_string) else {
                    refused += 1;
                    continue;
                };
                let body = json!({"query": CHANGE, "variables": {"input": {"inquiryId": id, "status": "WAITING_FOR_CUSTOMER", "proposedSolution": "בדיקה", "responseToCustomer": "נא לצרף מסמך"}}});
                let t1 = Instant::now();
                let r: Value = match http.post(&url).bearer_auth(&hq).json(&body).send().await {
                    Ok(r) => r.json().await.unwrap_or(Value::Null),
                    Err(_) => Value::Null,
                };
                change_ms.push(t1.elapsed().as_secs_f64() * 1000.0);
                if error_code(&r).is_some() {
                    refused += 1;
                }
            }
            (open_ms, change_ms, refused)
        }));
    }
    let (mut open_ms, mut change_ms, mut refused) = (Vec::new(), Vec::new(), 0);
    for h in handles {
        if let Ok((o, c, r)) = h.await {
            open_ms.extend(o);
            change_ms.extend(c);
            refused += r;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    open_ms.sort_by(f64::total_cmp);
    change_ms.sort_by(f64::total_cmp);
    println!("backend={backend} clients={clients} wall={secs:.1}s refused_or_failed={refused}");
    println!(
        "openInquiry   n={} p50={:.1}ms p99={:.1}ms",
        open_ms.len(),
        pct(&open_ms, 0.5),
        pct(&open_ms, 0.99)
    );
    println!(
        "changeStatus  n={} p50={:.1}ms p99={:.1}ms",
        change_ms.len(),
        pct(&change_ms, 0.5),
        pct(&change_ms, 0.99)
    );
}
