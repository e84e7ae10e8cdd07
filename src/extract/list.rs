//! A list page → its stories, with the operator's `[source.list]` selectors: one `item` per
//! story; in it the `link` element (default: the first `a[href]`), the `title` (default: the
//! link's text, or its `title` attribute) and the `date`.
//!
//! Links are resolved against the page's final URL (after redirects); a link that appears twice
//! on the page is one story. An `item` selector that matches nothing, or items with no usable
//! link, is an error: a redesigned site must not look like a quiet one.
//!
//! This module must not fetch the stories: it only lists them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::{ExtractError, MAX_PAGE_BYTES, guard};
use crate::config::ListRule;
use crate::model::RawItem;
use crate::normalise::{clean_link, clean_text, find_date, parse_date, resolve};

/// The stories of a list page, in page order, as raw items with an absolute `link`, a `title`
/// and a `published` date when the list shows one.
pub fn read_list(
    html: &str,
    base: &Url,
    rule: &ListRule,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<RawItem>, ExtractError> {
    if html.len() > MAX_PAGE_BYTES {
        return Err(ExtractError::TooLarge {
            url: base.to_string(),
            size: html.len(),
            limit: MAX_PAGE_BYTES,
        });
    }
    let document = Html::parse_document(guard::within_depth(html, guard::MAX_NESTING));
    let first_link = Selector::parse("a[href]").expect("valid selector");
    let mut items: Vec<RawItem> = Vec::new();
    let mut count = 0;
    for element in document.select(&rule.item.selector) {
        count += 1;
        let link = match &rule.link {
            Some(css) => element.select(&css.selector).next(),
            None if element.value().name() == "a" && element.attr("href").is_some() => {
                Some(element)
            }
            None => element.select(&first_link).next(),
        };
        let Some(url) = link
            .and_then(|a| a.attr("href"))
            .and_then(|href| resolve(base, href))
            .map(|u| clean_link(&u))
        else {
            continue;
        };
        let link_text = link.map(text_of).filter(|t| !t.is_empty()).or_else(|| {
            link.and_then(|a| a.attr("title"))
                .map(clean_text)
                .filter(|t| !t.is_empty())
        });
        let title = match &rule.title {
            Some(css) => element
                .select(&css.selector)
                .next()
                .map(text_of)
                .filter(|t| !t.is_empty())
                .or(link_text),
            None => link_text,
        };
        let published = rule
            .date
            .as_ref()
            .and_then(|css| element.select(&css.selector).next())
            .map(text_of)
            .and_then(|t| parse_date(&t, tz, now).or_else(|| find_date(&t, tz, now)));
        let link = url.to_string();
        if let Some(known) = items.iter_mut().find(|i| i.link.as_deref() == Some(&link)) {
            // The same story linked twice (a picture and a headline): keep what each adds.
            if known.title.is_none() {
                known.title = title;
            }
            if known.published.is_none() {
                known.published = published;
            }
            continue;
        }
        items.push(RawItem {
            link: Some(link),
            title,
            published,
            ..Default::default()
        });
    }
    if count == 0 {
        return Err(ExtractError::NoListItems {
            url: base.to_string(),
            selector: rule.item.text.clone(),
        });
    }
    if items.is_empty() {
        return Err(ExtractError::NoListLinks {
            url: base.to_string(),
            selector: rule.item.text.clone(),
            count,
        });
    }
    Ok(items)
}

fn text_of(element: ElementRef<'_>) -> String {
    clean_text(&element.text().collect::<String>())
}
