//! Bearer-token authentication: HS256 JWTs with the algorithm pinned and `exp`, `iss` and `aud`
//! checked. Claims carry the principal (`sub`) and its roles.

use std::str::FromStr;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::{Principal, Role, principal::PrincipalKind};
use crate::graphql::errors::ApiError;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub roles: Vec<String>,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
}

#[derive(Clone)]
pub struct Authenticator {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl Authenticator {
    pub fn new(secret: &str, issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            issuer: issuer.into(),
            audience: audience.into(),
        }
    }

    /// Mints a token (CLI `api token`, tests).
    pub fn mint(&self, principal: &Principal, now: i64, ttl_secs: i64) -> Result<String, ApiError> {
        let claims = Claims {
            sub: principal.subject(),
            roles: principal
                .roles
                .iter()
                .map(|r| r.code().to_string())
                .collect(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now + ttl_secs,
            iat: now,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    /// Verifies an `Authorization` header value.
    pub fn verify_header(&self, header: &str) -> Result<Principal, ApiError> {
        let token = header.strip_prefix("Bearer ").ok_or_else(|| {
            ApiError::unauthenticated("the Authorization header must be `Bearer <token>`")
        })?;
        let data = jsonwebtoken::decode::<Claims>(token.trim(), &self.decoding, &self.validation)
            .map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            let why = match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => {
                    "the token was issued for another service"
                }
                ErrorKind::InvalidAlgorithm => "the token's algorithm is not accepted",
                _ => "the token is invalid",
            };
            ApiError::unauthenticated(why)
        })?;
        let kind = Principal::parse_subject(&data.claims.sub)
            .ok_or_else(|| ApiError::unauthenticated("the token's subject is not recognised"))?;
        let roles = data
            .claims
            .roles
            .iter()
            .map(|r| Role::from_str(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::unauthenticated("the token carries an unknown role"))?;
        // Customers and representatives cannot carry staff roles.
        let consistent = match kind {
            PrincipalKind::Staff(_) => roles.iter().all(|r| r.is_staff()),
            PrincipalKind::Customer(_) => roles == [Role::Customer],
            PrincipalKind::Representative(_) => roles == [Role::Representative],
        };
        if !consistent {
            return Err(ApiError::unauthenticated(
                "the token's roles do not match its subject",
            ));
        }
        Ok(Principal { kind, roles })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Authenticator {
        Authenticator::new("0123456789abcdef0123456789abcdef", "ita-crm", "ita-crm-api")
    }

    #[test]
    fn round_trip() {
        let a = auth();
        let p = Principal {
            kind: PrincipalKind::Staff(4),
            roles: vec![Role::Clerk, Role::Coordinator],
        };
        let now = chrono::Utc::now().timestamp();
        let t = a.mint(&p, now, 600).unwrap();
        assert_eq!(a.verify_header(&format!("Bearer {t}")).unwrap(), p);
    }

    #[test]
    fn rejects_expired_foreign_and_forged_tokens() {
        let a = auth();
        let p = Principal {
            kind: PrincipalKind::Customer(1),
            roles: vec![Role::Customer],
        };
        let now = chrono::Utc::now().timestamp();
        let expired = a.mint(&p, now - 7200, 600).unwrap();
        assert!(a.verify_header(&format!("Bearer {expired}")).is_err());
        let other =
            Authenticator::new("another-secret-another-secret-xx", "ita-crm", "ita-crm-api");
        let foreign = other.mint(&p, now, 600).unwrap();
        assert!(a.verify_header(&format!("Bearer {foreign}")).is_err());
        let wrong_aud = Authenticator::new("0123456789abcdef0123456789abcdef", "ita-crm", "other");
        assert!(
            a.verify_header(&format!("Bearer {}", wrong_aud.mint(&p, now, 600).unwrap()))
                .is_err()
        );
        assert!(a.verify_header("Basic abc").is_err());
        let escalated = Principal {
            kind: PrincipalKind::Customer(1),
            roles: vec![Role::Admin],
        };
        let t = a.mint(&escalated, now, 600).unwrap();
        assert!(a.verify_header(&format!("Bearer {t}")).is_err());
    }
}
