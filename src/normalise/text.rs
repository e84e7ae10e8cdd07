//! Plain text: white space cleanup, the visible text of HTML, summaries and content hashes.
//!
//! This module must not judge what text means (no keywords, no people): it only tidies it.

use scraper::{Html, Node};
use sha2::{Digest, Sha256};

/// Elements whose content is never visible text.
pub(crate) const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "select", "head",
];

/// Elements that stand on lines of their own.
pub(crate) const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
    "address",
    "hr",
    "center",
    "form",
    "fieldset",
    "details",
    "summary",
];

/// Characters that end a sentence for [`summarize`]. `.`, `!` and `?` count only before white
/// space or the end of the text, so `173.7亿元` is not cut.
const SENTENCE_ENDS: &[char] = &['。', '！', '？', '!', '?', '.'];

/// Closing quotes and brackets that stay with the sentence they close (`“好。”`).
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '】', '"', '\''];

/// Collapses every run of white space (including U+3000, no-break spaces, line breaks) to one
/// space and trims the ends. Zero-width characters are removed outright, so CJK text they sit
/// in stays unbroken.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_zero_width(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The visible text of an HTML fragment: entities decoded, scripts and styles dropped, block
/// elements and `<br>` on lines of their own, each line cleaned, empty lines dropped, lines
/// joined by `\n`. Table cells are separated by a space.
pub fn html_to_text(html: &str) -> String {
    // Text without markup (most titles and many feed summaries) reads the same without a
    // parse: one line, cleaned. A NUL is left to the parser, which drops it.
    if !html.contains(['<', '&', '\0']) {
        return clean_text(html);
    }
    enum Step<N> {
        Enter(N),
        Leave(N),
    }
    let fragment = Html::parse_fragment(html);
    let mut raw = String::with_capacity(html.len() / 2);
    let mut stack = vec![Step::Enter(fragment.tree.root())];
    // Inside <pre>, line breaks are the text's own; elsewhere they are just white space.
    let mut pre_depth = 0usize;
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(node) => {
                match node.value() {
                    Node::Text(text) if pre_depth > 0 => {
                        raw.push_str(&text.text);
                        continue;
                    }
                    Node::Text(text) => {
                        raw.extend(
                            text.text
                                .chars()
                                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
                        );
                        continue;
                    }
                    Node::Element(element) => {
                        let name = element.name();
                        if HIDDEN.contains(&name) {
                            continue;
                        }
                        if name == "pre" {
                            pre_depth += 1;
                        }
                        if name == "br" {
                            raw.push('\n');
                        } else if name == "td" || name == "th" {
                            raw.push(' ');
                        } else if BLOCKS.contains(&name) {
                            raw.push('\n');
                        }
                        stack.push(Step::Leave(node));
                    }
                    Node::Document | Node::Fragment => {}
                    _ => continue,
                }
                stack.extend(node.children().rev().map(Step::Enter));
            }
            Step::Leave(node) => {
                let name = node
                    .value()
                    .as_element()
                    .map(|e| e.name())
                    .unwrap_or_default();
                if name == "pre" {
                    pre_depth = pre_depth.saturating_sub(1);
                }
                if BLOCKS.contains(&name) {
                    raw.push('\n');
                }
            }
        }
    }
    raw.lines()
        .map(clean_text)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first `max_chars` characters of `text` as one line. When the text is longer, it is cut
/// after the last sentence end within the limit if that keeps at least half of it, else at
/// `max_chars` with `…` appended.
pub fn summarize(text: &str, max_chars: usize) -> String {
    let text = clean_text(text);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max_chars {
        return text;
    }
    if max_chars == 0 {
        return String::new();
    }
    let window = &chars[..max_chars];
    let sentence_end = (0..max_chars).rev().find_map(|i| {
        let c = window[i];
        let next = chars.get(i + 1).copied();
        let ends = SENTENCE_ENDS.contains(&c)
            && (!c.is_ascii()
                || next.is_none_or(char::is_whitespace)
                || next.is_some_and(|n| CLOSERS.contains(&n)));
        ends.then(|| {
            let mut end = i + 1;
            while end < max_chars && CLOSERS.contains(&window[end]) {
                end += 1;
            }
            end
        })
    });
    match sentence_end {
        Some(end) if end * 2 >= max_chars => window[..end].iter().collect(),
        _ => {
            let cut: String = window.iter().collect();
            format!("{}…", cut.trim_end())
        }
    }
}

