//! The audit trail for auditors (R3): every action and personal-data read, filterable.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::CtxExt;
use super::errors::{ApiError, GqlResult};
use super::pagination::{PageArgs, cursor_of, page_flags};
use crate::store::audit::{self, AuditFilter};

/// One audit row.
#[derive(SimpleObject)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    /// USER, CUSTOMER, REPRESENTATIVE or SYSTEM.
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub roles: String,
    /// The mutation name, `read` for personal-data reads, or a system job.
    pub operation: String,
    pub object_type: Option<String>,
    pub object_ids: String,
    /// Fields written or read (`Type.field` for reads).
    pub fields: String,
    /// OK or DENIED.
    pub outcome: String,
    pub details: Option<String>,
}

#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    pub operation: Option<String>,
    pub actor_kind: Option<String>,
    pub actor_id: Option<i64>,
    pub outcome: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit trail, newest first (AUDITOR). Retention: at least 24 months (no delete path).
    #[graphql(complexity = "first.unwrap_or(1).max(1) as usize * child_complexity")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditLogFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Option<Connection<String, AuditEntry>>> {
        let r: GqlResult<Connection<String, AuditEntry>> = async {
            let f = filter.unwrap_or_default();
            for v in [&f.operation, &f.actor_kind, &f.outcome]
                .into_iter()
                .flatten()
            {
                if v.len() > 64 {
                    return Err(
                        ApiError::validation("filter values are limited to 64 characters").into(),
                    );
                }
            }
            let s = ctx.shared()?;
            let page: PageArgs<(DateTime<Utc>, i64)> =
                PageArgs::parse(&s.ids, first, after, None, None)?;
            let had = page.cursor.is_some();
            let filter = AuditFilter {
                operation: f.operation,
                actor_kind: f.actor_kind,
                actor_id: f.actor_id,
                outcome: f.outcome,
                from: f.from,
                to: f.to,
            };
            let (rows, more) = audit::list(&s.db, &filter, page.cursor, page.limit)
                .await
                .map_err(ApiError::from)?;
            let (prev, next) = page_flags(false, had, more);
            let mut conn = Connection::new(prev, next);
            for r in rows {
                let cursor = cursor_of(&s.ids, &(r.at, r.id))?;
                conn.edges.push(Edge::new(
                    cursor,
                    AuditEntry {
                        at: r.at,
                        request_id: r.request_id,
                        actor_kind: r.actor_kind,
                        actor_id: r.actor_id,
                        roles: r.roles,
                        operation: r.operation,
                        object_type: r.object_type,
                        object_ids: r.object_ids,
                        fields: r.fields,
                        outcome: r.outcome,
                        details: r.details,
                    },
                ));
            }
            Ok(conn)
        }
        .await;
        r.map(Some)
    }
}
