//! The command line: clap definitions, the exit codes, and the glue that calls `app` for each
//! command and prints what it returns. Quiet on success: cron mails every byte printed.
//!
//! A command ends with an [`Exit`] when it did its work, or with a [`Failure`] when it stopped;
//! each kind of failure has its exit code, chosen where an error becomes a `Failure`.
//!
//! Must not: contain pipeline logic; every command is one call into `app`, `ops`, `demo` or
//! `serve`.
//!
//! - [`serving`]: `serve` and `demo`.
//! - [`operator`]: `add`, `opml`, `try`, `check --online`, `completions`, `man`.
//! - [`inspect`]: `parse` and `extract`.
//! - [`store`]: `store copy`.

mod inspect;
mod operator;
mod progress;
mod serving;
mod store;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use chrono_tz::Tz;
use clap::{ArgAction, Parser, Subcommand};
use url::Url;

use crate::app::lock::LockError;
use crate::app::progress::{Progress, Silent};
use crate::app::{self, RunOptions, report::RunReport};
use crate::config::{Config, ConfigError};
use crate::demo;
use crate::fetch::FetchError;
use crate::ops::add::AddError;
use crate::ops::edit::EditError;
use crate::ops::opml::OpmlError;
use crate::serve::ServeError;
use crate::store::StoreError;

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
    /// beatwire itself could not run (its async runtime did not start): `EX_SOFTWARE` of
    /// sysexits.h, neither a source's fault nor the operator's.
    Internal = 70,
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

/// Why a command stopped, each kind with its exit code ([`Failure::exit`]).
///
/// Errors become failures through the `From` impls below (a typed error chooses its kind
/// there) or by naming the kind at the call: there is no conversion from a bare
/// `anyhow::Error`, so a new kind of error cannot fall through to some default code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// A bad command line or `feeds.toml`, an unknown source, a bad OPML file, an edit of
    /// `feeds.toml` refused: exit 2.
    #[error(transparent)]
    Usage(anyhow::Error),
    /// Another run holds the store's lock: exit 3.
    #[error(transparent)]
    Locked(anyhow::Error),
    /// The command could not do its work (the network, the store, the output folder): exit 1.
    #[error(transparent)]
    Failed(anyhow::Error),
    /// beatwire itself could not run: exit 70.
    #[error(transparent)]
    Internal(anyhow::Error),
    /// Whoever read stdout closed it (`beatwire parse … | head`): nothing is left to say, and
    /// that is no failure: exit 0, quietly.
    #[error("stdout was closed")]
    Closed,
}

impl Failure {
    /// The exit code of this kind of failure.
    pub fn exit(&self) -> Exit {
        match self {
            Failure::Usage(_) => Exit::Usage,
            Failure::Locked(_) => Exit::Locked,
            Failure::Failed(_) => Exit::SourceFailed,
            Failure::Internal(_) => Exit::Internal,
            Failure::Closed => Exit::Success,
        }
    }

    /// An error of `app`, `inspect` or `demo`, which return `anyhow`: an unknown source and a
    /// held run lock (or store lock) keep their codes, anything else stopped the command
    /// (exit 1).
    fn app(error: anyhow::Error) -> Failure {
        if error.is::<app::UnknownSource>() {
            Failure::Usage(error)
        } else if matches!(error.downcast_ref(), Some(LockError::Held { .. }))
            || matches!(error.downcast_ref(), Some(StoreError::Locked { .. }))
        {
            Failure::Locked(error)
        } else {
            Failure::Failed(error)
        }
    }
}

/// `From` impls for errors that are always of one kind: the table of their exit codes.
macro_rules! always {
    ($kind:ident: $($error:ty),+ $(,)?) => {$(
        impl From<$error> for Failure {
            fn from(error: $error) -> Failure {
                Failure::$kind(error.into())
            }
        }
    )+};
}

always!(Usage: ConfigError, app::UnknownSource, EditError, OpmlError);
always!(Failed: FetchError, ServeError);

