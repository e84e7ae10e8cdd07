//! The command line as operators use it, one module per subject: exit codes and errors, shell
//! completions and the man page, the configuration reference, `[[source.test]]` self-tests,
//! `add` and `opml`, `store copy`.

#[path = "../common/mod.rs"]
mod common;

mod add;
mod cli;
mod completions;
mod config_reference;
mod opml;
mod selftest;
mod store_copy;
