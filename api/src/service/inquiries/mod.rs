//! Inquiry use cases (issue: lifecycle). Each public function is one transaction: it locks what
//! it changes, asks the domain rules, writes the change, its history row (R27) and its audit row
//! (R3), commits, then publishes an event.

pub mod assign;
pub mod correspondence;
pub mod open;
pub mod status;
pub mod system;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::inquiry;
use sea_orm::DatabaseTransaction;

use crate::domain::error::DomainError;
use crate::domain::handling::{Place, Staff};
use crate::domain::principal::PrincipalKind;
use crate::domain::{Principal, Role, Status, TaxDomain};
use crate::infra::clock::Clock;
use crate::infra::events::{EventBus, InquiryEvent, InquiryEventKind};
use crate::store::reference::Reference;
use crate::store::writes::{self, AuditRow};
use crate::store::{self, Db};

/// Tunable rules (defaults from the directive).
#[derive(Debug, Clone)]
pub struct Settings {
    /// R11: days after closing in which the customer may still write.
    pub reopen_days: u64,
    /// R13: correspondences from which a phone call is suggested.
    pub phone_call_threshold: usize,
    /// R22: months of waiting for the customer before the system closes the inquiry.
    pub waiting_close_months: u32,
    /// R37: the code the development extra-identification provider accepts (None: refuse).
    pub reauth_dev_code: Option<String>,
    /// R8: root of the classifier model artifacts (`triplet/<version>/`).
    pub models_dir: std::path::PathBuf,
    /// R8: the corpus retraining replays (`train.jsonl`) and judges on (`dev.jsonl`).
    pub classifier_data_dir: std::path::PathBuf,
    /// R8: the largest dev top-1 loss a retrained model may have and still be promoted.
    pub retrain_tolerance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            reopen_days: crate::domain::correspondence::DEFAULT_REOPEN_DAYS,
            phone_call_threshold: crate::domain::correspondence::DEFAULT_PHONE_CALL_THRESHOLD,
            waiting_close_months: 3,
            reauth_dev_code: None,
            models_dir: "models".into(),
            classifier_data_dir: "classifier/data".into(),
            retrain_tolerance: 0.01,
        }
    }
}

/// What the use cases need.
pub struct Services {
    pub db: Db,
    pub reference: Arc<Reference>,
    pub clock: Arc<dyn Clock>,
    pub events: EventBus,
    pub settings: Settings,
    /// The triplet classifier (R8).
    pub suggestions: Arc<crate::infra::classifier::SuggestionEngine>,
    /// The clerks' daily extra identification (R37).
    pub reauth: Arc<dyn crate::infra::reauth::ReauthStore>,
    /// SLA calendar cache and settings (R28).
    pub sla: crate::service::sla::SlaState,
    /// Attachment content (R14).
    pub blobs: Arc<dyn crate::infra::storage::BlobStore>,
    /// A virus scanner (clamd) run after the built-in checks; `None`: the built-in checks decide.
    pub scanner: Option<Arc<dyn crate::infra::scanner::VirusScanner>>,
    /// Registry data for information expansion (R37).
    pub registry: Arc<dyn crate::infra::registry::RegistryProvider>,
}

/// Who acts, and for which request (audit).
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            principal: Principal {
                kind: PrincipalKind::Staff(0),
                roles: vec![],
            },
            request_id: None,
        }
    }
    fn is_system(&self) -> bool {
        self.principal.kind == PrincipalKind::Staff(0)
    }
    pub fn kind_code(&self) -> &'static str {
        match self.principal.kind {
            _ if self.is_system() => "SYSTEM",
            PrincipalKind::Staff(_) => "USER",
            PrincipalKind::Customer(_) => "CUSTOMER",
            PrincipalKind::Representative(_) => "REPRESENTATIVE",
        }
    }
    /// An audit row for this actor (R3): outcome OK and no details; callers change what differs
    /// with struct-update syntax.
    pub fn audit_row(
        &self,
        at: DateTime<Utc>,
        operation: &str,
        object_type: Option<&str>,
        object_ids: String,
        fields: &str,
    ) -> writes::AuditRow {
        writes::AuditRow {
            at,
            request_id: self.request_id.clone(),
            actor_kind: self.kind_code().into(),
            actor_id: self.id(),
            roles: self
                .principal
                .roles
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(","),
            operation: operation.into(),
            object_type: object_type.map(Into::into),
            object_ids,
            fields: fields.into(),
            outcome: "OK".into(),
            details: None,
        }
    }
    pub fn id(&self) -> Option<i64> {
        match self.principal.kind {
            _ if self.is_system() => None,
            PrincipalKind::Staff(id)
            | PrincipalKind::Customer(id)
            | PrincipalKind::Representative(id) => Some(id),
        }
    }
}

