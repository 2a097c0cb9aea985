//! One typed configuration, read from the environment (and CLI flags) and validated at start.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Development serves GraphiQL and seeds demo data on an empty embedded database; production
/// turns GraphiQL and anonymous introspection off and refuses weak secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Development,
    Production,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Database URL: `sqlite://data/ita-crm.db?mode=rwc` (default) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/ita-crm.db?mode=rwc"
    )]
    pub database_url: String,
    /// Optional Redis URL; without it in-process implementations are used (one replica only).
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// HS256 secret for bearer tokens (at least 32 bytes in production).
    #[arg(long, env = "AUTH_JWT_SECRET", default_value = DEV_JWT_SECRET, hide_default_value = true)]
    pub jwt_secret: String,
    /// Expected `iss` claim.
    #[arg(long, env = "AUTH_JWT_ISSUER", default_value = "ita-crm")]
    pub jwt_issuer: String,
    /// Expected `aud` claim.
    #[arg(long, env = "AUTH_JWT_AUDIENCE", default_value = "ita-crm-api")]
    pub jwt_audience: String,
    /// Secret that keys opaque node IDs and signed cursors.
    #[arg(long, env = "NODE_ID_SECRET", default_value = DEV_NODE_ID_SECRET, hide_default_value = true)]
    pub node_id_secret: String,
    /// Run mode.
    #[arg(long, env = "APP_MODE", value_enum, default_value = "development")]
    pub mode: Mode,
    /// Root of the classifier models (holds `triplet/CURRENT`).
    #[arg(long, env = "MODELS_DIR", default_value = "models")]
    pub models_dir: PathBuf,
    /// The classifier corpus retraining replays (`train.jsonl`) and judges on (`dev.jsonl`).
    #[arg(long, env = "CLASSIFIER_DATA_DIR", default_value = "classifier/data")]
    pub classifier_data_dir: PathBuf,
    /// Largest dev top-1 loss (0.01 = one point) a retrained model may have and be promoted.
    #[arg(long, env = "RETRAIN_TOLERANCE", default_value_t = 0.01)]
    pub retrain_tolerance: f64,
    /// Where attachment content is stored (local directory).
    #[arg(long, env = "STORAGE_DIR", default_value = "data/attachments")]
    pub storage_dir: PathBuf,
    /// S3-compatible object storage for attachments instead of `STORAGE_DIR`:
    /// `s3://bucket[/prefix]`, endpoint and credentials from the standard `AWS_*` variables.
    #[arg(long, env = "STORAGE_URL")]
    pub storage_url: Option<String>,
    /// ClamAV daemon, `host:port` or a Unix socket path: with it, every upload that passes the
    /// built-in checks stays pending (documents not yet loaded, R16) until clamd has scanned it.
    #[arg(long, env = "CLAMD_ADDR")]
    pub clamd_addr: Option<String>,
    /// Apply migrations at start (default for the embedded SQLite database).
    #[arg(long, env = "AUTO_MIGRATE")]
    pub auto_migrate: Option<bool>,
    /// Seed the demo data set at start when the database has no customers (development only).
    #[arg(long, env = "AUTO_SEED")]
    pub auto_seed: Option<bool>,
    /// Requests a principal may make per minute (429 with Retry-After beyond it).
    #[arg(long, env = "RATE_LIMIT_PER_MINUTE", default_value_t = 1200)]
    pub rate_limit_per_minute: u32,
    /// Months the audit log is kept before `api purge-audit` may remove rows (at least 24; the
    /// database itself refuses to delete a row younger than 24 months).
    #[arg(long, env = "AUDIT_RETENTION_MONTHS", default_value_t = 84)]
    pub audit_retention_months: u32,
    /// SMTP relay for outbound email, `smtp://host:port` (unset: email stays queued).
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of outbound email.
    #[arg(
        long,
        env = "SMTP_FROM",
        default_value = "ITA CRM <no-reply@taxes.gov.il>"
    )]
    pub smtp_from: String,
    /// Prefix of every Redis key this deployment writes.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "ita-crm")]
    pub redis_key_prefix: String,
    /// Code accepted by the development extra-identification provider (R37). Unset in production:
    /// a real provider must be configured.
    #[arg(long, env = "REAUTH_DEV_CODE", default_value = "123456")]
    pub reauth_dev_code: Option<String>,
    /// Number of demo inquiries created by the automatic seed.
    #[arg(long, env = "SEED_INQUIRIES", default_value_t = 2000)]
    pub seed_inquiries: usize,
}

pub const DEV_JWT_SECRET: &str = "development-only-secret-change-me-0123456789";
pub const DEV_NODE_ID_SECRET: &str = "development-only-node-id-secret-0123456789";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} must be set to a secret of at least 32 bytes in production mode")]
    WeakSecret(&'static str),
    #[error("DATABASE_URL must start with sqlite: or postgres:, got {0:?}")]
    UnsupportedDatabase(String),
    #[error("AUDIT_RETENTION_MONTHS must be at least {MIN_AUDIT_RETENTION_MONTHS}, got {0}")]
    ShortAuditRetention(u32),
}

/// The shortest audit retention accepted (issue 4 §7), also enforced by the database.
pub const MIN_AUDIT_RETENTION_MONTHS: u32 = 24;

impl Config {
    /// Checks the configuration; call once at start.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.is_sqlite() || self.database_url.starts_with("postgres")) {
            return Err(ConfigError::UnsupportedDatabase(self.database_url.clone()));
        }
        if self.audit_retention_months < MIN_AUDIT_RETENTION_MONTHS {
            return Err(ConfigError::ShortAuditRetention(
                self.audit_retention_months,
            ));
        }
        if self.mode == Mode::Production {
            if self.jwt_secret == DEV_JWT_SECRET || self.jwt_secret.len() < 32 {
                return Err(ConfigError::WeakSecret("AUTH_JWT_SECRET"));
            }
            if self.node_id_secret == DEV_NODE_ID_SECRET || self.node_id_secret.len() < 32 {
                return Err(ConfigError::WeakSecret("NODE_ID_SECRET"));
            }
        }
        Ok(())
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    pub fn should_migrate(&self) -> bool {
        self.auto_migrate.unwrap_or(self.is_sqlite())
    }

    pub fn should_seed(&self) -> bool {
        self.auto_seed
            .unwrap_or(self.is_sqlite() && self.mode == Mode::Development)
    }

    /// A configuration for tests and tools, with development defaults.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            redis_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            jwt_secret: DEV_JWT_SECRET.into(),
            jwt_issuer: "ita-crm".into(),
            jwt_audience: "ita-crm-api".into(),
            node_id_secret: DEV_NODE_ID_SECRET.into(),
            mode: Mode::Development,
            models_dir: PathBuf::from("models"),
            storage_dir: std::env::temp_dir().join("ita-crm-test-attachments"),
            storage_url: None,
            classifier_data_dir: PathBuf::from("classifier/data"),
            retrain_tolerance: 0.01,
            clamd_addr: None,
            auto_migrate: Some(true),
            auto_seed: Some(false),
            seed_inquiries: 2000,
            rate_limit_per_minute: 1200,
            audit_retention_months: 84,
            smtp_url: None,
            smtp_from: "ITA CRM <no-reply@taxes.gov.il>".into(),
            reauth_dev_code: Some("123456".into()),
            redis_key_prefix: "ita-crm".into(),
        }
    }
}
