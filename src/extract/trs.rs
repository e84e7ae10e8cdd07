//! The built-in profile of the TRS CMS (TRS WCM), which many Chinese government and newspaper
//! sites run: `<meta name="ArticleTitle">`, `PubDate`, `ContentSource`, `ColumnName`, and the
//! body in `.TRS_Editor`, `.trs_editor_view` or `.TRS_UEDITOR`.
//!
//! This module must not guess: it reads only what the CMS marks.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::body::Body;
use super::dom::Dom;
use super::meta::Meta;
use crate::normalise::{find_date, parse_date};

/// The classes of the element that holds a TRS story's body.
const BODY_CLASSES: &[&str] = &[
    "TRS_Editor",
    "trs_editor_view",
    "TRS_UEDITOR",
    "trs_paper_default",
];

pub fn title(meta: &Meta) -> Option<String> {
    meta.tag(&["articletitle"]).map(|(_, v)| v.to_owned())
}

pub fn published(meta: &Meta, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (_, value) = meta.tag(&["pubdate"])?;
    parse_date(value, tz, now).or_else(|| find_date(value, tz, now))
}

pub fn outlet(meta: &Meta) -> Option<String> {
    meta.tag(&["contentsource"]).map(|(_, v)| v.to_owned())
}

pub fn section(meta: &Meta) -> Option<String> {
    meta.tag(&["columnname"]).map(|(_, v)| v.to_owned())
}

/// The outermost TRS body element that holds text.
pub fn body(dom: &Dom<'_>) -> Option<Body> {
    let root = (0..dom.slots.len() as u32).find(|&i| {
        let slot = dom.slot(i);
        !slot.hidden
            && slot.counts.chars > 0
            && slot.attr("class").is_some_and(|c| {
                c.split_whitespace()
                    .any(|name| BODY_CLASSES.contains(&name))
            })
    })?;
    Some(Body::new(dom, vec![root]))
}
