//! GraphQL object types. Each wraps an entity model; none derives from entities directly.

pub mod enums;
pub mod inquiry;
pub mod people;
pub mod reference;
pub mod sla;
pub mod suggestion;

use async_graphql::{ID, Interface};

/// Any object with a global ID (Relay object identification).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Inquiry(inquiry::Inquiry),
    Customer(people::Customer),
    Representative(people::Representative),
    User(people::User),
    Team(reference::Team),
    Office(reference::Office),
    Triplet(reference::Triplet),
    Topic(reference::Topic),
    HistoryEntry(inquiry::HistoryEntry),
    Correspondence(inquiry::Correspondence),
    ResponseTemplate(super::templates_api::ResponseTemplate),
    SavedView(super::views_api::SavedView),
    Attachment(super::attachment_api::Attachment),
}
