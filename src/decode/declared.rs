//! Finding the encoding a document declares for itself: the XML prolog's `encoding`, or a
//! `<meta>` in the head, read from the raw bytes before any decoding.
//!
//! This module must not decide whether a declaration is believed: `decode` checks it against
//! the bytes.

use encoding_rs::Encoding;

use super::encoding_for_label;

pub(super) fn xml_prolog_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &bytes[start..];
    if !starts_with_ignore_case(rest, b"<?xml") {
        return None;
    }
    let end = find(rest, b"?>")?;
    let attrs = parse_attributes(&rest[5..end]);
    let (_, value) = attrs
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("encoding"))?;
    encoding_for_label(value)
}

/// Walks the head's tags, skipping comments, scripts and styles, until a `<meta>` names a charset.
pub(super) fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset;
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i += find(&rest[4..], b"-->").map_or(rest.len(), |end| end + 7);
            continue;
        }
        let mut name_end = if rest.get(1) == Some(&b'/') { 2 } else { 1 };
        while rest.get(name_end).is_some_and(u8::is_ascii_alphanumeric) {
            name_end += 1;
        }
        let name = String::from_utf8_lossy(&rest[1..name_end]).to_ascii_lowercase();
        if !name
            .trim_start_matches('/')
            .starts_with(|c: char| c.is_ascii_alphabetic())
        {
            i += 1;
            continue;
        }
        let tag_end = tag_end(rest).unwrap_or(rest.len());
        match name.as_str() {
            "/head" | "body" => return None,
            "meta" => {
                if let Some(encoding) = meta_element_charset(&rest[name_end..tag_end]) {
                    return Some(encoding);
                }
            }
            "script" | "style" | "title" | "textarea" => {
                let close = format!("</{name}");
                let body = &rest[tag_end..];
                let skipped = find_ignore_case(body, close.as_bytes()).unwrap_or(body.len());
                i += tag_end + skipped;
                continue;
            }
            _ => {}
        }
        i += tag_end.max(1);
    }
    None
}

fn meta_element_charset(attr_bytes: &[u8]) -> Option<&'static Encoding> {
    let attrs = parse_attributes(attr_bytes);
    let get = |key: &str| {
        attrs
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    if let Some(label) = get("charset") {
        return encoding_for_label(label);
    }
    let content = get("content")?;
    let content_type = match get("http-equiv") {
        Some(value) => value.trim().eq_ignore_ascii_case("content-type"),
        None => get("name").is_none(),
    };
    if !content_type {
        return None;
    }
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let value = lower[at + "charset".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let value = value.trim_start().trim_start_matches(['"', '\'']);
    let end = value
        .find([';', ' ', '"', '\'', ','])
        .unwrap_or(value.len());
    encoding_for_label(&value[..end])
}

/// The index just past the `>` closing the tag that starts `rest`, honouring quoted values.
fn tag_end(rest: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in rest.iter().enumerate().skip(1) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i + 1),
            None => {}
        }
    }
    None
}

/// `name=value` pairs of a tag's attribute text; values may be quoted with `"` or `'` or bare.
fn parse_attributes(text: &[u8]) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut i = 0;
    let n = text.len();
    let is_space = |b: u8| b.is_ascii_whitespace() || b == b'/';
    while i < n {
        while i < n && is_space(text[i]) {
            i += 1;
        }
        let start = i;
        while i < n && !is_space(text[i]) && !matches!(text[i], b'=' | b'>' | b'?') {
            i += 1;
        }
        let name = String::from_utf8_lossy(&text[start..i]).into_owned();
        while i < n && text[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < n && text[i] == b'=' {
            i += 1;
            while i < n && text[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < n && (text[i] == b'"' || text[i] == b'\'') {
                let quote = text[i];
                let end = text[i + 1..]
                    .iter()
                    .position(|&b| b == quote)
                    .map_or(n, |p| i + 1 + p);
                value = String::from_utf8_lossy(&text[i + 1..end]).into_owned();
                i = (end + 1).min(n);
            } else {
                let start = i;
                while i < n && !text[i].is_ascii_whitespace() && text[i] != b'>' {
                    i += 1;
                }
                value = String::from_utf8_lossy(&text[start..i]).into_owned();
            }
        }
        if name.is_empty() {
            i += 1;
        } else {
            attrs.push((name, value));
        }
    }
    attrs
}

fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}
