//! The `beatwire` binary: parse the command line, start tracing, call the library, and turn the
//! outcome into an exit code (see `cli::Exit` and `cli::Failure`). The only place that ends the
//! process. It also chooses the process's allocator: jemalloc, which hands freed memory back
//! and keeps a run of many sources smaller and cheaper than the system's (docs/benchmarks.md).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use beatwire::cli::{self, Cli, Failure};

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose, cli.quiet);
    let outcome = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(cli::dispatch(cli)),
        Err(e) => Err(Failure::Internal(
            anyhow::Error::new(e).context("cannot start the async runtime"),
        )),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(failure) => {
            if !matches!(failure, Failure::Closed) {
                eprintln!("beatwire: {failure:#}");
            }
            failure.exit().into()
        }
    }
}

/// Warnings and errors by default (quiet for cron); `-v` info, `-vv` debug; RUST_LOG wins.
fn init_tracing(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "error",
        (false, 1) => "beatwire=info",
        (false, _) => "beatwire=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours on a terminal only: cron mails and log files get plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .compact()
        .init();
}
