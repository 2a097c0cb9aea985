//! ITA CRM API: builds the application (`build_app`) used by `main` and by the end-to-end tests.
//!
//! Layers: `domain` (pure rules) ← `service` (use cases) ← `graphql` (thin resolvers) and
//! `http` (transport); `store` is the only SQL; `infra` holds the clock and shared-state backends.

pub mod auth;
pub mod config;
pub mod domain;
pub mod graphql;
pub mod http;
pub mod infra;
pub mod service;
pub mod store;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;
use migration::MigratorTrait;

use crate::config::Config;
use crate::graphql::context::Shared;
use crate::infra::clock::{Clock, SystemClock};
use crate::store::reference::Reference;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub schema: graphql::schema::ApiSchema,
    pub auth: auth::Authenticator,
    pub db: store::Db,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    /// Per-principal rate limits (Redis when configured, in-process otherwise).
    pub rate_limiter: Arc<dyn infra::ratelimit::RateLimiter>,
    /// Job lock shared by replicas (scheduler passes).
    pub job_lock: Arc<dyn infra::locks::JobLock>,
    /// The use cases (also driven by the scheduler).
    pub services: Arc<service::inquiries::Services>,
    /// SQL statements executed since start (tests assert on it; cheap enough to keep always).
    pub statements: Arc<AtomicU64>,
    /// The email/SMS outbox dispatcher (driven by the scheduler; tests call it directly).
    pub outbox: Arc<infra::outbox::Dispatcher>,
}

/// The built application: its router and its state.
pub struct App {
    pub router: axum::Router,
    pub state: AppState,
}

/// Connects, migrates and seeds as configured, loads the reference snapshot and builds the router.
pub async fn build_app(config: Config) -> anyhow::Result<App> {
    build_app_with_clock(config, Arc::new(SystemClock)).await
}

pub async fn build_app_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    config.validate()?;
    infra::storage::install_tls_provider();
    let mut db = store::connect(&config.database_url)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at {}",
                redact(&config.database_url)
            )
        })?;
    if config.should_migrate() {
        migration::Migrator::up(&db, None)
            .await
            .context("migrations failed")?;
    }
    let reference = Arc::new(
        Reference::load(&db)
            .await
            .context("cannot load reference data; run `api migrate`")?,
    );
    if config.should_seed() {
        seed_if_empty(&db, &reference, &config, clock.as_ref()).await?;
    }
    let statements = Arc::new(AtomicU64::new(0));
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let Backends {
        rate_limiter,
        job_lock,
        reauth,
        events,
    } = backends(&config).await?;
    let services = Arc::new(service::inquiries::Services {
        db: db.clone(),
        reference: reference.clone(),
        clock: clock.clone(),
        events,
        settings: service::inquiries::Settings {
            reauth_dev_code: if config.mode == config::Mode::Development {
                config.reauth_dev_code.clone()
            } else {
                None
            },
            models_dir: config.models_dir.clone(),
            classifier_data_dir: config.classifier_data_dir.clone(),
            retrain_tolerance: config.retrain_tolerance,
            ..Default::default()
        },
        reauth,
        registry: Arc::new(infra::registry::FixtureRegistry),
        blobs: Arc::new(
            match &config.storage_url {
                Some(url) => infra::storage::ObjectBlobs::s3(url),
                None => infra::storage::ObjectBlobs::local(&config.storage_dir),
            }
            .map_err(anyhow::Error::msg)?,
        ),
        scanner: config.clamd_addr.as_ref().map(|addr| {
            Arc::new(infra::scanner::Clamd::new(addr)) as Arc<dyn infra::scanner::VirusScanner>
        }),
        sla: Default::default(),
        suggestions: Arc::new(infra::classifier::SuggestionEngine::load(
            &config.models_dir,
        )),
    });
    // Rows without stored SLA figures (demo data, `api seed-demo`, imports) get them like rows
    // changed through the API (R28). The demo is consistent from the first answer; elsewhere the
    // backfill runs in the background (a no-op query once every row has them).
    let backfill = {
        let services = services.clone();
        async move {
            match services.backfill_sla().await {
                Ok(n) if n > 0 => tracing::info!(rows = n, "SLA figures stored"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e.message, "SLA backfill failed"),
            }
        }
    };
    if config.should_seed() {
        backfill.await;
    } else {
        tokio::spawn(backfill);
    }
    let shared = Shared {
        db: db.clone(),
        reference,
        ids: graphql::ids::IdCodec::new(&config.node_id_secret),
        services: services.clone(),
        job_lock: job_lock.clone(),
    };
    // R8: the registry says which classifier version serves; this replica follows it.
    if let Err(e) = service::learning::bootstrap(&services).await {
        tracing::error!(error = %e.message, "classifier registry not read; the bundled model serves");
    }
    service::learning::spawn_reloader(services.clone());
    let mailer: Option<Arc<dyn infra::outbox::Mailer>> = match &config.smtp_url {
        Some(url) => Some(Arc::new(
            infra::outbox::SmtpMailer::new(url, &config.smtp_from).map_err(anyhow::Error::msg)?,
        )),
        None => None,
    };
    let outbox = Arc::new(infra::outbox::Dispatcher {
        db: db.clone(),
        mailer,
        sms: Arc::new(infra::outbox::LogSms),
    });
    let state = AppState {
        outbox,
        services,
        job_lock,
        rate_limiter,
        schema: graphql::schema::build(Some(shared)),
        auth: auth::Authenticator::new(
            &config.jwt_secret,
            &config.jwt_issuer,
            &config.jwt_audience,
        ),
        db,
        config: Arc::new(config),
        clock,
        statements,
    };
    Ok(App {
        router: http::router(state.clone()),
        state,
    })
}

