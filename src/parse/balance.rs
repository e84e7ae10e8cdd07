//! Tag balancing for a broken XML feed, tried only after strict parsing failed: closes tags
//! left open, drops end tags that close nothing, and cuts a truncated document back to its last
//! complete item.
//!
//! Must not: invent content. An item (`<item>`, `<entry>`) that a syntax error or the end of
//! the document cut through is dropped whole, so that every item kept has the title, link and
//! date it was written with.
//!
//! quick-xml reads the tags (with end-name checks off); the document is rebuilt from the byte
//! spans of the events it accepts, so everything that was well-formed stays byte for byte.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// What [`balance`] changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Balanced {
    pub text: String,
    /// Elements closed that the document left open.
    pub closed: usize,
    /// End tags that matched no open element, dropped.
    pub stray_ends: usize,
    /// Items dropped because a syntax error or the end of the document cut through them.
    pub dropped_items: usize,
    /// Stretches of text skipped after a syntax error.
    pub skipped: usize,
}

impl Balanced {
    /// One warning per kind of repair made.
    pub fn warnings(&self) -> Vec<String> {
        super::repair_warnings(&[
            ("closed", self.closed, "unclosed elements"),
            ("dropped", self.stray_ends, "unmatched end tags"),
            ("skipped", self.skipped, "stretches of broken markup"),
            (
                "dropped",
                self.dropped_items,
                "incomplete items (broken or truncated)",
            ),
        ])
    }
}

/// An element open in the output.
struct Open {
    name: Vec<u8>,
    /// Output length before its start tag.
    at: usize,
    item: bool,
    /// A syntax error fell inside it (items only: the item is dropped when it closes).
    damaged: bool,
}

/// At most this many syntax errors are skipped before the rest of the document is given up.
const MAX_RESUMES: usize = 200;

/// Rebuilds `text` as a balanced element tree.
pub(super) fn balance(text: &str) -> Balanced {
    let mut out = Balanced {
        text: String::with_capacity(text.len() + 64),
        ..Balanced::default()
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut offset = 0;
    let mut resumes = 0;
    'document: while offset < text.len() {
        let mut reader = Reader::from_str(&text[offset..]);
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.allow_dangling_amp = true;
        config.check_comments = false;
        loop {
            let from = offset + to_usize(reader.buffer_position());
            let event = reader.read_event();
            let to = offset + to_usize(reader.buffer_position());
            match event {
                Ok(Event::Eof) => break 'document,
                Ok(Event::Start(start)) => {
                    let name = start.name().as_ref().to_vec();
                    let item = is_item(&name);
                    stack.push(Open {
                        name,
                        at: out.text.len(),
                        item,
                        damaged: false,
                    });
                    out.text.push_str(&text[from..to]);
                }
                Ok(Event::End(end)) => {
                    let qname = end.name();
                    let name = qname.as_ref();
                    match stack.iter().rposition(|open| open.name == name) {
                        Some(depth) => {
                            while stack.len() > depth + 1 {
                                close_top(&mut stack, &mut out);
                            }
                            out.text.push_str(&text[from..to]);
                            pop_item(&mut stack, &mut out);
                        }
                        None => out.stray_ends += 1,
                    }
                }
                Ok(_) => out.text.push_str(&text[from..to]),
                Err(_) => {
                    // The error's byte and whatever led up to it are lost; reading resumes at
                    // the next `<` after it. An item it fell in is dropped when it closes.
                    let error_at = offset + to_usize(reader.error_position()).max(from - offset);
                    let mut after = (error_at + 1).min(text.len());
                    while !text.is_char_boundary(after) {
                        after += 1;
                    }
                    let next = text[after..].find('<').map(|i| after + i);
                    resumes += 1;
                    match next {
                        Some(next) if resumes <= MAX_RESUMES => {
                            out.skipped += 1;
                            if let Some(open) = stack.iter_mut().find(|open| open.item) {
                                open.damaged = true;
                            }
                            offset = next;
                            continue 'document;
                        }
                        _ => break 'document,
                    }
                }
            }
        }
    }
    // The end of the document: an item still open was cut off.
    if let Some(depth) = stack.iter().position(|open| open.item) {
        out.text.truncate(stack[depth].at);
        stack.truncate(depth);
        out.dropped_items += 1;
    }
    while !stack.is_empty() {
        close_top(&mut stack, &mut out);
    }
    out
}

/// Closes the innermost open element, counting it as a repair.
fn close_top(stack: &mut Vec<Open>, out: &mut Balanced) {
    if let Some(open) = stack.last() {
        out.text.push_str("</");
        out.text.push_str(&String::from_utf8_lossy(&open.name));
        out.text.push('>');
        out.closed += 1;
    }
    pop_item(stack, out);
}

/// Pops the innermost element, whose end tag is written; a damaged item is removed whole.
fn pop_item(stack: &mut Vec<Open>, out: &mut Balanced) {
    if let Some(open) = stack.pop()
        && open.item
        && open.damaged
    {
        out.text.truncate(open.at);
        out.dropped_items += 1;
    }
}

fn is_item(name: &[u8]) -> bool {
    let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
    local.eq_ignore_ascii_case(b"item") || local.eq_ignore_ascii_case(b"entry")
}

fn to_usize(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_and_mismatched_tags_are_closed() {
        let b = balance("<rss><channel><title>a</b></title><item><title>x<br></title></item>");
        assert_eq!(
            b.text,
            "<rss><channel><title>a</title><item><title>x<br></br></title></item></channel></rss>"
        );
        assert_eq!(b.stray_ends, 1);
        assert_eq!(b.closed, 3);
        assert_eq!(b.dropped_items, 0);
    }

    #[test]
    fn a_truncated_item_is_dropped_and_complete_ones_kept() {
        let b = balance("<rss><channel><item><title>one</title></item><item><title>tw");
        assert_eq!(
            b.text,
            "<rss><channel><item><title>one</title></item></channel></rss>"
        );
        assert_eq!(b.dropped_items, 1);
        let cut_in_tag = balance("<feed><entry><id>1</id></entry><entry><id>2</id><tit");
        assert_eq!(cut_in_tag.text, "<feed><entry><id>1</id></entry></feed>");
        // An error right before a multi-byte character resumes on a character boundary.
        let wide = balance("<rss><item><t>半<!半半<x/></t></item><item><t>全</t></item></rss>");
        assert!(
            wide.text.ends_with("<item><t>全</t></item></rss>"),
            "{}",
            wide.text
        );
    }

    #[test]
    fn an_item_with_broken_markup_is_dropped_and_reading_goes_on() {
        let b = balance(
            "<rss><channel><item><title>a</title></item><item><title>b</title><description>x <! y</description></item><item><title>c</title></item></channel></rss>",
        );
        assert_eq!(b.dropped_items, 1, "{}", b.text);
        assert!(b.text.contains("<title>a</title>") && b.text.contains("<title>c</title>"));
        assert!(!b.text.contains("<title>b</title>"), "{}", b.text);
    }

    #[test]
    fn a_well_formed_document_is_unchanged() {
        let doc = "<?xml version=\"1.0\"?><rss><channel><item><title>&amp;</title></item></channel></rss>";
        let b = balance(doc);
        assert_eq!(b.text, doc);
        assert!(b.warnings().is_empty());
    }
}
