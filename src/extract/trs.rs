//! The built-in profile of the TRS CMS (TRS WCM), which many Chinese government and newspaper
//! sites run: `<meta name="ArticleTitle">`, `PubDate`, `ContentSource`, `ColumnName`, and the
//! body in `.TRS_Editor`, `.trs_editor_view` or `.TRS_UEDITOR`.
//!
//! This module must not guess: it reads only what the CMS marks.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use scraper::Selector;

use super::body::Body;
use super::dom::Dom;
use super::meta::Meta;
use crate::normalise::{find_date, parse_date};

static BODY: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse(".TRS_Editor, .trs_editor_view, .TRS_UEDITOR, .trs_paper_default")
        .expect("valid selector")
});

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

/// The outermost TRS body element that holds text, and its class.
pub fn body(dom: &Dom<'_>) -> Option<Body> {
    let root = dom
        .select(0, &BODY)
        .find(|&i| dom.slot(i).counts.chars > 0)?;
    Some(Body::new(dom, vec![root]))
}
