//! SeaORM entities: one file per table, generated style, no business logic.
//! Enumerated columns (status, channel, role ...) are stored as their SCREAMING_SNAKE_CASE codes;
//! the api crate's domain enums parse them.

pub mod activity;
pub mod assessment;
pub mod attachment;
pub mod audit_log;
pub mod city;
pub mod classifier_model;
pub mod correspondence;
pub mod customer;
pub mod inquiry;
pub mod inquiry_history;
pub mod non_working_day;
pub mod office;
pub mod power_of_attorney;
pub mod representative;
pub mod response_template;
pub mod saved_view;
pub mod team;
pub mod team_kind;
pub mod team_member;
pub mod topic;
pub mod triplet;
pub mod triplet_suggestion;
pub mod triplet_validation;
pub mod user;
pub mod user_role;
