//! Stories → `index.html`, the beat's page for people: newest first, each story with its title
//! (linked), outlet, time in the beat's zone, summary and categories; `<link rel="alternate">`
//! to every feed so browsers and readers find them.
//!
//! One static document: no JavaScript, no web fonts, no outside requests; CSS inline and made
//! for Chinese text on a phone first. Deterministic like the feeds (no build time, only the
//! newest story's). Markup is built with maud, which escapes every interpolated string.
//! This file must not write files.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{
    ATOM_FILE, Channel, JSON_FILE, RSS_FILE, also_label, also_reported, in_feed_order, newest,
};
use crate::model::Item;

/// The page's style: a readable measure, CJK fonts and line height, dark mode on request.
const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #6e6e73; --line: #e5e5ea; --link: #0b57d0; --tag: #f2f2f7; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8ed; --muted: #a1a1a6; --line: #2c2c2e; --link: #8ab4f8; --tag: #2c2c2e; } }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: Canvas;
  font-family: -apple-system, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
  font-size: 17px; line-height: 1.75; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
.page { max-width: 42rem; margin: 0 auto; padding: 1rem 1.1rem 3rem; }
header { border-bottom: 1px solid var(--line); padding-bottom: .75rem; margin-bottom: .5rem; }
h1 { font-size: 1.5rem; line-height: 1.4; margin: .5rem 0 .25rem; letter-spacing: .02em; }
h1 a { color: inherit; text-decoration: none; }
.lede { margin: 0 0 .5rem; color: var(--muted); }
nav { font-size: .875rem; color: var(--muted); }
nav a { color: var(--link); margin-right: .6em; white-space: nowrap; }
article { padding: 1rem 0; border-bottom: 1px solid var(--line); }
h2 { font-size: 1.15rem; line-height: 1.5; margin: 0 0 .3rem; font-weight: 600; }
h2 a { color: var(--link); text-decoration: none; }
h2 a:hover, h2 a:focus { text-decoration: underline; }
.meta { margin: 0 0 .35rem; font-size: .85rem; color: var(--muted); }
.meta > * + *::before { content: "·"; margin: 0 .45em; }
.also { margin: .3em 0 0; font-size: .9em; color: #555; }
.summary { margin: 0; text-align: justify; overflow-wrap: anywhere; }
.tags { list-style: none; margin: .45rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
.tags li { font-size: .75rem; line-height: 1.6; padding: 0 .55em; border-radius: .3em; background: var(--tag); color: var(--muted); }
.empty { color: var(--muted); padding: 2rem 0; }
footer { margin-top: 1.5rem; font-size: .8rem; color: var(--muted); }
"#;

/// Renders the page for `items`. Feed links are relative, so the page works wherever the
/// output folder is served.
pub fn to_html(channel: &Channel, items: &[Item]) -> String {
    let ordered = in_feed_order(items);
    let zone_note = zone_note(channel);
    let page = html! {
        (DOCTYPE)
        html lang=(html_lang(&channel.language)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (channel.title) }
                @if !channel.description.is_empty() {
                    meta name="description" content=(channel.description);
                }
                meta name="generator" content="beatwire";
                link rel="alternate" type="application/rss+xml" title=(format!("{} (RSS)", channel.title)) href=(RSS_FILE);
                link rel="alternate" type="application/atom+xml" title=(format!("{} (Atom)", channel.title)) href=(ATOM_FILE);
                link rel="alternate" type="application/feed+json" title=(format!("{} (JSON Feed)", channel.title)) href=(JSON_FILE);
                @for category in &channel.categories {
                    link rel="alternate" type="application/rss+xml" title=(format!("{} · {}", channel.title, category.name)) href=(category.file());
                }
                style { (PreEscaped(STYLE)) }
            }
            body {
                div.page {
                    header {
                        h1 { a href=(channel.link) { (channel.title) } }
                        @if !channel.description.is_empty() {
                            p.lede { (channel.description) }
                        }
                        nav aria-label="订阅" {
                            "订阅："
                            a href=(RSS_FILE) { "RSS" }
                            a href=(ATOM_FILE) { "Atom" }
                            a href=(JSON_FILE) { "JSON Feed" }
                            @if !channel.categories.is_empty() {
                                br;
                                "分类："
                                @for category in &channel.categories {
                                    a href=(category.file()) { (category.name) }
                                }
                            }
                        }
                    }
                    main {
                        @for item in &ordered {
                            (story(channel, item))
                        }
                        @if ordered.is_empty() {
                            p.empty { "暂无报道。" }
                        }
                    }
                    footer {
                        p {
                            @if let Some(newest) = newest(items) {
                                "最新报道 " (time(channel, newest)) "；"
                            }
                            (zone_note)
                        }
                    }
                }
            }
        }
    };
    let mut text = page.into_string();
    text.push('\n');
    text
}

