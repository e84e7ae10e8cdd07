//! Character-level repairs of a broken XML feed, tried only after strict parsing failed: junk
//! before the root element, HTML entities XML does not know, bare `&`, and characters XML forbids.
//!
//! Must not: change the text of a well-formed document's CDATA sections or comments, or guess
//! at structure (closing tags is `balance`'s job).
//!
//! Hand-written because the repair has to keep every byte it does not fix: an HTML parser
//! (html5ever) would rebuild the document as HTML and lose the feed's own element names and
//! CDATA, and XML parsers stop at the first of these faults rather than fix it. The entity table
//! is html5ever's (`markup5ever`), not a copy.

use markup5ever::data::NAMED_ENTITIES;

/// What [`repair_text`] changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct TextRepairs {
    /// Bytes dropped before the root element (comments, a misplaced prolog, server warnings).
    pub junk: usize,
    /// HTML named entities (`&nbsp;`, `&mu;`) written as their characters.
    pub entities: usize,
    /// `&` that started no reference, escaped as `&amp;`.
    pub bare_amps: usize,
    /// Characters XML 1.0 forbids (control characters, bad character references), dropped.
    pub invalid_chars: usize,
}

impl TextRepairs {
    /// One warning per kind of repair made.
    pub fn warnings(&self) -> Vec<String> {
        super::repair_warnings(&[
            ("dropped", self.junk, "bytes before the root element"),
            ("replaced", self.entities, "HTML entities unknown to XML"),
            ("escaped", self.bare_amps, "bare '&'"),
            ("dropped", self.invalid_chars, "characters XML forbids"),
        ])
    }
}

/// Root elements of the XML feed formats (CDF's `CHANNEL` too, and `rdf`, a lowercase RDF root
/// some generators write), matched on the tag name as written.
const ROOTS: [&str; 6] = ["rss", "feed", "rdf:RDF", "RDF", "rdf", "CHANNEL"];

/// The text from the root element on, with the entity, `&` and character repairs made; `None`
/// when no feed root element is found outside comments.
pub(super) fn repair_text(text: &str) -> Option<(String, TextRepairs)> {
    let start = root_start(text)?;
    // The XML prolog and blank space before the root are no junk.
    let before = text[..start].trim();
    let prolog = before
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|end| end + "<?xml?>".len()))
        .unwrap_or(0);
    let mut repairs = TextRepairs {
        junk: before[prolog..].trim().len(),
        ..TextRepairs::default()
    };
    let fixed = fix_references(&text[start..], &mut repairs);
    Some((fixed, repairs))
}

/// Byte offset of the feed's root start tag, skipping comments, processing instructions,
/// doctypes and any text or tags before it.
fn root_start(text: &str) -> Option<usize> {
    let mut at = 0;
    while let Some(found) = text[at..].find('<') {
        let i = at + found;
        let rest = &text[i..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            at = i + 4 + comment.find("-->")? + 3;
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            // A doctype may carry an internal subset in brackets with `>` inside.
            let close = match (rest.find('['), rest.find('>')) {
                (Some(open), Some(gt)) if open < gt && rest.starts_with("<!") => {
                    rest.find("]>").map(|e| e + 2).unwrap_or(gt + 1)
                }
                (_, Some(gt)) => gt + 1,
                (_, None) => return None,
            };
            at = i + close;
        } else if ROOTS.iter().any(|root| {
            rest[1..].starts_with(root)
                && rest[1 + root.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_whitespace() || c == '>' || c == '/')
        }) {
            return Some(i);
        } else {
            at = i + 1;
        }
    }
    None
}

/// Rewrites references and drops forbidden characters outside CDATA sections and comments.
fn fix_references(text: &str, repairs: &mut TextRepairs) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<']).or_else(|| {
        // Forbidden characters are rare: look for them only in what is left to copy.
        (!rest.is_empty()).then_some(rest.len())
    }) {
        copy_valid(&rest[..i], &mut out, repairs);
        rest = &rest[i..];
        if rest.is_empty() {
            break;
        }
        if let Some(verbatim) = ["<![CDATA[", "<!--"]
            .iter()
            .zip(["]]>", "-->"])
            .find(|(open, _)| rest.starts_with(**open))
            .map(|(open, close)| {
                rest[open.len()..]
                    .find(close)
                    .map_or(rest.len(), |e| open.len() + e + close.len())
            })
        {
            copy_valid(&rest[..verbatim], &mut out, repairs);
            rest = &rest[verbatim..];
        } else if rest.starts_with('<') {
            out.push('<');
            rest = &rest[1..];
        } else {
            rest = &rest[1..];
            rest = &rest[reference(rest, &mut out, repairs)..];
        }
    }
    out
}

