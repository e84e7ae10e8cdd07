//! A story once its own page is read: what the page says merged into what the feed or the
//! list page said about it, as the pipeline stores it.
//!
//! Must not: fetch or parse anything; it combines what was read.

use url::Url;

use super::Article;
use crate::model::{RawItem, SourceKind};

/// What a story is once its page is read: for a page source the page's fields come first; for
/// a feed, the feed's do, and the page's body replaces the feed's (whose text stays the
/// summary).
pub fn merged(raw: &RawItem, article: &Article, kind: SourceKind, url: &Url) -> RawItem {
    let mut merged = raw.clone();
    merged.link = Some(url.to_string());
    merged.content = Some(article.body_html.clone());
    match kind {
        SourceKind::Page => {
            merged.title = article.title.clone().or(merged.title);
            merged.published = article.published.or(merged.published);
            if !article.authors.is_empty() {
                merged.authors = article.authors.clone();
            }
        }
        SourceKind::Feed => {
            merged.summary = raw.summary.clone().or_else(|| raw.content.clone());
            merged.title = merged.title.or_else(|| article.title.clone());
            merged.published = merged.published.or(article.published);
            if merged.authors.is_empty() {
                merged.authors = article.authors.clone();
            }
        }
    }
    if let Some(section) = &article.section
        && !merged.categories.contains(section)
    {
        merged.categories.push(section.clone());
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Rule, Rules};
    use chrono::DateTime;

    fn article() -> Article {
        Article {
            title: Some("重庆经济协作区第二十次市长联席会在自贡召开".into()),
            published: Some(DateTime::from_timestamp(1_545_620_796, 0).unwrap()),
            authors: vec!["陈家明".into()],
            outlet: Some("四川经济日报".into()),
            section: Some("今日西南".into()),
            lead_image: None,
            body_html: "<p>正文</p>".into(),
            body_text: "正文".into(),
            rules: Rules::body_only(Rule::Generic("text and link density")),
            warnings: Vec::new(),
            zone: chrono_tz::Asia::Shanghai,
        }
    }

    #[test]
    fn a_page_story_takes_the_page_fields_and_a_feed_story_keeps_its_own() {
        let url = Url::parse("http://www.scjjrb.com/jjxz/2018-12/24/content_36551.htm").unwrap();
        let listed = RawItem {
            link: Some("2018-12/24/content_36551.htm".into()),
            title: Some("市长联席会在自贡召开".into()),
            ..Default::default()
        };
        let page = merged(&listed, &article(), SourceKind::Page, &url);
        assert_eq!(
            page.title.as_deref(),
            Some("重庆经济协作区第二十次市长联席会在自贡召开")
        );
        assert_eq!(page.link.as_deref(), Some(url.as_str()));
        assert_eq!(page.content.as_deref(), Some("<p>正文</p>"));
        assert_eq!(page.authors, vec!["陈家明"]);
        assert_eq!(page.categories, vec!["今日西南"]);

        let fed = RawItem {
            link: Some(url.to_string()),
            title: Some("联席会在自贡召开".into()),
            summary: Some("摘要".into()),
            content: Some("<p>摘要全文</p>".into()),
            authors: vec!["记者".into()],
            ..Default::default()
        };
        let feed = merged(&fed, &article(), SourceKind::Feed, &url);
        assert_eq!(feed.title.as_deref(), Some("联席会在自贡召开"));
        assert_eq!(feed.summary.as_deref(), Some("摘要"));
        assert_eq!(feed.content.as_deref(), Some("<p>正文</p>"));
        assert_eq!(feed.authors, vec!["记者"]);
        let without_summary = RawItem {
            summary: None,
            ..fed
        };
        let feed = merged(&without_summary, &article(), SourceKind::Feed, &url);
        assert_eq!(feed.summary.as_deref(), Some("<p>摘要全文</p>"));
    }
}
