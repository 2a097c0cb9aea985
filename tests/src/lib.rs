//! End-to-end test support: `TestApp::spawn()` starts the real server (the same `build_app` as
//! `main`) on a free port over a fresh database — a new SQLite file by default, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` points at a server — with a small demo data set,
//! and gives role clients that talk HTTP to it.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;
use api::config::Config;
use api::domain::Principal;
use serde_json::{Value, json};

static SEQ: AtomicU64 = AtomicU64::new(0);

/// Demo inquiries seeded into each test database.
pub const TEST_INQUIRIES: usize = 400;

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub state: api::AppState,
    pub http: reqwest::Client,
    pub database_url: String,
    /// The server's clock: tests move time instead of waiting.
    pub clock: std::sync::Arc<api::infra::clock::ManualClock>,
}

impl TestApp {
    /// Spawns the server with the default small demo data set.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns the server after letting the test adjust the configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        match Self::try_spawn(adjust).await {
            Ok(app) => app,
            Err(e) => panic!("cannot start the test server: {e:#}"),
        }
    }

    /// Spawns the server on an existing database (benchmarks keep a large data set between
    /// runs); it migrates, and seeds only an empty database.
    pub async fn spawn_on(database_url: &str, adjust: impl FnOnce(&mut Config)) -> TestApp {
        match Self::try_spawn_on(database_url.to_owned(), adjust).await {
            Ok(app) => app,
            Err(e) => panic!("cannot start the server on {database_url}: {e:#}"),
        }
    }

    async fn try_spawn(adjust: impl FnOnce(&mut Config)) -> anyhow::Result<TestApp> {
        Self::try_spawn_on(fresh_database().await?, adjust).await
    }

    async fn try_spawn_on(
        database_url: String,
        adjust: impl FnOnce(&mut Config),
    ) -> anyhow::Result<TestApp> {
        let mut config = Config::for_database(database_url.clone());
        config.auto_seed = Some(true);
        config.seed_inquiries = TEST_INQUIRIES;
        config.models_dir =
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"));
        config.classifier_data_dir =
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../classifier/data"));
        config.redis_url = std::env::var("REDIS_URL").ok();
        // Tests share one Redis: each app writes under its own prefix.
        config.redis_key_prefix = format!(
            "ita-crm-test-{}",
            database_url.rsplit(['/', '_']).next().unwrap_or("x")
        );
        adjust(&mut config);
        let clock = std::sync::Arc::new(api::infra::clock::ManualClock::new(chrono::Utc::now()));
        let app = api::build_app_with_clock(config, clock.clone()).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let router = app.router;
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(TestApp {
            addr,
            state: app.state,
            http: reqwest::Client::new(),
            database_url,
            clock,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A bearer token for a demo login (staff login, national ID or smart-card id).
    pub async fn token_for_user(&self, login: &str) -> String {
        let p = api::service::principals::find(&self.state.db, Some(login), None).await;
        self.mint(p)
    }

    /// A bearer token for the first demo principal holding `role` (e.g. "CLERK", "CUSTOMER").
    pub async fn token(&self, role: &str) -> String {
        let p = api::service::principals::find(&self.state.db, None, Some(role)).await;
        self.mint(p)
    }

    fn mint(&self, p: anyhow::Result<Principal>) -> String {
        let p = match p {
            Ok(p) => p,
            Err(e) => panic!("no such demo principal: {e:#}"),
        };
        match self
            .state
            .auth
            .mint(&p, chrono::Utc::now().timestamp(), 3600)
        {
            Ok(t) => t,
            Err(e) => panic!("cannot mint a token: {}", e.message),
        }
    }

    /// POSTs a GraphQL request and returns (HTTP status, JSON body).
    pub async fn post(&self, token: Option<&str>, body: Value) -> (u16, Value) {
        let mut req = self.http.post(self.url("/graphql")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("request failed: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Runs a query with variables as `token`; returns the whole JSON response.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        self.post(
            Some(token),
            json!({ "query": query, "variables": variables }),
        )
        .await
        .1
    }

    /// Sends the requests at once and returns each one's first error code (None = success).
    pub async fn parallel(&self, requests: Vec<(String, Value)>) -> Vec<Option<String>> {
        let handles: Vec<_> = requests
            .into_iter()
            .map(|(token, body)| {
                let (http, url) = (self.http.clone(), self.url("/graphql"));
                tokio::spawn(async move {
                    let r: Value = match http.post(url).bearer_auth(token).json(&body).send().await
                    {
                        Ok(resp) => resp.json().await.unwrap_or(Value::Null),
                        Err(e) => panic!("request failed: {e}"),
                    };
                    error_code(&r).map(str::to_string)
                })
            })
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap_or_else(|e| panic!("{e}")));
        }
        out
    }

    /// SQL statements executed by the server so far.
    pub fn statements(&self) -> u64 {
        self.state.statements.load(Ordering::SeqCst)
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(resp: &Value) -> Option<&str> {
    resp.get("errors")?
        .get(0)?
        .get("extensions")?
        .get("code")?
        .as_str()
}

/// A fresh, empty database URL: a new SQLite file, or a new database on the PostgreSQL server
/// named by `TEST_DATABASE_URL`.
pub async fn fresh_database() -> anyhow::Result<String> {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let tag = format!("{}_{}_{}", std::process::id(), n, rand::random::<u32>());
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(url.clone())
                .await
                .context("cannot reach TEST_DATABASE_URL")?;
            let name = format!("ita_test_{tag}");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.close().await?;
            let (base, _) = url
                .rsplit_once('/')
                .context("TEST_DATABASE_URL needs a database path")?;
            Ok(format!("{base}/{name}"))
        }
        _ => {
            let dir = std::env::temp_dir().join("ita-crm-tests");
            std::fs::create_dir_all(&dir)?;
            Ok(format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("t_{tag}.db")).display()
            ))
        }
    }
}

