//! A bound on how deep a page's elements nest, checked before the HTML parser sees the page.
//!
//! The HTML tree builder scans its stack of open elements for many start tags, so thousands of
//! nested `<div>`s cost time quadratic in the depth (tens of seconds for a few megabytes).
//! [`within_depth`] reads the tags without building anything (linear, no allocation) and cuts
//! the page where the nesting passes the limit; real pages nest a few dozen levels.
//!
//! [`for_reading`] also leaves out the text of scripts and style sheets (JSON-LD kept), which
//! an article page never reads.
//!
//! This module must not judge content: it only measures tags.

use std::borrow::Cow;

/// Elements nested deeper than this are cut off with the rest of the page.
pub const MAX_NESTING: usize = 800;

/// Elements without content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "basefont", "bgsound", "frame", "keygen",
];
/// Elements the parser closes by itself when a sibling opens (their end tags are optional).
const SELF_CLOSING: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot",
    "colgroup", "caption", "rp", "rt", "html", "head", "body",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// The longest start of `html` whose elements nest at most `max_depth` deep.
pub fn within_depth(html: &str, max_depth: usize) -> &str {
    &html[..walk(html, max_depth, false).cut]
}

/// [`within_depth`], and the text of `<script>` and `<style>` elements left out (their tags
/// stay), JSON-LD excepted: an article page needs no code or style sheet, and on modern pages
/// they are half the bytes, each of which the HTML tokenizer would otherwise read one by one.
pub fn for_reading(html: &str, max_depth: usize) -> Cow<'_, str> {
    let walked = walk(html, max_depth, true);
    if walked.dropped.is_empty() {
        return Cow::Borrowed(&html[..walked.cut]);
    }
    let mut out = String::with_capacity(walked.cut);
    let mut from = 0;
    for (start, end) in walked.dropped {
        out.push_str(&html[from..start]);
        from = end;
    }
    out.push_str(&html[from..walked.cut]);
    Cow::Owned(out)
}

/// What one pass over the tags found.
struct Walked {
    /// Where the page is cut (its length when nothing nests too deep).
    cut: usize,
    /// The `(start, end)` byte ranges of script and style text, in order, all before `cut`.
    dropped: Vec<(usize, usize)>,
}

fn walk(html: &str, max_depth: usize, drop_code: bool) -> Walked {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut dropped = Vec::new();
    while let Some(offset) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        i = start + 1;
        match bytes.get(i) {
            Some(b'!') => {
                i = if bytes[i..].starts_with(b"!--") {
                    find(bytes, i + 3, b"-->").map_or(bytes.len(), |e| e + 3)
                } else {
                    find(bytes, i, b">").map_or(bytes.len(), |e| e + 1)
                };
            }
            Some(b'/') => {
                let (name, end) = tag_name(bytes, i + 1);
                i = tag_end(bytes, end).0;
                if !name.is_empty() && !listed(VOID, name) && !listed(SELF_CLOSING, name) {
                    depth = depth.saturating_sub(1);
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, end) = tag_name(bytes, i);
                let (after, self_closed) = tag_end(bytes, end);
                i = after;
                if listed(RAW_TEXT, name) {
                    let (close, past) = raw_text_end(bytes, i, name);
                    let code = name.eq_ignore_ascii_case(b"style")
                        || name.eq_ignore_ascii_case(b"script")
                            && !is_linked_data(&bytes[end..after]);
                    // A text cut off by the end of the page is dropped up to the end.
                    if drop_code && code && close > i {
                        dropped.push((i, close));
                    }
                    i = past;
                    continue;
                }
                if self_closed || listed(VOID, name) || listed(SELF_CLOSING, name) {
                    continue;
                }
                depth += 1;
                if depth > max_depth {
                    dropped.retain(|&(_, e)| e <= start);
                    return Walked {
                        cut: start,
                        dropped,
                    };
                }
            }
            _ => {}
        }
    }
    Walked {
        cut: html.len(),
        dropped,
    }
}

/// Whether a `<script>` tag's attributes say JSON-LD (`type="application/ld+json"`).
fn is_linked_data(attributes: &[u8]) -> bool {
    memchr::memmem::find(&attributes.to_ascii_lowercase(), b"ld+json").is_some()
}

