//! DataLoaders: every nested reference and list resolves through one batched statement per
//! level, so a page costs a small, bounded number of statements (no N+1).

use std::collections::HashMap;

use crate::store::Db as DatabaseConnection;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    attachment, correspondence, customer, inquiry_history, representative, triplet_suggestion, user,
};

use super::errors::ApiError;
use crate::store;

pub struct CustomerLoader(DatabaseConnection);
pub struct UserLoader(DatabaseConnection);
pub struct RepresentativeLoader(DatabaseConnection);
pub struct CorrespondenceLoader(DatabaseConnection);
pub struct UnreadLoader(DatabaseConnection);
pub struct HistoryLoader(DatabaseConnection);
pub struct SuggestionLoader(DatabaseConnection);
pub struct AttachmentLoader(DatabaseConnection);

/// Key of the "last N history rows of an inquiry" loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LastHistory {
    pub inquiry_id: i64,
    pub n: u32,
}

impl Loader<i64> for CustomerLoader {
    type Value = customer::Model;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(store::people::customers_by_ids(&self.0, keys).await?)
    }
}

impl Loader<i64> for UserLoader {
    type Value = user::Model;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(store::people::users_by_ids(&self.0, keys).await?)
    }
}

impl Loader<i64> for RepresentativeLoader {
    type Value = representative::Model;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(store::people::representatives_by_ids(&self.0, keys).await?)
    }
}

impl Loader<i64> for CorrespondenceLoader {
    type Value = Vec<correspondence::Model>;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(store::inquiries::correspondences(&self.0, keys).await?)
    }
}

impl Loader<i64> for UnreadLoader {
    type Value = i64;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(store::inquiries::unread_correspondences(&self.0, keys).await?)
    }
}

impl Loader<i64> for AttachmentLoader {
    type Value = Vec<attachment::Model>;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(store::inquiries::attachments(&self.0, keys).await?)
    }
}

impl Loader<i64> for SuggestionLoader {
    type Value = Vec<triplet_suggestion::Model>;
    type Error = ApiError;
    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(store::inquiries::suggestions(&self.0, keys).await?)
    }
}

impl Loader<LastHistory> for HistoryLoader {
    type Value = Vec<inquiry_history::Model>;
    type Error = ApiError;
    async fn load(
        &self,
        keys: &[LastHistory],
    ) -> Result<HashMap<LastHistory, Self::Value>, Self::Error> {
        // Keys of one request nearly always share N; group by N to keep one statement per N.
        let mut by_n: HashMap<u32, Vec<i64>> = HashMap::new();
        for k in keys {
            by_n.entry(k.n).or_default().push(k.inquiry_id);
        }
        let mut out = HashMap::new();
        for (n, ids) in by_n {
            let mut rows = store::inquiries::last_history(&self.0, &ids, n).await?;
            for id in ids {
                out.insert(
                    LastHistory { inquiry_id: id, n },
                    rows.remove(&id).unwrap_or_default(),
                );
            }
        }
        Ok(out)
    }
}

/// The loaders of one request (caches must not outlive the request: they hold authorised data).
pub struct Loaders {
    pub customers: DataLoader<CustomerLoader>,
    pub users: DataLoader<UserLoader>,
    pub representatives: DataLoader<RepresentativeLoader>,
    pub correspondences: DataLoader<CorrespondenceLoader>,
    pub unread: DataLoader<UnreadLoader>,
    pub history: DataLoader<HistoryLoader>,
    pub suggestions: DataLoader<SuggestionLoader>,
    pub attachments: DataLoader<AttachmentLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            customers: DataLoader::new(CustomerLoader(db.clone()), tokio::spawn),
            users: DataLoader::new(UserLoader(db.clone()), tokio::spawn),
            representatives: DataLoader::new(RepresentativeLoader(db.clone()), tokio::spawn),
            correspondences: DataLoader::new(CorrespondenceLoader(db.clone()), tokio::spawn),
            unread: DataLoader::new(UnreadLoader(db.clone()), tokio::spawn),
            history: DataLoader::new(HistoryLoader(db.clone()), tokio::spawn),
            suggestions: DataLoader::new(SuggestionLoader(db.clone()), tokio::spawn),
            attachments: DataLoader::new(AttachmentLoader(db.clone()), tokio::spawn),
        }
    }
}
