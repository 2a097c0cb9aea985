//! Triplet suggestions of the classifier (R8).

use async_graphql::{Context, Object, SimpleObject};

use super::reference::{Topic, Triplet};
use crate::graphql::context::CtxExt;
use crate::graphql::errors::GqlResult;

/// One suggested triplet with its calibrated probability.
#[derive(Clone)]
pub struct TripletSuggestion {
    pub code: String,
    pub probability: f64,
}

#[Object]
impl TripletSuggestion {
    async fn triplet(&self, ctx: &Context<'_>) -> GqlResult<Option<Triplet>> {
        Ok(ctx
            .shared()?
            .reference
            .triplet(&self.code)
            .cloned()
            .map(Triplet))
    }
    /// Triplet code.
    async fn code(&self) -> &str {
        &self.code
    }
    /// Calibrated probability in [0, 1].
    async fn probability(&self) -> f64 {
        self.probability
    }
}

/// A topic (main or secondary) with its probability: confident even when the leaf is not.
#[derive(Clone)]
pub struct TopicSuggestion {
    pub code: String,
    pub probability: f64,
}

#[Object]
impl TopicSuggestion {
    async fn topic(&self, ctx: &Context<'_>) -> GqlResult<Option<Topic>> {
        Ok(ctx
            .shared()?
            .reference
            .topic(&self.code)
            .cloned()
            .map(Topic))
    }
    async fn code(&self) -> &str {
        &self.code
    }
    async fn probability(&self) -> f64 {
        self.probability
    }
}

/// The classifier's answer for a text.
#[derive(SimpleObject)]
pub struct TripletSuggestions {
    /// The model version that answered.
    pub model_version: String,
    /// The model is unsure of the leaf: show the topics and let the customer choose.
    pub abstain: bool,
    /// Ranked leaves, best first.
    pub suggestions: Vec<TripletSuggestion>,
    pub main_topic: Option<TopicSuggestion>,
    pub secondary_topic: Option<TopicSuggestion>,
}

impl From<classifier::Prediction> for TripletSuggestions {
    fn from(p: classifier::Prediction) -> Self {
        let topic = |c: classifier::Candidate| TopicSuggestion {
            code: c.code,
            probability: f64::from(c.probability),
        };
        Self {
            model_version: p.model_version,
            abstain: p.abstain,
            suggestions: p
                .candidates
                .into_iter()
                .map(|c| TripletSuggestion {
                    code: c.code,
                    probability: f64::from(c.probability),
                })
                .collect(),
            main_topic: Some(topic(p.main_topic)),
            secondary_topic: Some(topic(p.secondary_topic)),
        }
    }
}

/// The suggestions stored with an inquiry when it was opened.
#[derive(SimpleObject)]
pub struct StoredSuggestions {
    pub model_version: String,
    pub abstain: bool,
    pub suggestions: Vec<TripletSuggestion>,
}
