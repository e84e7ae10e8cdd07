//! What goes in and what comes out, one module per subject: broken feeds read leniently,
//! article extraction, every output read back by independent readers, and properties checked
//! on generated inputs.

#[path = "../common/mod.rs"]
mod common;

mod conformance;
mod extract;
mod parse;
mod properties;
