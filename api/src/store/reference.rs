//! Reference data (offices, teams, team kinds, topics, triplets, cities) read once at start into
//! an immutable snapshot: it changes only through migrations, and keeping it in memory makes
//! team, office and triplet lookups cost no SQL.

use std::collections::HashMap;

use entity::{city, office, team, team_kind, topic, triplet};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};

#[derive(Debug, Default)]
pub struct Reference {
    pub offices: Vec<office::Model>,
    pub teams: Vec<team::Model>,
    pub team_kinds: HashMap<String, team_kind::Model>,
    pub topics: Vec<topic::Model>,
    pub triplets: Vec<triplet::Model>,
    pub cities: HashMap<String, city::Model>,
    office_by_id: HashMap<i64, usize>,
    office_by_code: HashMap<String, usize>,
    team_by_id: HashMap<i64, usize>,
    team_by_office_kind: HashMap<(i64, String), usize>,
    triplet_by_code: HashMap<String, usize>,
    topic_by_code: HashMap<String, usize>,
}

impl Reference {
    pub async fn load(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let offices = office::Entity::find()
            .order_by_asc(office::Column::Id)
            .all(db)
            .await?;
        let teams = team::Entity::find()
            .order_by_asc(team::Column::Id)
            .all(db)
            .await?;
        let team_kinds = team_kind::Entity::find().all(db).await?;
        let topics = topic::Entity::find()
            .order_by_asc(topic::Column::SortOrder)
            .order_by_asc(topic::Column::Level)
            .all(db)
            .await?;
        let triplets = triplet::Entity::find()
            .order_by_asc(triplet::Column::SortOrder)
            .all(db)
            .await?;
        let cities = city::Entity::find().all(db).await?;
        Ok(Self::from_parts(
            offices, teams, team_kinds, topics, triplets, cities,
        ))
    }

    pub fn from_parts(
        offices: Vec<office::Model>,
        teams: Vec<team::Model>,
        team_kinds: Vec<team_kind::Model>,
        topics: Vec<topic::Model>,
        triplets: Vec<triplet::Model>,
        cities: Vec<city::Model>,
    ) -> Self {
        let office_by_id = offices.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let office_by_code = offices
            .iter()
            .enumerate()
            .map(|(i, o)| (o.code.clone(), i))
            .collect();
        let team_by_id = teams.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        let team_by_office_kind = teams
            .iter()
            .enumerate()
            .map(|(i, t)| ((t.office_id, t.kind_code.clone()), i))
            .collect();
        let triplet_by_code = triplets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.code.clone(), i))
            .collect();
        let topic_by_code = topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.code.clone(), i))
            .collect();
        Self {
            team_kinds: team_kinds
                .into_iter()
                .map(|k| (k.code.clone(), k))
                .collect(),
            cities: cities.into_iter().map(|c| (c.name_he.clone(), c)).collect(),
            offices,
            teams,
            topics,
            triplets,
            office_by_id,
            office_by_code,
            team_by_id,
            team_by_office_kind,
            triplet_by_code,
            topic_by_code,
        }
    }

    pub fn office(&self, id: i64) -> Option<&office::Model> {
        self.office_by_id.get(&id).map(|&i| &self.offices[i])
    }
    pub fn office_by_code(&self, code: &str) -> Option<&office::Model> {
        self.office_by_code.get(code).map(|&i| &self.offices[i])
    }
    pub fn team(&self, id: i64) -> Option<&team::Model> {
        self.team_by_id.get(&id).map(|&i| &self.teams[i])
    }
    pub fn team_in_office(&self, office_id: i64, kind: &str) -> Option<&team::Model> {
        self.team_by_office_kind
            .get(&(office_id, kind.to_string()))
            .map(|&i| &self.teams[i])
    }
    pub fn triplet(&self, code: &str) -> Option<&triplet::Model> {
        self.triplet_by_code.get(code).map(|&i| &self.triplets[i])
    }
    pub fn topic(&self, code: &str) -> Option<&topic::Model> {
        self.topic_by_code.get(code).map(|&i| &self.topics[i])
    }
    pub fn team_kind(&self, code: &str) -> Option<&team_kind::Model> {
        self.team_kinds.get(code)
    }
}
