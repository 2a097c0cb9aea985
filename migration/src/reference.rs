//! ITA reference data: triplets, topics, team kinds, offices, concrete teams and cities, loaded from
//! the CSV export committed in `src/data/` (a copy of the customer's taxonomy; nothing reads
//! `../shared` at run time). [`sync`] is an idempotent upsert keyed by the stable codes.

use std::collections::HashMap;

use entity::{city, office, team, team_kind, topic, triplet};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};
use serde::Deserialize;

const TRIPLETS: &str = include_str!("data/triplets.csv");
const TEAMS: &str = include_str!("data/teams.csv");
const OFFICES: &str = include_str!("data/offices.csv");
const CITIES: &str = include_str!("data/cities.csv");

#[derive(Debug, Deserialize)]
pub struct TripletRow {
    pub code: String,
    pub main_he: String,
    pub secondary_he: String,
    pub detail_he: String,
    pub main_en: String,
    pub secondary_en: String,
    pub detail_en: String,
    pub tax_year_required: bool,
    pub default_team: String,
    pub routing: String,
    pub customer_selectable: bool,
    pub representative_poa_topic: bool,
}

#[derive(Debug, Deserialize)]
pub struct TeamRow {
    pub code: String,
    pub name_he: String,
    pub name_en: String,
    pub office_kind: String,
    pub unit: String,
}

#[derive(Debug, Deserialize)]
pub struct OfficeRow {
    pub code: String,
    pub name_he: String,
    pub name_en: String,
    pub kind: String,
    pub city: String,
}

#[derive(Debug, Deserialize)]
pub struct CityRow {
    pub city_he: String,
    pub city_en: String,
    pub income_tax_office: String,
    pub vat_office: String,
    pub real_estate_office: String,
    pub mshm_office: String,
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>, DbErr> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| DbErr::Custom(format!("reference data {name}: {e}")))
}

pub fn triplet_rows() -> Result<Vec<TripletRow>, DbErr> {
    parse("triplets.csv", TRIPLETS)
}
pub fn team_rows() -> Result<Vec<TeamRow>, DbErr> {
    parse("teams.csv", TEAMS)
}
pub fn office_rows() -> Result<Vec<OfficeRow>, DbErr> {
    parse("offices.csv", OFFICES)
}
pub fn city_rows() -> Result<Vec<CityRow>, DbErr> {
    parse("cities.csv", CITIES)
}

/// Which team kinds exist in an office. A team code in teams.csv names a role that exists in every
/// office of its kind; this maps the office kinds of offices.csv onto the team kinds.
pub fn office_has_team_kind(office: &OfficeRow, team: &TeamRow) -> bool {
    let nsa_team = team.code.starts_with("NSA_");
    match office.kind.as_str() {
        "income_tax_assessing" => {
            (team.office_kind == "income_tax" && !nsa_team) || team.office_kind == "withholding"
        }
        "mshm" => team.office_kind == "income_tax" && !nsa_team,
        "nsa" => nsa_team,
        "vat" => team.office_kind == "vat",
        "real_estate" => team.office_kind == "real_estate" && team.code != "RE_NATIONAL_TEAM",
        "national_unit" => match office.code.as_str() {
            "RE_NATIONAL" => team.office_kind == "real_estate",
            "REG_UNIT" => team.office_kind == "registry",
            "COMP_FUND" => team.office_kind == "compensation",
            _ => false,
        },
        "info_center" => {
            team.office_kind == "info_center"
                && (team.code != "RE_INFO_HAIFA" || office.code == "INFO_HAIFA")
        }
        "hq" => team.office_kind == "hq",
        _ => false,
    }
}

