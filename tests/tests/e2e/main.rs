//! End-to-end suite: one test binary, one module per area. Each test spawns the real server on a
//! free port over a fresh database (SQLite by default; PostgreSQL with TEST_DATABASE_URL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod abuse;
mod attachments;
mod bola;
mod dashboard;
mod failure;
mod foundation;
mod learning;
mod lifecycle;
mod lifecycle_walk;
mod outbox;
mod policy_matrix;
mod read_api;
mod saved_views;
mod scanning;
mod security;
mod sla;
mod subscriptions;
mod suggest;
mod templates;
mod views;