fn listed(list: &[&str], name: &[u8]) -> bool {
    list.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name))
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|p| from + p)
}

/// The tag name at `i` and the index after it.
fn tag_name(bytes: &[u8], i: usize) -> (&[u8], usize) {
    let end = bytes[i.min(bytes.len())..]
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
        .map_or(bytes.len(), |p| i + p);
    (&bytes[i.min(end)..end], end)
}

/// The index after the tag's `>` (quoted `>` in attribute values skipped), and whether it
/// ended with `/>`.
fn tag_end(bytes: &[u8], mut i: usize) -> (usize, bool) {
    // memchr jumps between the bytes that matter; attribute values are long (URLs, inline
    // styles, JSON in data attributes): a byte at a time, this pass cost as much as parsing.
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr3(b'>', b'"', b'\'', rest))
    {
        let at = i + offset;
        match bytes[at] {
            b'>' => return (at + 1, at > 0 && bytes[at - 1] == b'/'),
            quote => match memchr::memchr(quote, &bytes[at + 1..]) {
                Some(close) => i = at + 1 + close + 1,
                None => return (bytes.len(), false),
            },
        }
    }
    (bytes.len(), false)
}

/// Where `</name…>` starts and the index just after it, case-insensitively, or the end of the
/// page for both.
fn raw_text_end(bytes: &[u8], mut i: usize, name: &[u8]) -> (usize, usize) {
    while let Some(offset) = find(bytes, i, b"</") {
        let at = offset + 2;
        let candidate = bytes.get(at..at + name.len()).unwrap_or_default();
        if candidate.eq_ignore_ascii_case(name) {
            return (offset, tag_end(bytes, at + name.len()).0);
        }
        i = at;
    }
    (bytes.len(), bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_kept_whole() {
        let html = "<!DOCTYPE html><html><head><title>a</title><script>if (a<b) {'<div>'}</script>\
                    </head><body><!-- <div><div> --><div class=\"x>y\"><p>一<p>二<br/><img src=a>\
                    <ul><li>三<li>四</ul></div><div/></body></html>";
        assert_eq!(within_depth(html, 3), html);
    }

    #[test]
    fn deep_nesting_is_cut_where_it_passes_the_limit() {
        let html = format!(
            "<body>{}正文{}</body>",
            "<div>".repeat(10),
            "</div>".repeat(10)
        );
        let cut = within_depth(&html, 4);
        assert_eq!(cut, format!("<body>{}", "<div>".repeat(4)));
        assert_eq!(within_depth(&html, 10), html);
    }

    #[test]
    fn code_and_style_text_is_left_out_for_reading_and_json_ld_kept() {
        let html = "<html><head><style>p{color:red}</style>\
                    <script type=\"application/ld+json\">{\"headline\":\"川渝\"}</script>\
                    <SCRIPT src=a.js></SCRIPT><script>if (a<b) {'<div>'}</script></head>\
                    <body><p>正文</p><script>var x = '</p>';</script></body></html>";
        assert_eq!(
            for_reading(html, MAX_NESTING),
            "<html><head><style></style>\
             <script type=\"application/ld+json\">{\"headline\":\"川渝\"}</script>\
             <SCRIPT src=a.js></SCRIPT><script></script></head>\
             <body><p>正文</p><script></script></body></html>"
        );
        let plain = "<html><body><p>正文</p></body></html>";
        assert!(matches!(for_reading(plain, MAX_NESTING), Cow::Borrowed(p) if p == plain));
        // A page cut for its depth keeps only what comes before the cut.
        let deep = format!("<script>x</script>{}正文", "<div>".repeat(5));
        assert_eq!(
            for_reading(&deep, 2),
            format!("<script></script>{}", "<div>".repeat(2))
        );
    }

    #[test]
    fn cut_tags_never_panic() {
        let html = "<div a='>'><span title=\"<div>\">川渝</span></div><script>x</scr";
        for end in 0..=html.len() {
            if html.is_char_boundary(end) {
                let _ = within_depth(&html[..end], 1);
                let _ = for_reading(&html[..end], 1);
            }
        }
    }
}