/// A short fingerprint of some texts: hex of the first 16 bytes of the SHA-256 of the parts
/// joined by U+001F (so `["ab", "c"]` and `["a", "bc"]` differ).
pub fn content_hash<P: AsRef<[u8]>>(parts: &[P]) -> String {
    let mut hasher = Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hasher.update("\u{1f}".as_bytes());
        }
        hasher.update(part.as_ref());
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_collapses_all_white_space() {
        assert_eq!(
            clean_text(
                "\u{3000}\u{3000}四川经济日报自贡讯(记者\u{a0}\u{a0}陈家明)\r\n  近日,\t重庆经济\u{200b}协作区 "
            ),
            "四川经济日报自贡讯(记者 陈家明) 近日, 重庆经济协作区"
        );
        assert_eq!(clean_text(" \u{3000}\n\u{feff}"), "");
        assert_eq!(clean_text("成渝地区双城经济圈"), "成渝地区双城经济圈");
    }

    #[test]
    fn html_to_text_keeps_blocks_as_lines() {
        let html = r#"<div class="TRS_Editor"><style>.TRS_Editor P{line-height:2;}</style>
            <h1>重庆经济协作区第二十次市长联席会在自贡召开</h1>
            <p>　　四川经济日报自贡讯(记者&nbsp;&nbsp;陈家明)近日,以&ldquo;深化区域协作、共襄南向开放&rdquo;为主题的
            联席会在<b>自贡</b>召开。</p><script>var share = "top";</script>
            <p><img src="a.jpg"></p><p>政府主导作用明显<br>数十项合作事宜签署协议</p>
            <ul><li>生态环境联防联控</li><li>基础设施互联互通</li></ul>
            <table><tr><td>成员单位</td><td>20个</td></tr><tr><th>投资额</th><th>173.7亿元</th></tr></table>
            <!-- 责任编辑：李国贵 --></div>"#;
        assert_eq!(
            html_to_text(html),
            "重庆经济协作区第二十次市长联席会在自贡召开\n\
             四川经济日报自贡讯(记者 陈家明)近日,以“深化区域协作、共襄南向开放”为主题的 联席会在自贡召开。\n\
             政府主导作用明显\n数十项合作事宜签署协议\n生态环境联防联控\n基础设施互联互通\n成员单位 20个\n投资额 173.7亿元"
        );
    }

    #[test]
    fn html_to_text_of_plain_text_and_entities() {
        assert_eq!(
            html_to_text("川渝&amp;滇黔 &lt;合作&gt;"),
            "川渝&滇黔 <合作>"
        );
        assert_eq!(html_to_text(""), "");
        assert_eq!(
            html_to_text("<p>第一行\n第二行</p><pre>代码 1\n代码 2</pre>"),
            "第一行 第二行\n代码 1\n代码 2"
        );
        assert_eq!(
            html_to_text("<noscript><img src=x></noscript><span>正文</span>"),
            "正文"
        );
    }

    #[test]
    fn html_to_text_survives_deep_nesting() {
        let html = format!(
            "{}成渝{}",
            "<div><span>".repeat(1000),
            "</span></div>".repeat(1000)
        );
        assert_eq!(html_to_text(&html), "成渝");
    }

    #[test]
    fn summarize_cuts_at_a_sentence_end() {
        let text = "重庆经济协作区第二十次市长联席会在自贡召开。云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞。";
        assert_eq!(
            summarize(text, 60),
            "重庆经济协作区第二十次市长联席会在自贡召开。云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。"
        );
        assert_eq!(summarize(text, 500), text);
        assert_eq!(
            summarize(
                "他说：“合作共赢。”\n随后签署协议，双方将在物流领域深化合作",
                16
            ),
            "他说：“合作共赢。”"
        );
    }

    #[test]
    fn summarize_falls_back_to_an_ellipsis() {
        let text =
            "自贡。协议投资额173.7亿元，有效地推进了协作区成员合作共赢，促进两地外向型经济的发展";
        assert_eq!(summarize(text, 20), "自贡。协议投资额173.7亿元，有效地推…");
        assert_eq!(
            summarize("Chengdu and Chongqing sign a deal. More follows", 12),
            "Chengdu and…"
        );
        assert_eq!(summarize("川渝合作", 0), "");
    }

    #[test]
    fn summarize_turns_lines_into_one() {
        assert_eq!(
            summarize("今日西南\n\n重庆经济协作区", 100),
            "今日西南 重庆经济协作区"
        );
    }

    #[test]
    fn content_hash_is_short_hex_and_separates_parts() {
        let hash = content_hash(&["深化区域协作 共襄南向开放", "四川经济日报"]);
        assert_eq!(hash.len(), 32);
        assert!(
            hash.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(content_hash(&["ab", "c"]), content_hash(&["a", "bc"]));
        assert_eq!(content_hash(&["abc"]), "ba7816bf8f01cfea414140de5dae2223");
        assert_eq!(content_hash(&["a", "b"]), content_hash(&["a\u{1f}b"]));
    }
}