/// One story: title, the line of facts, summary, categories.
fn story(channel: &Channel, item: &Item) -> Markup {
    html! {
        article {
            @if item.linkless {
                h2 { (item.title) }
            } @else {
                h2 { a href=(item.link) { (item.title) } }
            }
            p.meta {
                @let (outlet, _) = item.published_outlet();
                @if !outlet.is_empty() {
                    span.outlet { (outlet) }
                }
                (time(channel, item.published))
                @if !item.authors.is_empty() {
                    span.authors { (item.authors.join("、")) }
                }
            }
            @if !item.summary.is_empty() {
                p.summary { (item.summary) }
            }
            @let copies = also_reported(item);
            @if !copies.is_empty() {
                p.also {
                    (also_label(&channel.language))
                    @for (i, copy) in copies.iter().enumerate() {
                        @if i > 0 { "、" }
                        a href=(copy.link) { (copy.outlet.name) }
                    }
                }
            }
            @if !item.categories.is_empty() {
                ul.tags aria-label="分类" {
                    @for category in &item.categories {
                        li { (category) }
                    }
                }
            }
        }
    }
}

/// `<time>` with the exact instant in `datetime` and the wall-clock time in the beat's zone.
fn time(channel: &Channel, instant: DateTime<Utc>) -> Markup {
    let local = instant.with_timezone(&channel.timezone);
    html! {
        time datetime=(local.to_rfc3339()) { (local.format("%Y年%-m月%-d日 %H:%M")) }
    }
}

/// Which clock the times are on, said once at the foot of the page.
fn zone_note(channel: &Channel) -> String {
    let name = channel.timezone.name();
    let china = matches!(
        name,
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC"
    );
    if china {
        "时间为北京时间（UTC+8）。".to_owned()
    } else {
        format!("时间为 {name} 时间。")
    }
}

/// `zh-cn` → `zh-CN`: the region in upper case, as HTML's `lang` writes it.
fn html_lang(language: &str) -> String {
    match language.split_once('-') {
        Some((lang, region)) if region.len() == 2 => {
            format!("{lang}-{}", region.to_ascii_uppercase())
        }
        _ => language.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::tests::{channel, items};

    #[test]
    fn lists_stories_newest_first_with_their_facts() {
        let page = to_html(&channel(), &items());
        assert!(
            page.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"),
            "{page}"
        );
        let first = page
            .find("川渝两地签署经济协作框架协议")
            .expect("first story");
        let last = page.find("渝黔合作共建南向通道").expect("last story");
        assert!(first < last);
        assert!(page.contains(
            "<h2><a href=\"https://www.scjjrb.example/jjxz/20181224/0001.html\">川渝两地签署经济协作框架协议</a></h2>"
        ));
        assert!(page.contains("<span class=\"outlet\">四川经济日报</span>"));
        // 16:30 UTC on the 23rd is 00:30 on the 24th in China.
        assert!(
            page.contains(
                "<time datetime=\"2018-12-24T00:30:00+08:00\">2018年12月24日 00:30</time>"
            )
        );
        assert!(page.contains("<span class=\"authors\">王晓、李雪</span>"));
        assert!(page.contains("<li>交通</li>"));
        assert!(page.contains("时间为北京时间（UTC+8）"));
        assert!(!page.contains("<script"));
    }

    #[test]
    fn links_every_feed_for_discovery() {
        let page = to_html(&channel(), &items());
        for (kind, href) in [
            ("application/rss+xml", "feed.xml"),
            ("application/atom+xml", "atom.xml"),
            ("application/feed+json", "feed.json"),
            ("application/rss+xml", "category/transport.xml"),
        ] {
            let wanted = format!("type=\"{kind}\"");
            let found = page.split("<link ").skip(1).any(|tag| {
                tag.contains("rel=\"alternate\"")
                    && tag.contains(&wanted)
                    && tag.contains(&format!("href=\"{href}\""))
            });
            assert!(found, "no alternate link to {href} in {page}");
        }
    }

    #[test]
    fn text_is_escaped() {
        let mut item = items().remove(0);
        item.title = "<script>alert(1)</script> R&D".to_owned();
        item.summary = "增长 <5% & \"引号\"".to_owned();
        item.link = "https://example.org/a?x=1&y=\"2\"".to_owned();
        let page = to_html(&channel(), &[item]);
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; R&amp;D"));
        assert!(page.contains("增长 &lt;5% &amp; &quot;引号&quot;"));
        assert!(page.contains("href=\"https://example.org/a?x=1&amp;y=&quot;2&quot;\""));
    }

    #[test]
    fn an_empty_beat_says_so_and_same_stories_give_same_bytes() {
        let page = to_html(&channel(), &[]);
        assert!(page.contains("暂无报道"));
        let mut reversed = items();
        reversed.reverse();
        assert_eq!(
            to_html(&channel(), &items()),
            to_html(&channel(), &reversed)
        );
    }
}
