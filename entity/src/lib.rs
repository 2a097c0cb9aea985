//! SeaORM entities: one file per table, generated style, no business logic.
//! Enumerated columns (status, channel, role ...) are stored as their SCREAMING_SNAKE_CASE codes;
//! the api crate's domain enums parse them.

pub mod office;
pub mod team_kind;
pub mod team;
pub mod city;
pub mod topic;
pub mod triplet;
pub mod customer;
pub mod representative;
pub mod power_of_attorney;
pub mod assessment;
pub mod user;
pub mod user_role;
pub mod team_member;
pub mod inquiry;
pub mod correspondence;
pub mod attachment;
pub mod inquiry_history;
pub mod activity;
pub mod response_template;
pub mod triplet_suggestion;
pub mod triplet_validation;
pub mod classifier_model;
pub mod audit_log;
pub mod non_working_day;
