//! The operator's commands: `add`, `opml`, `try`, `check --online`, `completions`, `man`.
//! Each is one call into `ops` or `app` and the printing of what it returns.
//!
//! Must not: edit `feeds.toml` or fetch itself; `ops::edit` and `app` do.

use std::path::Path;

use chrono::Utc;
use clap::CommandFactory;

use super::{AddArgs, Cli, Exit, Failure, OpmlCommand, TryArgs, print_bytes, print_line, to_json};
use crate::config::Config;
use crate::fetch::Fetcher;
use crate::ops;
use crate::ops::edit::FeedsFile;

/// `beatwire add URL`: the source the URL makes, appended to `feeds.toml`.
pub async fn add(config: &Path, args: AddArgs) -> Result<Exit, Failure> {
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

/// `beatwire opml export | import`.
pub fn opml(config: &Path, command: OpmlCommand) -> Result<Exit, Failure> {
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

/// `beatwire check --online`: every `[[source.test]]`, one line per mismatch.
pub async fn self_tests(config: &Config) -> Result<Exit, Failure> {
    let results = crate::inspect::selftest::run_tests(config, Utc::now())
        .await
        .map_err(Failure::app)?;
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
    Ok(Exit::failed_if(failed > 0))
}

/// `beatwire try ID`: one source, dry.
pub async fn try_source(config: &Path, args: TryArgs) -> Result<Exit, Failure> {
    let config = Config::load(config)?;
    let options = crate::inspect::trial::TrialOptions {
        file: args.file,
        url: args.url,
        limit: args.limit,
    };
    let trial = crate::inspect::trial::try_source(&config, &args.id, &options, Utc::now())
        .await
        .map_err(Failure::app)?;
    if args.json {
        print_line(&to_json(&trial)?)?;
    } else {
        print_line(&crate::inspect::trial::render(&trial))?;
    }
    Ok(Exit::failed_if(!trial.found_stories()))
}

/// `beatwire completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "beatwire", &mut script);
    print_bytes(&script)?;
    Ok(Exit::Success)
}

/// `beatwire man [COMMAND]`: the manual page of beatwire or of one command, roff on stdout.
pub fn man(command: Option<&str>) -> Result<Exit, Failure> {
    let mut cli = Cli::command();
    cli.build();
    let man = match command {
        None => clap_mangen::Man::new(cli),
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                return Err(Failure::Usage(anyhow::anyhow!("no subcommand `{name}`")));
            };
            let title = format!("beatwire-{}", sub.get_name());
            clap_mangen::Man::new(sub.clone())
                .title(title)
                .source(format!("beatwire {}", env!("CARGO_PKG_VERSION")))
        }
    };
    let mut page = Vec::new();
    man.render(&mut page).map_err(|e| {
        Failure::Failed(anyhow::Error::new(e).context("cannot render the manual page"))
    })?;
    print_bytes(&page)?;
    Ok(Exit::Success)
}
