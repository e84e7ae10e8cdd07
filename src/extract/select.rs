//! The operator's `[source.article]` selectors: the first element each one matches gives its
//! field; `remove` takes elements out of the body. A selector that matches nothing (or whose
//! text holds no date, for `date`) gives no value and a warning, and the next rule is tried.
//!
//! This module must not fall back by itself: `article` decides what comes next.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::body::Body;
use super::byline::outlet_in;
use super::dom::Dom;
use super::people::people_in;
use crate::config::{ArticleRule, Css};
use crate::normalise::{find_date, parse_date};

/// What the selectors found, each field with the selector that found it.
#[derive(Debug, Default)]
pub struct Selected {
    pub title: Option<(String, String)>,
    pub body: Option<(Body, String)>,
    pub published: Option<(DateTime<Utc>, String)>,
    pub authors: Option<(Vec<String>, String)>,
    pub outlet: Option<(String, String)>,
    /// Selectors that found nothing, as `field selector `css` matched nothing`.
    pub warnings: Vec<String>,
}

pub fn apply(dom: &Dom<'_>, rule: &ArticleRule, tz: Tz, now: DateTime<Utc>) -> Selected {
    let mut out = Selected::default();
    let text = |field: &str, css: &Option<Css>, warnings: &mut Vec<String>| {
        let css = css.as_ref()?;
        let found = dom
            .select(0, &css.selector)
            .map(|i| dom.text_of(i))
            .find(|t| !t.is_empty());
        if found.is_none() {
            warnings.push(format!("{field} selector `{css}` matched nothing"));
        }
        found.map(|t| (t, css.text.clone()))
    };
    out.title =
        text("title", &rule.title, &mut out.warnings).map(|(t, css)| (t.replace('\n', " "), css));
    out.published = text("date", &rule.date, &mut out.warnings).and_then(|(t, css)| {
        let date = parse_date(&t, tz, now).or_else(|| find_date(&t, tz, now));
        if date.is_none() {
            out.warnings.push(format!(
                "date selector `{css}` matched text with no date: {t}"
            ));
        }
        date.map(|d| (d, css))
    });
    out.authors = text("author", &rule.author, &mut out.warnings)
        .map(|(t, css)| (people_in(&t), css))
        .filter(|(people, _)| !people.is_empty());
    out.outlet = text("outlet", &rule.outlet, &mut out.warnings)
        .map(|(t, css)| (outlet_in(&t).unwrap_or(t), css));
    if let Some(css) = &rule.body {
        match dom
            .select(0, &css.selector)
            .find(|&i| dom.slot(i).counts.chars > 0)
        {
            Some(root) => out.body = Some((Body::new(dom, vec![root]), css.text.clone())),
            None => out
                .warnings
                .push(format!("body selector `{css}` matched nothing")),
        }
    }
    out
}

/// Takes the elements of every `remove` selector out of `body`.
pub fn remove(dom: &Dom<'_>, body: &mut Body, rule: &ArticleRule) {
    for css in &rule.remove {
        for root in body.roots.clone() {
            for i in dom.select(root, &css.selector).collect::<Vec<_>>() {
                body.remove(i);
            }
        }
    }
}
