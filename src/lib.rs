//! beatwire: a newswire for one beat.
//!
//! It pulls a beat's sources (RSS / Atom / JSON feeds and HTML news pages), keeps one copy of
//! each story in an embedded store, and republishes one merged, clean feed.
//!
//! The pipeline runs in one direction, and `app` is the only module that knows the order:
//! `config` → `schedule` → `fetch` → `decode` → `parse` (feeds) or `extract` (pages) →
//! `normalise` → `filter` → `dedup` → `store`, then `publish` once per run, and `status.json`
//! beside the outputs. `serve` reads only the published files and that status.

pub mod app;
pub mod atomic;
pub mod cli;
pub mod config;
pub mod decode;
pub mod dedup;
pub mod demo;
pub mod extract;
pub mod fetch;
pub mod filter;
pub mod inspect;
pub mod model;
pub mod normalise;
pub mod ops;
pub mod parse;
pub mod publish;
pub mod schedule;
pub mod serve;
pub mod status;
pub mod store;
