//! The commands that only look: per-source health from the store (`status`), feed documents
//! and article pages read the way the pipeline reads them (`parse`, `extract`), each source's
//! `[[source.test]]` checked online (`check --online`), and a dry run laid out for people
//! (`try`).
//!
//! Must not: write to the store or the output folder, or run a source's pass; `app` runs the
//! pipeline, and these only call the pieces of it they show.

pub mod documents;
pub mod selftest;
pub mod status;
pub mod trial;
