//! HTTP transport: POST /graphql (GraphQL over HTTP), GET /graphql (GraphiQL in development),
//! GET /healthz. Authentication happens here; everything else is the schema's.

use std::sync::atomic::{AtomicU64, Ordering};

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::GraphQLRequest;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::config::Mode;
use crate::graphql::context::RequestCtx;
use crate::graphql::errors::{ApiError, ErrorCode, ensure_codes};
use crate::graphql::loaders::Loaders;

/// Longest a query may run.
pub const EXECUTION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Most aliases one document may use (alias amplification).
pub const MAX_ALIASES: usize = 15;

/// Counts aliases in the document, a fragment's once per use; too many is QUERY_TOO_COMPLEX. A
/// document that does not parse is left to the schema, which answers GRAPHQL_PARSE_FAILED.
fn check_aliases(query: &str) -> Result<(), ApiError> {
    // Every alias needs a colon: a document with few colons needs no parse.
    if query.bytes().filter(|b| *b == b':').count() <= MAX_ALIASES {
        return Ok(());
    }
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return Ok(());
    };
    let mut count = 0usize;
    for (_, op) in doc.operations.iter() {
        count_aliases(&op.node.selection_set.node, &doc.fragments, 0, &mut count);
    }
    if count > MAX_ALIASES {
        return Err(ApiError::new(
            ErrorCode::QueryTooComplex,
            format!("at most {MAX_ALIASES} aliases per document, found {count}"),
        ));
    }
    Ok(())
}

type Fragments = std::collections::HashMap<
    async_graphql::Name,
    async_graphql::Positioned<async_graphql::parser::types::FragmentDefinition>,
>;

fn count_aliases(
    set: &async_graphql::parser::types::SelectionSet,
    fragments: &Fragments,
    depth: usize,
    count: &mut usize,
) {
    use async_graphql::parser::types::Selection;
    // Fragment cycles are invalid documents (validation refuses them); the depth bound only
    // keeps this walk finite before validation runs.
    if depth > 32 || *count > MAX_ALIASES {
        return;
    }
    for sel in &set.items {
        match &sel.node {
            Selection::Field(f) => {
                if f.node.alias.is_some() {
                    *count += 1;
                }
                count_aliases(&f.node.selection_set.node, fragments, depth + 1, count);
            }
            Selection::InlineFragment(f) => {
                count_aliases(&f.node.selection_set.node, fragments, depth + 1, count)
            }
            Selection::FragmentSpread(spread) => {
                if let Some(frag) = fragments.get(&spread.node.fragment_name.node) {
                    count_aliases(&frag.node.selection_set.node, fragments, depth + 1, count);
                }
            }
        }
    }
}

/// What one request costs against the per-minute limit (`rateLimit.cost`); the query's size is
/// bounded separately by the depth, complexity and alias limits.
pub const REQUEST_COST: u32 = 1;

/// Largest JSON request body accepted (413 beyond it).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest multipart (upload) body: one 10 MB file and its envelope.
pub const MAX_UPLOAD_BODY_BYTES: usize = 11 * 1024 * 1024;

static REQUEST_SEQ: AtomicU64 = AtomicU64::new(1);

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(graphql_ws))
        .route("/healthz", get(healthz))
        .route("/attachments/{id}", get(download_attachment))
        .layer(axum::middleware::from_fn(limit_json_body))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BODY_BYTES))
        .with_state(state)
}

/// JSON bodies are held to 1 MiB (uploads get the larger limit of the outer layer).
async fn limit_json_body(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(b) => b,
            Err(_) => {
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "request body is larger than 1 MiB",
                )
                    .into_response();
            }
        };
        return next
            .run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(bytes),
            ))
            .await;
    }
    next.run(req).await
}

/// Subscriptions over graphql-transport-ws (and the legacy graphql-ws). The bearer token comes in
/// the `connection_init` payload: `{"Authorization": "Bearer <token>"}`.
async fn graphql_ws(
    State(state): State<AppState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            async_graphql_axum::GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let header = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string();
                    let principal = state
                        .auth
                        .verify_header(&header)
                        .map_err(|e| async_graphql::Error::new(e.message))?;
                    let scope = state
                        .services
                        .read_scope(&principal)
                        .await
                        .map_err(|e| async_graphql::Error::new(e.message))?;
                    let request_id = format!("ws-{}", REQUEST_SEQ.fetch_add(1, Ordering::Relaxed));
                    let mut data = async_graphql::Data::default();
                    data.insert(RequestCtx {
                        principal,
                        loaders: Loaders::new(&state.db),
                        request_id,
                        scope,
                        reads: Default::default(),
                        rate: None,
                        websocket: true,
                    });
                    Ok(data)
                })
                .serve()
        })
}

