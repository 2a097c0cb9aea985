//! Gathers a representative's registry facts and asks `domain::representation` (R33-R36).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use entity::{customer, triplet};
use sea_orm::ConnectionTrait;

use crate::domain::error::DomainError;
use crate::domain::representation::{self, AssessmentLink, PoaFact, RepresentativeFacts};
use crate::domain::{PoaSource, TaxDomain};
use crate::store;

pub async fn check_representative<C: ConnectionTrait>(
    db: &C,
    rep_id: i64,
    client: &customer::Model,
    t: &triplet::Model,
    domain: TaxDomain,
    assessment_number: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let rep = store::people::representative_by_id(db, rep_id)
        .await?
        .ok_or_else(|| DomainError::forbidden("unknown representative"))?;
    let poas: Vec<PoaFact> = store::people::valid_poas(db, rep_id, client.id, now)
        .await?
        .into_iter()
        .filter_map(|p| {
            Some(PoaFact {
                tax_domain: TaxDomain::from_str(&p.tax_domain).ok()?,
                source: PoaSource::from_str(&p.source).ok()?,
                approved_by_client: p.approved_by_client,
            })
        })
        .collect();
    let assessment = match assessment_number.map(str::trim).filter(|a| !a.is_empty()) {
        None => AssessmentLink::NotGiven,
        Some(n) => match store::people::assessment_by_number(db, n).await? {
            Some(a) if a.customer_id == client.id => AssessmentLink::Found {
                representative_recorded: a.representative_id == Some(rep_id),
            },
            Some(_) | None => AssessmentLink::Unknown,
        },
    };
    representation::check(
        RepresentativeFacts {
            active: rep.active,
            active_lawyer: rep.active_lawyer,
        },
        domain,
        t.representative_poa_topic,
        client.file_type.as_deref(),
        &poas,
        assessment,
    )
}
