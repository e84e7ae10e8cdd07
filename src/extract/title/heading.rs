//! Headings on the page that may be the title: the one the `<title>` repeats, the article's
//! own top heading before the body, and the subtitle under the title.
//!
//! This module must not read meta tags or the body's prose: it looks at heading lines only.

use std::sync::LazyLock;

use regex::Regex;

use super::super::dom::{Dom, NONE};
use super::{MAX_TITLE_CHARS, key};

/// A class or id that marks a title.
static TITLE_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)title|headline|heading|biaoti|\btit\b|\bbt\b|^h1$|artic").expect("valid regex")
});
static NOT_TITLE_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)sub-?title|subtit|fu_?bt|nav|menu|logo|list|related|hot|side")
        .expect("valid regex")
});
/// A class or id that marks a subtitle (副标题) or a kicker (引题).
static SUBTITLE_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)sub.?tit|fu.?bt|fubiaoti|yinti|intro.?tit|pre.?tit").expect("valid regex")
});
/// Lines under the title looked at for a subtitle.
const SUBTITLE_LINES: usize = 3;

/// The heading line that the `<title>` repeats: the longest, then the nearest before the body.
/// A heading that is only the site's name (much shorter than the `<title>` and not its start)
/// is none.
pub fn repeated_by_page_title(dom: &Dom<'_>, page_title: &str, body_line: usize) -> Option<usize> {
    let page_key = key(page_title);
    let mut best: Option<(usize, i64)> = None;
    for (index, line) in dom.lines.iter().enumerate() {
        // A line's key is never longer than the line: one longer than the <title> (give or
        // take the spaces and punctuation its key drops) cannot be inside it.
        if line.text.len() > MAX_TITLE_CHARS * 4 || line.chars > page_title.len() as u32 {
            continue;
        }
        let line_key = key(&line.text);
        if line_key.chars().count() < 4
            || !page_key.contains(&line_key)
            || !is_heading(dom, line.block)
        {
            continue;
        }
        let distance = body_line as i64 - index as i64;
        let nearness = if distance >= 0 {
            -distance
        } else {
            distance * 4
        };
        let score = line_key.chars().count() as i64 * 1000 + nearness.max(-999);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((index, score));
        }
    }
    let (index, _) = best?;
    let text = &dom.lines[index].text;
    (text.chars().count() * 3 >= page_title.chars().count()
        || page_title.starts_with(text.as_str()))
    .then_some(index)
}

/// The article's own top heading: the last `<h1>` before the body, its lines joined (a
/// headline may span child blocks), with its first line when it is one line.
pub fn own_heading(dom: &Dom<'_>, body_start: u32) -> Option<(String, Option<usize>)> {
    let h1 = (0..body_start.min(dom.slots.len() as u32))
        .rev()
        .find(|&i| dom.slot(i).name == "h1" && !dom.slot(i).hidden)?;
    let text = dom.text_of(h1).replace('\n', " ");
    let chars = text.chars().count();
    if !(4..=MAX_TITLE_CHARS).contains(&chars) {
        return None;
    }
    let line = dom.line_at(h1);
    let one_line = dom.lines.get(line).is_some_and(|l| l.text == text);
    Some((text, one_line.then_some(line)))
}

/// The last top heading before the body, for pages with no `<title>`.
pub fn last_before_body(dom: &Dom<'_>, body_line: usize) -> Option<usize> {
    dom.lines[..body_line.min(dom.lines.len())]
        .iter()
        .enumerate()
        .rev()
        .find(|(_, line)| {
            matches!(dom.slot(line.block).name, "h1" | "h2")
                && line.text.chars().count() <= MAX_TITLE_CHARS
        })
        .map(|(index, _)| index)
}

/// The block of a subtitle under the title that sits outside the body (`<p class="subtitle">`,
/// an `<h2>` right under the `<h1>`): it is the story's first line.
pub fn subtitle(dom: &Dom<'_>, title_line: usize, body_start: u32) -> Option<u32> {
    let title_block = dom.lines.get(title_line)?.block;
    dom.lines
        .iter()
        .skip(title_line + 1)
        .take(SUBTITLE_LINES)
        .take_while(|line| line.first < body_start)
        .find(|line| {
            let block = dom.slot(line.block);
            let chars = line.text.chars().count();
            let marked = matches!(block.name, "h2" | "h3" | "h4" | "h5")
                && dom.slot(title_block).name == "h1"
                || SUBTITLE_CLASS.is_match(&block.class_and_id());
            marked
                && line.block != title_block
                && (4..=80).contains(&chars)
                && line.link_chars == 0
                && dom.text_of(line.block) == line.text
        })
        .map(|line| line.block)
}

/// Whether the block holding a line reads as a heading: `h1`–`h4`, or a title class or id on
/// it or its parent.
fn is_heading(dom: &Dom<'_>, block: u32) -> bool {
    if block == NONE {
        return false;
    }
    let slot = dom.slot(block);
    if matches!(slot.name, "h1" | "h2" | "h3" | "h4") {
        return true;
    }
    let mut node = block;
    for _ in 0..2 {
        let names = dom.slot(node).class_and_id();
        if !names.is_empty() && TITLE_CLASS.is_match(&names) && !NOT_TITLE_CLASS.is_match(&names) {
            return true;
        }
        node = dom.slot(node).parent;
        if node == NONE {
            break;
        }
    }
    false
}
