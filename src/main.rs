//! The `beatwire` binary: parse the command line, start tracing, call the library, and turn the
//! outcome into an exit code (see `cli::Exit`).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use beatwire::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose, cli.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("beatwire: cannot start the async runtime: {e}");
            return cli::Exit::SourceFailed.into();
        }
    };
    match runtime.block_on(cli::dispatch(cli)) {
        Ok(exit) => exit.into(),
        Err(error) => {
            eprintln!("beatwire: {error:#}");
            cli::exit_for(&error).into()
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
