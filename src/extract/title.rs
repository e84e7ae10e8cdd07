//! The story's title: the heading on the page that the `<title>` repeats (so the site's name
//! after it falls away by itself), else `og:title` or the `<title>` with the site suffix cut
//! (`_四川经济日报`, `-新华网`, `| 网易新闻`), else the first top heading before the body.
//!
//! This module must not read the body: it looks at headings, `<title>` and meta tags only.

use std::sync::LazyLock;

use regex::Regex;

use super::Rule;
use super::dom::Dom;
use super::meta::Meta;

/// Headings longer than this are not titles.
const MAX_TITLE_CHARS: usize = 150;
/// A `<title>` segment after a separator that is at most this long may be a site name.
const MAX_SUFFIX_CHARS: usize = 30;

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

/// Words of a site name, after a separator.
static SITE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)网|报|刊|频道|新闻|政府|门户|在线|电视|广播|中心|官方|首页|平台|客户端|资讯|论坛|博客|社区|\.com|\.cn|\.net|\.org|www\.|news|daily|times|post|online|blog|tv\b")
        .expect("valid regex")
});
/// Separators between a title and the site's name.
const SEPARATORS: &[&str] = &[
    "--", " - ", " – ", " — ", "_", "|", "｜", " -", "- ", "-", "—", "·", "::", "»",
];

/// A title found, with the rule that found it and the line it is on (when it is on the page).
#[derive(Debug, Clone)]
pub struct Title {
    pub text: String,
    pub rule: Rule,
    pub line: Option<usize>,
}

/// The story's title; `body_start` is the first node of the body (titles sit before it).
pub fn find_title(dom: &Dom<'_>, meta: &Meta, body_start: u32) -> Option<Title> {
    let page_title = meta.page_title.as_deref().unwrap_or("");
    let page_key = key(page_title);
    let body_line = dom.line_at(body_start);
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
        // Longer matches win; then the one nearest before the body.
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
    if let Some((index, _)) = best {
        let text = dom.lines[index].text.clone();
        // A heading that is only the site's name is no title.
        if text.chars().count() * 3 >= page_title.chars().count() || page_title.starts_with(&text) {
            return Some(Title {
                text,
                rule: Rule::Generic("heading repeated by <title>"),
                line: Some(index),
            });
        }
    }
    if let Some((name, value)) = meta.tag(&["og:title", "twitter:title"]) {
        return Some(Title {
            text: strip_site_suffix(value),
            rule: Rule::Meta(name.to_owned()),
            line: None,
        });
    }
    if let Some(value) = meta.linked("headline") {
        return Some(Title {
            text: value,
            rule: Rule::Meta("JSON-LD headline".to_owned()),
            line: None,
        });
    }
    if !page_title.is_empty() {
        return Some(Title {
            text: strip_site_suffix(page_title),
            rule: Rule::Generic("<title> without the site suffix"),
            line: None,
        });
    }
    // No <title>: the last top heading before the body.
    dom.lines[..body_line.min(dom.lines.len())]
        .iter()
        .enumerate()
        .rev()
        .find(|(_, line)| {
            matches!(dom.slot(line.block).name, "h1" | "h2")
                && line.text.chars().count() <= MAX_TITLE_CHARS
        })
        .map(|(index, line)| Title {
            text: line.text.clone(),
            rule: Rule::Generic("heading before the body"),
            line: Some(index),
        })
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
    if block == super::dom::NONE {
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
        if node == super::dom::NONE {
            break;
        }
    }
    false
}

/// Whether `text` reads as the name of a site or outlet rather than a person's.
pub fn is_site_name(text: &str) -> bool {
    SITE_WORDS.is_match(text)
}

/// Letters and digits only, lower-cased: how titles are compared.
pub fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `重庆经济协作区…召开_四川经济日报` → `重庆经济协作区…召开`: trailing segments that read as
/// a site's name (short, or with 网 / 报 / 频道 / `.com` …) go, one after another.
pub fn strip_site_suffix(title: &str) -> String {
    let mut title = title.trim().to_owned();
    loop {
        let cut = SEPARATORS
            .iter()
            .filter_map(|sep| title.rfind(sep).map(|at| (at, sep.len())))
            .max_by_key(|&(at, _)| at);
        let Some((at, len)) = cut else {
            return title;
        };
        let head = title[..at].trim_end();
        let tail = title[at + len..].trim();
        let tail_chars = tail.chars().count();
        let is_site = tail.is_empty()
            || tail_chars <= MAX_SUFFIX_CHARS && SITE_WORDS.is_match(tail)
            || tail_chars <= 6;
        if head.chars().count() < 4 || !is_site {
            return title;
        }
        title = head.to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffixes_are_cut() {
        let cases = [
            (
                "重庆经济协作区第二十次市长联席会在自贡召开_四川经济日报",
                "重庆经济协作区第二十次市长联席会在自贡召开",
            ),
            ("川渝签署合作协议-新华网", "川渝签署合作协议"),
            (
                "拿出10万元投资房产 小两口尝试以钱生钱(图)_新浪房产_新浪网",
                "拿出10万元投资房产 小两口尝试以钱生钱(图)",
            ),
            (
                "拿起跨界“指挥棒”她跟学生“较着劲儿”成长--大河网",
                "拿起跨界“指挥棒”她跟学生“较着劲儿”成长",
            ),
            (
                "书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来",
                "书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来",
            ),
            (
                "1-10月德清县固定资产投资结构趋稳趋优",
                "1-10月德清县固定资产投资结构趋稳趋优",
            ),
            (
                "Chengdu and Chongqing sign a deal - Xinhua News",
                "Chengdu and Chongqing sign a deal",
            ),
        ];
        for (title, expected) in cases {
            assert_eq!(strip_site_suffix(title), expected, "{title}");
        }
    }
}
