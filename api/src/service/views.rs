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
        SearchError::Empty => DomainError::validation("search text is empty"),
        SearchError::TooLong => DomainError::validation("search text is limited to 100 characters"),
        SearchError::TooShort => {
            DomainError::validation("a `*` search needs at least 2 other characters")
        }
    })
}
