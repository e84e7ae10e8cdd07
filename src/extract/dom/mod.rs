//! The page as the extractors see it: one pass over the parsed document numbers every node in
//! document order (so a subtree is the index range `i..end`), counts the visible text of every
//! subtree, and cuts the visible text into [`Line`]s (a line ends at every block boundary and
//! `<br>`).
//!
//! # Architecture
//! - [`Dom`]: the numbered nodes ([`Slot`]) and the lines, built by [`Dom::build`].
//! - [`Counts`]: what a subtree holds: characters (CJK apart), link text, punctuation, tags.
//! - [`Line`]: one run of visible text, with the block it belongs to.
//!
//! Nothing here recurses: deeply nested markup costs a bigger stack vector, never the call stack.
//! This module must not judge what is content: it only measures.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use crate::normalise::clean_text;
use crate::normalise::text::{BLOCKS as TEXT_BLOCKS, HIDDEN};

#[cfg(test)]
mod tests;

/// No parent: the document node.
pub const NONE: u32 = u32::MAX;

/// Elements whose content is never shown, besides `normalise::text`'s hidden ones.
const SKIPPED: &[&str] = &[
    "option", "textarea", "button", "input", "svg", "canvas", "title", "map", "audio", "video",
    "source", "link", "meta", "math",
];

/// Elements that start a line of their own, besides `normalise::text`'s blocks: table cells
/// are lines of their own here (a layout table's cells are columns of a page).
const BLOCKS: &[&str] = &["html", "body", "td", "th", "legend"];

fn is_skipped(name: &str) -> bool {
    HIDDEN.contains(&name) || SKIPPED.contains(&name)
}

fn is_block(name: &str) -> bool {
    TEXT_BLOCKS.contains(&name) || BLOCKS.contains(&name)
}

/// What a subtree holds, visible text only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Characters that are not white space.
    pub chars: u32,
    /// CJK ideographs (and kana, hangul) among `chars`.
    pub cjk: u32,
    /// Characters inside `<a href>`.
    pub link_chars: u32,
    /// Commas and sentence ends (`，。、；！？,`): prose has many, menus none.
    pub punct: u32,
    pub elements: u32,
    pub links: u32,
    pub paragraphs: u32,
    pub images: u32,
    pub list_items: u32,
    pub inputs: u32,
    pub embeds: u32,
}

impl Counts {
    /// Text length with a CJK character worth two Latin ones (a CJK character carries about
    /// as much as a short word).
    pub fn weight(&self) -> u32 {
        self.chars + self.cjk
    }

    /// Share of the text that is link text, 0 when there is no text.
    pub fn link_density(&self) -> f32 {
        share(self.link_chars, self.chars)
    }

    fn add(&mut self, other: &Counts) {
        self.chars += other.chars;
        self.cjk += other.cjk;
        self.link_chars += other.link_chars;
        self.punct += other.punct;
        self.elements += other.elements;
        self.links += other.links;
        self.paragraphs += other.paragraphs;
        self.images += other.images;
        self.list_items += other.list_items;
        self.inputs += other.inputs;
        self.embeds += other.embeds;
    }
}

/// One node of the document.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub node: NodeRef<'a, Node>,
    pub parent: u32,
    /// One past the last node of this subtree.
    pub end: u32,
    /// The element's local name; empty for other nodes.
    pub name: &'a str,
    pub block: bool,
    /// In a skipped element (script, style, …) or a hidden one (`display:none`, `hidden`).
    pub hidden: bool,
    pub counts: Counts,
}

impl<'a> Slot<'a> {
    pub fn element(&self) -> Option<ElementRef<'a>> {
        ElementRef::wrap(self.node)
    }

    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.node
            .value()
            .as_element()
            .and_then(|e| attr_of(e, name))
    }

    /// The `class` and `id` attributes, joined by a space.
    pub fn class_and_id(&self) -> String {
        match (self.attr("class"), self.attr("id")) {
            (Some(class), Some(id)) => format!("{class} {id}"),
            (Some(one), None) | (None, Some(one)) => one.to_owned(),
            (None, None) => String::new(),
        }
    }
}

/// One run of visible text between two block boundaries (or `<br>`s).
#[derive(Debug, Clone)]
pub struct Line {
    /// The nearest block element around the text.
    pub block: u32,
    /// The first and last text nodes of the line.
    pub first: u32,
    pub last: u32,
    /// White space collapsed.
    pub text: String,
    pub chars: u32,
    pub cjk: u32,
    pub link_chars: u32,
}

