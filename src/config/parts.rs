//! A large `feeds.toml` parsed a part at a time: the head (everything before the first
//! `[[source]]` header), then runs of [`SOURCES_PER_PART`] sources, each cut at the line of a
//! `[[source]]` header.
//!
//! A parsed TOML document costs about 2 KB per source table (keys, values, their spans and
//! formatting), so 100,000 sources parsed at once took 230 MB for a few moments, more than a
//! whole run of them needs afterwards. Parsed in parts, one part's document is alive at a time.
//!
//! The cut is made on the text, so it only finds candidates: a line reading `[[source]]` could
//! be inside a multi-line string. The caller parses each part and falls back to the whole
//! document when a part does not parse on its own or holds anything but sources (a table
//! after the sources, say): the parts are a way to read the same document, never another
//! reading of it.
//!
//! Must not: walk or check what the parts hold; that is `load.rs` and `source.rs`.

use std::ops::Range;

/// Sources per part.
pub(super) const SOURCES_PER_PART: usize = 1000;
/// A text shorter than this is parsed whole: its document is small anyway.
pub(super) const WHOLE_BELOW: usize = 1 << 20;

/// The head's range, then each part's; just the whole text when it is short or has fewer than
/// two parts' worth of `[[source]]` headers.
pub(super) fn split(text: &str) -> Vec<Range<usize>> {
    let whole = std::iter::once(0..text.len()).collect();
    if text.len() < WHOLE_BELOW {
        return whole;
    }
    let mut headers = 0usize;
    let mut cuts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if is_source_header(line) {
            if headers.is_multiple_of(SOURCES_PER_PART) {
                cuts.push(offset);
            }
            headers += 1;
        }
        offset += line.len();
    }
    if cuts.len() < 2 {
        return whole;
    }
    let mut parts = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        parts.push(start..cut);
        start = cut;
    }
    parts.push(start..text.len());
    parts
}

/// `[[source]]` alone on its line, spaces and a comment aside.
fn is_source_header(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("[[source]]") else {
        return false;
    };
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(sources: usize) -> String {
        let mut text = String::from("[beat]\ntitle = \"t\"\nlink = \"https://example.org/\"\n\n");
        for i in 0..sources {
            text.push_str(&format!(
                "[[source]]  # number {i}\nid = \"s{i}\"\nurl = \"https://example.org/{i}.xml\"\n\
                 description_padding = \"{}\"\n\n",
                "x".repeat(500)
            ));
        }
        text
    }

    #[test]
    fn a_large_file_is_cut_at_every_thousandth_source_header() {
        let text = big(2500);
        let parts = split(&text);
        assert_eq!(parts.len(), 4, "the head, then 1000 + 1000 + 500 sources");
        assert_eq!(parts[0].start, 0);
        for pair in parts.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "the parts cover the text");
            assert!(text[pair[1].clone()].starts_with("[[source]]"));
        }
        assert_eq!(parts[3].end, text.len());
        let count = |r: &Range<usize>| text[r.clone()].matches("[[source]]").count();
        assert_eq!(
            parts.iter().map(count).collect::<Vec<_>>(),
            [0, 1000, 1000, 500]
        );
    }

    #[test]
    fn a_small_file_or_a_header_not_alone_on_its_line_is_not_cut() {
        let small = big(10);
        assert_eq!(split(&small).len(), 1);
        assert_eq!(split(&small)[0], 0..small.len());
        assert!(is_source_header("  [[source]]\r\n"));
        assert!(!is_source_header("[[source]] x = 1\n"));
        assert!(!is_source_header("[[source.test]]\n"));
        assert!(!is_source_header("# [[source]]\n"));
    }
}
