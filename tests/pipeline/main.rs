//! Fetch, identity, store and publish end to end, one module per subject: feeds and pages, the
//! broken-source alarm, `beatwire try`, one story one item, near-duplicates and runs killed in
//! the middle.

#[path = "../common/mod.rs"]
mod common;

mod alarm;
mod crash;
mod dedup;
mod identity;
mod pages;
mod pipeline;
mod trial;
