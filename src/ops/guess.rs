//! Guessing `[source.list]` for a page with no feed: the repeated container of story links.
//!
//! Every element's children are grouped by tag; a group is a candidate list when at least
//! [`MIN_STORIES`] of its members hold a link with headline-length text ([`MIN_TITLE_CHARS`]),
//! to distinct pages. Candidates are scored by how many stories they hold, how long their link
//! texts are (menus are short) and whether their members carry dates; members crowded with
//! links (a whole column, a footer) score less. The winner's selector is a path from the
//! nearest element with an id or a unique class; a date element and, when the story link is not
//! the first link of an item, a link element are found the same way. The guess is checked by
//! reading the page with it (`extract::read_list`): what the operator sees is what `run` will
//! read. It is a guess all the same, and `add` says so in `feeds.toml`.
//!
//! Must not: fetch anything; it reads one page.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::edit::ListSelectors;
use super::selector::{MIN_SHARE, classes, inner_selector, path_to, step_of};
use crate::config::{Css, ListRule};
use crate::extract::guard::{MAX_NESTING, within_depth};
use crate::extract::read_list;
use crate::model::RawItem;
use crate::normalise::{clean_text, find_date, resolve};

/// Fewest stories a list must show to be taken for one.
pub const MIN_STORIES: usize = 3;
/// Shortest link text, in characters, that counts as a headline.
pub const MIN_TITLE_CHARS: usize = 5;
/// Shortest average link text of a list: menus and tag clouds are shorter.
const MIN_AVERAGE_TITLE_CHARS: f64 = 6.0;
/// Longest text of an element taken for a date.
const MAX_DATE_CHARS: usize = 40;

/// Elements that never hold a story.
const NOT_ITEMS: &[&str] = &[
    "script", "style", "link", "meta", "option", "br", "img", "input", "col", "head", "title",
];

static ANCHORS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("valid selector"));
static TITLE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("head > title").expect("valid selector"));

/// A guessed list and what the page yields with it.
#[derive(Debug, Clone)]
pub struct GuessedList {
    pub selectors: ListSelectors,
    /// The page's `<title>`, as a first name for the source.
    pub page_title: Option<String>,
    /// The stories `read_list` finds with the guess, in page order.
    pub stories: Vec<RawItem>,
}

/// The best list of stories on `html` (served at `page`), or `None` when nothing repeats.
pub fn guess_list(html: &str, page: &Url, tz: Tz, now: DateTime<Utc>) -> Option<GuessedList> {
    let document = Html::parse_document(within_depth(html, MAX_NESTING));
    let mut best: Option<(f64, ElementRef<'_>, Vec<Member<'_>>)> = None;
    for parent in document
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        let mut by_tag: HashMap<&str, Vec<ElementRef<'_>>> = HashMap::new();
        for child in parent.children().filter_map(ElementRef::wrap) {
            let tag = child.value().name();
            if !NOT_ITEMS.contains(&tag) {
                by_tag.entry(tag).or_default().push(child);
            }
        }
        for (_, group) in by_tag {
            if group.len() < MIN_STORIES {
                continue;
            }
            let members: Vec<Member<'_>> =
                group.iter().map(|&m| member(m, page, tz, now)).collect();
            if let Some(score) = score(&members)
                && best.as_ref().is_none_or(|(s, _, _)| score > *s)
            {
                best = Some((score, parent, members));
            }
        }
    }
    let (_, parent, members) = best?;
    let selectors = selectors_for(&document, parent, &members)?;
    let rule = ListRule {
        item: Css::parse(&selectors.item).ok()?,
        link: selectors.link.as_deref().map(Css::parse).transpose().ok()?,
        title: None,
        date: selectors.date.as_deref().map(Css::parse).transpose().ok()?,
    };
    let stories = read_list(html, page, &rule, tz, now).ok()?;
    let page_title = document
        .select(&TITLE)
        .next()
        .map(text_of)
        .filter(|t| !t.is_empty());
    (stories.len() >= MIN_STORIES).then_some(GuessedList {
        selectors,
        page_title,
        stories,
    })
}

/// One child of a candidate list.
struct Member<'a> {
    element: ElementRef<'a>,
    /// The link with the longest text, when it is long enough to be a headline.
    story: Option<(ElementRef<'a>, Url, usize)>,
    links: usize,
    /// The innermost element outside the story link whose short text is a date.
    date: Option<ElementRef<'a>>,
}