pub(crate) fn parse_status(m: &inquiry::Model) -> Result<Status, DomainError> {
    m.status
        .parse()
        .map_err(|_| DomainError::internal(format!("stored status {:?}", m.status)))
}

pub(crate) fn domain_of(code: &str) -> Result<TaxDomain, DomainError> {
    TaxDomain::of_triplet_code(code)
        .ok_or_else(|| DomainError::validation(format!("unknown tax domain in {code}")))
}

pub fn place(m: &inquiry::Model) -> Place {
    Place {
        office_id: m.office_id,
        team_id: m.team_id,
        assignee_id: m.assignee_id,
    }
}

impl Services {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The staff member behind an actor, with office, teams and roles; FORBIDDEN for others.
    pub(crate) async fn staff<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        actor: &Actor,
    ) -> Result<Staff, DomainError> {
        let PrincipalKind::Staff(user_id) = actor.principal.kind else {
            return Err(DomainError::forbidden("this action is for ITA staff"));
        };
        // One statement: every request of a staff member starts here (its read scope).
        let user = store::people::staff_facts(db, user_id)
            .await?
            .ok_or_else(|| DomainError::forbidden("unknown staff user"))?;
        if !user.active {
            return Err(DomainError::forbidden("the staff user is not active"));
        }
        Ok(Staff {
            user_id,
            office_id: user.office_id,
            team_ids: user.team_ids,
            roles: actor.principal.roles.clone(),
        })
    }

    /// The rows `principal` may read: staff are narrowed to their business unit (issue 4 §2).
    pub async fn read_scope(
        &self,
        principal: &crate::domain::Principal,
    ) -> Result<crate::domain::ReadScope, DomainError> {
        match principal.kind {
            // Nationwide roles are in the token: no statement spent on them.
            PrincipalKind::Staff(_)
                if crate::domain::handling::reads_nationwide(&principal.roles) =>
            {
                Ok(crate::domain::ReadScope::All)
            }
            PrincipalKind::Staff(_) => {
                let actor = Actor {
                    principal: principal.clone(),
                    request_id: None,
                };
                let staff = self.staff(&self.db, &actor).await?;
                Ok(crate::domain::handling::staff_read_scope(&staff))
            }
            _ => Ok(principal.read_scope(self.now())),
        }
    }

    /// Locks an inquiry for change; NOT_FOUND if missing; CONFLICT if the caller's expected
    /// version is stale (optimistic locking on top of the row lock).
    pub(crate) async fn lock(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: Option<i32>,
    ) -> Result<inquiry::Model, DomainError> {
        let m = writes::lock_inquiry(txn, id)
            .await?
            .ok_or_else(|| DomainError::not_found("inquiry"))?;
        if let Some(v) = expected_version
            && v != m.version - 1
        {
            return Err(DomainError::conflict(format!(
                "the inquiry changed meanwhile (version {} is now {}); reload it and try again",
                v,
                m.version - 1
            )));
        }
        Ok(m)
    }

    /// Starts a staff change of one inquiry: the staff facts are read before the transaction,
    /// whose first statement then takes the row lock (SQLite cannot upgrade a read transaction
    /// under contention).
    pub(crate) async fn begin_staff_change(
        &self,
        actor: &Actor,
        inquiry_id: i64,
        expected_version: Option<i32>,
    ) -> Result<(Staff, DatabaseTransaction, inquiry::Model), DomainError> {
        let staff = self.staff(&self.db, actor).await?;
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let m = self.lock(&txn, inquiry_id, expected_version).await?;
        // Outside the staff member's business unit the inquiry does not exist for them.
        if !crate::domain::handling::may_read(&staff, &place(&m)) {
            return Err(DomainError::not_found("inquiry"));
        }
        Ok((staff, txn, m))
    }

    /// Writes the audit row of a mutation inside its transaction.
    pub(crate) async fn audit(
        &self,
        txn: &DatabaseTransaction,
        actor: &Actor,
        operation: &str,
        inquiry_ids: &[i64],
        fields: &[&str],
        details: Option<String>,
    ) -> Result<(), DomainError> {
        writes::append_audit(
            txn,
            AuditRow {
                details,
                ..actor.audit_row(
                    self.now(),
                    operation,
                    Some("Inquiry"),
                    inquiry_ids
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                    &fields.join(","),
                )
            },
        )
        .await?;
        Ok(())
    }

    pub(crate) fn publish(&self, kind: InquiryEventKind, m: &inquiry::Model) {
        self.events.publish(InquiryEvent {
            kind,
            inquiry_id: m.id,
            team_id: m.team_id,
            customer_id: m.customer_id,
            status: m.status.clone(),
            at: m.updated_at,
        });
    }

    /// R20: a team the inquiry may be passed to — one valid for its triplet (the triplet's team
    /// kind in any office, the HQ main team, or any real-estate office team for real estate).
    pub(crate) fn target_team(
        &self,
        team_id: i64,
        triplet_code: &str,
    ) -> Result<&entity::team::Model, DomainError> {
        let team = self
            .reference
            .team(team_id)
            .ok_or_else(|| DomainError::not_found("team"))?;
        let (kind_code, office_kind) = self
            .team_kind_of(team_id)
            .ok_or_else(|| DomainError::not_found("team"))?;
        let triplet = self
            .reference
            .triplet(triplet_code)
            .ok_or_else(|| DomainError::internal("triplet missing"))?;
        if !crate::domain::handling::team_valid_for_triplet(
            kind_code,
            office_kind,
            &triplet.default_team_kind,
            domain_of(triplet_code)?,
        ) {
            return Err(DomainError::validation(format!(
                "team {kind_code} does not handle triplet {triplet_code}; change the triplet first or transfer to the HQ main team"
            )));
        }
        Ok(team)
    }

    /// R20 (§5.2.5: "הצוותים המטפלים שיופיעו ברשימה הם בהתאם לשלשה"): the teams an inquiry on
    /// `triplet_code` may be transferred to, the same rule `changeStatus` enforces.
    pub fn transfer_targets(&self, triplet_code: &str) -> Vec<&entity::team::Model> {
        self.reference
            .teams
            .iter()
            .filter(|t| self.target_team(t.id, triplet_code).is_ok())
            .collect()
    }

    /// The team kind code and office kind of a team.
    pub(crate) fn team_kind_of(&self, team_id: i64) -> Option<(&str, &str)> {
        let t = self.reference.team(team_id)?;
        let k = self.reference.team_kind(&t.kind_code)?;
        Some((t.kind_code.as_str(), k.office_kind.as_str()))
    }
}

/// Roles with HQ-wide reach.
pub(crate) fn is_hq(s: &Staff) -> bool {
    s.has(Role::HqMainTeam)
}

/// Validates a free-text field's length.
pub fn check_len(name: &str, v: Option<&str>, max: usize) -> Result<(), DomainError> {
    match v {
        Some(s) if s.chars().count() > max => Err(DomainError::validation(format!(
            "{name} is limited to {max} characters"
        ))),
        Some(s)
            if s.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') =>
        {
            Err(DomainError::validation(format!(
                "{name} contains control characters"
            )))
        }
        _ => Ok(()),
    }
}

pub(crate) fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
