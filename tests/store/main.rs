//! One conformance suite for both stores: every behaviour of the store trait runs on sled (in
//! a temp dir) and on PostgreSQL (in a database of the test's own), plus what only a shared
//! PostgreSQL store offers and the command line on it. See `harness.rs` for how PostgreSQL is
//! found, and when its cases are skipped.

#[path = "../common/mod.rs"]
mod common;

mod harness;
mod lifecycle;
mod publish;
mod schema;
mod sharing;
mod stories;
mod tls;
mod transfer;
