//! Fetch, identity, store and publish end to end, one module per subject: feeds and pages, the
//! broken-source alarm, `beatwire try`, one story one item, near-duplicates and runs killed in
//! the middle, `run` and `try` sharing one pass, repaired feeds reported, and undated stories
//! dated by their URL.

#[path = "../common/mod.rs"]
mod common;

mod alarm;
mod crash;
mod dedup;
mod identity;
mod one_pass;
mod original;
mod pages;
mod pipeline;
mod repairs;
mod trial;
mod url_dates;
mod workers;
