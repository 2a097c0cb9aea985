//! Mutation root. Every mutation takes one `input` object and returns a payload with the changed
//! objects; each is one transaction in the service layer.

mod inquiry;

pub use inquiry::InquiryMutations;

/// The mutation root, merged from the areas.
#[derive(async_graphql::MergedObject, Default)]
pub struct MutationRoot(
    InquiryMutations,
    super::info_api::InfoMutations,
    super::templates_api::TemplateMutations,
    super::activity_api::ActivityMutations,
    super::attachment_api::AttachmentMutations,
    super::sla_api::SlaMutations,
    super::validation_api::ValidationMutations,
    super::views_api::SavedViewMutations,
    super::learning_api::LearningMutations,
);