impl TestApp {
    /// Sends a GraphQL multipart request (the upload spec) with one file bound to `variables.input.file`.
    pub async fn upload(
        &self,
        token: &str,
        query: &str,
        input: Value,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> (u16, Value) {
        let boundary = "----ita-crm-test-boundary-7d9f";
        let mut input = input;
        input["file"] = Value::Null;
        let operations = json!({ "query": query, "variables": { "input": input } });
        let map = json!({ "0": ["variables.input.file"] });
        let mut body = Vec::new();
        for (name, value) in [
            ("operations", operations.to_string()),
            ("map", map.to_string()),
        ] {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let resp = self
            .http
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload failed: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

pub mod smtp;

/// A graphql-transport-ws client for subscription tests.
pub mod ws {
    use futures_util::{SinkExt, StreamExt};
    use serde_json::{Value, json};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

    pub struct Subscription {
        stream: tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    }

    impl Subscription {
        /// Connects, authenticates in `connection_init`, and subscribes.
        pub async fn start(
            addr: std::net::SocketAddr,
            token: &str,
            query: &str,
            variables: Value,
        ) -> Result<Self, String> {
            let mut req = format!("ws://{addr}/graphql/ws")
                .into_client_request()
                .map_err(|e| e.to_string())?;
            req.headers_mut().insert(
                "Sec-WebSocket-Protocol",
                HeaderValue::from_static("graphql-transport-ws"),
            );
            let (mut stream, _) = tokio_tungstenite::connect_async(req)
                .await
                .map_err(|e| e.to_string())?;
            let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}});
            stream
                .send(Message::text(init.to_string()))
                .await
                .map_err(|e| e.to_string())?;
            let mut sub = Self { stream };
            let ack = sub.next_json().await?;
            if ack["type"] != "connection_ack" {
                return Err(format!("no ack: {ack}"));
            }
            let msg = json!({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}});
            sub.stream
                .send(Message::text(msg.to_string()))
                .await
                .map_err(|e| e.to_string())?;
            Ok(sub)
        }

        /// The next JSON message (pings skipped), within 10 s.
        pub async fn next_json(&mut self) -> Result<Value, String> {
            loop {
                let msg =
                    tokio::time::timeout(std::time::Duration::from_secs(10), self.stream.next())
                        .await
                        .map_err(|_| "timed out waiting for a message".to_string())?
                        .ok_or("connection closed")?
                        .map_err(|e| e.to_string())?;
                if let Message::Text(t) = msg {
                    let v: Value = serde_json::from_str(t.as_str()).map_err(|e| e.to_string())?;
                    if v["type"] == "ping" || v["type"] == "pong" {
                        continue;
                    }
                    return Ok(v);
                }
            }
        }
    }
}

