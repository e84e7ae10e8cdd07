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
use clap::{ArgAction, CommandFactory, Parser, Subcommand};
use url::Url;

use crate::app::inspect::{PageFields, PageOutcome, PageReading};
use crate::app::progress::{Progress, Silent};
use crate::app::{self, RunOptions, report::RunReport};
use crate::config::{Config, ConfigError, DEFAULT_TIMEZONE};
use crate::fetch::Fetcher;
use crate::ops::edit::{EditError, FeedsFile};
use crate::{demo, ops, serve};

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
    #[arg(long, value_name = "N", default_value_t = app::trial::DEFAULT_LIMIT)]
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
                return self_tests(&config).await;
            }
            Ok(Exit::Success)
        }
        Command::Try(args) => try_source(&cli.config, args).await,
        Command::Parse {
            files,
            json,
            timezone,
        } => parse(&files, json, timezone),
        Command::Extract {
            inputs,
            url,
            source,
            json,
            timezone,
        } => {
            extract(
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
        } => {
            let config = Config::load(&cli.config)?;
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
        Command::Add(args) => add(&cli.config, args).await,
        Command::Opml { command } => opml(&cli.config, command),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "beatwire", &mut script);
            print_bytes(&script)?;
            Ok(Exit::Success)
        }
        Command::Man { command } => {
            let mut cli = Cli::command();
            cli.build();
            let man = match &command {
                None => clap_mangen::Man::new(cli),
                Some(name) => {
                    let Some(sub) = cli.find_subcommand(name) else {
                        eprintln!("beatwire: no subcommand `{name}`");
                        return Ok(Exit::Usage);
                    };
                    let title = format!("beatwire-{}", sub.get_name());
                    clap_mangen::Man::new(sub.clone())
                        .title(title)
                        .source(format!("beatwire {}", env!("CARGO_PKG_VERSION")))
                }
            };
            let mut page = Vec::new();
            man.render(&mut page)
                .context("cannot render the manual page")?;
            print_bytes(&page)?;
            Ok(Exit::Success)
        }
    }
}

async fn add(config: &std::path::Path, args: AddArgs) -> anyhow::Result<Exit> {
    let file = FeedsFile::open(config)?;
    let fetcher = Fetcher::new(&file.config.fetch)?;
    let request = ops::add::AddRequest {
        url: args.url,
        id: args.id,
        category: args.category,
        take_first: args.yes,
    };
    let plan = ops::add::plan(&file, &request, &fetcher, Utc::now()).await?;
    file.replace(&plan.text)?;
    print_line(&plan.describe(config))?;
    Ok(Exit::Success)
}

