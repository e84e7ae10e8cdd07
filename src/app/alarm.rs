//! The broken-source alarm: a source that found stories before and finds none now (a feed
//! with no item, a list selector that matches nothing, story pages none of which can be read),
//! or whose `[source.article]` selector matched nothing on every story page read, is a
//! failure of class [`ErrorClass::Broken`], with a message that says what it found before:
//! "list selector `div.news li` matched nothing; it found 12 stories on 2026-11-20".
//!
//! The store remembers per source how many stories the last document that listed any held,
//! and when ([`SourceState::last_found`], [`SourceState::last_found_at`]). A 304 or an
//! unchanged body is not "found none": `source` never gets here for those.
//!
//! Must not: fetch or store stories; it reads and updates the source's state, and records a
//! broken pass as the failure it is.

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::report::{SourceReport, SourceStatus};
use crate::model::{ErrorClass, SourceState};
use crate::schedule;

/// What a source found the last time it found anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub stories: u64,
    pub at: DateTime<Utc>,
}

impl Found {
    /// What `state` remembers; `None` when the source never found a story.
    pub fn before(state: &SourceState) -> Option<Found> {
        match (state.last_found, state.last_found_at) {
            (Some(stories), Some(at)) if stories > 0 => Some(Found { stories, at }),
            _ => None,
        }
    }

    /// `"{what}; it found 12 stories on 2026-11-20"`, the day in `tz`.
    pub fn alarm(&self, what: &str, tz: Tz) -> String {
        let day = self.at.with_timezone(&tz).format("%Y-%m-%d");
        let stories = if self.stories == 1 {
            "story"
        } else {
            "stories"
        };
        format!("{what}; it found {} {stories} on {day}", self.stories)
    }
}

/// Records that the document read now lists `count` stories (nothing when it lists none).
pub fn record_found(state: &mut SourceState, count: usize, now: DateTime<Utc>) {
    if count > 0 {
        state.last_found = Some(count as u64);
        state.last_found_at = Some(now);
    }
}

/// Records a pass that stored what it could as the broken failure it is, and its report so.
pub fn report_broken(
    state: &mut SourceState,
    source: &str,
    now: DateTime<Utc>,
    every: Duration,
    report: SourceReport,
    message: String,
) -> SourceReport {
    forget_body(state);
    let failure = schedule::Failure {
        message: message.clone(),
        class: ErrorClass::Broken,
        retry_after: None,
    };
    schedule::record_failure(state, source, now, every, &failure);
    SourceReport {
        status: SourceStatus::Failed,
        error: Some(message.into()),
        error_class: Some(ErrorClass::Broken),
        ..report
    }
}

/// A broken source's page is read again next time, not answered 304 or skipped as unchanged.
pub fn forget_body(state: &mut SourceState) {
    state.validators = Default::default();
    state.body_hash = None;
}

/// The article selectors that matched nothing on every one of `pages` (each page's extractor
/// warnings), as one message; `None` when no page was read or each selector found something
/// somewhere.
pub fn selectors_missed_everywhere(pages: &[Vec<String>]) -> Option<String> {
    let (first, rest) = pages.split_first()?;
    let missed: Vec<&str> = first
        .iter()
        .filter(|w| w.ends_with("matched nothing"))
        .filter(|w| rest.iter().all(|page| page.contains(w)))
        .map(String::as_str)
        .collect();
    if missed.is_empty() {
        return None;
    }
    let count = pages.len();
    let pages = if count == 1 {
        "the one story page read".to_owned()
    } else {
        format!("all {count} story pages read")
    };
    Some(format!("{} on {pages}", missed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_alarm_says_what_was_found_before_and_when_in_the_source_zone() {
        let mut state = SourceState::default();
        assert_eq!(Found::before(&state), None);
        record_found(&mut state, 0, Utc::now());
        assert_eq!(Found::before(&state), None, "finding none records nothing");
        // 20:00 UTC on the 19th is the 20th in Shanghai.
        record_found(
            &mut state,
            12,
            Utc.with_ymd_and_hms(2026, 11, 19, 20, 0, 0).unwrap(),
        );
        let found = Found::before(&state).unwrap();
        assert_eq!(
            found.alarm(
                "selector `div.news li` matched nothing",
                chrono_tz::Asia::Shanghai
            ),
            "selector `div.news li` matched nothing; it found 12 stories on 2026-11-20"
        );
    }

    #[test]
    fn only_a_selector_that_missed_on_every_page_is_an_alarm() {
        let missed = "body selector `#content` matched nothing".to_owned();
        let title = "title selector `h1` matched nothing".to_owned();
        assert_eq!(selectors_missed_everywhere(&[]), None);
        assert_eq!(
            selectors_missed_everywhere(&[
                vec![missed.clone(), title.clone()],
                vec![missed.clone()]
            ]),
            Some(format!("{missed} on all 2 story pages read"))
        );
        assert_eq!(
            selectors_missed_everywhere(&[vec![title.clone()], vec![missed.clone()]]),
            None
        );
        assert_eq!(
            selectors_missed_everywhere(&[vec![
                "date selector `.t` matched text with no date: x".into()
            ]]),
            None
        );
    }
}
