//! The generic body extractor, which needs no configuration: paragraph scoring with text
//! density, link density and class hints, in the manner of Readability, measured so that a CJK
//! character counts like a word.
//!
//! # How
//! 1. Every run of text is a paragraph (a `<p>`, or one `<br>`-separated run of a `<div>` /
//!    `<td>`; list items are not); one of at least [`MIN_PARAGRAPH_WEIGHT`] scores `1 + commas + length/100` (at
//!    most 3 for length) for the container it sits in, half for the next one up, and less for
//!    three more levels. Lines that are mostly link text (menus) score nothing.
//! 2. A container's score starts from its tag and its class / id (`content`, `article`, `zw`
//!    up; `comment`, `share`, `footer`, `nav` down) and ends multiplied by `1 - link density`.
//! 3. The best container wins; it moves up to an ancestor that several near-best containers
//!    share, or that scores higher still; then its siblings that score well, hold plain prose,
//!    or are sections built like it (same tag and class) join it. A near-best container inside
//!    the page's one `itemprop=articleBody` / `<article>` / `<main>` beats a best one outside;
//!    of full-length `<article>`s loaded one under another, the one the page's `<h1>` heads
//!    (else the first) is the story.
//! 4. `clean` takes link lists, forms, image strips and boilerplate lines out of the result.
//!
//! A first pass ignores elements whose class or id says they are not content (`sidebar`,
//! `comment`, `menu`, …; readers' comments whatever else the class says). When a pass finds
//! less than [`ENOUGH_WEIGHT`], the next pass relaxes one rule; the longest result wins.
//!
//! This module must not know any site: no rule here may name one.

use std::sync::LazyLock;

use regex::Regex;

use super::body::Body;
use super::clean;
use super::dom::{Dom, NONE};

/// A paragraph shorter than this (see `Counts::weight`) scores nothing.
pub const MIN_PARAGRAPH_WEIGHT: u32 = 25;
/// A pass that finds at least this much text is taken without trying the next.
pub const ENOUGH_WEIGHT: u32 = 250;
/// Ancestors of a paragraph that share its score.
const SCORED_LEVELS: usize = 5;

static UNLIKELY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)-ad-|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|daohang|xiangguan|tuijian|copyright|friendlink|youqing",
    )
    .expect("valid regex")
});
/// Readers' comments: never the article, whatever else the class says (`comments-column`).
static COMMENTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)comment|disqus|replies").expect("valid regex"));
static MAYBE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)and|article|body|column|content|main|shadow|detail|text|zhengwen")
        .expect("valid regex")
});
static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story|detail|zhengwen|neirong|wenzhang|trs_editor|\bzw\b|_zw|zw_|txt",
    )
    .expect("valid regex")
});
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|\bnav|menu|xiangguan|tuijian|paihang|ranking|copyright|banquan|friendlink|bottom|consent|placeholder",
    )
    .expect("valid regex")
});

/// What a pass may do.
#[derive(Debug, Clone, Copy)]
pub struct Pass {
    /// Ignore elements whose class or id says they are not content.
    pub strip_unlikely: bool,
    /// Let class and id add to or take from scores.
    pub weigh_classes: bool,
    /// Take link lists, forms and the like out of the result.
    pub clean: bool,
}

impl Pass {
    const ALL: [Pass; 4] = [
        Pass {
            strip_unlikely: true,
            weigh_classes: true,
            clean: true,
        },
        Pass {
            strip_unlikely: false,
            weigh_classes: true,
            clean: true,
        },
        Pass {
            strip_unlikely: false,
            weigh_classes: false,
            clean: true,
        },
        Pass {
            strip_unlikely: false,
            weigh_classes: false,
            clean: false,
        },
    ];
}

/// The body the generic extractor finds, or `None` when the page has no scorable text.
pub fn find_body(dom: &Dom<'_>) -> Option<Body> {
    let mut best: Option<(u32, Body)> = None;
    for pass in Pass::ALL {
        let Some(body) = one_pass(dom, pass) else {
            continue;
        };
        let weight = body.weight(dom);
        if weight >= ENOUGH_WEIGHT {
            return Some(body);
        }
        if best.as_ref().is_none_or(|(w, _)| weight > *w) {
            best = Some((weight, body));
        }
    }
    best.map(|(_, body)| body)
}

