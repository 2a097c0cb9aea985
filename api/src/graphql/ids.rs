//! Opaque global IDs and signed cursors.
//!
//! A node ID is deterministic authenticated encryption of (type, key) in the SIV style with
//! HMAC-SHA256 as the PRF: `tag = HMAC(k_tag, payload)[..12]`, `body = payload XOR
//! HMAC(k_stream, tag)`, `id = base64url(tag || body)`. IDs are stable (clients can cache by
//! them), reveal nothing about the key, and a guessed or altered ID fails the tag check before
//! any database access. Cursors are `base64url(json) . base64url(HMAC(k_cursor, json)[..16])`,
//! so a forged cursor is an error, never a scan.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::errors::{ApiError, ErrorCode};

type HmacSha256 = Hmac<Sha256>;

const TAG_LEN: usize = 12;
const MAX_PAYLOAD: usize = 32;

/// Every type that implements `Node`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::FromRepr, strum::AsRefStr)]
#[repr(u8)]
pub enum NodeType {
    Inquiry = 1,
    Customer = 2,
    Representative = 3,
    User = 4,
    Team = 5,
    Office = 6,
    Triplet = 7,
    Topic = 8,
    Correspondence = 9,
    HistoryEntry = 10,
    ResponseTemplate = 11,
    Attachment = 12,
    SavedView = 20,
}

/// The database key of a node: numeric ids for tables, stable codes for reference data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeKey {
    Int(i64),
    Code(String),
}

#[derive(Clone)]
pub struct IdCodec {
    tag_key: Vec<u8>,
    stream_key: Vec<u8>,
    cursor_key: Vec<u8>,
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so new_from_slice cannot fail.
    let mut m = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

impl IdCodec {
    pub fn new(secret: &str) -> Self {
        let s = secret.as_bytes();
        Self {
            tag_key: mac(s, &[b"ita-crm/node-id/tag"]).to_vec(),
            stream_key: mac(s, &[b"ita-crm/node-id/stream"]).to_vec(),
            cursor_key: mac(s, &[b"ita-crm/cursor"]).to_vec(),
        }
    }

    pub fn encode(&self, ty: NodeType, key: &NodeKey) -> String {
        let mut payload = vec![ty as u8];
        match key {
            NodeKey::Int(i) => {
                payload.push(0);
                payload.extend_from_slice(&i.to_be_bytes());
            }
            NodeKey::Code(c) => {
                payload.push(1);
                payload.extend_from_slice(c.as_bytes());
            }
        }
        payload.truncate(MAX_PAYLOAD);
        let tag = &mac(&self.tag_key, &[&payload])[..TAG_LEN];
        let stream = mac(&self.stream_key, &[tag]);
        let mut out = tag.to_vec();
        out.extend(payload.iter().zip(stream.iter()).map(|(p, s)| p ^ s));
        B64.encode(out)
    }

    /// Decodes and authenticates an ID. Any malformed, forged or foreign ID is NOT_FOUND.
    pub fn decode(&self, id: &str) -> Result<(NodeType, NodeKey), ApiError> {
        let bad = || ApiError::new(ErrorCode::NotFound, "no object has this ID");
        if id.len() > 80 {
            return Err(bad());
        }
        let raw = B64.decode(id).map_err(|_| bad())?;
        if raw.len() < TAG_LEN + 2 || raw.len() > TAG_LEN + MAX_PAYLOAD {
            return Err(bad());
        }
        let (tag, body) = raw.split_at(TAG_LEN);
        let stream = mac(&self.stream_key, &[tag]);
        let payload: Vec<u8> = body.iter().zip(stream.iter()).map(|(b, s)| b ^ s).collect();
        let expected = &mac(&self.tag_key, &[&payload])[..TAG_LEN];
        if !constant_time_eq(expected, tag) {
            return Err(bad());
        }
        let ty = NodeType::from_repr(payload[0]).ok_or_else(bad)?;
        let key = match payload[1] {
            0 if payload.len() == 10 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&payload[2..10]);
                NodeKey::Int(i64::from_be_bytes(b))
            }
            1 => NodeKey::Code(String::from_utf8(payload[2..].to_vec()).map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        Ok((ty, key))
    }

