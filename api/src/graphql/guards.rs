//! Enforces `domain::policy` on every field the schema resolves: denied fields resolve to null
//! with a FORBIDDEN error at their path, masked fields are masked, and reads of personal fields
//! (granted or denied) are collected for the request's audit row (R3, R31).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{PathSegment, QueryPathSegment, ServerError, ServerResult, Value};

use super::context::RequestCtx;
use crate::domain::national_id::mask_national_id;
use crate::domain::policy::{self, Access};

/// Personal-data reads of one request: `Type.field` granted and denied.
#[derive(Debug, Default)]
pub struct ReadLog {
    pub granted: BTreeSet<String>,
    pub denied: BTreeSet<String>,
    /// FORBIDDEN errors of nullable fields that resolved to null; the transport appends them to
    /// the response (an extension cannot add an error and still answer null).
    pub errors: Vec<ServerError>,
    /// Mutations that were refused (their transaction rolled back, so their own audit row went
    /// with it): the transport audits each attempt (R3).
    pub refused: Vec<Refusal>,
}

/// A refused mutation: its field name (never the client's alias), error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub operation: String,
    pub code: String,
    pub message: String,
}

pub type SharedReadLog = Arc<Mutex<ReadLog>>;

pub struct PolicyGuard;

impl ExtensionFactory for PolicyGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PolicyGuardExtension)
    }
}

struct PolicyGuardExtension;

#[async_trait::async_trait]
impl Extension for PolicyGuardExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Over WebSocket only subscriptions: queries and mutations take POST /graphql, where the
        // alias and rate limits, the introspection gate and the audit apply.
        if info.path_node.parent.is_none()
            && info.parent_type != "SubscriptionRoot"
            && ctx.data_opt::<RequestCtx>().is_some_and(|r| r.websocket)
        {
            let mut e =
                forbidden("only subscriptions are served over WebSocket; use POST /graphql");
            e.path = vec![PathSegment::Field(info.name.to_string())];
            return Err(e);
        }
        // List elements were authorised with their field; introspection is gated at the transport.
        if info.parent_type.starts_with('[')
            || info.parent_type.starts_with("__")
            || info.name.starts_with("__")
        {
            return next.run(ctx, info).await;
        }
        let Some(req) = ctx.data_opt::<RequestCtx>() else {
            return Err(forbidden("authentication is required"));
        };
        let type_name = info.parent_type.to_string();
        let field = info.name.to_string();
        let access = policy::decide(&req.principal.roles, &type_name, &field);
        let personal = policy::rule_for(&type_name, &field).is_some_and(|r| r.personal);
        if (personal || access == Access::Deny)
            && let Ok(mut log) = req.reads.lock()
        {
            {
                let key = format!("{type_name}.{field}");
                if access == Access::Deny {
                    log.denied.insert(key);
                } else {
                    log.granted.insert(key);
                }
            }
        }
        match access {
            Access::Deny => {
                let mut e = forbidden(&format!("your role may not read {type_name}.{field}"));
                let mut nodes: Vec<_> = std::iter::once(info.path_node)
                    .chain(info.path_node.parents())
                    .collect();
                nodes.reverse();
                e.path = nodes
                    .iter()
                    .map(|n| match n.segment {
                        QueryPathSegment::Name(name) => PathSegment::Field(name.to_string()),
                        QueryPathSegment::Index(i) => PathSegment::Index(i),
                    })
                    .collect();
                if info.return_type.ends_with('!') {
                    // Non-null: the error propagates null to the nearest nullable parent.
                    Err(e)
                } else {
                    if let Ok(mut log) = req.reads.lock() {
                        log.errors.push(e);
                    }
                    Ok(Some(Value::Null))
                }
            }
            Access::Allow if type_name == "MutationRoot" => {
                let result = next.run(ctx, info).await;
                if let Err(e) = &result
                    && let Ok(mut log) = req.reads.lock()
                {
                    let code = e
                        .extensions
                        .as_ref()
                        .and_then(|x| x.get("code"))
                        .and_then(|v| match v {
                            Value::String(c) => Some(c.clone()),
                            Value::Enum(c) => Some(c.to_string()),
                            _ => None,
                        })
                        .unwrap_or_else(|| "INTERNAL".into());
                    log.refused.push(Refusal {
                        operation: field,
                        code,
                        message: e.message.clone(),
                    });
                }
                result
            }
            Access::Allow => next.run(ctx, info).await,
            Access::Mask => Ok(next.run(ctx, info).await?.map(mask)),
        }
    }
}

fn forbidden(message: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "FORBIDDEN");
    e.extensions = Some(ext);
    e
}

fn mask(v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(mask_national_id(&s)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Role;
    use crate::domain::policy::{self, Access, Audience};
    use strum::IntoEnumIterator;

    /// Every (type, field) the served schema has, from its SDL.
    fn served_fields() -> Vec<(String, String)> {
        let sdl = super::super::schema::sdl();
        let mut out = Vec::new();
        let mut current: Option<String> = None;
        for line in sdl.lines() {
            if let Some(rest) = line
                .strip_prefix("type ")
                .or_else(|| line.strip_prefix("interface "))
            {
                current = Some(
                    rest.split([' ', '{'])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
                continue;
            }
            if line.starts_with('}') {
                current = None;
                continue;
            }
            if let Some(t) = &current
                && let Some(field) = line.strip_prefix('\t')
                && let Some(name) = field.split(['(', ':']).next()
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric())
                && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            {
                out.push((t.clone(), name.to_string()));
            }
        }
        out
    }

    #[test]
    fn r31_every_served_field_has_a_policy_entry() {
        let fields = served_fields();
        assert!(fields.len() > 150, "parsed {} fields", fields.len());
        let missing: Vec<String> = fields
            .iter()
            .filter(|(t, f)| policy::rule_for(t, f).is_none())
            .map(|(t, f)| format!("{t}.{f}"))
            .collect();
        assert!(
            missing.is_empty(),
            "fields without a policy entry (unreadable until declared): {missing:?}"
        );
    }

    #[test]
    fn r31_walk_the_whole_role_by_field_matrix() {
        let fields = served_fields();
        let mut cells = 0;
        for role in Role::iter() {
            for (t, f) in &fields {
                let access = policy::decide(&[role], t, f);
                let rule = policy::rule_for(t, f).unwrap_or_else(|| panic!("{t}.{f}"));
                assert_eq!(
                    access,
                    rule.access[policy::audience(role) as usize],
                    "{role} {t}.{f}"
                );
                // Invariants of the directive: customers and representatives never read internal
                // working data; data scientists never read direct identifiers.
                if matches!(role, Role::Customer | Role::Representative) {
                    let internal = [
                        ("Inquiry", "proposedSolution"),
                        ("Inquiry", "statusHistory"),
                        ("Inquiry", "assignee"),
                        ("User", "login"),
                        ("User", "roles"),
                        ("HistoryEntry", "note"),
                    ];
                    for (it, ifield) in internal {
                        if t == it && f == ifield {
                            assert_eq!(access, Access::Deny, "{role} {t}.{f}");
                        }
                    }
                }
                if role == Role::DataScientist && rule.personal {
                    assert_eq!(access, Access::Deny, "{t}.{f}");
                }
                cells += 1;
            }
        }
        assert_eq!(cells, fields.len() * Role::iter().count());
        assert_eq!(Audience::iter().count(), 5);
    }
}