fn none_if_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Upserts all reference data. Safe to run any number of times.
pub async fn sync<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    let triplets = triplet_rows()?;
    let teams = team_rows()?;
    let offices = office_rows()?;
    let cities = city_rows()?;

    office::Entity::insert_many(offices.iter().map(|o| office::ActiveModel {
        code: Set(o.code.clone()),
        name_he: Set(o.name_he.clone()),
        name_en: Set(o.name_en.clone()),
        kind: Set(o.kind.clone()),
        city_he: Set(o.city.clone()),
        ..Default::default()
    }))
    .on_conflict(
        OnConflict::column(office::Column::Code)
            .update_columns([
                office::Column::NameHe,
                office::Column::NameEn,
                office::Column::Kind,
                office::Column::CityHe,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;

    team_kind::Entity::insert_many(teams.iter().map(|t| team_kind::ActiveModel {
        code: Set(t.code.clone()),
        name_he: Set(t.name_he.clone()),
        name_en: Set(t.name_en.clone()),
        office_kind: Set(t.office_kind.clone()),
        unit: Set(none_if_empty(&t.unit)),
    }))
    .on_conflict(
        OnConflict::column(team_kind::Column::Code)
            .update_columns([
                team_kind::Column::NameHe,
                team_kind::Column::NameEn,
                team_kind::Column::OfficeKind,
                team_kind::Column::Unit,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;

    let office_ids: HashMap<String, i64> = office::Entity::find()
        .order_by_asc(office::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.code, o.id))
        .collect();
    let mut team_models = Vec::new();
    for o in &offices {
        let Some(&office_id) = office_ids.get(&o.code) else {
            return Err(DbErr::Custom(format!("office {} was not stored", o.code)));
        };
        for t in teams.iter().filter(|t| office_has_team_kind(o, t)) {
            team_models.push(team::ActiveModel {
                office_id: Set(office_id),
                kind_code: Set(t.code.clone()),
                name_he: Set(format!("{} – {}", t.name_he, o.name_he)),
                name_en: Set(format!("{} – {}", t.name_en, o.name_en)),
                ..Default::default()
            });
        }
    }
    for chunk in team_models.chunks(200) {
        team::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([team::Column::OfficeId, team::Column::KindCode])
                    .update_columns([team::Column::NameHe, team::Column::NameEn])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }

    city::Entity::insert_many(cities.iter().map(|c| city::ActiveModel {
        name_he: Set(c.city_he.clone()),
        name_en: Set(c.city_en.clone()),
        income_tax_office: Set(c.income_tax_office.clone()),
        vat_office: Set(c.vat_office.clone()),
        real_estate_office: Set(c.real_estate_office.clone()),
        mshm_office: Set(none_if_empty(&c.mshm_office)),
        ..Default::default()
    }))
    .on_conflict(
        OnConflict::column(city::Column::NameHe)
            .update_columns([
                city::Column::NameEn,
                city::Column::IncomeTaxOffice,
                city::Column::VatOffice,
                city::Column::RealEstateOffice,
                city::Column::MshmOffice,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;

    // Topic tree: main (level 1) and secondary (level 2) topics, in CSV order.
    let mut topics: Vec<topic::ActiveModel> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, t) in triplets.iter().enumerate() {
        let mut parts = t.code.split('.');
        let (Some(main), Some(sec)) = (parts.next(), parts.next()) else {
            return Err(DbErr::Custom(format!(
                "triplet code {} is not MAIN.SECONDARY.DETAIL",
                t.code
            )));
        };
        let sec_code = format!("{main}.{sec}");
        if seen.insert(main.to_string()) {
            topics.push(topic::ActiveModel {
                code: Set(main.to_string()),
                parent_code: Set(None),
                level: Set(1),
                name_he: Set(t.main_he.clone()),
                name_en: Set(t.main_en.clone()),
                sort_order: Set(i as i32),
            });
        }
        if seen.insert(sec_code.clone()) {
            topics.push(topic::ActiveModel {
                code: Set(sec_code),
                parent_code: Set(Some(main.to_string())),
                level: Set(2),
                name_he: Set(t.secondary_he.clone()),
                name_en: Set(t.secondary_en.clone()),
                sort_order: Set(i as i32),
            });
        }
    }
    topic::Entity::insert_many(topics)
        .on_conflict(
            OnConflict::column(topic::Column::Code)
                .update_columns([
                    topic::Column::NameHe,
                    topic::Column::NameEn,
                    topic::Column::SortOrder,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;

    let triplet_models: Vec<triplet::ActiveModel> = triplets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut parts = t.code.split('.');
            let main = parts.next().unwrap_or_default().to_string();
            let sec = format!("{main}.{}", parts.next().unwrap_or_default());
            triplet::ActiveModel {
                code: Set(t.code.clone()),
                main_code: Set(main),
                secondary_code: Set(sec),
                detail_he: Set(t.detail_he.clone()),
                detail_en: Set(t.detail_en.clone()),
                tax_year_required: Set(t.tax_year_required),
                default_team_kind: Set(t.default_team.clone()),
                routing: Set(t.routing.clone()),
                customer_selectable: Set(t.customer_selectable),
                representative_poa_topic: Set(t.representative_poa_topic),
                sla_target_hours: Set(None),
                active: Set(true),
                sort_order: Set(i as i32),
            }
        })
        .collect();
    for chunk in triplet_models.chunks(100) {
        triplet::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(triplet::Column::Code)
                    .update_columns([
                        triplet::Column::DetailHe,
                        triplet::Column::DetailEn,
                        triplet::Column::TaxYearRequired,
                        triplet::Column::DefaultTeamKind,
                        triplet::Column::Routing,
                        triplet::Column::CustomerSelectable,
                        triplet::Column::RepresentativePoaTopic,
                        triplet::Column::SortOrder,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r4_reference_csvs_parse_and_every_default_team_exists_somewhere() {
        let triplets = triplet_rows().unwrap();
        let teams = team_rows().unwrap();
        let offices = office_rows().unwrap();
        assert_eq!(triplets.len(), 110);
        assert_eq!(
            triplets.iter().filter(|t| t.customer_selectable).count(),
            100
        );
        for t in &triplets {
            let team = teams.iter().find(|k| k.code == t.default_team).unwrap();
            assert!(
                offices.iter().any(|o| office_has_team_kind(o, team)),
                "no office holds team kind {}",
                team.code
            );
        }
    }
}
