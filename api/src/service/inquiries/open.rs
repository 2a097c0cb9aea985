//! Opening an inquiry (§2.1.5, §2.2.6, §4.1, §5.2.1, §5.2.3, §7): web by a customer, the
//! representatives' network, phone and information-centre agents (including the unsaved
//! ACTIVE_OPEN state). Validates, applies the limits, routes, and records the opening.

use chrono::Datelike;
use entity::inquiry;
use sea_orm::{ActiveValue::Set, TransactionTrait};

use super::{Actor, Services, check_len, domain_of};
use crate::domain::error::DomainError;
use crate::domain::limits::{self, Opener};
use crate::domain::principal::PrincipalKind;
use crate::domain::{Channel, Role, Status, TaxDomain};
use crate::infra::events::InquiryEventKind;
use crate::store::writes::{self, HistoryRow};

pub const MAX_BODY_CHARS: usize = 10_000;
pub const MAX_SUBJECT_CHARS: usize = 200;

#[derive(Debug, Clone, Default)]
pub struct OpenInput {
    /// The customer the inquiry is about; a customer opening for itself may omit it.
    pub customer_id: Option<i64>,
    /// Defaults from the opener: WEB for customers, REPRESENTATIVES_NETWORK for representatives.
    pub channel: Option<Channel>,
    pub triplet_code: String,
    pub tax_year: Option<i32>,
    pub subject: Option<String>,
    pub body: String,
    /// Real-estate assessment number (R34).
    pub assessment_number: Option<String>,
    /// Information-centre agents: keep the inquiry unsaved in ACTIVE_OPEN (§5.2.1).
    pub draft: bool,
}

