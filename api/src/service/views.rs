//! Clerks' views (§3.1-3.3, R44) and search inside them (R45): a view is resolved for the
//! viewer into the rows it shows; the search text is parsed once, at the edge.

use crate::domain::error::DomainError;
use crate::domain::search::{self, SearchError, SearchQuery};
use crate::domain::{Principal, Status};
use crate::service::inquiries::{Actor, Services};
use crate::store::{self, inquiries::ViewScope};

/// The views of the directive plus the clerk's own queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// "פניות הממתינות לטיפול הצוות שלי": open, unassigned, in the viewer's teams.
    WaitingForMyTeam,
    /// "פניות בטיפול משתמש מהצוות שלי": open and assigned to a member of the viewer's teams.
    HandledByMyTeamUsers,
    /// "כל הפניות ביחידה העסקית שלי": everything in the viewer's office, any status.
    MyBusinessUnit,
    /// Open inquiries assigned to the viewer.
    MyAssigned,
}

pub async fn resolve_view(
    svc: &Services,
    principal: &Principal,
    view: View,
) -> Result<ViewScope, DomainError> {
    let actor = Actor {
        principal: principal.clone(),
        request_id: None,
    };
    let staff = svc.staff(&svc.db, &actor).await?;
    // A view of nothing (no team, no office) shows nothing rather than everything.
    let none = vec![-1];
    Ok(match view {
        View::WaitingForMyTeam => ViewScope {
            team_ids: Some(if staff.team_ids.is_empty() {
                none
            } else {
                staff.team_ids.clone()
            }),
            unassigned: true,
            open_only: true,
            exclude_statuses: vec![
                Status::WaitingForCustomer.code().to_string(),
                Status::ActiveOpen.code().to_string(),
            ],
            ..Default::default()
        },
        View::HandledByMyTeamUsers => {
            let members = store::people::members_of(&svc.db, &staff.team_ids).await?;
            ViewScope {
                assignee_ids: Some(if members.is_empty() { none } else { members }),
                open_only: true,
                ..Default::default()
            }
        }
        View::MyBusinessUnit => ViewScope {
            office_ids: Some(staff.office_id.map(|o| vec![o]).unwrap_or(none)),
            ..Default::default()
        },
        View::MyAssigned => ViewScope {
            assignee_ids: Some(vec![staff.user_id]),
            open_only: true,
            ..Default::default()
        },
    })
}

/// Parses a search text (R45), with clear errors.
pub fn parse_search(text: &str) -> Result<SearchQuery, DomainError> {
    search::parse_search(text).map_err(|e| match e {
        e @ (SearchError::Empty | SearchError::TooLong | SearchError::TooShort) => {
            DomainError::validation(format!("{} ({})", e.message_he(), e.message_en()))
        }
    })
}

/// A user keeps at most this many saved views.
pub const MAX_SAVED_VIEWS: u64 = 50;
/// A saved definition's JSON is at most this long.
pub const MAX_DEFINITION_BYTES: usize = 8 * 1024;

/// Saves (creates, or replaces by name) one of the viewer's custom views (R44). The definition
/// was validated by the caller (it parses as the list's arguments). One transaction: the user's
/// row is locked so the limit holds under parallel saves; audited.
pub async fn save_view(
    svc: &Services,
    actor: &Actor,
    name: &str,
    definition: &serde_json::Value,
) -> Result<entity::saved_view::Model, DomainError> {
    use sea_orm::TransactionTrait;
    let staff = svc.staff(&svc.db, actor).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DomainError::validation("a view name has 1-100 characters"));
    }
    let text = definition.to_string();
    if text.len() > MAX_DEFINITION_BYTES {
        return Err(DomainError::validation(format!(
            "a view definition is limited to {MAX_DEFINITION_BYTES} bytes"
        )));
    }
    let txn = svc.db.begin().await?;
    store::saved_views::lock_user(&txn, staff.user_id).await?;
    let now = svc.now();
    let row = match store::saved_views::find_by_name(&txn, staff.user_id, name).await? {
        Some(existing) => store::saved_views::update(&txn, existing, text, now).await?,
        None => {
            if store::saved_views::count(&txn, staff.user_id).await? >= MAX_SAVED_VIEWS {
                return Err(DomainError::new(
                    crate::domain::error::ErrorCode::SavedViewLimit,
                    format!("at most {MAX_SAVED_VIEWS} saved views per user"),
                ));
            }
            store::saved_views::insert(&txn, staff.user_id, name, text, now).await?
        }
    };
    audit(svc, &txn, actor, "saveView", row.id).await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes one of the viewer's saved views; another user's view is NOT_FOUND.
pub async fn delete_view(svc: &Services, actor: &Actor, id: i64) -> Result<(), DomainError> {
    use sea_orm::TransactionTrait;
    let staff = svc.staff(&svc.db, actor).await?;
    let txn = svc.db.begin().await?;
    if store::saved_views::find(&txn, staff.user_id, id)
        .await?
        .is_none()
    {
        return Err(DomainError::not_found("saved view"));
    }
    store::saved_views::delete(&txn, id).await?;
    audit(svc, &txn, actor, "deleteSavedView", id).await?;
    txn.commit().await?;
    Ok(())
}

/// The viewer's saved views, by name.
pub async fn saved_views(
    svc: &Services,
    actor: &Actor,
) -> Result<Vec<entity::saved_view::Model>, DomainError> {
    let staff = svc.staff(&svc.db, actor).await?;
    Ok(store::saved_views::list(&svc.db, staff.user_id).await?)
}

/// One of the viewer's saved views.
pub async fn saved_view(
    svc: &Services,
    actor: &Actor,
    id: i64,
) -> Result<entity::saved_view::Model, DomainError> {
    let staff = svc.staff(&svc.db, actor).await?;
    store::saved_views::find(&svc.db, staff.user_id, id)
        .await?
        .ok_or_else(|| DomainError::not_found("saved view"))
}

async fn audit<C: sea_orm::ConnectionTrait>(
    svc: &Services,
    db: &C,
    actor: &Actor,
    op: &str,
    id: i64,
) -> Result<(), DomainError> {
    store::writes::append_audit(
        db,
        actor.audit_row(
            svc.now(),
            op,
            Some("SavedView"),
            id.to_string(),
            "name,definition",
        ),
    )
    .await?;
    Ok(())
}