/// Copies text, dropping the characters XML 1.0 forbids.
fn copy_valid(text: &str, out: &mut String, repairs: &mut TextRepairs) {
    if text.chars().all(xml_char) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        if xml_char(c) {
            out.push(c);
        } else {
            repairs.invalid_chars += 1;
        }
    }
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Writes the repaired form of the reference that follows an `&` and returns how many bytes of
/// `after` it consumed.
fn reference(after: &str, out: &mut String, repairs: &mut TextRepairs) -> usize {
    let name_len = after
        .bytes()
        .take(40)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    let name = &after[..name_len];
    if name_len == 0 || !after[name_len..].starts_with(';') {
        repairs.bare_amps += 1;
        out.push_str("&amp;");
        return 0;
    }
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse().ok(),
        };
        match code.and_then(char::from_u32).filter(|c| xml_char(*c)) {
            // `&#X41;` (XML knows only the lowercase `x`) is written as the character.
            Some(c) if number.starts_with('X') => push_escaped(c, out),
            Some(_) => {
                out.push('&');
                out.push_str(name);
                out.push(';');
            }
            None => repairs.invalid_chars += 1,
        }
        return name_len + 1;
    }
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
        out.push('&');
        out.push_str(name);
        out.push(';');
        return name_len + 1;
    }
    match NAMED_ENTITIES.get(&after[..=name_len]) {
        Some(&(first, second)) => {
            repairs.entities += 1;
            for c in [first, second].into_iter().filter_map(char::from_u32) {
                if c != '\0' {
                    push_escaped(c, out);
                }
            }
            name_len + 1
        }
        None => {
            repairs.bare_amps += 1;
            out.push_str("&amp;");
            0
        }
    }
}

/// Writes a character that came from a reference: markup characters (`&LT;`) stay escaped.
fn push_escaped(c: char, out: &mut String) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&apos;"),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> (String, TextRepairs) {
        repair_text(text).expect("a root")
    }

    #[test]
    fn junk_comments_and_prolog_before_the_root_are_dropped() {
        let doc = "Warning: x<br />\n<!-- <rss> in a comment -->\n<?xml version=\"1.0\"?><rss version=\"2.0\"/>";
        let (text, repairs) = fixed(doc);
        assert_eq!(text, "<rss version=\"2.0\"/>");
        assert_eq!(repairs.junk, doc.find("<rss version").unwrap());
        let (_, clean) = fixed("<?xml version=\"1.0\"?>\n<rss/>");
        assert_eq!(clean.junk, 0, "a prolog is no junk");
        assert_eq!(root_start("<rssfeed>"), None, "a longer name is no root");
        assert_eq!(root_start("<!-- open"), None);
    }

    #[test]
    fn html_entities_become_characters_and_bare_amps_are_escaped() {
        let (text, repairs) =
            fixed("<rss><t>a&nbsp;b &mu; R&D &amp; &#8216; &LT; &copy x&#X41;</t></rss>");
        assert_eq!(
            text,
            "<rss><t>a\u{a0}b \u{3bc} R&amp;D &amp; &#8216; &lt; &amp;copy xA</t></rss>"
        );
        assert_eq!(repairs.entities, 3);
        assert_eq!(repairs.bare_amps, 2);
    }

    #[test]
    fn cdata_and_comments_are_kept_verbatim_and_bad_characters_dropped() {
        let (text, repairs) =
            fixed("<rss><d><![CDATA[a & b&nbsp;]]></d><!-- & --><e>x\u{1}y&#0;z</e></rss>");
        assert_eq!(
            text,
            "<rss><d><![CDATA[a & b&nbsp;]]></d><!-- & --><e>xyz</e></rss>"
        );
        assert_eq!(repairs.invalid_chars, 2);
        assert_eq!(repairs.bare_amps, 0);
    }
}