fn one_pass(dom: &Dom<'_>, pass: Pass) -> Option<Body> {
    let unlikely = if pass.strip_unlikely {
        unlikely_nodes(dom)
    } else {
        vec![false; dom.slots.len()]
    };
    let mut scores: Vec<Option<f32>> = vec![None; dom.slots.len()];
    for (container, score) in paragraphs(dom, &unlikely) {
        let mut target = container;
        for level in 0..SCORED_LEVELS {
            if target == NONE || dom.slot(target).name.is_empty() {
                break;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                _ => level as f32 * 3.0,
            };
            let entry = scores[target as usize].get_or_insert_with(|| initial(dom, target, pass));
            *entry += score / divider;
            target = dom.slot(target).parent;
        }
    }
    for (i, score) in scores.iter_mut().enumerate() {
        if let Some(score) = score {
            *score *= 1.0 - dom.slots[i].counts.link_density();
        }
    }
    let mut top = choose_top(dom, &scores)?;
    if let Some(headed) = headed_story(dom, top, &scores) {
        top = headed;
    }
    let roots = match first_of_stream(dom, top) {
        Some(first) => vec![first],
        None => with_siblings(dom, top, &scores, pass),
    };
    let mut body = Body::new(dom, roots);
    for &root in &body.roots.clone() {
        for i in root..dom.slot(root).end {
            if unlikely[i as usize] {
                body.remove(i);
            }
        }
    }
    if pass.clean {
        clean::conditionally(dom, &mut body, pass.weigh_classes);
    }
    Some(body)
}

/// Elements whose class or id marks them as not content (and all inside them).
fn unlikely_nodes(dom: &Dom<'_>) -> Vec<bool> {
    let mut unlikely = vec![false; dom.slots.len()];
    for (i, slot) in dom.slots.iter().enumerate() {
        let inherited = slot.parent != NONE && unlikely[slot.parent as usize];
        unlikely[i] = inherited
            || match slot.name {
                "" | "html" | "body" | "article" | "main" | "a" | "table" | "tbody" | "tr"
                | "td" => false,
                "nav" | "aside" => true,
                _ => {
                    let role = slot.attr("role").unwrap_or_default();
                    let marked = slot.attr("class").is_some() || slot.attr("id").is_some();
                    matches!(
                        role,
                        "menu" | "menubar" | "complementary" | "navigation" | "alert" | "dialog"
                    ) || marked && {
                        let names = slot.class_and_id();
                        UNLIKELY.is_match(&names) && !MAYBE.is_match(&names)
                            || COMMENTS.is_match(&names)
                    }
                }
            };
    }
    unlikely
}