fn opml(config: &std::path::Path, command: OpmlCommand) -> anyhow::Result<Exit> {
    match command {
        OpmlCommand::Export { published } => {
            let config = Config::load(config)?;
            let xml = if published {
                ops::opml::export_published(&config)?
            } else {
                ops::opml::export_sources(&config)?
            };
            print_bytes(xml.as_bytes())?;
        }
        OpmlCommand::Import { file: opml_file } => {
            let file = FeedsFile::open(config)?;
            let text =
                std::fs::read_to_string(&opml_file).map_err(|e| ops::opml::OpmlError::Invalid {
                    file: opml_file.display().to_string(),
                    reason: e.to_string(),
                })?;
            let name = opml_file.display().to_string();
            let (added, skipped) = ops::opml::plan_import(&text, &name, &file)?;
            if !added.is_empty() {
                file.replace(&file.with_sources(&added)?)?;
            }
            let mut out = String::new();
            for source in &added {
                out.push_str(&format!("added {}  {}\n", source.id, source.url));
            }
            for skip in &skipped {
                out.push_str(&format!("skipped {}: {}\n", skip.url, skip.reason));
            }
            out.push_str(&format!("{} added, {} skipped", added.len(), skipped.len()));
            print_line(&out)?;
        }
    }
    Ok(Exit::Success)
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

async fn extract(
    config: &std::path::Path,
    inputs: &[String],
    base: Option<&Url>,
    source: Option<&str>,
    json: bool,
    timezone: Option<Tz>,
) -> anyhow::Result<Exit> {
    let config = source.map(|_| Config::load(config)).transpose()?;
    let rule = match (&config, source) {
        (Some(config), Some(id)) => Some(
            config
                .source(id)
                .ok_or_else(|| app::UnknownSource(id.to_owned()))?,
        ),
        _ => None,
    };
    let beat_zone = config
        .as_ref()
        .map_or(DEFAULT_TIMEZONE, |c| c.beat.timezone);
    let reading = PageReading {
        rule: rule.and_then(|r| r.article.as_ref()),
        encoding: rule.and_then(|r| r.encoding),
        tz: timezone.unwrap_or_else(|| rule.map_or(beat_zone, |r| r.timezone_or(beat_zone))),
        now: Utc::now(),
    };
    let policy = config.as_ref().map(|c| c.fetch.clone()).unwrap_or_default();
    let fetcher = Fetcher::new(&policy)?;
    let mut exit = Exit::Success;
    for input in inputs {
        let page = app::inspect::extract_input(input, base, &fetcher, &reading).await;
        if let PageOutcome::Failed { error } = &page.outcome {
            exit = Exit::SourceFailed;
            if !json {
                eprintln!("beatwire: {error}");
                continue;
            }
        }
        if json {
            print_line(&serde_json::to_string(&page).context("cannot render JSON")?)?;
        } else if let PageOutcome::Read(fields) = &page.outcome {
            print_line(&describe_page(&page.file, fields))?;
        }
    }
    Ok(exit)
}

/// A page as people read it: each field with the rule that found it, then the body.
fn describe_page(file: &str, page: &PageFields) -> String {
    let rule = |r: &Option<crate::extract::Rule>| {
        r.as_ref().map(|r| format!("  ({r})")).unwrap_or_default()
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let rules = &page.rules;
    let mut out = format!("{file}  [{}]\n", page.url);
    for (name, text, found) in [
        ("title", value(&page.title), rule(&rules.title)),
        ("published", value(&page.published), rule(&rules.published)),
        ("author", page.author.join(", "), rule(&rules.author)),
        ("outlet", value(&page.outlet), rule(&rules.outlet)),
        ("section", value(&page.section), rule(&rules.section)),
        (
            "lead image",
            value(&page.lead_image),
            rule(&rules.lead_image),
        ),
        (
            "body",
            format!("{} characters", page.body_text.chars().count()),
            format!("  ({})", rules.body),
        ),
    ] {
        out.push_str(&format!("  {name:<11}{text}{found}\n"));
    }
    for warning in &page.warnings {
        out.push_str(&format!("  warning    {warning}\n"));
    }
    out.push('\n');
    out.push_str(&page.body_text);
    out.push('\n');
    out
}

async fn self_tests(config: &Config) -> anyhow::Result<Exit> {
    let results = app::selftest::run_tests(config, Utc::now()).await?;
    let failed = results.iter().filter(|r| !r.passed()).count();
    for result in &results {
        for line in result.lines() {
            print_line(&line)?;
        }
    }
    print_line(&format!(
        "{} source tests: {} passed, {failed} failed",
        results.len(),
        results.len() - failed
    ))?;
    Ok(if failed > 0 {
        Exit::SourceFailed
    } else {
        Exit::Success
    })
}

async fn try_source(config: &std::path::Path, args: TryArgs) -> anyhow::Result<Exit> {
    let config = Config::load(config)?;
    let options = app::trial::TrialOptions {
        file: args.file,
        url: args.url,
        limit: args.limit,
    };
    let trial = app::trial::try_source(&config, &args.id, &options, Utc::now()).await?;
    if args.json {
        print_line(&serde_json::to_string(&trial).context("cannot render JSON")?)?;
    } else {
        print_line(&app::trial::render(&trial))?;
    }
    Ok(if trial.found_stories() {
        Exit::Success
    } else {
        Exit::SourceFailed
    })
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
