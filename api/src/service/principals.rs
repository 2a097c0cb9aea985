//! Finding the principal behind a demo login or role, for `api token` and the test helpers.

use anyhow::{Context as _, bail};

use crate::domain::{Principal, Role, principal::PrincipalKind};
use crate::store;

/// A staff login, a customer's national ID or a representative's smart-card id (`user`), or the
/// first demo principal holding `role`.
pub async fn find(
    db: &store::Db,
    user: Option<&str>,
    role: Option<&str>,
) -> anyhow::Result<Principal> {
    use store::people as p;
    if let Some(login) = user {
        if let Some(u) = p::user_by_login(db, login).await? {
            return staff(db, u.id).await;
        }
        if let Ok(nid) = crate::domain::national_id::NationalId::parse(login)
            && let Some(c) = p::customer_by_national_id(db, nid.as_str()).await?
        {
            return Ok(Principal {
                kind: PrincipalKind::Customer(c.id),
                roles: vec![Role::Customer],
            });
        }
        if let Some(r) = p::representative_by_smart_card(db, login).await? {
            return Ok(Principal {
                kind: PrincipalKind::Representative(r.id),
                roles: vec![Role::Representative],
            });
        }
        bail!("no staff login, customer national ID or representative smart card {login:?}");
    }
    let Some(role) = role else {
        bail!("pass --user <login> or --role <ROLE>")
    };
    let role: Role = role
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown role {role:?}"))?;
    match role {
        Role::Customer => {
            let c = p::first_customer(db)
                .await?
                .context("no customers: run seed-demo first")?;
            Ok(Principal {
                kind: PrincipalKind::Customer(c.id),
                roles: vec![Role::Customer],
            })
        }
        Role::Representative => {
            let r = p::first_representative(db)
                .await?
                .context("no representatives: run seed-demo first")?;
            Ok(Principal {
                kind: PrincipalKind::Representative(r.id),
                roles: vec![Role::Representative],
            })
        }
        staff_role => {
            let u = p::first_user_with_role(db, staff_role.code())
                .await?
                .with_context(|| format!("no user holds {staff_role}"))?;
            staff(db, u.id).await
        }
    }
}

async fn staff(db: &store::Db, id: i64) -> anyhow::Result<Principal> {
    let roles = store::people::roles_of(db, id)
        .await?
        .iter()
        .filter_map(|r| r.parse::<Role>().ok())
        .collect();
    Ok(Principal {
        kind: PrincipalKind::Staff(id),
        roles,
    })
}
