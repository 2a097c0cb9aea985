//! Use cases: one transaction each, combining domain rules, storage, audit and events.

pub mod errors;
pub mod principals;
pub mod routing;
pub mod seed;