async fn graphiql(State(state): State<AppState>) -> Response {
    if state.config.mode == Mode::Production {
        return (
            StatusCode::NOT_FOUND,
            "GraphiQL is disabled in production mode",
        )
            .into_response();
    }
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("ITA CRM API")
            .finish(),
    )
    .into_response()
}

/// `GET /attachments/{id}` with the bearer token: an attachment's content for a principal who
/// may read it (R14), audited; NOT_FOUND for anything else. No public URLs exist.
async fn download_attachment(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let fail = |err: ApiError| {
        let status = match err.code {
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound | ErrorCode::Validation => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        error_response(status, &err, false)
    };
    let Some(authz) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return fail(ApiError::unauthenticated(
            "authentication is required: send `Authorization: Bearer <token>`",
        ));
    };
    let principal = match state.auth.verify_header(authz) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let scope = match state.services.read_scope(&principal).await {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let ids = crate::graphql::ids::IdCodec::new(&state.config.node_id_secret);
    // A malformed or foreign ID is simply not found.
    let Ok(key) = ids.decode_int(
        &async_graphql::ID(id),
        crate::graphql::ids::NodeType::Attachment,
    ) else {
        return fail(ApiError::not_found("attachment"));
    };
    let actor = crate::service::inquiries::Actor {
        principal,
        request_id: Some(format!(
            "req-{}",
            REQUEST_SEQ.fetch_add(1, Ordering::Relaxed)
        )),
    };
    match crate::service::attachments::download(&state.services, &actor, &scope, key).await {
        Ok(d) => {
            let disposition = format!(
                "attachment; filename=\"download\"; filename*=UTF-8''{}",
                rfc5987(&d.file_name)
            );
            let mut resp = d.bytes.into_response();
            let h = resp.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&d.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => fail(e),
    }
}

/// RFC 5987 encoding of a file name for `filename*=` (every byte but unreserved ones).
fn rfc5987(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn healthz(State(state): State<AppState>) -> Response {
    match crate::store::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/graphql-response+json"))
}

fn json_response(status: StatusCode, body: serde_json::Value, graphql_media: bool) -> Response {
    let ct = if graphql_media {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    };
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    resp
}

fn error_response(status: StatusCode, err: &ApiError, graphql_media: bool) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": err.message, "extensions": { "code": err.code.as_ref() } }]
    });
    json_response(status, body, graphql_media)
}

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    req: GraphQLRequest,
) -> Response {
    let graphql_media = wants_graphql_response(&headers);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/json" && media != "multipart/form-data" {
        let err = ApiError::validation(
            "POST /graphql takes application/json (or multipart/form-data for uploads)",
        );
        return error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, &err, graphql_media);
    }
    let Some(authz) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        let err = ApiError::unauthenticated(
            "authentication is required: send `Authorization: Bearer <token>`",
        );
        return error_response(StatusCode::UNAUTHORIZED, &err, graphql_media);
    };
    let principal = match state.auth.verify_header(authz) {
        Ok(p) => p,
        Err(err) => return error_response(StatusCode::UNAUTHORIZED, &err, graphql_media),
    };
    let charged = state
        .rate_limiter
        .charge(&principal.subject(), REQUEST_COST, state.clock.now())
        .await;
    let rate = charged.as_ref().ok().copied();
    match charged {
        Ok(d) if !d.allowed => {
            let wait = (d.reset_at - state.clock.now()).num_seconds().max(1);
            let err = ApiError::new(
                ErrorCode::RateLimited,
                format!(
                    "rate limit of {} requests a minute reached; retry in {wait} s",
                    d.limit
                ),
            );
            let mut resp = error_response(StatusCode::TOO_MANY_REQUESTS, &err, graphql_media);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return resp;
        }
        Ok(_) => {}
        Err(e) => {
            // Fail closed would take the API down with Redis; fail open and log instead.
            tracing::warn!(error = %e, "rate limiter unavailable; request allowed");
        }
    }
    let scope = match state.services.read_scope(&principal).await {
        Ok(s) => s,
        Err(err) => {
            let status = if err.code == ErrorCode::Forbidden {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            return error_response(status, &err, graphql_media);
        }
    };
    let request_id = format!("req-{}", REQUEST_SEQ.fetch_add(1, Ordering::Relaxed));
    let mut request = req.into_inner();
    if let Err(e) = check_aliases(&request.query) {
        return error_response(StatusCode::BAD_REQUEST, &e, graphql_media);
    }
    // Introspection is for authenticated staff only.
    if !principal.is_staff() {
        request = request.disable_introspection();
    }
    let reads: crate::graphql::guards::SharedReadLog = Default::default();
    let audit_subject = (principal.clone(), request_id.clone());
    let ctx = RequestCtx {
        principal,
        loaders: Loaders::new(&state.db),
        request_id,
        scope,
        reads: reads.clone(),
        rate,
        websocket: false,
    };
    let mut resp = match tokio::time::timeout(
        EXECUTION_TIMEOUT,
        state.schema.execute(request.data(ctx)),
    )
    .await
    {
        Ok(resp) => resp,
        Err(_) => {
            let err = ApiError::new(
                ErrorCode::QueryTooComplex,
                "the query took longer than 10 s and was stopped",
            );
            return error_response(StatusCode::OK, &err, graphql_media);
        }
    };
    if let Ok(mut log) = reads.lock() {
        resp.errors.append(&mut log.errors);
    }
    // R3: reads of personal fields, granted or denied, are audited; no audit row, no answer.
    if let Err(e) = audit_reads(&state, &audit_subject.0, &audit_subject.1, &reads).await {
        return error_response(StatusCode::INTERNAL_SERVER_ERROR, &e, graphql_media);
    }
    ensure_codes(&mut resp);
    // GraphQL over HTTP: a request that never executed (parse or validation errors, which carry
    // no path) is 400 under application/graphql-response+json and has no `data` entry; one whose
    // execution nulled `data` (an error at a path) executed, so it is 200 with `data: null`.
    let failed_before_execution = resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty());
    let status = if failed_before_execution && graphql_media {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    match serde_json::to_value(&resp) {
        Ok(mut body) => {
            if failed_before_execution && let Some(o) = body.as_object_mut() {
                o.remove("data");
            }
            json_response(status, body, graphql_media)
        }
        Err(e) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &ApiError::internal(e),
            graphql_media,
        ),
    }
}

