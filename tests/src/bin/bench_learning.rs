//! Proof that the classifier learns from clerks (issue 7, R8), over the real server.
//!
//! ```sh
//! cargo run --release -p tests --bin bench_learning -- [SECONDARY] [SEED]
//! ```
//! 1. Takes one secondary topic (default `RE.PURCHASE`) out of the corpus: its texts are
//!    removed from the training and dev splits the base model and the retraining see (a topic
//!    the data scientists never had texts for; the model knows its triplets' names only).
//! 2. Trains that base model into a temporary models directory (`v1`) and starts the server on
//!    it (a fresh SQLite database, or `TEST_DATABASE_URL`).
//! 3. Replays a stream of clerks' corrections: every held-out text of the training and dev
//!    splits is opened as a phone inquiry on the triplet the base model suggests, and the
//!    handling clerk corrects it with `validateTriplet` (ACCEPTED when the guess was right).
//! 4. Runs `retrainClassifier` as the data scientist and waits for the outcome.
//! 5. Reports top-1 on the held-out topic's test texts (never replayed), on the dev split
//!    without it (what the promotion gate judges) and on the test split without it (used by
//!    nothing, so free of the base's epoch-selection bias on dev), before and after, and the
//!    retraining time.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use classifier::data::{Example, read_jsonl, write_jsonl};
use classifier::eval::{Metrics, evaluate};
use serde_json::{Value, json};
use tests::{TestApp, customer_ids, handling_clerk, open_by_phone, repo_path};

const PHONE_CLERK: &str = "it_ta1.it_coord.1";

fn read(name: &str) -> anyhow::Result<Vec<Example>> {
    Ok(read_jsonl(&repo_path("classifier/data").join(name))?.0)
}

fn eval_version(models: &Path, version: &str, data: &[Example]) -> anyhow::Result<Metrics> {
    let clf = classifier::Classifier::load(&models.join("triplet").join(version))?;
    Ok(evaluate(&clf, data)?)
}