impl Line {
    /// Text length with a CJK character worth two Latin ones, as [`Counts::weight`].
    pub fn weight(&self) -> u32 {
        self.chars + self.cjk
    }

    pub fn link_density(&self) -> f32 {
        share(self.link_chars, self.chars)
    }
}

/// The numbered document.
#[derive(Debug)]
pub struct Dom<'a> {
    pub slots: Vec<Slot<'a>>,
    pub lines: Vec<Line>,
}

/// The line being collected while walking.
#[derive(Default)]
struct Pending {
    block: u32,
    first: u32,
    last: u32,
    text: String,
    link_chars: u32,
    open: bool,
}

impl<'a> Dom<'a> {
    pub fn build(html: &'a Html) -> Dom<'a> {
        let mut slots: Vec<Slot<'a>> = Vec::new();
        let mut lines = Vec::new();
        // Open elements: (slot, nearest block at or above it, inside a link).
        let mut open: Vec<(u32, u32, bool)> = Vec::new();
        let mut pending = Pending::default();
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    let index = slots.len() as u32;
                    let (parent, block_above, in_link) =
                        open.last().copied().unwrap_or((NONE, NONE, false));
                    let parent_hidden = parent != NONE && slots[parent as usize].hidden;
                    let mut slot = Slot {
                        node,
                        parent,
                        end: index + 1,
                        name: "",
                        block: false,
                        hidden: parent_hidden,
                        counts: Counts::default(),
                    };
                    match node.value() {
                        Node::Element(element) => {
                            let name = element.name();
                            slot.name = name;
                            slot.block = is_block(name);
                            let hidden_here = is_hidden(element);
                            slot.hidden |= is_skipped(name) || hidden_here;
                            slot.counts.elements = 1;
                            let is_link = name == "a" && attr_of(element, "href").is_some();
                            if !slot.hidden {
                                let c = &mut slot.counts;
                                match name {
                                    "a" if is_link => c.links = 1,
                                    "p" => c.paragraphs = 1,
                                    "img" => c.images = 1,
                                    "li" => c.list_items = 1,
                                    "embed" | "object" | "iframe" => c.embeds = 1,
                                    _ => {}
                                }
                            }
                            // A control's text is never shown (it is skipped), but the
                            // control is: a shown one counts for the boxes around it.
                            if matches!(name, "input" | "select" | "textarea" | "button")
                                && !parent_hidden
                                && !hidden_here
                                && !attr_of(element, "type")
                                    .is_some_and(|t| t.eq_ignore_ascii_case("hidden"))
                            {
                                slot.counts.inputs = 1;
                            }
                            if (slot.block || name == "br") && !slot.hidden {
                                flush(&mut pending, &slots, &mut lines);
                            }
                            let block = if slot.block { index } else { block_above };
                            open.push((index, block, in_link || is_link));
                        }
                        Node::Text(text) if !slot.hidden => {
                            let counts = count_text(&text.text, in_link);
                            if counts.chars > 0 || pending.open {
                                if !pending.open || pending.block != block_above {
                                    flush(&mut pending, &slots, &mut lines);
                                    pending.open = true;
                                    pending.block = block_above;
                                    pending.first = index;
                                }
                                pending.last = index;
                                pending.text.push_str(&text.text);
                                pending.link_chars += counts.link_chars;
                            }
                            slot.counts = counts;
                        }
                        Node::Document => {
                            open.push((index, NONE, false));
                        }
                        _ => {}
                    }
                    slots.push(slot);
                }
                Edge::Close(node) => {
                    if let Some(&(index, _, _)) = open.last()
                        && slots[index as usize].node == node
                    {
                        open.pop();
                        let end = slots.len() as u32;
                        let slot = &mut slots[index as usize];
                        slot.end = end;
                        if slot.block && !slot.hidden {
                            flush(&mut pending, &slots, &mut lines);
                        }
                    }
                }
            }
        }
        flush(&mut pending, &slots, &mut lines);
        // Children come after their parent: one backward pass sums every subtree.
        for i in (1..slots.len()).rev() {
            let parent = slots[i].parent;
            if parent != NONE && !slots[i].hidden {
                let counts = slots[i].counts;
                slots[parent as usize].counts.add(&counts);
            } else if parent != NONE {
                // A skipped control still counts as one (see `inputs` above).
                let inputs = slots[i].counts.inputs;
                slots[parent as usize].counts.inputs += inputs;
            }
        }
        Dom { slots, lines }
    }

    pub fn slot(&self, i: u32) -> &Slot<'a> {
        &self.slots[i as usize]
    }

    /// Whether `inner` is `outer` or inside it.
    pub fn contains(&self, outer: u32, inner: u32) -> bool {
        inner >= outer && inner < self.slot(outer).end
    }

    /// Visible elements under `root` (itself included) that `selector` matches, in document order.
    pub fn select<'s>(
        &'s self,
        root: u32,
        selector: &'s Selector,
    ) -> impl Iterator<Item = u32> + 's {
        (root..self.slot(root).end).filter(move |&i| {
            let slot = self.slot(i);
            !slot.hidden && slot.element().is_some_and(|e| selector.matches(&e))
        })
    }

    /// The first element named `name` in the document.
    pub fn first_named(&self, name: &str) -> Option<u32> {
        (0..self.slots.len() as u32).find(|&i| self.slot(i).name == name)
    }

    /// The visible text of a subtree, lines joined by `\n`.
    pub fn text_of(&self, root: u32) -> String {
        let end = self.slot(root).end;
        self.lines[self.line_at(root)..]
            .iter()
            .take_while(|l| l.first < end)
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The index of the first line at or after node `i`.
    pub fn line_at(&self, i: u32) -> usize {
        self.lines.partition_point(|l| l.first < i)
    }
}