pub async fn open_inquiry(
    svc: &Services,
    actor: &Actor,
    input: OpenInput,
) -> Result<inquiry::Model, DomainError> {
    let body = input.body.trim().to_string();
    if body.is_empty() {
        return Err(DomainError::validation("body (תוכן הפנייה) is required"));
    }
    check_len("body", Some(&body), MAX_BODY_CHARS)?;
    check_len("subject", input.subject.as_deref(), MAX_SUBJECT_CHARS)?;
    check_len("assessmentNumber", input.assessment_number.as_deref(), 20)?;
    let now = svc.now();

    // Who opens, for whom, through which channel (R54).
    let (customer_id, representative_id, opened_by_user, channel) = match actor.principal.kind {
        PrincipalKind::Customer(me) => {
            if input.customer_id.is_some_and(|c| c != me) {
                return Err(DomainError::not_found("customer"));
            }
            (me, None, None, input.channel.unwrap_or(Channel::Web))
        }
        PrincipalKind::Representative(rep) => {
            let c = input.customer_id.ok_or_else(|| {
                DomainError::validation("customerId is required for a representative")
            })?;
            (
                c,
                Some(rep),
                None,
                input.channel.unwrap_or(Channel::RepresentativesNetwork),
            )
        }
        PrincipalKind::Staff(user) => {
            let c = input
                .customer_id
                .ok_or_else(|| DomainError::validation("customerId is required"))?;
            let ch = input.channel.ok_or_else(|| {
                DomainError::validation("channel is required (PHONE or an information centre)")
            })?;
            (c, None, Some(user), ch)
        }
    };
    let by_customer = matches!(actor.principal.kind, PrincipalKind::Customer(_));
    let by_rep = representative_id.is_some();
    if !limits::channel_allowed(channel, by_customer, by_rep) {
        return Err(DomainError::validation(format!(
            "channel {} cannot be used by this opener",
            channel.code()
        )));
    }
    let info_centre = matches!(
        channel,
        Channel::InfoCenterHaifa | Channel::InfoCenterJerusalem
    );
    if info_centre && !actor.principal.has(Role::InfoCenterAgent) {
        return Err(DomainError::forbidden(
            "only information-centre agents record information-centre inquiries",
        ));
    }
    if info_centre {
        // An agent records the centre it works in (§6.8; the channel also routes real estate).
        let staff = svc.staff(&svc.db, actor).await?;
        let own = staff
            .office_id
            .and_then(|o| svc.reference.office(o))
            .and_then(|o| limits::info_centre_channel(&o.code));
        if own != Some(channel) {
            return Err(DomainError::validation(format!(
                "channel {} is another information centre's; record the inquiry on your own centre's channel",
                channel.code()
            )));
        }
    }
    if opened_by_user.is_some()
        && !(actor.principal.has(Role::Clerk) || actor.principal.has(Role::InfoCenterAgent))
    {
        return Err(DomainError::forbidden(
            "opening inquiries needs the CLERK or INFO_CENTER_AGENT role",
        ));
    }
    if input.draft && !info_centre {
        return Err(DomainError::validation(
            "only information-centre inquiries can stay unsaved (ACTIVE_OPEN)",
        ));
    }

    // Triplet (R4) and tax year (R5).
    let triplet = svc
        .reference
        .triplet(&input.triplet_code)
        .filter(|t| t.active)
        .ok_or_else(|| {
            DomainError::validation(format!("unknown triplet {:?}", input.triplet_code))
        })?
        .clone();
    if !triplet.customer_selectable && opened_by_user.is_none() {
        return Err(DomainError::validation(
            "this triplet is internal and can be set by ITA staff only",
        ));
    }
    limits::check_tax_year(triplet.tax_year_required, input.tax_year, now.year())?;
    let domain = domain_of(&triplet.code)?;

    // R8: the model's suggestions as shown with the inquiry; a missing or busy model does not
    // stop the opening.
    let prediction = match svc.suggestions.suggest(&body, 3).await {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::debug!(error = %e.message, "no triplet suggestions for this inquiry");
            None
        }
    };
    let txn = svc.db.begin().await?;
    // Lock the customer: the open-inquiry limit must hold under concurrent openings (R39).
    let customer = writes::lock_customer(&txn, customer_id)
        .await?
        .ok_or_else(|| DomainError::not_found("customer"))?;
    if let Some(rep) = representative_id {
        crate::service::representation::check_representative(
            &txn,
            rep,
            &customer,
            &triplet,
            domain,
            input.assessment_number.as_deref(),
            now,
        )
        .await?;
    }
    // R32 (§2.2.1): a customer opens from the personal area only once registered and identified
    // at the high level (verified mobile and email), so answers may carry personal information;
    // general information and login help excepted (§4.6).
    if by_customer
        && limits::needs_high_identification(&triplet.code)
        && !(customer.personal_area_registered
            && customer.verification_level == crate::domain::VerificationLevel::High.code())
    {
        return Err(DomainError::forbidden(
            "פתיחת פנייה מחייבת רישום לאזור האישי ואימות הטלפון הנייד והדואר האלקטרוני (high-level identification required)",
        ));
    }
    // R53 (§7 "פניות מחוץ לישראל"): a foreign resident without an Israeli address in the
    // population registry acts through an Israeli representative (VAT law §60) or the published
    // contact channels, not through the personal area.
    if by_customer && !svc.reference.cities.contains_key(&customer.residence_city) {
        return Err(DomainError::forbidden(
            "לא נמצאה במרשם האוכלוסין כתובת מגורים בישראל, ולכן לא ניתן לפתוח פנייה באזור האישי. תושב חוץ שיש לו פעילות עסקית בישראל פונה באמצעות נציגו בישראל (סעיף 60 לחוק מע\"מ); פונים אחרים יכולים לפנות בערוצי הקשר המפורטים באתר רשות המסים.",
        ));
    }
    let open = writes::open_on_triplet(&txn, customer.id, &triplet.code).await?;
    limits::check_open_limit(
        domain,
        Opener {
            by_representative: by_rep,
            customer_is_company: customer.is_company,
        },
        open,
    )?;

    // Routing (R47-R53) to an office and a team.
    let route = crate::service::routing::route(&svc.reference, &triplet, &customer, channel);
    let (office_id, team_id, routing_note) = resolve_team(svc, &route)?;
    let team_unit = svc
        .reference
        .team(team_id)
        .and_then(|t| svc.reference.team_kind(&t.kind_code))
        .and_then(|k| k.unit.clone());
    let (status, assignee) = if input.draft {
        (Status::ActiveOpen, opened_by_user)
    } else {
        (Status::OpenAssignedToTeam, None)
    };
    let number = writes::next_number(&txn).await?;
    let subject = input
        .subject
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| triplet.detail_he.clone());
    let m = writes::insert_inquiry(
        &txn,
        inquiry::ActiveModel {
            number: Set(number),
            channel: Set(channel.code().into()),
            triplet_code: Set(triplet.code.clone()),
            tax_year: Set(input.tax_year),
            unit: Set(limits::derived_unit(domain, team_unit.as_deref())),
            office_id: Set(office_id),
            team_id: Set(team_id),
            assignee_id: Set(assignee),
            customer_id: Set(customer.id),
            representative_id: Set(representative_id),
            opened_by_user_id: Set(opened_by_user),
            assessment_number: Set(input
                .assessment_number
                .filter(|_| domain == TaxDomain::RealEstate)),
            status: Set(status.code().into()),
            closure_reason: Set(None),
            proposed_solution: Set(None),
            subject: Set(subject),
            body: Set(body),
            customer_triplet_code: Set(triplet.code.clone()),
            routing_note: Set(routing_note.clone()),
            documents_pending: Set(false),
            due_at: Set(None),
            opened_at: Set(now),
            updated_at: Set(now),
            status_changed_at: Set(now),
            closed_at: Set(None),
            version: Set(1),
            caller_verified_at: Set(None),
            caller_verified_by_user_id: Set(None),
            ..Default::default()
        },
    )
    .await?;
    if let Some(p) = &prediction {
        let rows = p
            .candidates
            .iter()
            .map(|c| (c.code.clone(), f64::from(c.probability)))
            .collect::<Vec<_>>();
        writes::insert_suggestions(&txn, m.id, &p.model_version, p.abstain, &rows, now).await?;
    }
    writes::append_history(
        &txn,
        None,
        &m,
        HistoryRow {
            kind: "OPENED",
            at: now,
            actor_kind: actor.kind_code(),
            actor_id: actor.id(),
            note: routing_note,
        },
    )
    .await?;
    svc.audit(
        &txn,
        actor,
        "openInquiry",
        &[m.id],
        &["triplet", "channel", "body"],
        None,
    )
    .await?;
    svc.refresh_due(&txn, m.id).await?;
    txn.commit().await?;
    svc.publish(InquiryEventKind::Opened, &m);
    Ok(m)
}