/// What replicas share: Redis-backed when `REDIS_URL` is set, in-process twins otherwise.
struct Backends {
    rate_limiter: Arc<dyn infra::ratelimit::RateLimiter>,
    job_lock: Arc<dyn infra::locks::JobLock>,
    reauth: Arc<dyn infra::reauth::ReauthStore>,
    events: infra::events::EventBus,
}

async fn backends(config: &Config) -> anyhow::Result<Backends> {
    Ok(match &config.redis_url {
        Some(url) => {
            let client = redis::Client::open(url.as_str())
                .with_context(|| format!("bad REDIS_URL {}", redact(url)))?;
            let conn = redis::aio::ConnectionManager::new(client.clone())
                .await
                .with_context(|| format!("cannot connect to Redis at {}", redact(url)))?;
            let prefix = &config.redis_key_prefix;
            Backends {
                rate_limiter: Arc::new(infra::ratelimit::RedisRateLimiter::new(
                    conn.clone(),
                    prefix,
                    config.rate_limit_per_minute,
                )),
                job_lock: Arc::new(infra::locks::RedisJobLock::new(conn.clone(), prefix)),
                reauth: Arc::new(infra::reauth::RedisReauth::new(conn.clone(), prefix)),
                events: infra::events::EventBus::with_redis(client, conn, prefix)
                    .await
                    .with_context(|| format!("cannot subscribe to Redis at {}", redact(url)))?,
            }
        }
        None => Backends {
            rate_limiter: Arc::new(infra::ratelimit::LocalRateLimiter::new(
                config.rate_limit_per_minute,
            )),
            job_lock: Arc::new(infra::locks::LocalJobLock::default()),
            reauth: Arc::new(infra::reauth::LocalReauth::default()),
            events: infra::events::EventBus::new(),
        },
    })
}

async fn seed_if_empty(
    db: &store::Db,
    reference: &Arc<Reference>,
    config: &Config,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    if store::people::first_customer(db).await?.is_some() {
        return Ok(());
    }
    tracing::info!(
        inquiries = config.seed_inquiries,
        "empty database: seeding the demo data set"
    );
    let opts = migration::seed::SeedOptions {
        inquiries: config.seed_inquiries,
        seed: 42,
        now: clock.now(),
    };
    let report = migration::seed::run(
        db,
        &opts,
        &service::seed::DomainSeedHooks(reference.clone()),
    )
    .await?;
    tracing::info!(?report, "demo data seeded");
    Ok(())
}

/// Hides credentials in a database URL for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}
