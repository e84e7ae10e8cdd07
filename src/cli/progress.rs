//! How far a run is, for a person watching: a progress bar on a terminal, nothing otherwise.
//!
//! Must not: print anything when stderr is not a terminal (cron mails every byte), or decide
//! anything about the run.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::app::progress::Progress;
use crate::app::report::{SourceReport, SourceStatus};

/// A progress bar on stderr, cleared when the run ends.
#[derive(Debug)]
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar when stderr is a terminal; `None` when it is a file, a pipe or cron's mail.
    pub fn on_terminal() -> Option<Bar> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{spinner} {pos}/{len} sources [{elapsed}] {wide_bar} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Some(Bar { bar })
    }
}

impl Progress for Bar {
    fn start(&self, sources: usize) {
        self.bar.set_length(sources as u64);
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn source_done(&self, report: &SourceReport) {
        if report.status == SourceStatus::Failed {
            self.bar.set_message(format!("{} failed", report.id));
        } else {
            self.bar.set_message(report.id.to_string());
        }
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
