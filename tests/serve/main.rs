//! `serve`, in-process over real HTTP and as the binary operators run.

#[path = "../common/mod.rs"]
mod common;

mod serve;
mod serve_cli;
