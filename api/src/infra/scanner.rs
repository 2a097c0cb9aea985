//! Virus scanning by a ClamAV daemon (clamd, Debian package `clamav-daemon`) over its documented
//! `INSTREAM` protocol: the content is sent in length-prefixed chunks and clamd answers
//! `stream: OK` or `stream: <signature> FOUND`. TCP (`host:port`) or a Unix socket (a path).

use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What a scanner found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanOutcome {
    Clean,
    Infected { signature: String },
}

/// A scanner that could not give an answer (down, timeout, size limit): the file stays pending
/// and is scanned again later; it is never let through unscanned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("virus scanner unavailable: {0}")]
pub struct ScanError(pub String);

pub trait VirusScanner: Send + Sync {
    fn scan<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, Result<ScanOutcome, ScanError>>;
}

pub struct Clamd {
    addr: String,
    timeout: Duration,
}

const CHUNK: usize = 64 * 1024;

impl Clamd {
    pub fn new(addr: impl Into<String>) -> Self {
        Self {
            addr: addr.into(),
            timeout: Duration::from_secs(60),
        }
    }

    async fn scan_inner(&self, bytes: &[u8]) -> Result<ScanOutcome, ScanError> {
        let err = |e: std::io::Error| ScanError(format!("{}: {e}", self.addr));
        if self.addr.starts_with('/') {
            #[cfg(unix)]
            {
                let s = tokio::net::UnixStream::connect(&self.addr)
                    .await
                    .map_err(err)?;
                return instream(s, bytes).await.map_err(err)?;
            }
            #[cfg(not(unix))]
            return Err(ScanError("Unix sockets are not supported here".into()));
        }
        let s = tokio::net::TcpStream::connect(&self.addr)
            .await
            .map_err(err)?;
        instream(s, bytes).await.map_err(err)?
    }
}

impl VirusScanner for Clamd {
    fn scan<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, Result<ScanOutcome, ScanError>> {
        Box::pin(async move {
            tokio::time::timeout(self.timeout, self.scan_inner(bytes))
                .await
                .map_err(|_| ScanError(format!("{}: timed out", self.addr)))?
        })
    }
}

async fn instream<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    bytes: &[u8],
) -> std::io::Result<Result<ScanOutcome, ScanError>> {
    s.write_all(b"zINSTREAM\0").await?;
    for chunk in bytes.chunks(CHUNK) {
        s.write_all(&(chunk.len() as u32).to_be_bytes()).await?;
        s.write_all(chunk).await?;
    }
    s.write_all(&0u32.to_be_bytes()).await?;
    s.flush().await?;
    let mut reply = Vec::new();
    // clamd answers one NUL-terminated line and closes; cap what we read.
    (&mut s).take(4096).read_to_end(&mut reply).await?;
    Ok(parse_reply(&reply))
}

/// `stream: OK`, `stream: Eicar-Signature FOUND`, or an error line such as
/// `INSTREAM size limit exceeded. ERROR`.
pub fn parse_reply(reply: &[u8]) -> Result<ScanOutcome, ScanError> {
    let text = String::from_utf8_lossy(reply);
    let line = text.trim_end_matches(['\0', '\n', '\r']).trim();
    let body = line.strip_prefix("stream:").map(str::trim);
    match body {
        Some("OK") => Ok(ScanOutcome::Clean),
        Some(b) if b.ends_with(" FOUND") => Ok(ScanOutcome::Infected {
            signature: b.trim_end_matches(" FOUND").trim().to_string(),
        }),
        _ => Err(ScanError(format!("clamd answered {line:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_parsed_and_anything_else_is_an_error() {
        assert_eq!(parse_reply(b"stream: OK\0"), Ok(ScanOutcome::Clean));
        assert_eq!(
            parse_reply(b"stream: Eicar-Test-Signature FOUND\0"),
            Ok(ScanOutcome::Infected {
                signature: "Eicar-Test-Signature".into()
            })
        );
        assert!(parse_reply(b"INSTREAM size limit exceeded. ERROR\0").is_err());
        assert!(parse_reply(b"").is_err());
        assert!(parse_reply(b"stream: maybe\0").is_err());
    }

    #[tokio::test]
    async fn an_unreachable_daemon_is_an_error_not_a_clean_file() {
        // Port 9 (discard) on loopback is closed here; the scan must not pass the file.
        let r = Clamd::new("127.0.0.1:9").scan(b"hello").await;
        assert!(r.is_err());
    }

    #[tokio::test]
    async fn a_real_clamd_when_configured() {
        // Runs against the daemon `.ci/run` starts (TEST_CLAMD_ADDR); the suite in
        // tests/tests/e2e/attachments.rs covers the whole upload path with it.
        let Ok(addr) = std::env::var("TEST_CLAMD_ADDR") else {
            return;
        };
        let c = Clamd::new(addr);
        assert_eq!(c.scan(b"%PDF-1.4 plain").await.unwrap(), ScanOutcome::Clean);
        let big = vec![b'a'; 3 * CHUNK + 17];
        assert_eq!(c.scan(&big).await.unwrap(), ScanOutcome::Clean);
        let eicar = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
        assert!(matches!(
            c.scan(eicar).await.unwrap(),
            ScanOutcome::Infected { .. }
        ));
    }
}
