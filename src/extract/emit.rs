//! The chosen body back to HTML: the subtrees picked, minus the nodes marked removed and the
//! hidden ones (scripts, styles, `display:none`), comments dropped.
//!
//! Attributes are kept as they are (lazy-image attributes included): `normalise::sanitize`,
//! which runs later and last, decides what may be published. This module must not choose
//! what belongs to the body.

use scraper::Node;

use super::dom::Dom;

/// Elements that have no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The HTML of the subtrees at `roots` (document order), skipping every node `removed` marks.
pub fn to_html(dom: &Dom<'_>, roots: &[u32], removed: &[bool]) -> String {
    let mut out = String::new();
    for &root in roots {
        write_subtree(dom, root, removed, &mut out);
    }
    out
}

fn write_subtree(dom: &Dom<'_>, root: u32, removed: &[bool], out: &mut String) {
    let stop = dom.slot(root).end;
    let mut open: Vec<u32> = Vec::new();
    let mut i = root;
    while i < stop {
        close_finished(dom, &mut open, i, out);
        let slot = dom.slot(i);
        if slot.hidden || removed[i as usize] {
            i = slot.end;
            continue;
        }
        match slot.node.value() {
            Node::Text(text) => {
                escape_text(&text.text, out);
                i += 1;
            }
            Node::Element(element) => {
                out.push('<');
                out.push_str(slot.name);
                for (name, value) in element.attrs() {
                    out.push(' ');
                    out.push_str(name);
                    out.push_str("=\"");
                    escape_attribute(value, out);
                    out.push('"');
                }
                out.push('>');
                if VOID.contains(&slot.name) {
                    i = slot.end;
                } else {
                    open.push(i);
                    i += 1;
                }
            }
            _ => i = slot.end,
        }
    }
    close_finished(dom, &mut open, u32::MAX, out);
}

fn close_finished(dom: &Dom<'_>, open: &mut Vec<u32>, at: u32, out: &mut String) {
    while let Some(&top) = open.last() {
        let slot = dom.slot(top);
        if at < slot.end {
            break;
        }
        out.push_str("</");
        out.push_str(slot.name);
        out.push('>');
        open.pop();
    }
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

fn escape_attribute(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn writes_the_subtree_without_removed_hidden_and_comments() {
        let html = Html::parse_document(
            "<body><div id=c><p class=\"a&quot;\">川渝 &amp; 滇黔 &lt;合作&gt;<!-- x --></p>\
             <img data-src=\"/a.jpg\" alt='图'><script>x()</script><div class=share>分享</div>\
             <p>第二段<br>下一行</p></div></body>",
        );
        let dom = Dom::build(&html);
        let root = dom.first_named("div").unwrap();
        let share = (0..dom.slots.len() as u32)
            .find(|&i| dom.slot(i).attr("class") == Some("share"))
            .unwrap();
        let mut removed = vec![false; dom.slots.len()];
        removed[share as usize] = true;
        assert_eq!(
            to_html(&dom, &[root], &removed),
            "<div id=\"c\"><p class=\"a&quot;\">川渝 &amp; 滇黔 &lt;合作&gt;</p>\
             <img alt=\"图\" data-src=\"/a.jpg\"><p>第二段<br>下一行</p></div>"
        );
    }
}
