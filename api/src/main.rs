//! `api`: the ITA CRM server and its tools. Only reads configuration and dispatches.

use std::sync::Arc;

use anyhow::Context as _;
use api::config::Config;
use api::infra::clock::{Clock, SystemClock};
use api::store;
use clap::{Parser, Subcommand};
use migration::MigratorTrait;

#[derive(Parser)]
#[command(
    name = "api",
    about = "ITA customer-inquiry CRM: GraphQL API server and tools"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
    /// Print the GraphQL SDL the server serves.
    Schema,
    /// Apply pending migrations (including reference data) and exit.
    Migrate,
    /// Create the demo data set on an empty, migrated database.
    SeedDemo {
        /// Number of inquiries (customers scale with it: max(200, N/10)).
        #[arg(long, default_value_t = 2000)]
        inquiries: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Remove audit rows older than AUDIT_RETENTION_MONTHS (at least 24); audited.
    PurgeAudit,
    /// Write clerks' current triplet validations as JSONL for retraining (R8), personal data
    /// redacted from the texts: `{"text", "label", "verdict", "customer_label", ...}` per line.
    ExportFeedback {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Mint a bearer token for a demo principal (development, tests and scripts).
    Token {
        /// Staff login, a customer's national ID, or a representative's smart-card id.
        #[arg(long, conflicts_with = "role")]
        user: Option<String>,
        /// The first demo principal holding this role (e.g. CLERK, CUSTOMER, REPRESENTATIVE).
        #[arg(long)]
        role: Option<String>,
        /// Lifetime in hours.
        #[arg(long, default_value_t = 12)]
        ttl_hours: i64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Schema => {
            print!("{}", api::graphql::schema::sdl());
            Ok(())
        }
        Command::Migrate => {
            let db = store::connect(&config.database_url).await?;
            migration::Migrator::up(&db, None).await?;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::PurgeAudit => {
            config.validate()?;
            let db = store::connect(&config.database_url).await?;
            let n = api::service::retention::purge_audit(
                &db,
                SystemClock.now(),
                config.audit_retention_months,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
            eprintln!(
                "purged {n} audit rows older than {} months",
                config.audit_retention_months
            );
            Ok(())
        }
        Command::ExportFeedback { out } => {
            let db = store::connect(&config.database_url).await?;
            let n = api::service::learning::export_feedback(&db, &out)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            eprintln!("{n} feedback examples written to {}", out.display());
            Ok(())
        }
        Command::SeedDemo { inquiries, seed } => {
            let db = store::connect(&config.database_url).await?;
            if config.should_migrate() {
                migration::Migrator::up(&db, None).await?;
            }
            let reference = Arc::new(store::reference::Reference::load(&db).await?);
            let started = std::time::Instant::now();
            let opts = migration::seed::SeedOptions {
                inquiries,
                seed,
                now: SystemClock.now(),
            };
            let report =
                migration::seed::run(&db, &opts, &api::service::seed::DomainSeedHooks(reference))
                    .await?;
            eprintln!(
                "seeded {report:?} in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Token {
            user,
            role,
            ttl_hours,
        } => {
            let db = store::connect(&config.database_url).await?;
            let principal =
                api::service::principals::find(&db, user.as_deref(), role.as_deref()).await?;
            let auth = api::auth::Authenticator::new(
                &config.jwt_secret,
                &config.jwt_issuer,
                &config.jwt_audience,
            );
            let token = auth
                .mint(&principal, SystemClock.now().timestamp(), ttl_hours * 3600)
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!("{token}");
            Ok(())
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let bind = config.bind;
    let started = std::time::Instant::now();
    let app = api::build_app(config).await?;
    let _scheduler =
        api::infra::scheduler::spawn(app.state.services.clone(), app.state.job_lock.clone());
    let _outbox =
        api::infra::scheduler::spawn_outbox(app.state.outbox.clone(), app.state.clock.clone());
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(%bind, ready_ms = started.elapsed().as_millis() as u64, "serving GraphQL at http://{bind}/graphql");
    axum::serve(listener, app.router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shut down");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