impl TestApp {
    /// A second replica on the same database (and, with REDIS_URL, the same Redis).
    pub async fn spawn_replica(&self) -> TestApp {
        self.spawn_replica_with(|_| {}).await
    }

    /// A replica whose configuration differs (another scanner or store, say).
    pub async fn spawn_replica_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let url = self.database_url.clone();
        let prefix = self.state.config.redis_key_prefix.clone();
        let clock = std::sync::Arc::new(api::infra::clock::ManualClock::new(chrono::Utc::now()));
        let mut config = self.state.config.as_ref().clone();
        config.auto_seed = Some(false);
        config.redis_key_prefix = prefix;
        config.database_url = url.clone();
        adjust(&mut config);
        let app = match api::build_app_with_clock(config, clock.clone()).await {
            Ok(a) => a,
            Err(e) => panic!("replica: {e:#}"),
        };
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(l) => l,
            Err(e) => panic!("replica bind: {e}"),
        };
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let router = app.router;
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        TestApp {
            addr,
            state: app.state,
            http: reqwest::Client::new(),
            database_url: url,
            clock,
        }
    }
}

/// A path inside the repository.
pub fn repo_path(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

/// A fresh, writable models directory holding the bundled version only (`triplet/CURRENT` and
/// the version it names): the learning loop writes versions there, never into the repository.
pub fn models_copy() -> std::path::PathBuf {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "ita-crm-models-{}-{n}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    let triplet = repo_path("models/triplet");
    let copy = || -> std::io::Result<()> {
        let current = std::fs::read_to_string(triplet.join("CURRENT"))?;
        let version = current.trim();
        copy_dir(&triplet.join(version), &dir.join("triplet").join(version))?;
        std::fs::copy(triplet.join("CURRENT"), dir.join("triplet/CURRENT"))?;
        Ok(())
    };
    copy().unwrap_or_else(|e| panic!("copying the bundled model: {e}"));
    dir
}

/// Copies a directory tree.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

/// Global ids of up to 100 demo customers (individuals), as a staff member sees them.
pub async fn customer_ids(app: &TestApp, staff: &str) -> Vec<String> {
    let r = app
        .gql(
            staff,
            "{ customers(first: 100) { nodes { id isCompany } } }",
            json!({}),
        )
        .await;
    let nodes = r["data"]["customers"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("customers: {r}"));
    nodes
        .iter()
        .filter(|n| n["isCompany"] == false)
        .filter_map(|n| n["id"].as_str().map(str::to_string))
        .collect()
}

const OPEN_BY_PHONE: &str = r#"mutation($input: OpenInquiryInput!) { openInquiry(input: $input) {
  inquiry { id team { code office { code } } } } }"#;

/// A clerk opens a phone inquiry with `body` on `triplet` for a demo customer, taking the
/// customers in turn from `*next` (round robin) and passing over those at the open-inquiry
/// limit (R39). Returns the inquiry (`id`, `team { code office { code } }`).
pub async fn open_by_phone(
    app: &TestApp,
    clerk: &str,
    customers: &[String],
    next: &mut usize,
    triplet: &str,
    body: &str,
) -> Value {
    for _ in 0..customers.len() {
        let cid = &customers[*next % customers.len()];
        *next += 1;
        let r = app
            .gql(
                clerk,
                OPEN_BY_PHONE,
                json!({"input": {"customerId": cid, "channel": "PHONE", "tripletCode": triplet, "taxYear": 2025, "body": body}}),
            )
            .await;
        match error_code(&r) {
            None => return r["data"]["openInquiry"]["inquiry"].clone(),
            Some("OPEN_INQUIRY_LIMIT") => continue,
            Some(_) => panic!("openInquiry: {r}"),
        }
    }
    panic!("every demo customer is at the open-inquiry limit on {triplet}")
}

/// A token of the first clerk of the team an inquiry was routed to.
pub async fn handling_clerk(app: &TestApp, inquiry: &Value) -> String {
    let office = inquiry["team"]["office"]["code"].as_str().unwrap_or("");
    let team = inquiry["team"]["code"].as_str().unwrap_or("");
    app.token_for_user(&format!(
        "{}.{}.1",
        office.to_lowercase(),
        team.to_lowercase()
    ))
    .await
}
