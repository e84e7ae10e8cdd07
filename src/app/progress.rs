//! How far a run is, told to whoever watches: the run calls a [`Progress`] as sources finish
//! (the CLI's progress bar, `cli::progress`), or [`Silent`].
//!
//! Must not: print anything itself, or decide anything about the run.

use super::report::SourceReport;

/// Told about a run as it goes.
pub trait Progress: Send + Sync {
    /// The run will go through `sources` sources.
    fn start(&self, sources: usize);
    /// One source is done.
    fn source_done(&self, report: &SourceReport);
    /// Every source is done.
    fn finish(&self);
}

/// Shows nothing: for cron, tests, `--json` pipelines, and `-v` (the log says it all).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _sources: usize) {}
    fn source_done(&self, _report: &SourceReport) {}
    fn finish(&self) {}
}