impl From<AddError> for Failure {
    fn from(error: AddError) -> Failure {
        match error {
            AddError::Edit(edit) => edit.into(),
            AddError::Fetch(_) | AddError::NothingFound { .. } | AddError::SeveralFeeds { .. } => {
                Failure::Failed(error.into())
            }
        }
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
    /// Work on a store given by its location (a sled path or a postgres:// URL) rather than
    /// by feeds.toml: `store copy`.
    Store {
        #[command(subcommand)]
        command: store::StoreCommand,
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
pub async fn dispatch(cli: Cli) -> Result<Exit, Failure> {
    let progress = progress_for(&cli);
    match cli.command {
        Command::Run(args) => fetch(&cli.config, args, true, progress).await,
        Command::Fetch(args) => fetch(&cli.config, args, false, progress).await,
        Command::Status { json } => {
            let config = Config::load(&cli.config)?;
            let status = crate::inspect::status::status(&config).map_err(Failure::app)?;
            if json {
                print_json_line(&status)?;
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
            let published = app::publish(&config, Utc::now()).map_err(Failure::app)?;
            tracing::info!(items = published.items, path = %published.path.display(), "published");
            Ok(Exit::Success)
        }
        Command::Prune => {
            let config = Config::load(&cli.config)?;
            let pruned = app::prune(&config, Utc::now()).map_err(Failure::app)?;
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
        Command::Store { command } => store::store(command),
        Command::Completions { shell } => operator::completions(shell),
        Command::Man { command } => operator::man(command.as_deref()),
    }
}

/// Writes bytes on stdout; a closed pipe is [`Failure::Closed`], as in [`print_line`].
fn print_bytes(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

/// Prints a line on stdout; a closed pipe (`beatwire parse … | head`) is [`Failure::Closed`],
/// which ends the command quietly.
fn print_line(line: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").map_err(stdout_failure)
}

fn stdout_failure(error: std::io::Error) -> Failure {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Failed(anyhow::Error::new(error).context("cannot write to stdout"))
    }
}

/// Prints `value` as one line of JSON on stdout, streamed (a run of 100,000 sources reports
/// some 20 MB); a closed pipe is [`Failure::Closed`], as in [`print_line`].
fn print_json_line(value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match serde_json::to_writer(&mut out, value) {
        Ok(()) => {}
        Err(e) if e.is_io() => return Err(stdout_failure(e.into())),
        Err(e) => {
            return Err(Failure::Failed(
                anyhow::Error::new(e).context("cannot render JSON"),
            ));
        }
    }
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .map_err(stdout_failure)
}

/// `value` as one line of JSON.
fn to_json(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string(value)
        .map_err(|e| Failure::Failed(anyhow::Error::new(e).context("cannot render JSON")))
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
) -> Result<Exit, Failure> {
    let config = Config::load(config)?;
    let options = RunOptions {
        only: args.sources,
        force: args.force,
        publish,
    };
    let report = app::run_with(&config, &options, Utc::now(), progress.as_ref())
        .await
        .map_err(Failure::app)?;
    report_failures(&report);
    if args.json {
        print_json_line(&report)?;
    }
    tracing::info!("{}", report.summary_line());
    Ok(Exit::failed_if(report.any_failed()))
}

fn report_failures(report: &RunReport) {
    for line in report.failure_lines() {
        eprintln!("beatwire: {line}");
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const BEAT: &str = "[beat]\ntitle = \"t\"\nlink = \"https://example.org/\"\n\n\
                        [[source]]\nid = \"a\"\nurl = \"https://example.org/feed.xml\"\n";

    /// A folder holding a `feeds.toml` that loads.
    fn beat() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("feeds.toml"), BEAT).expect("write");
        dir
    }

    /// Runs `beatwire --config DIR/feeds.toml ARGS` in this process; its exit code.
    async fn exit_of(dir: &Path, args: &[&str]) -> Exit {
        let config = dir.join("feeds.toml");
        let config = config.to_str().expect("utf-8 path");
        let cli = Cli::try_parse_from(["beatwire", "--config", config].iter().chain(args))
            .expect("arguments");
        match dispatch(cli).await {
            Ok(exit) => exit,
            Err(failure) => failure.exit(),
        }
    }

    #[test]
    fn the_codes_are_the_contract_s() {
        let codes = [
            Exit::Success,
            Exit::SourceFailed,
            Exit::Usage,
            Exit::Locked,
            Exit::Internal,
        ]
        .map(|exit| exit as u8);
        assert_eq!(codes, [0, 1, 2, 3, 70]);
    }

    #[tokio::test]
    async fn usage_errors_exit_2_from_config_app_ops_and_clap_s_own_commands() {
        let dir = beat();
        // `app` reports an unknown source inside an `anyhow::Error`.
        assert_eq!(exit_of(dir.path(), &["try", "nope"]).await, Exit::Usage);
        assert_eq!(
            exit_of(dir.path(), &["extract", "--source", "nope", "x.html"]).await,
            Exit::Usage
        );
        // `ops`: a file that is not OPML, and an edit refused (the URL is already a source;
        // refused before anything is fetched).
        std::fs::write(dir.path().join("list.opml"), "<html/>").expect("write");
        let opml = dir.path().join("list.opml");
        let opml = opml.to_str().expect("utf-8 path");
        assert_eq!(
            exit_of(dir.path(), &["opml", "import", opml]).await,
            Exit::Usage
        );
        assert_eq!(
            exit_of(dir.path(), &["add", "https://example.org/feed.xml"]).await,
            Exit::Usage
        );
        assert_eq!(exit_of(dir.path(), &["man", "nosuch"]).await, Exit::Usage);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("feeds.toml"))
                .ok()
                .as_deref(),
            Some(BEAT)
        );
        // A `feeds.toml` that does not load.
        std::fs::write(dir.path().join("feeds.toml"), "[beat]\ntitle = 1\n").expect("write");
        for command in ["check", "publish", "status"] {
            assert_eq!(
                exit_of(dir.path(), &[command]).await,
                Exit::Usage,
                "{command}"
            );
        }
    }

    #[tokio::test]
    async fn a_held_run_lock_exits_3_for_every_command_that_takes_it() {
        let dir = beat();
        let store = crate::store::Location::Sled(dir.path().join("data/beatwire.sled"));
        let _held = app::lock::RunLock::acquire(&store).expect("lock");
        for command in ["run", "fetch", "publish", "prune"] {
            assert_eq!(
                exit_of(dir.path(), &[command]).await,
                Exit::Locked,
                "{command}"
            );
        }
    }

    #[test]
    fn a_store_held_by_another_process_exits_3() {
        let held = StoreError::Locked {
            path: PathBuf::from("data/beatwire.sled"),
        };
        let failure = Failure::app(anyhow::Error::new(held).context("cannot copy"));
        assert_eq!(failure.exit(), Exit::Locked);
    }

    #[test]
    fn a_closed_stdout_is_a_quiet_success_and_other_write_errors_fail() {
        let closed = stdout_failure(std::io::ErrorKind::BrokenPipe.into());
        assert!(matches!(closed, Failure::Closed), "{closed:?}");
        assert_eq!(closed.exit(), Exit::Success);
        let full = stdout_failure(std::io::Error::other("no space left on device"));
        assert_eq!(full.exit(), Exit::SourceFailed);
        assert!(full.to_string().contains("stdout"), "{full}");
    }

    #[test]
    fn add_fails_with_1_for_the_url_and_with_2_for_feeds_toml() {
        let nothing = AddError::NothingFound {
            url: "https://example.org/".to_owned(),
            reason: "no feed".to_owned(),
        };
        assert_eq!(Failure::from(nothing).exit(), Exit::SourceFailed);
        let taken = AddError::Edit(EditError::IdTaken {
            id: "a".to_owned(),
            file: "feeds.toml".to_owned(),
        });
        assert_eq!(Failure::from(taken).exit(), Exit::Usage);
    }
}