    /// Decodes an ID that must be of one type with a numeric key.
    pub fn decode_int(&self, id: &str, ty: NodeType) -> Result<i64, ApiError> {
        match self.decode(id)? {
            (t, NodeKey::Int(k)) if t == ty => Ok(k),
            _ => Err(ApiError::new(
                ErrorCode::NotFound,
                format!("no {} has this ID", ty.as_ref()),
            )),
        }
    }

    pub fn sign_cursor(&self, json: &str) -> String {
        let sig = &mac(&self.cursor_key, &[json.as_bytes()])[..16];
        format!("{}.{}", B64.encode(json), B64.encode(sig))
    }

    /// Verifies a cursor and returns its JSON payload. A forged cursor is a VALIDATION error.
    pub fn verify_cursor(&self, cursor: &str) -> Result<String, ApiError> {
        let bad = || ApiError::validation("invalid cursor: use a cursor returned by this API");
        if cursor.len() > 512 {
            return Err(bad());
        }
        let (body, sig) = cursor.split_once('.').ok_or_else(bad)?;
        let json = B64.decode(body).map_err(|_| bad())?;
        let sig = B64.decode(sig).map_err(|_| bad())?;
        let expected = &mac(&self.cursor_key, &[&json])[..16];
        if !constant_time_eq(expected, &sig) {
            return Err(bad());
        }
        String::from_utf8(json).map_err(|_| bad())
    }
}

/// The global ID of an object, for `id` resolvers (which cannot fail: the codec is schema data).
pub fn node_id(ctx: &async_graphql::Context<'_>, ty: NodeType, key: &NodeKey) -> async_graphql::ID {
    let id = ctx
        .data::<super::context::Shared>()
        .map(|s| s.ids.encode(ty, key))
        .unwrap_or_default();
    async_graphql::ID(id)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_opaque() {
        let c = IdCodec::new("secret");
        let a = c.encode(NodeType::Inquiry, &NodeKey::Int(1));
        let b = c.encode(NodeType::Inquiry, &NodeKey::Int(2));
        assert_ne!(a[..8], b[..8]);
        assert_eq!(c.decode(&a).unwrap(), (NodeType::Inquiry, NodeKey::Int(1)));
        let t = c.encode(
            NodeType::Triplet,
            &NodeKey::Code("IT.REFUND.FORM135".into()),
        );
        assert_eq!(
            c.decode(&t).unwrap().1,
            NodeKey::Code("IT.REFUND.FORM135".into())
        );
        assert_eq!(
            c.encode(NodeType::Inquiry, &NodeKey::Int(1)),
            a,
            "deterministic"
        );
    }

    #[test]
    fn tampered_or_foreign_ids_fail() {
        let c = IdCodec::new("secret");
        let other = IdCodec::new("other");
        let a = c.encode(NodeType::Customer, &NodeKey::Int(7));
        assert!(other.decode(&a).is_err());
        let mut bytes = B64.decode(&a).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(c.decode(&B64.encode(bytes)).is_err());
        for junk in ["", "x", "!!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
            assert!(c.decode(junk).is_err(), "{junk}");
        }
        assert!(c.decode_int(&a, NodeType::Inquiry).is_err(), "wrong type");
    }

    #[test]
    fn cursors_are_signed() {
        let c = IdCodec::new("secret");
        let cur = c.sign_cursor(r#"{"v":1}"#);
        assert_eq!(c.verify_cursor(&cur).unwrap(), r#"{"v":1}"#);
        let forged = format!(
            "{}.{}",
            B64.encode(r#"{"v":2}"#),
            cur.split_once('.').unwrap().1
        );
        assert!(c.verify_cursor(&forged).is_err());
    }
}
