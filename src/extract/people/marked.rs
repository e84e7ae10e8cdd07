//! Authors the markup marks as such: an element with `itemprop="author"` (its `itemprop="name"`
//! inside, or its text), a link with `rel="author"`, an hCard `class="author vcard"` (its
//! `fn`). The first marked element and the marked
//! elements beside it in the same block are the byline, with the blocks of marks that follow
//! it with nothing to read between (a box for each author); marks further down the page belong
//! to comments and teasers of other stories.
//!
//! Under the title, a link to an author's page (`/author/jane-rowe`, `/autoren/…`) names an
//! author too.
//!
//! This module must not guess from text: it reads markup only.

use std::sync::LazyLock;

use regex::Regex;

use super::super::dom::{Dom, Line};
use super::latin::names_in_credit;
use crate::normalise::clean_text;

/// The path of an author's page: `/author/jane-rowe`, `/autoren/…`, `/auteur/…`, `?author=`.
static AUTHOR_PAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)/(?:authors?|autor|autoren|auteurs?|autore|autori|journalists?|reporters?",
        r"|profiles?|perfiles)/[^/?#]|[?&]author=",
    ))
    .expect("valid regex")
});
/// Parents walked up from a text node to find the link it is in.
const LINK_DEPTH: usize = 3;

/// Text longer than this in a marked element is a biography, not a name.
const MAX_CREDIT_CHARS: usize = 100;

/// The people named by the page's author markup before node `end` (the end of the story: marks
/// after it credit comments and other stories), and the organisations it names
/// (`itemtype` …`Organization`).
pub fn marked_authors(dom: &Dom<'_>, end: u32) -> (Vec<String>, Vec<String>) {
    let limit = (end as usize).min(dom.slots.len());
    let Some(first) = (0..limit).find(|&i| is_marked(dom, i)) else {
        return (Vec::new(), Vec::new());
    };
    let (mut people, mut organisations) = (Vec::new(), Vec::new());
    let mut i = first;
    // The block holding the first mark holds the byline, and so do the blocks of marks that
    // follow it with nothing to read between (an author box each).
    let mut end = block_end(dom, first).min(limit);
    loop {
        while i < end {
            if !is_marked(dom, i) {
                i += 1;
                continue;
            }
            let slot = &dom.slots[i];
            let name_slot = (i + 1..slot.end as usize)
                .find(|&j| {
                    let inner = &dom.slots[j];
                    has_word(inner.attr("itemprop"), "name") || has_word(inner.attr("class"), "fn")
                })
                .unwrap_or(i);
            let text = element_text(dom, name_slot);
            let is_org = slot
                .attr("itemtype")
                .is_some_and(|t| t.contains("Organization") || t.contains("organization"));
            if text.chars().count() <= MAX_CREDIT_CHARS {
                if is_org {
                    organisations.push(text);
                } else {
                    for name in names_in_credit(&text) {
                        if !people.contains(&name) {
                            people.push(name);
                        }
                    }
                }
            }
            i = (slot.end as usize).max(i + 1);
        }
        let Some(next) = (end..limit).find(|&j| is_marked(dom, j)) else {
            break;
        };
        if has_text(dom, end..next) {
            break;
        }
        (i, end) = (next, block_end(dom, next).min(limit).max(next + 1));
    }
    (people, organisations)
}

/// The end of the block that holds node `i`.
fn block_end(dom: &Dom<'_>, i: usize) -> usize {
    let mut block = i;
    while !dom.slots[block].block {
        let parent = dom.slots[block].parent as usize;
        if parent >= block {
            break;
        }
        block = parent;
    }
    (dom.slots[block].end as usize).min(dom.slots.len())
}

/// Whether any text to read lies in the nodes of `range`.
fn has_text(dom: &Dom<'_>, range: std::ops::Range<usize>) -> bool {
    range.into_iter().any(|j| {
        !dom.slots[j].hidden
            && dom.slots[j]
                .node
                .value()
                .as_text()
                .is_some_and(|t| !t.trim().is_empty())
    })
}

/// The people named by links to authors' pages on `lines`.
pub fn author_links(dom: &Dom<'_>, lines: &[&Line]) -> Vec<String> {
    let mut people = Vec::new();
    let mut seen = Vec::new();
    for line in lines {
        for i in line.first as usize..=(line.last as usize).min(dom.slots.len() - 1) {
            if dom.slots[i].node.value().as_text().is_none() {
                continue;
            }
            let Some(link) = link_around(dom, i) else {
                continue;
            };
            if seen.contains(&link) {
                continue;
            }
            seen.push(link);
            let href = dom.slots[link].attr("href").unwrap_or_default();
            if !AUTHOR_PAGE.is_match(href) {
                continue;
            }
            for name in names_in_credit(&element_text(dom, link)) {
                if !people.contains(&name) {
                    people.push(name);
                }
            }
        }
    }
    people
}