/// The concrete office and team of a route, falling back to the HQ main team (R52).
pub(crate) fn resolve_team(
    svc: &Services,
    route: &crate::domain::routing::Route,
) -> Result<(i64, i64, Option<String>), DomainError> {
    let r = &svc.reference;
    if let Some(office) = r.office_by_code(&route.office)
        && let Some(team) = r.team_in_office(office.id, &route.team_kind)
    {
        return Ok((office.id, team.id, route.fallback_reason.clone()));
    }
    let hq = r
        .office_by_code(crate::domain::routing::offices::HQ)
        .ok_or_else(|| DomainError::internal("office HQ missing"))?;
    let team = r
        .team_in_office(hq.id, crate::domain::routing::team_kinds::HQ_MAIN)
        .ok_or_else(|| DomainError::internal("team HQ_MAIN missing"))?;
    Ok((
        hq.id,
        team.id,
        Some(format!(
            "לא נמצא {} ב{}; הפנייה הועברה לצוות ראשי – מנהלת פניות מע\"מ ומס הכנסה",
            r.team_kind(&route.team_kind)
                .map_or(route.team_kind.as_str(), |k| k.name_he.as_str()),
            r.office_by_code(&route.office)
                .map_or(route.office.as_str(), |o| o.name_he.as_str()),
        )),
    ))
}