/// `part / whole`, 0 when `whole` is 0.
fn share(part: u32, whole: u32) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

fn flush(pending: &mut Pending, slots: &[Slot<'_>], lines: &mut Vec<Line>) {
    if !pending.open {
        return;
    }
    pending.open = false;
    let text = clean_text(&pending.text);
    pending.text.clear();
    let link_chars = std::mem::take(&mut pending.link_chars);
    if text.is_empty() {
        return;
    }
    let (mut chars, mut cjk) = (0, 0);
    for slot in slots
        .get(pending.first as usize..=pending.last as usize)
        .unwrap_or_default()
    {
        chars += slot.counts.chars;
        cjk += slot.counts.cjk;
    }
    lines.push(Line {
        block: pending.block,
        first: pending.first,
        last: pending.last,
        text,
        chars,
        cjk,
        link_chars,
    });
}

/// `element`'s attribute `name` (no namespace), the one `Element::attr` finds, read without
/// making `name` an interned atom and binary-searching on each call: extraction asks for
/// attributes tens of thousands of times a page, and an element has only a few.
pub fn attr_of<'e>(element: &'e scraper::node::Element, name: &str) -> Option<&'e str> {
    element
        .attrs
        .iter()
        .find(|(key, _)| key.prefix.is_none() && key.ns.is_empty() && &*key.local == name)
        .map(|(_, value)| &**value)
}

/// `display:none`, `visibility:hidden` or the `hidden` attribute.
fn is_hidden(element: &scraper::node::Element) -> bool {
    // Text held back for subscribers is sent whole and hidden until the reader pays: it is
    // the article's, not a widget's.
    if attr_of(element, "class").is_some_and(|c| {
        c.as_bytes()
            .windows(7)
            .any(|w| w.eq_ignore_ascii_case(b"paywall"))
    }) {
        return false;
    }
    if attr_of(element, "hidden").is_some() && !is_streamed_segment(element) {
        return true;
    }
    attr_of(element, "style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// A segment that a server streaming its page sends hidden and swaps in at once with a script
/// (React's `<div hidden id="S:1">`, which replaces a loading placeholder): its text is the
/// page's, shown as soon as it arrives.
fn is_streamed_segment(element: &scraper::node::Element) -> bool {
    element.name() == "div"
        && attr_of(element, "id").is_some_and(|id| {
            id.strip_prefix("S:")
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()))
        })
}

fn count_text(text: &str, in_link: bool) -> Counts {
    let mut counts = Counts::default();
    for c in text.chars() {
        if c.is_whitespace() || is_zero_width(c) {
            continue;
        }
        counts.chars += 1;
        if is_cjk(c) {
            counts.cjk += 1;
        } else if matches!(c, '，' | '。' | '、' | '；' | '！' | '？' | ',') {
            counts.punct += 1;
        }
    }
    if in_link {
        counts.link_chars = counts.chars;
    }
    counts
}

fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// CJK ideographs, kana and hangul: each is a word of its own for text measures.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{AC00}'..='\u{D7AF}')
}