fn member<'a>(element: ElementRef<'a>, page: &Url, tz: Tz, now: DateTime<Utc>) -> Member<'a> {
    let mut links = 0;
    let mut story: Option<(ElementRef<'a>, Url, usize)> = None;
    let anchors = std::iter::once(element)
        .filter(|e| e.value().name() == "a" && e.attr("href").is_some())
        .chain(element.select(&ANCHORS));
    for anchor in anchors {
        let Some(url) = anchor.attr("href").and_then(|h| resolve(page, h)) else {
            continue;
        };
        links += 1;
        let chars = text_of(anchor).chars().count();
        if chars >= MIN_TITLE_CHARS && story.as_ref().is_none_or(|(_, _, c)| chars > *c) {
            story = Some((anchor, url, chars));
        }
    }
    let date = element
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| {
            story
                .as_ref()
                .is_none_or(|(a, _, _)| !is_within(*e, *a) && !is_within(*a, *e))
        })
        .filter(|e| {
            let text = text_of(*e);
            text.chars().count() <= MAX_DATE_CHARS && find_date(&text, tz, now).is_some()
        })
        .last();
    Member {
        element,
        story,
        links,
        date,
    }
}

/// How much a group looks like the page's list of stories; `None` when it is no list.
fn score(members: &[Member<'_>]) -> Option<f64> {
    let stories: Vec<&Member<'_>> = members.iter().filter(|m| m.story.is_some()).collect();
    if stories.len() < MIN_STORIES || (stories.len() as f64) < members.len() as f64 * 0.5 {
        return None;
    }
    let mut urls: Vec<&str> = stories
        .iter()
        .filter_map(|m| m.story.as_ref().map(|(_, u, _)| u.as_str()))
        .collect();
    urls.sort_unstable();
    urls.dedup();
    if (urls.len() as f64) < stories.len() as f64 * 0.8 {
        return None;
    }
    let n = stories.len() as f64;
    let average = stories
        .iter()
        .filter_map(|m| m.story.as_ref().map(|(_, _, c)| *c as f64))
        .sum::<f64>()
        / n;
    if average < MIN_AVERAGE_TITLE_CHARS {
        return None;
    }
    let dated = stories.iter().filter(|m| m.date.is_some()).count() as f64;
    let links = stories.iter().map(|m| m.links as f64).sum::<f64>() / n;
    let crowding = (links / 2.0).max(1.0);
    Some(n * average.min(30.0) * (1.0 + dated / n) / crowding)
}

fn selectors_for(
    document: &Html,
    parent: ElementRef<'_>,
    members: &[Member<'_>],
) -> Option<ListSelectors> {
    let tag = members.first()?.element.value().name();
    let mut common: Option<Vec<&str>> = None;
    for m in members {
        let own: Vec<&str> = classes(m.element);
        common = Some(match common {
            None => own,
            Some(c) => c.into_iter().filter(|x| own.contains(x)).collect(),
        });
    }
    let step = step_of(tag, &common.unwrap_or_default());
    let item = format!("{} > {step}", path_to(document, parent)?);
    let matched = Selector::parse(&item)
        .ok()
        .map(|s| document.select(&s).count());
    if matched != Some(members.len()) {
        return None;
    }
    let stories: Vec<&Member<'_>> = members.iter().filter(|m| m.story.is_some()).collect();
    let dates: Vec<(ElementRef<'_>, ElementRef<'_>)> = stories
        .iter()
        .filter_map(|m| Some((m.element, m.date?)))
        .collect();
    let date = if (dates.len() as f64) >= stories.len() as f64 * MIN_SHARE {
        inner_selector(&dates, stories.len())
    } else {
        None
    };
    let links: Vec<(ElementRef<'_>, ElementRef<'_>)> = stories
        .iter()
        .filter_map(|m| Some((m.element, m.story.as_ref()?.0)))
        .collect();
    let first_is_story = links
        .iter()
        .filter(|(item, story)| first_link(*item).is_some_and(|a| a.id() == story.id()))
        .count();
    let link = if (first_is_story as f64) < links.len() as f64 * MIN_SHARE {
        inner_selector(&links, stories.len())
    } else {
        None
    };
    Some(ListSelectors {
        item,
        link,
        title: None,
        date,
    })
}

fn first_link(item: ElementRef<'_>) -> Option<ElementRef<'_>> {
    if item.value().name() == "a" && item.attr("href").is_some() {
        return Some(item);
    }
    item.select(&ANCHORS).next()
}

fn is_within(inner: ElementRef<'_>, outer: ElementRef<'_>) -> bool {
    inner.ancestors().any(|a| a.id() == outer.id())
}

fn text_of(element: ElementRef<'_>) -> String {
    clean_text(&element.text().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(html: &str) -> Option<GuessedList> {
        let page = Url::parse("http://www.example.cn/news/").unwrap();
        let now = DateTime::parse_from_rfc3339("2019-01-10T00:00:00Z")
            .unwrap()
            .to_utc();
        guess_list(html, &page, chrono_tz::Asia::Shanghai, now)
    }

    #[test]
    fn a_menu_of_short_links_is_no_list() {
        let html = r#"<div class="nav"><a href="/a/">首页</a><a href="/b/">时政</a>
            <a href="/c/">经济</a><a href="/d/">社会</a></div>"#;
        assert!(guess(html).is_none());
    }

    #[test]
    fn the_dated_list_wins_over_an_undated_sidebar() {
        let html = r#"<body>
            <div class="side"><ul><li><a href="/s1.html">热点新闻标题第一条很长</a></li>
              <li><a href="/s2.html">热点新闻标题第二条很长</a></li>
              <li><a href="/s3.html">热点新闻标题第三条很长</a></li></ul></div>
            <div id="main"><div class="item"><em>2019-01-05</em><a href="/n1.html">成渝地区双城经济圈建设推进会召开</a></div>
              <div class="item"><em>2019-01-04</em><a href="/n2.html">川渝两地签署交通合作协议</a></div>
              <div class="item"><em>2019-01-03</em><a href="/n3.html">西部陆海新通道班列开行</a></div></div>
            </body>"#;
        let guessed = guess(html).unwrap();
        assert_eq!(guessed.selectors.item, "div#main > div.item");
        assert_eq!(guessed.selectors.date.as_deref(), Some("em"));
        assert_eq!(guessed.selectors.link, None);
        assert_eq!(guessed.stories.len(), 3);
    }

    #[test]
    fn table_rows_get_a_positional_date_cell_and_story_link() {
        let html = r#"<body><table class="list">
            <tr><td><a href="/c/1">[要闻]</a></td><td><a href="/n/1.html">重庆经济协作区市长联席会召开</a></td><td>2019-01-05</td></tr>
            <tr><td><a href="/c/2">[要闻]</a></td><td><a href="/n/2.html">滇黔两省签署产业协作框架协议</a></td><td>2019-01-04</td></tr>
            <tr><td><a href="/c/3">[要闻]</a></td><td><a href="/n/3.html">长江经济带生态保护联席会议举行</a></td><td>2019-01-03</td></tr>
            </table></body>"#;
        let guessed = guess(html).unwrap();
        assert_eq!(guessed.selectors.item, "table.list > tbody > tr");
        assert_eq!(guessed.selectors.date.as_deref(), Some("td:last-child"));
        assert_eq!(
            guessed.selectors.link.as_deref(),
            Some("td:nth-child(2) > a")
        );
        assert_eq!(
            guessed.stories[0].title.as_deref(),
            Some("重庆经济协作区市长联席会召开")
        );
    }

    fn fixture(path: &str) -> String {
        let full = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/").to_owned() + path;
        let bytes = std::fs::read(&full).unwrap();
        crate::decode::decode(&bytes, None, None).text
    }

    #[test]
    fn the_demo_gbk_list_page_is_its_ul_of_dated_items() {
        let guessed = guess(&fixture("sites/zgrb/jjxz/index.htm")).unwrap();
        assert_eq!(guessed.selectors.item, "ul.news > li");
        assert_eq!(guessed.selectors.date.as_deref(), Some("span.date"));
        assert_eq!(guessed.selectors.link, None);
        let titles: Vec<_> = guessed
            .stories
            .iter()
            .filter_map(|s| s.title.clone())
            .collect();
        assert_eq!(titles.len(), 3);
        assert!(guessed.stories.iter().all(|s| s.published.is_some()));
    }

    #[test]
    fn a_government_table_list_beats_its_menu_sidebar_and_footer() {
        let guessed = guess(&fixture("add/gov-list.html")).unwrap();
        assert_eq!(
            guessed.selectors,
            ListSelectors {
                item: "table.tb_list > tbody > tr".to_owned(),
                link: Some("td.bt > a".to_owned()),
                title: None,
                date: Some("td.rq".to_owned()),
            }
        );
        assert_eq!(guessed.stories.len(), 5);
        assert_eq!(
            guessed.page_title.as_deref(),
            Some("区域合作_省发展和改革委员会")
        );
        assert_eq!(
            guessed.stories[3].title.as_deref(),
            Some("重庆经济协作区第三十次市长联席会在自贡召开")
        );
        assert_eq!(
            guessed.stories[0].link.as_deref(),
            Some("http://www.example.cn/news/202611/t20261120_1201.html")
        );
    }

    // See: `add` on a page of 20,000 nested <div>s ran for minutes (paths as deep as the page).
    #[test]
    fn a_deeply_nested_page_is_cut_and_gives_no_endless_path() {
        let list = "<ul><li><a href=\"/a\">成渝地区双城经济圈建设推进</a></li>\
                    <li><a href=\"/b\">成渝地区双城经济圈建设推进二</a></li>\
                    <li><a href=\"/c\">成渝地区双城经济圈建设推进三</a></li></ul>";
        let deep = format!("<body>{}{list}", "<div>".repeat(20_000));
        assert!(guess(&deep).is_none());
        let shallow = format!("<body>{}{list}", "<div>".repeat(5));
        let guessed = guess(&shallow).unwrap();
        assert_eq!(guessed.stories.len(), 3);
        assert!(
            guessed.selectors.item.ends_with("> ul > li"),
            "{}",
            guessed.selectors.item
        );
    }
}
