//! The command line: clap definitions, the exit codes, and the glue that calls `app` for each
//! command and prints what it returns. Quiet on success: cron mails every byte printed.
//!
//! Must not: contain pipeline logic; every command is one call into `app`, `demo` or `serve`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use chrono_tz::Tz;
use clap::{ArgAction, Parser, Subcommand};

use crate::app::progress::{Progress, Silent};
use crate::app::{self, RunOptions, report::RunReport};
use crate::config::ConfigError;
use crate::{demo, serve};

/// Exit codes, as scripts and cron rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// At least one source failed (the others were still processed and published).
    SourceFailed = 1,
    /// Bad command line or bad `feeds.toml`.
    Usage = 2,
    /// Another run holds the store's lock.
    Locked = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "beatwire",
    version,
    about = "A newswire for one beat: pulls feeds and news pages, keeps one copy of each story, \
             publishes one clean merged feed."
)]
pub struct Cli {
    /// The config file; relative `store` and `output` paths in it are relative to it.
    #[arg(
        short,
        long,
        global = true,
        default_value = "feeds.toml",
        env = "BEATWIRE_CONFIG"
    )]
    pub config: PathBuf,
    /// More progress on stderr (-v: per source, -vv: per story). RUST_LOG overrides.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch the sources that are due, then publish (the cron entry point).
    Run(FetchArgs),
    /// Fetch the sources that are due into the store, without publishing.
    Fetch(FetchArgs),
    /// Write feed.xml and the other outputs from the store.
    Publish,
    /// Remove the stories older than `keep_days` from the store (run does it too); each leaves
    /// a tombstone so it never comes back as new.
    Prune,
    /// Serve the published files over HTTP (with /healthz and /metrics).
    Serve {
        #[arg(long, default_value = demo::DEFAULT_SERVE_ADDR)]
        addr: String,
        /// Also run the pipeline in this process at this interval (e.g. 15m).
        #[arg(long, value_parser = parse_every)]
        every: Option<Duration>,
        /// /healthz answers 503 when the last publish is older than this
        /// [default: 1h, or three times --every when that is longer]
        #[arg(long, value_parser = humantime::parse_duration)]
        stale_after: Option<Duration>,
    },
    /// Validate the config; every problem at once, with line:column.
    Check,
    /// Show each source's health: last success, last error, failures, next due, stories.
    Status {
        /// One JSON object on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Read feed documents from files and show what beatwire sees in them.
    Parse {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file, one per line.
        #[arg(long)]
        json: bool,
        /// Zone for dates that carry none.
        #[arg(long, default_value = "Asia/Shanghai")]
        timezone: Tz,
    },
    /// Run the whole pipeline offline on bundled sample sites.
    Demo {
        /// Folder for the demo's config, store and output [default: beatwire-demo in the temp dir]
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Keep serving the result (and the sample sites) until Ctrl-C.
        #[arg(long)]
        serve: bool,
        /// Where --serve listens.
        #[arg(long, default_value = demo::DEFAULT_SERVE_ADDR)]
        addr: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Only this source (repeatable).
    #[arg(long = "source", value_name = "ID")]
    pub sources: Vec<String>,
    /// Fetch even the sources that are not due yet.
    #[arg(long)]
    pub force: bool,
    /// Print one JSON summary of the run on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Runs one command; `Err` is for failures that stop the command as a whole.
pub async fn dispatch(cli: Cli) -> anyhow::Result<Exit> {
    let progress = progress_for(&cli);
    match cli.command {
        Command::Run(args) => fetch(&cli.config, args, true, progress).await,
        Command::Fetch(args) => fetch(&cli.config, args, false, progress).await,
        Command::Status { json } => {
            let config = app::load_config(&cli.config)?;
            let status = app::status::status(&config)?;
            if json {
                print_line(&serde_json::to_string(&status).context("cannot render JSON")?)?;
            } else {
                print_line(&app::status::render(
                    &status,
                    config.beat.timezone,
                    Utc::now(),
                ))?;
            }
            Ok(Exit::Success)
        }
        Command::Publish => {
            let config = app::load_config(&cli.config)?;
            let published = app::publish(&config, Utc::now())?;
            tracing::info!(items = published.items, path = %published.path.display(), "published");
            Ok(Exit::Success)
        }
        Command::Prune => {
            let config = app::load_config(&cli.config)?;
            let pruned = app::prune(&config, Utc::now())?;
            print_line(&format!(
                "pruned {} stories older than {} days",
                pruned.stories, config.beat.keep_days
            ))?;
            Ok(Exit::Success)
        }
        Command::Check => {
            let config = app::load_config(&cli.config)?;
            print_line(&format!(
                "{}: ok ({} sources, {} categories)",
                cli.config.display(),
                config.sources.len(),
                config.categories.len()
            ))?;
            Ok(Exit::Success)
        }
        Command::Parse {
            files,
            json,
            timezone,
        } => parse(&files, json, timezone),
        Command::Serve {
            addr,
            every,
            stale_after,
        } => {
            let config = app::load_config(&cli.config)?;
            let stale_after = stale_after.unwrap_or_else(|| {
                every.map_or(serve::DEFAULT_STALE_AFTER, |every| {
                    (every * 3).max(serve::DEFAULT_STALE_AFTER)
                })
            });
            let listener = serve::bind(&addr).await?;
            eprintln!(
                "serving {} on http://{}/",
                config.beat.output.display(),
                serve::local_addr(&listener).map_or(addr, |a| a.to_string())
            );
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let pipeline = every.map(|every| {
                let stopped = stopped.clone();
                tokio::spawn(app::every::run_every(
                    config.clone(),
                    every,
                    stopped,
                    |_| {},
                ))
            });
            let shutdown = async move {
                shutdown_signal().await;
                eprintln!("beatwire: shutting down");
                let _ = stop.send(true);
            };
            let options = serve::ServeOptions { stale_after };
            // Requests in flight get a few seconds after the signal; a client that keeps a
            // download open longer does not keep the process alive.
            let mut signalled = stopped.clone();
            let deadline = async move {
                let _ = signalled.wait_for(|stop| *stop).await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            };
            tokio::select! {
                served = serve::serve(listener, &config.beat.output, options, shutdown) => served?,
                () = deadline => eprintln!(
                    "beatwire: connections still open {SHUTDOWN_GRACE:?} after the signal; closed"
                ),
            }
            if let Some(pipeline) = pipeline {
                // A run in progress may finish (its fetches are bounded by [fetch].timeout).
                let grace = config.fetch.timeout + Duration::from_secs(5);
                if tokio::time::timeout(grace, pipeline).await.is_err() {
                    eprintln!("beatwire: the run in progress did not finish in {grace:?}; stopped");
                }
            }
            Ok(Exit::Success)
        }
        Command::Demo { dir, serve, addr } => {
            let dir = dir.unwrap_or_else(|| std::env::temp_dir().join("beatwire-demo"));
            let demo = demo::run(&dir, &addr, Utc::now()).await?;
            report_failures(&demo.report);
            if let Some(published) = &demo.report.published {
                print_line(&published.path.display().to_string())?;
            }
            print_line(&demo.report.summary_line())?;
            if serve {
                let listener = serve::bind(&addr).await?;
                print_line(&format!("serving on http://{addr}/feed.xml (Ctrl-C stops)"))?;
                let options = serve::ServeOptions::default();
                serve::serve(
                    listener,
                    &demo.config.beat.output,
                    options,
                    shutdown_signal(),
                )
                .await?;
            }
            Ok(if demo.report.any_failed() {
                Exit::SourceFailed
            } else {
                Exit::Success
            })
        }
    }
}

/// A progress bar on a terminal, unless `-q` or `-v` (the log lines would break it).
fn progress_for(cli: &Cli) -> Box<dyn Progress> {
    if cli.quiet || cli.verbose > 0 || !matches!(cli.command, Command::Run(_) | Command::Fetch(_)) {
        return Box::new(Silent);
    }
    match app::progress::Bar::on_terminal() {
        Some(bar) => Box::new(bar),
        None => Box::new(Silent),
    }
}

async fn fetch(
    config: &std::path::Path,
    args: FetchArgs,
    publish: bool,
    progress: Box<dyn Progress>,
) -> anyhow::Result<Exit> {
    let config = app::load_config(config)?;
    let options = RunOptions {
        only: args.sources,
        force: args.force,
        publish,
    };
    let report = app::run_with(&config, &options, Utc::now(), progress.as_ref()).await?;
    report_failures(&report);
    if args.json {
        print_line(&serde_json::to_string(&report).context("cannot render the report")?)?;
    }
    tracing::info!("{}", report.summary_line());
    Ok(if report.any_failed() {
        Exit::SourceFailed
    } else {
        Exit::Success
    })
}

fn parse(files: &[PathBuf], json: bool, tz: Tz) -> anyhow::Result<Exit> {
    let mut exit = Exit::Success;
    for file in files {
        let parsed = app::inspect::parse_file(file, tz, Utc::now());
        if let Some(error) = &parsed.error {
            exit = Exit::SourceFailed;
            if !json {
                eprintln!("beatwire: {error}");
                continue;
            }
        }
        if json {
            print_line(&serde_json::to_string(&parsed).context("cannot render JSON")?)?;
        } else {
            print_line(&format!(
                "{}: {} \"{}\", {} items",
                file.display(),
                parsed
                    .format
                    .map(|f| format!("{f:?}").to_lowercase())
                    .unwrap_or_default(),
                parsed.title.as_deref().unwrap_or(""),
                parsed.items.len()
            ))?;
            for item in &parsed.items {
                print_line(&format!(
                    "  {}  {}  {}",
                    item.published.as_deref().unwrap_or("-"),
                    item.title.as_deref().unwrap_or("(untitled)"),
                    item.link.as_deref().unwrap_or("")
                ))?;
            }
        }
    }
    Ok(exit)
}

fn report_failures(report: &RunReport) {
    for line in report.failure_lines() {
        eprintln!("beatwire: {line}");
    }
}

/// Prints a line on stdout; a closed pipe (`beatwire parse … | head`) ends quietly.
fn print_line(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// How long `serve` waits for open connections after SIGTERM / Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A `--every` interval: a duration of at least one second.
fn parse_every(text: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    if every < app::every::MIN_EVERY {
        return Err(format!(
            "must be at least {}",
            humantime::format_duration(app::every::MIN_EVERY)
        ));
    }
    Ok(every)
}

/// The exit code for an error that stopped a command.
pub fn exit_for(error: &anyhow::Error) -> Exit {
    if error.downcast_ref::<ConfigError>().is_some()
        || error.downcast_ref::<app::UnknownSource>().is_some()
    {
        Exit::Usage
    } else if matches!(
        error.downcast_ref::<app::lock::LockError>(),
        Some(app::lock::LockError::Held { .. })
    ) {
        Exit::Locked
    } else {
        Exit::SourceFailed
    }
}