fn gql_ok<'a>(r: &'a Value, field: &str) -> anyhow::Result<&'a Value> {
    match r.get("errors") {
        Some(e) => anyhow::bail!("{field}: {e}"),
        None => Ok(&r["data"][field]),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let secondary = args.next().unwrap_or_else(|| "RE.PURCHASE".into());
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(42);
    let in_slice = |e: &Example| e.label.starts_with(&format!("{secondary}."));
    let (train, dev, test) = (
        read("train.jsonl")?,
        read("dev.jsonl")?,
        read("test.jsonl")?,
    );
    let labels: Vec<String> = train
        .iter()
        .map(|e| e.label.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let split = |d: &[Example]| -> (Vec<Example>, Vec<Example>) {
        d.iter().cloned().partition(|e| !in_slice(e))
    };
    let (train_rest, train_slice) = split(&train);
    let (dev_rest, dev_slice) = split(&dev);
    let (test_rest, test_slice) = split(&test);
    anyhow::ensure!(
        !train_slice.is_empty() && !test_slice.is_empty(),
        "no texts of {secondary}"
    );

    let work = std::env::temp_dir().join(format!("bench-learning-{}", std::process::id()));
    let (data, models) = (work.join("data"), work.join("models"));
    std::fs::create_dir_all(&data)?;
    write_jsonl(&data.join("train.jsonl"), &train_rest)?;
    write_jsonl(&data.join("dev.jsonl"), &dev_rest)?;
    let cfg = classifier::train::TrainConfig {
        seed,
        ..Default::default()
    };
    let t = Instant::now();
    classifier::package::train_version(&data, &models.join("triplet/v1"), cfg, &labels, false)?;
    std::fs::write(models.join("triplet/CURRENT"), "v1\n")?;
    eprintln!(
        "base model without {secondary}: trained in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let slice_before = eval_version(&models, "v1", &test_slice)?;
    let dev_before = eval_version(&models, "v1", &dev_rest)?;
    let dev_full_before = eval_version(&models, "v1", &dev)?;
    let test_before = eval_version(&models, "v1", &test_rest)?;

    let (m, d) = (models.clone(), data.clone());
    let app = TestApp::spawn_with(move |c| {
        c.models_dir = m;
        c.classifier_data_dir = d;
        // The test clock stands still, so the limiter's minute never turns: the hundreds of
        // corrections and status polls of one run would otherwise run into it.
        c.rate_limit_per_minute = u32::MAX;
    })
    .await;
    let base = classifier::Classifier::load(&models.join("triplet/v1"))?;
    let phone = app.token_for_user(PHONE_CLERK).await;
    let customers = customer_ids(&app, &phone).await;
    let mut next = 0;
    let stream: Vec<&Example> = train_slice.iter().chain(dev_slice.iter()).collect();
    let validate = "mutation($i: ValidateTripletInput!){ validateTriplet(input:$i){ validation { verdict } } }";
    let t = Instant::now();
    let mut corrected = 0;
    for e in &stream {
        let guess = base.predict(&e.text, 1)?.candidates[0].code.clone();
        let inq = open_by_phone(&app, &phone, &customers, &mut next, &guess, &e.text).await;
        let clerk = handling_clerk(&app, &inq).await;
        let input = if guess == e.label {
            json!({"inquiryId": inq["id"], "verdict": "ACCEPTED"})
        } else {
            corrected += 1;
            json!({"inquiryId": inq["id"], "verdict": "CORRECTED", "tripletCode": e.label})
        };
        gql_ok(
            &app.gql(&clerk, validate, json!({"i": input})).await,
            "validateTriplet",
        )?;
    }
    eprintln!(
        "{} verdicts ({corrected} corrections) through validateTriplet in {:.1} s",
        stream.len(),
        t.elapsed().as_secs_f64()
    );

    let ds = app.token("DATA_SCIENTIST").await;
    let t = Instant::now();
    let r = app
        .gql(
            &ds,
            "mutation{ retrainClassifier(input:{}){ model { version status } } }",
            json!({}),
        )
        .await;
    let version = gql_ok(&r, "retrainClassifier")?["model"]["version"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let row = loop {
        let r = app
            .gql(
                &ds,
                "{ classifierModels { version status trainingSeconds gateReasons } }",
                json!({}),
            )
            .await;
        let rows = gql_ok(&r, "classifierModels")?.as_array().cloned();
        let row = rows
            .unwrap_or_default()
            .into_iter()
            .find(|m| m["version"] == version.as_str());
        match row {
            Some(row) if row["status"] != "TRAINING" => break row,
            _ if t.elapsed() > Duration::from_secs(600) => anyhow::bail!("retraining timed out"),
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let wall = t.elapsed().as_secs_f64();
    let served = app
        .gql(
            &ds,
            "{ suggestTriplets(text: \"שאלה על מס רכישה\") { modelVersion } }",
            json!({}),
        )
        .await["data"]["suggestTriplets"]["modelVersion"]
        .clone();
    let slice_after = eval_version(&models, &version, &test_slice)?;
    let dev_after = eval_version(&models, &version, &dev_rest)?;
    let dev_full_after = eval_version(&models, &version, &dev)?;
    let test_after = eval_version(&models, &version, &test_rest)?;
    let report = json!({
        "secondary": secondary,
        "verdicts": stream.len(),
        "corrections": corrected,
        "new_version": version,
        "status": row["status"],
        "served_after": served,
        "gate": row["gateReasons"],
        "slice_test_n": test_slice.len(),
        "slice_top1_before": slice_before.top1,
        "slice_top1_after": slice_after.top1,
        "slice_gain_points": (slice_after.top1 - slice_before.top1) * 100.0,
        "dev_without_slice_top1_before": dev_before.top1,
        "dev_without_slice_top1_after": dev_after.top1,
        "dev_change_points": (dev_after.top1 - dev_before.top1) * 100.0,
        "dev_full_top1_before": dev_full_before.top1,
        "dev_full_top1_after": dev_full_after.top1,
        "test_without_slice_top1_before": test_before.top1,
        "test_without_slice_top1_after": test_after.top1,
        "retrain_seconds": row["trainingSeconds"],
        "retrain_wall_seconds": wall,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