async fn audit_reads(
    state: &AppState,
    principal: &crate::domain::Principal,
    request_id: &str,
    reads: &crate::graphql::guards::SharedReadLog,
) -> Result<(), ApiError> {
    let (granted, denied, refused) = match reads.lock() {
        Ok(log) => (
            log.granted.iter().cloned().collect::<Vec<_>>(),
            log.denied.iter().cloned().collect::<Vec<_>>(),
            log.refused.clone(),
        ),
        Err(_) => return Err(ApiError::internal("read log poisoned")),
    };
    let actor = crate::service::inquiries::Actor {
        principal: principal.clone(),
        request_id: Some(request_id.to_string()),
    };
    let roles = principal
        .roles
        .iter()
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(",");
    let row = |operation: String, fields: String, outcome: &str, details: Option<String>| {
        crate::store::writes::AuditRow {
            at: state.clock.now(),
            request_id: Some(request_id.to_string()),
            actor_kind: actor.kind_code().into(),
            actor_id: actor.id(),
            roles: roles.clone(),
            operation,
            object_type: None,
            object_ids: String::new(),
            fields,
            outcome: outcome.into(),
            details,
        }
    };
    for (fields, outcome) in [(granted, "OK"), (denied, "DENIED")] {
        if fields.is_empty() {
            continue;
        }
        crate::store::writes::append_audit(
            &state.db,
            row("read".into(), fields.join(","), outcome, None),
        )
        .await?;
    }
    // R3: a refused mutation is an action too (e.g. the blocked fourth correspondence, §4.2
    // "ניסיון נוסף יחסם"); its transaction rolled back, so it is recorded here.
    for r in refused {
        let outcome = crate::domain::error::refusal_outcome(&r.code);
        let details = Some(format!("{}: {}", r.code, r.message));
        crate::store::writes::append_audit(
            &state.db,
            row(r.operation, String::new(), outcome, details),
        )
        .await?;
    }
    Ok(())
}

/// Stable codes the transport itself may answer with.
pub const TRANSPORT_CODES: [ErrorCode; 2] = [ErrorCode::Unauthenticated, ErrorCode::Internal];