/// Every paragraph worth scoring: the container it scores for, and its score.
fn paragraphs(dom: &Dom<'_>, unlikely: &[bool]) -> Vec<(u32, f32)> {
    // Blocks with block children hold their text runs as paragraphs of their own.
    let mut has_block_child = vec![false; dom.slots.len()];
    for slot in &dom.slots {
        if slot.block && !slot.hidden && slot.parent != NONE {
            has_block_child[slot.parent as usize] = true;
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < dom.lines.len() {
        let block = dom.lines[i].block;
        let mut j = i + 1;
        while j < dom.lines.len() && dom.lines[j].block == block {
            j += 1;
        }
        let lines = &dom.lines[i..j];
        i = j;
        if block == NONE || unlikely[lines[0].first as usize] {
            continue;
        }
        let slot = dom.slot(block);
        // List items are menus and link lists far more often than prose.
        if matches!(slot.name, "li" | "dt" | "dd" | "ul" | "ol" | "dl") {
            continue;
        }
        let whole = matches!(
            slot.name,
            "p" | "pre" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
        ) || (lines.len() == 1 && !has_block_child[block as usize]);
        if whole {
            let weight: u32 = lines.iter().map(|l| l.weight()).sum();
            let link: u32 = lines.iter().map(|l| l.link_chars).sum();
            let chars: u32 = lines.iter().map(|l| l.chars).sum();
            if link * 2 > chars {
                continue;
            }
            let commas: usize = lines.iter().map(|l| commas(&l.text)).sum();
            if let Some(score) = paragraph_score(weight, commas) {
                out.push((slot.parent, score));
            }
        } else {
            for line in lines {
                if line.link_density() > 0.5 {
                    continue;
                }
                if let Some(score) = paragraph_score(line.weight(), commas(&line.text)) {
                    out.push((block, score));
                }
            }
        }
    }
    out
}

fn paragraph_score(weight: u32, commas: usize) -> Option<f32> {
    (weight >= MIN_PARAGRAPH_WEIGHT)
        .then(|| 1.0 + (commas + 1) as f32 + (weight as f32 / 100.0).min(3.0))
}

fn commas(text: &str) -> usize {
    text.chars()
        .filter(|c| matches!(c, ',' | '，' | '、' | '\u{060C}' | '\u{FE50}'))
        .count()
}

/// A container's score before its paragraphs: its tag, and its class / id.
fn initial(dom: &Dom<'_>, i: u32, pass: Pass) -> f32 {
    let slot = dom.slot(i);
    let tag = match slot.name {
        "div" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    tag + if pass.weigh_classes {
        class_weight(dom, i)
    } else {
        0.0
    }
}

/// +25 for a class or id that says content, -25 for one that says not (each at most once).
pub fn class_weight(dom: &Dom<'_>, i: u32) -> f32 {
    let slot = dom.slot(i);
    let mut weight = 0.0;
    for name in [slot.attr("class"), slot.attr("id")].into_iter().flatten() {
        if NEGATIVE.is_match(name) {
            weight -= 25.0;
        }
        if POSITIVE.is_match(name) {
            weight += 25.0;
        }
    }
    weight
}

/// How much of the best score a container inside the page's article landmark needs to win.
const LANDMARK_SHARE: f32 = 0.5;

/// The element the page marks as its article: the one `itemprop=articleBody`, else the one
/// `<article>`, else the one `<main>` (a page with several marks none). It must hold text.
fn landmark(dom: &Dom<'_>) -> Option<u32> {
    let (mut body, mut article, mut main) = ((0, NONE), (0, NONE), (0, NONE));
    for (i, slot) in dom.slots.iter().enumerate() {
        if slot.hidden || slot.name.is_empty() {
            continue;
        }
        let counter = if slot.attr("itemprop") == Some("articleBody") {
            &mut body
        } else if slot.name == "article" {
            &mut article
        } else if slot.name == "main" || slot.attr("role") == Some("main") {
            &mut main
        } else {
            continue;
        };
        counter.0 += 1;
        counter.1 = i as u32;
    }
    [body, article, main]
        .into_iter()
        .find(|&(count, _)| count == 1)
        .map(|(_, i)| i)
        .filter(|&i| dom.slot(i).counts.weight() >= ENOUGH_WEIGHT)
}

fn choose_top(dom: &Dom<'_>, scores: &[Option<f32>]) -> Option<u32> {
    let mut ranked: Vec<(u32, f32)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i as u32, s)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let &(mut top, mut top_score) = ranked.first()?;
    // The page says where its article is: a near-best container inside that landmark beats
    // a best one outside it (a newsletter box, a teaser beside the story).
    if let Some(landmark) = landmark(dom)
        && !dom.contains(landmark, top)
        && let Some(&(inside, score)) = ranked
            .iter()
            .find(|(i, s)| dom.contains(landmark, *i) && *s >= top_score * LANDMARK_SHARE)
    {
        top = inside;
        top_score = score;
    }
    let score_of = |i: u32| scores[i as usize];
    let is_body = |i: u32| matches!(dom.slot(i).name, "body" | "html" | "");

    // Several near-best containers under one ancestor: the ancestor is the article.
    let near: Vec<u32> = ranked
        .iter()
        .skip(1)
        .take(4)
        .filter(|(_, s)| *s >= top_score * 0.75)
        .map(|(i, _)| *i)
        .collect();
    if near.len() >= 2 {
        let mut parent = dom.slot(top).parent;
        while parent != NONE && !is_body(parent) {
            let shared = near.iter().filter(|&&n| dom.contains(parent, n)).count();
            if shared >= 2 {
                top = parent;
                break;
            }
            parent = dom.slot(parent).parent;
        }
    }
    // An ancestor that scores higher still, while scores do not fall too low on the way.
    let mut last = score_of(top).unwrap_or(top_score);
    let threshold = last / 3.0;
    let mut parent = dom.slot(top).parent;
    while parent != NONE && !is_body(parent) {
        if let Some(score) = score_of(parent) {
            if score < threshold {
                break;
            }
            if score > last {
                top = parent;
                break;
            }
            last = score;
        }
        parent = dom.slot(parent).parent;
    }
    // A lone child stands for its parent.
    loop {
        let parent = dom.slot(top).parent;
        if parent == NONE || is_body(parent) || element_children(dom, parent).count() != 1 {
            break;
        }
        top = parent;
    }
    Some(top)
}

/// When the chosen container holds several `<article>`s of full length (a page that loads the
/// next story under the first as the reader scrolls), the page's story is the one that holds
/// the first `<h1>`, else the first. Teasers (mostly links) and short cards do not count.
fn first_of_stream(dom: &Dom<'_>, top: u32) -> Option<u32> {
    let end = dom.slot(top).end;
    let mut stories = Vec::new();
    let mut i = top;
    while i < end {
        let slot = dom.slot(i);
        if slot.name == "article" && !slot.hidden {
            if is_story(dom, i) {
                stories.push(i);
            }
            i = slot.end;
        } else {
            i += 1;
        }
    }
    // The stories must be most of what the container holds, not teasers beside an article.
    let held: u32 = stories.iter().map(|&s| dom.slot(s).counts.weight()).sum();
    if stories.len() < 2 || held * 10 < dom.slot(top).counts.weight() * 6 {
        return None;
    }
    let headed = (top..end)
        .find(|&i| dom.slot(i).name == "h1" && !dom.slot(i).hidden)
        .and_then(|h1| stories.iter().copied().find(|&s| dom.contains(s, h1)));
    headed.or(stories.first().copied())
}

/// A story of full length: an `<article>` of prose.
fn is_story(dom: &Dom<'_>, i: u32) -> bool {
    let slot = dom.slot(i);
    slot.name == "article"
        && !slot.hidden
        && slot.counts.weight() >= ENOUGH_WEIGHT
        && slot.counts.link_density() < 0.25
}

/// When the best container sits in one story and the page's `<h1>` heads another (the next
/// story loaded under the page's own scores higher), the best container of the headed story.
fn headed_story(dom: &Dom<'_>, top: u32, scores: &[Option<f32>]) -> Option<u32> {
    let mut story = top;
    while story != NONE && !is_story(dom, story) {
        story = dom.slot(story).parent;
    }
    if story == NONE {
        return None;
    }
    let h1 = dom.first_named("h1").filter(|&h| !dom.slot(h).hidden)?;
    if dom.contains(story, h1) {
        return None;
    }
    let mut headed = dom.slot(h1).parent;
    while headed != NONE && !is_story(dom, headed) {
        headed = dom.slot(headed).parent;
    }
    if headed == NONE || dom.contains(headed, story) {
        return None;
    }
    (headed..dom.slot(headed).end)
        .filter_map(|i| scores[i as usize].map(|s| (i, s)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

fn element_children<'s>(dom: &'s Dom<'_>, parent: u32) -> impl Iterator<Item = u32> + 's {
    let end = dom.slot(parent).end;
    let mut next = parent + 1;
    std::iter::from_fn(move || {
        while next < end {
            let i = next;
            next = dom.slot(i).end;
            let slot = dom.slot(i);
            if !slot.name.is_empty() && !slot.hidden {
                return Some(i);
            }
        }
        None
    })
}

/// The top container and those of its siblings that belong with it, in document order.
fn with_siblings(dom: &Dom<'_>, top: u32, scores: &[Option<f32>], pass: Pass) -> Vec<u32> {
    let parent = dom.slot(top).parent;
    if parent == NONE {
        return vec![top];
    }
    let top_score = scores[top as usize].unwrap_or(0.0);
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.slot(top).attr("class").filter(|c| !c.is_empty());
    element_children(dom, parent)
        .filter(|&sibling| {
            if sibling == top {
                return true;
            }
            let slot = dom.slot(sibling);
            let bonus =
                if pass.weigh_classes && top_class.is_some() && slot.attr("class") == top_class {
                    top_score * 0.2
                } else {
                    0.0
                };
            if scores[sibling as usize].is_some_and(|s| s + bonus >= threshold) {
                return true;
            }
            // An article cut into sections built alike (same tag, same class) is one article:
            // a section of prose joins however little it scores on its own.
            if same_kind(dom, top, sibling) && is_prose(dom, sibling) {
                return true;
            }
            // Plain prose beside the article joins it: a `<p>`, or a `<div>` used as one (no
            // block inside). A container of other stories (teasers, most-read) does not.
            let paragraph = slot.name == "p"
                || slot.name == "div"
                    && !(sibling + 1..slot.end).any(|i| {
                        let inner = dom.slot(i);
                        inner.block && !inner.hidden
                    });
            if !paragraph {
                return false;
            }
            let counts = slot.counts;
            let density = counts.link_density();
            let weight = counts.weight();
            let text = dom.text_of(sibling);
            weight > 80 && density < 0.25
                || weight > 0
                    && weight <= 80
                    && density == 0.0
                    && (text.ends_with('。') || text.ends_with(". ") || text.ends_with('.'))
        })
        .collect()
}

/// Whether two elements are built alike: the same tag and the same non-empty class.
fn same_kind(dom: &Dom<'_>, a: u32, b: u32) -> bool {
    let (a, b) = (dom.slot(a), dom.slot(b));
    a.name == b.name && a.attr("class").is_some_and(|c| !c.trim().is_empty()) && {
        a.attr("class") == b.attr("class")
    }
}

/// Whether a subtree reads as prose: some text, little of it links, some of it sentences.
fn is_prose(dom: &Dom<'_>, i: u32) -> bool {
    let counts = dom.slot(i).counts;
    counts.weight() >= MIN_PARAGRAPH_WEIGHT * 2 && counts.link_density() < 0.25
}

#[cfg(test)]
mod tests;
