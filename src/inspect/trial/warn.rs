//! What an operator should look at after a trial: selectors that found nothing, stories
//! without dates, the beat filter dropping every story, links given twice, story pages that
//! could not be read.
//!
//! Must not: fetch or read anything; it looks at what the trial found.

use super::Trial;
use crate::config::SourceRule;
use crate::model::SourceKind;

/// What an operator should look at: selectors that found nothing, missing dates, the filter
/// dropping everything, links given twice.
pub(super) fn warn_about(
    trial: &mut Trial,
    rule: &SourceRule,
    repeated: &[(String, usize)],
    undated: usize,
) {
    let total = trial.stories.len();
    if total == 0 {
        trial
            .warnings
            .push("the document holds no story: the source yields nothing".to_owned());
    }
    if undated > 0 {
        let hint = match rule.list.as_ref().and_then(|l| l.date.as_ref()) {
            Some(css) => format!(" (list date selector `{css}`)"),
            None if rule.kind == SourceKind::Page => " (no `date` in [source.list])".to_owned(),
            None => String::new(),
        };
        trial.warnings.push(format!(
            "{undated} of {total} stories have no date{hint}: they would carry the time first seen"
        ));
    }
    let dropped: Vec<&str> = trial
        .stories
        .iter()
        .filter_map(|s| s.dropped.as_deref())
        .collect();
    if total > 0 && dropped.len() == total {
        let mut reasons: Vec<&str> = dropped.clone();
        reasons.sort_unstable();
        reasons.dedup();
        trial.warnings.push(format!(
            "all {total} stories are dropped by the beat filter ([filter]: {}); \
             set `filter = false` on the source to keep them all",
            reasons.join("; ")
        ));
    }
    for article in &trial.articles {
        if let Some(error) = &article.error {
            trial.warnings.push(format!("story page not read: {error}"));
        }
    }
    for (link, count) in repeated {
        trial.warnings.push(format!(
            "link {link} is given {count} times: one story is kept"
        ));
    }
    let mut missed: Vec<&String> = trial.articles.iter().flat_map(|a| &a.warnings).collect();
    missed.sort_unstable();
    missed.dedup();
    for warning in missed {
        let pages = trial
            .articles
            .iter()
            .filter(|a| a.warnings.contains(warning))
            .count();
        let read = trial.articles.len();
        trial
            .warnings
            .push(format!("{warning} on {pages} of {read} story pages"));
    }
}