/// The link that text node `i` is in, a few levels up at most.
fn link_around(dom: &Dom<'_>, mut i: usize) -> Option<usize> {
    for _ in 0..LINK_DEPTH {
        let parent = dom.slots[i].parent as usize;
        if parent >= i {
            return None;
        }
        if dom.slots[parent].name == "a" {
            return Some(parent);
        }
        i = parent;
    }
    None
}

/// An element marked as a story's author.
fn is_marked(dom: &Dom<'_>, i: usize) -> bool {
    let slot = &dom.slots[i];
    if slot.hidden || matches!(slot.name, "" | "meta" | "link") {
        return false;
    }
    let class = slot.attr("class");
    let marked = has_word(slot.attr("itemprop"), "author")
        || slot.name == "a" && has_word(slot.attr("rel"), "author")
        || has_word(class, "author") && has_word(class, "vcard");
    marked && !in_figure(dom, i)
}

/// Whether slot `i` sits in a figure or its caption: the author there took the picture.
fn in_figure(dom: &Dom<'_>, mut i: usize) -> bool {
    while i > 0 {
        let slot = &dom.slots[i];
        if matches!(slot.name, "figure" | "figcaption") {
            return true;
        }
        let parent = slot.parent as usize;
        if parent >= i {
            return false;
        }
        i = parent;
    }
    false
}

fn has_word(value: Option<&str>, word: &str) -> bool {
    value.is_some_and(|v| {
        v.split_ascii_whitespace()
            .any(|w| w.eq_ignore_ascii_case(word))
    })
}

/// The visible text of slot `i`, with white space collapsed.
fn element_text(dom: &Dom<'_>, i: usize) -> String {
    let end = dom.slots[i].end as usize;
    let mut text = String::new();
    for slot in &dom.slots[i..end.min(dom.slots.len())] {
        if slot.hidden {
            continue;
        }
        if let Some(t) = slot.node.value().as_text() {
            text.push_str(t);
        } else if slot.block {
            text.push(' ');
        }
    }
    clean_text(&text)
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;

    fn marked(html: &str, end_at: Option<&str>) -> Vec<String> {
        let document = Html::parse_document(html);
        let dom = Dom::build(&document);
        let end = end_at.map_or(u32::MAX, |id| {
            let at = dom.slots.iter().position(|s| s.attr("id") == Some(id));
            u32::try_from(at.expect("the end's id is on the page")).expect("small page")
        });
        marked_authors(&dom, end).0
    }

    #[test]
    fn the_byline_block_of_author_marks_gives_every_author() {
        let html = r#"<div class="byline"><a rel="author" href="/a/jane">Jane Rowe</a> and
            <a rel="author" href="/a/tom">Tom Sample</a></div>
            <p>Story text.</p><div><a rel="author" href="/a/other">Other Writer</a></div>"#;
        assert_eq!(marked(html, None), ["Jane Rowe", "Tom Sample"]);
    }

    #[test]
    fn picture_credits_and_marks_after_the_story_are_no_byline() {
        let html = r#"<figure><img src="a.jpg"><figcaption>
            <span itemprop="author">Photo: Lee Snapshot</span></figcaption></figure>
            <p>Story text.</p><section id="comments">
            <span itemprop="author">Comment Poster</span></section>"#;
        assert_eq!(marked(html, Some("comments")), Vec::<String>::new());
        let hcard = r#"<span class="author vcard"><a class="url fn n" href="/a/">Gregor
            Example</a></span>"#;
        assert_eq!(marked(hcard, None), ["Gregor Example"]);
    }

    #[test]
    fn author_boxes_one_after_another_are_one_byline_and_a_box_after_text_is_not() {
        let html = r#"<section class="meta"><div class="people">
            <div class="card"><address>
              <a rel="author" href="mailto:k@example.no"><span>Kari</span> <span>Nordmann</span></a>
            </address></div>
            <div class="card"><address>
              <a rel="author" href="mailto:o@example.no"><span>Ola</span> <span>Nordmann</span></a>
            </address></div></div></section>
            <p>Story text.</p>
            <div class="card"><address><a rel="author" href="/a/x">Another Writer</a></address></div>"#;
        assert_eq!(marked(html, None), ["Kari Nordmann", "Ola Nordmann"]);
    }
}
