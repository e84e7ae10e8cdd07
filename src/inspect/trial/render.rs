//! A [`Trial`] as people read it on a terminal: what was read, each story on one line (time,
//! title, link, and why the filter drops it), each story page read with the rule behind each
//! field, then the warnings.
//!
//! Must not: decide anything; it only lays out what the trial found.

use std::fmt::Write;

use super::{Trial, TrialArticle};

/// The trial as text, ending without a newline.
pub fn render(trial: &Trial) -> String {
    let mut out = String::new();
    let _ = write!(out, "source {} ({})  {}", trial.id, trial.kind, trial.input);
    if let Some(status) = trial.http_status {
        let _ = write!(out, "  HTTP {status}");
    }
    if let Some(encoding) = trial.encoding {
        let _ = write!(out, "  {encoding}");
    }
    if trial.input != trial.url {
        let _ = write!(out, "\n  links resolve against {}", trial.url);
    }
    if let Some(error) = &trial.error {
        // Errors name their URL; said once above is enough.
        let error = error
            .strip_prefix(trial.url.as_str())
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(error);
        let _ = write!(out, "\nerror: {error}");
    }
    if trial.error.is_none() {
        let _ = write!(out, "\n\n{} stories:", trial.stories.len());
    }
    for (n, story) in trial.stories.iter().enumerate() {
        let when = story.published.as_deref().unwrap_or("(no date)");
        let _ = write!(
            out,
            "\n{:>3}. {when}  {}\n     {}",
            n + 1,
            story.title,
            story.link
        );
        if !story.categories.is_empty() {
            let _ = write!(out, "\n     categories: {}", story.categories.join(", "));
        }
        if let Some(reason) = &story.dropped {
            let _ = write!(out, "\n     dropped by the beat filter: {reason}");
        }
    }
    for (n, article) in trial.articles.iter().enumerate() {
        let _ = write!(out, "\n\nstory {}: {}", n + 1, article.link);
        article_lines(&mut out, article);
    }
    if !trial.warnings.is_empty() {
        out.push('\n');
    }
    for warning in &trial.warnings {
        let _ = write!(out, "\nwarning: {warning}");
    }
    out
}

fn article_lines(out: &mut String, article: &TrialArticle) {
    if let Some(error) = &article.error {
        let _ = write!(out, "\n  error      {error}");
        return;
    }
    for field in &article.fields {
        let value = if field.field == "body" {
            format!("{} characters", article.body_chars)
        } else {
            field.value.clone().unwrap_or_else(|| "-".to_owned())
        };
        let rule = field
            .rule
            .as_deref()
            .map(|r| format!("  ({r})"))
            .unwrap_or_default();
        let _ = write!(out, "\n  {:<11}{value}{rule}", field.field);
    }
    if !article.body_start.is_empty() {
        let _ = write!(out, "\n  {:<11}{}", "", article.body_start);
    }
}
