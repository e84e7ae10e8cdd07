//! The command line: clap definitions, the exit codes, and the glue that calls `app` for each
//! command and prints what it returns. Quiet on success: cron mails every byte printed.
//!
//! Must not: contain pipeline logic; every command is one call into `app`, `ops`, `demo` or
//! `serve`.
//!
//! - [`serving`]: `serve` and `demo`.
//! - [`operator`]: `add`, `opml`, `try`, `check --online`, `completions`, `man`.
//! - [`inspect`]: `parse` and `extract`.

mod inspect;
mod operator;
mod progress;
mod serving;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use chrono_tz::Tz;
use clap::{ArgAction, Parser, Subcommand};
use url::Url;

use crate::app::progress::{Progress, Silent};
use crate::app::{self, RunOptions, report::RunReport};
use crate::config::{Config, ConfigError};
use crate::ops::edit::EditError;
use crate::{demo, ops};

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

impl Exit {
    /// [`Exit::SourceFailed`] when `failed`, else [`Exit::Success`].
    pub fn failed_if(failed: bool) -> Exit {
        if failed {
            Exit::SourceFailed
        } else {
            Exit::Success
        }
    }
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
    Check {
        /// Also run each source's [[source.test]]: fetch the article, compare its fields.
        #[arg(long)]
        online: bool,
    },
    /// Dry run of one source: the stories found and the fields of the first few, with the
    /// rule behind each; writes nothing.
    Try(TryArgs),
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
    /// Read article pages (files or URLs) and show their body and metadata.
    Extract {
        #[arg(required = true, value_name = "FILE|URL")]
        inputs: Vec<String>,
        /// The URL the pages came from: relative links in files resolve against it.
        #[arg(long, value_name = "BASE")]
        url: Option<Url>,
        /// Read as this source of the config does (its [source.article], encoding and zone).
        #[arg(long = "source", value_name = "ID")]
        source: Option<String>,
        /// One JSON object per page, one per line.
        #[arg(long)]
        json: bool,
        /// Zone for dates that carry none [default: the source's, else Asia/Shanghai].
        #[arg(long)]
        timezone: Option<Tz>,
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
    /// Add a source to the config from a URL: a feed, a page naming feeds, or a news page
    /// (with guessed list selectors).
    Add(AddArgs),
    /// OPML 2.0: export the feed sources or the published feeds, import feed sources.
    Opml {
        #[command(subcommand)]
        command: OpmlCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout: `beatwire man | man -l -`.
    Man {
        /// The page of this subcommand (beatwire-COMMAND(1)) instead of beatwire(1).
        command: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The feed or page to add.
    pub url: Url,
    /// The source id [default: from the URL's host and path, made unique]
    #[arg(long)]
    pub id: Option<String>,
    /// The source's `category` (a label that groups sources, e.g. in OPML).
    #[arg(long)]
    pub category: Option<String>,
    /// Of several feeds named by a page, add the first.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum OpmlCommand {
    /// Print the feed sources (or, with --published, the published feeds) as OPML 2.0.
    Export {
        /// The feeds beatwire publishes, at their URLs under [beat].feed_url.
        #[arg(long)]
        published: bool,
    },
    /// Add the feed outlines of an OPML file as feed sources; skip the ones already present.
    Import { file: PathBuf },
}

#[derive(Debug, clap::Args)]
pub struct TryArgs {
    /// The source's id in the config.
    #[arg(value_name = "ID")]
    pub id: String,
    /// Read this saved page or feed instead of fetching (decoded with the source's rules).
    #[arg(long, value_name = "PAGE")]
    pub file: Option<PathBuf>,
    /// Fetch this URL instead of the source's; with --file, links resolve against it.
    #[arg(long, value_name = "URL")]
    pub url: Option<Url>,
    /// Story pages to read, the first ones listed.
    #[arg(long, value_name = "N", default_value_t = crate::inspect::trial::DEFAULT_LIMIT)]
    pub limit: usize,
    /// One JSON object on stdout.
    #[arg(long)]
    pub json: bool,
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
            let config = Config::load(&cli.config)?;
            let status = crate::inspect::status::status(&config)?;
            if json {
                print_line(&serde_json::to_string(&status).context("cannot render JSON")?)?;
            } else {
                print_line(&crate::inspect::status::render(
                    &status,
                    config.beat.timezone,
                    Utc::now(),
                ))?;
            }
            Ok(Exit::Success)
        }
        Command::Publish => {
            let config = Config::load(&cli.config)?;
            let published = app::publish(&config, Utc::now())?;
            tracing::info!(items = published.items, path = %published.path.display(), "published");
            Ok(Exit::Success)
        }
        Command::Prune => {
            let config = Config::load(&cli.config)?;
            let pruned = app::prune(&config, Utc::now())?;
            print_line(&format!(
                "pruned {} stories older than {} days",
                pruned.stories, config.beat.keep_days
            ))?;
            Ok(Exit::Success)
        }
        Command::Check { online } => {
            let config = Config::load(&cli.config)?;
            print_line(&format!(
                "{}: ok ({} sources, {} categories)",
                cli.config.display(),
                config.sources.len(),
                config.categories.len()
            ))?;
            if online {
                return operator::self_tests(&config).await;
            }
            Ok(Exit::Success)
        }
        Command::Try(args) => operator::try_source(&cli.config, args).await,
        Command::Parse {
            files,
            json,
            timezone,
        } => inspect::parse(&files, json, timezone),
        Command::Extract {
            inputs,
            url,
            source,
            json,
            timezone,
        } => {
            inspect::extract(
                &cli.config,
                &inputs,
                url.as_ref(),
                source.as_deref(),
                json,
                timezone,
            )
            .await
        }
        Command::Serve {
            addr,
            every,
            stale_after,
        } => serving::serve(&cli.config, addr, every, stale_after).await,
        Command::Demo { dir, serve, addr } => serving::demo(dir, serve, addr).await,
        Command::Add(args) => operator::add(&cli.config, args).await,
        Command::Opml { command } => operator::opml(&cli.config, command),
        Command::Completions { shell } => operator::completions(shell),
        Command::Man { command } => operator::man(command.as_deref()),
    }
}

/// Writes bytes on stdout; a closed pipe ends quietly, as in [`print_line`].
fn print_bytes(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// A progress bar on a terminal, unless `-q` or `-v` (the log lines would break it).
fn progress_for(cli: &Cli) -> Box<dyn Progress> {
    if cli.quiet || cli.verbose > 0 || !matches!(cli.command, Command::Run(_) | Command::Fetch(_)) {
        return Box::new(Silent);
    }
    match progress::Bar::on_terminal() {
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
    let config = Config::load(config)?;
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
    Ok(Exit::failed_if(report.any_failed()))
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
        || error.downcast_ref::<EditError>().is_some()
        || error.downcast_ref::<ops::opml::OpmlError>().is_some()
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
