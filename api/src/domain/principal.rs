//! Who is asking: a staff user, a customer or a representative, with the roles they hold.

use super::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// ITA staff (`users` table).
    Staff(i64),
    /// A customer in the personal area.
    Customer(i64),
    /// A representative identified by smart card.
    Representative(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub kind: PrincipalKind,
    pub roles: Vec<Role>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn is_staff(&self) -> bool {
        matches!(self.kind, PrincipalKind::Staff(_))
    }
    /// The `sub` claim form: `user:12`, `customer:5`, `representative:3`.
    pub fn subject(&self) -> String {
        match self.kind {
            PrincipalKind::Staff(id) => format!("user:{id}"),
            PrincipalKind::Customer(id) => format!("customer:{id}"),
            PrincipalKind::Representative(id) => format!("representative:{id}"),
        }
    }
    pub fn parse_subject(sub: &str) -> Option<PrincipalKind> {
        let (kind, id) = sub.split_once(':')?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "user" => Some(PrincipalKind::Staff(id)),
            "customer" => Some(PrincipalKind::Customer(id)),
            "representative" => Some(PrincipalKind::Representative(id)),
            _ => None,
        }
    }
}

/// The rows a principal may read (issue 4 §2): the HQ main team, auditors, administrators and
/// data scientists everything; other staff their business unit (see
/// [`super::handling::staff_read_scope`]); a customer its own inquiries; a representative the
/// inquiries it opened and those of clients it holds a power of attorney for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    All,
    /// Office-bound staff: inquiries in these offices, in these teams, or assigned to the user.
    Staff {
        office_ids: Vec<i64>,
        team_ids: Vec<i64>,
        user_id: i64,
    },
    Customer(i64),
    /// A representative (R33): the inquiries it opened, and its clients' inquiries in a tax
    /// domain a POA in force `at` this instant covers (see
    /// [`super::representation::access_domain`]).
    Representative {
        id: i64,
        at: chrono::DateTime<chrono::Utc>,
    },
}

impl Principal {
    /// The scope known from the token alone (at `now`, when POAs are judged); staff are narrowed
    /// to their business unit by [`super::handling::staff_read_scope`] once their office and
    /// teams are loaded.
    pub fn read_scope(&self, now: chrono::DateTime<chrono::Utc>) -> ReadScope {
        match self.kind {
            PrincipalKind::Staff(_) => ReadScope::All,
            PrincipalKind::Customer(id) => ReadScope::Customer(id),
            PrincipalKind::Representative(id) => ReadScope::Representative { id, at: now },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_round_trip() {
        for kind in [
            PrincipalKind::Staff(3),
            PrincipalKind::Customer(4),
            PrincipalKind::Representative(5),
        ] {
            let p = Principal {
                kind,
                roles: vec![],
            };
            assert_eq!(Principal::parse_subject(&p.subject()), Some(kind));
        }
        assert_eq!(Principal::parse_subject("admin"), None);
        assert_eq!(Principal::parse_subject("user:x"), None);
    }
}
