//! Use cases: one transaction each, combining domain rules, storage, audit and events.

pub mod activities;
pub mod attachments;
pub mod errors;
pub mod info;
pub mod inquiries;
pub mod learning;
pub mod principals;
pub mod representation;
pub mod retention;
pub mod routing;
pub mod seed;
pub mod sla;
pub mod templates;
pub mod validation;
pub mod views;
