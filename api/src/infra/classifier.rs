//! The triplet classifier behind the API (R8): the model from `MODELS_DIR`, inference off the
//! async executor (`spawn_blocking`) behind a semaphore. A call waits briefly for a free slot
//! (a burst is absorbed: each inference takes well under a millisecond), then answers
//! CLASSIFIER_BUSY instead of queueing without bound.

use std::path::Path;
use std::sync::{Arc, RwLock};

use classifier::{Classifier, ClassifierError, Prediction};
use tokio::sync::Semaphore;

use crate::domain::error::{DomainError, ErrorCode};

/// Concurrent inferences (the model takes well under a millisecond; a few per core suffice).
pub const MAX_CONCURRENT: usize = 8;
/// Longest a call waits for a slot before CLASSIFIER_BUSY.
pub const SLOT_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

pub struct SuggestionEngine {
    model: RwLock<Option<Arc<Classifier>>>,
    permits: Arc<Semaphore>,
}

impl SuggestionEngine {
    /// Loads the model named by `<models_dir>/triplet/CURRENT`; without one, suggestions answer
    /// an error and the rest of the API works.
    pub fn load(models_dir: &Path) -> Self {
        let model = match classifier::current_model_dir(models_dir)
            .and_then(|dir| Classifier::load(&dir))
        {
            Ok(m) => {
                tracing::info!(version = m.version(), "triplet classifier loaded");
                Some(Arc::new(m))
            }
            Err(e) => {
                tracing::warn!(error = %e, dir = %models_dir.display(), "no triplet classifier: suggestions are unavailable");
                None
            }
        };
        Self {
            model: RwLock::new(model),
            permits: Arc::new(Semaphore::new(MAX_CONCURRENT)),
        }
    }

    /// Swaps in another model (promotion and hot reload); in-flight predictions keep the old one.
    pub fn replace(&self, model: Classifier) {
        if let Ok(mut slot) = self.model.write() {
            *slot = Some(Arc::new(model));
        }
    }

    pub fn version(&self) -> Option<String> {
        self.model
            .read()
            .ok()?
            .as_ref()
            .map(|m| m.version().to_string())
    }

    /// Ranked triplet suggestions for a text.
    pub async fn suggest(&self, text: &str, limit: usize) -> Result<Prediction, DomainError> {
        if text.chars().count() > classifier::MAX_TEXT_CHARS {
            return Err(DomainError::validation(format!(
                "text is limited to {} characters",
                classifier::MAX_TEXT_CHARS
            )));
        }
        let model = self
            .model
            .read()
            .ok()
            .and_then(|m| m.clone())
            .ok_or_else(|| {
                DomainError::new(
                    ErrorCode::Internal,
                    "the triplet classifier is not available",
                )
            })?;
        let busy = || {
            DomainError::new(
                ErrorCode::ClassifierBusy,
                "the classifier is busy; try again in a moment",
            )
        };
        let permit = tokio::time::timeout(SLOT_WAIT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let text = text.to_string();
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            model.predict(&text, limit)
        })
        .await
        .map_err(DomainError::internal)?;
        out.map_err(|e| match e {
            ClassifierError::EmptyText => DomainError::validation("text is empty"),
            ClassifierError::TooLong { max_chars } => {
                DomainError::validation(format!("text is limited to {max_chars} characters"))
            }
            other => DomainError::internal(other),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> SuggestionEngine {
        SuggestionEngine::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models"))
    }

    #[tokio::test]
    async fn r8_a_full_engine_waits_briefly_then_answers_busy() {
        let e = engine();
        let held = e
            .permits
            .clone()
            .acquire_many_owned(MAX_CONCURRENT as u32)
            .await;
        let err = e.suggest("החזר מס לשנת 2023", 3).await.err();
        assert_eq!(err.map(|e| e.code), Some(ErrorCode::ClassifierBusy));
        drop(held);
        assert!(e.suggest("החזר מס לשנת 2023", 3).await.is_ok());
    }

    #[tokio::test]
    async fn r8_a_call_waiting_for_a_slot_gets_it_when_one_frees() {
        let e = Arc::new(engine());
        let held = e
            .permits
            .clone()
            .acquire_many_owned(MAX_CONCURRENT as u32)
            .await;
        let waiting = tokio::spawn({
            let e = e.clone();
            async move { e.suggest("קנס על איחור בדיווח מע\"מ", 3).await }
        });
        tokio::time::sleep(SLOT_WAIT / 5).await;
        drop(held);
        let r = waiting.await.map_err(|e| e.to_string());
        assert!(matches!(r, Ok(Ok(_))), "{:?}", r.map(|x| x.err()));
    }
}
