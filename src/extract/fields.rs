//! The generic rules for the fields read from lines near the body: people and outlet (the
//! publication time is `published`'s). [`Regions`] says which lines those are: the few *above*
//! the title, the *head* (under the title, down to the first paragraph of prose, the *lead*,
//! which is read for the reporter's name too), the *ending* (the last lines of the body) and the
//! lines *after* the body.
//!
//! This module must not choose the body or the title: `article` passes what it found.

use chrono::DateTime;
use chrono_tz::Tz;

use super::Rule;
use super::byline::{date_in, outlet_in};
use super::dom::{Dom, Line};
use super::meta::Meta;
use super::people::{
    authors_in, bare_names_in, bracketed_in, editors_in, is_name, people_in, poster_in, trailing_in,
};
use super::title;

/// Lines under the title read as its byline, at most.
const HEAD_LINES: usize = 15;
/// Last lines of the body read for credits.
const ENDING_LINES: usize = 5;
/// Lines after the body read for credits (editor lines sit below share buttons and pagers).
const AFTER_LINES: usize = 12;
/// Lines under the title read for names without a label.
const BARE_NAME_LINES: usize = 3;
/// Lines right over the title read for an issue date.
const ABOVE_LINES: usize = 3;
/// Characters at the start of the first paragraph read for the reporter's name.
const LEAD_CHARS: usize = 80;
/// Lines more link than this are menus, not bylines.
const MAX_BYLINE_LINK_DENSITY: f32 = 0.6;

/// `<meta>` names of the author.
const AUTHOR_TAGS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "sailthru.author",
];

/// The lines around the body that metadata is read from.
#[derive(Debug)]
pub struct Regions<'d> {
    /// The few lines right over the title.
    pub above: Vec<&'d Line>,
    pub head: Vec<&'d Line>,
    pub lead: Option<&'d Line>,
    pub ending: Vec<&'d Line>,
    pub after: Vec<&'d Line>,
}

impl<'d> Regions<'d> {
    /// `title_line` is the title's line when it is on the page; `body_lines` the body's lines
    /// (before boilerplate is taken out); `body_end` the node after the body.
    pub fn new(
        dom: &'d Dom<'_>,
        title_line: Option<usize>,
        body_lines: &[usize],
        body_end: u32,
    ) -> Regions<'d> {
        let first_body = body_lines.first().copied().unwrap_or(dom.lines.len());
        let start = title_line.map_or(first_body.saturating_sub(6), |t| t + 1);
        let mut head = Vec::new();
        let mut lead = None;
        for line in dom.lines.iter().skip(start).take(HEAD_LINES) {
            let weight = line.weight();
            if weight >= 120 || weight >= 50 && line.text.contains('。') {
                lead = Some(line);
                break;
            }
            head.push(line);
        }
        let ending = body_lines
            .iter()
            .rev()
            .take(ENDING_LINES)
            .rev()
            .map(|&i| &dom.lines[i])
            .collect();
        let above = match title_line {
            Some(t) => dom.lines[t.saturating_sub(ABOVE_LINES)..t].iter().collect(),
            None => Vec::new(),
        };
        let after_start = dom.line_at(body_end);
        let after = dom
            .lines
            .iter()
            .skip(after_start)
            .take(AFTER_LINES)
            .collect();
        Regions {
            above,
            head,
            lead,
            ending,
            after,
        }
    }

    fn head_texts(&self) -> impl Iterator<Item = &'d str> + '_ {
        self.head.iter().map(|l| l.text.as_str())
    }

    /// The ending and the lines after it, nearest to the body's end first.
    fn tail_texts(&self) -> impl Iterator<Item = &'d str> + '_ {
        self.ending
            .iter()
            .rev()
            .chain(self.after.iter())
            .map(|l| l.text.as_str())
    }
}

/// The people: a byline under the title (or in the lead), a byline at the end, names closing
/// the story, `<meta>` / JSON-LD, and else the editors.
pub fn authors(meta: &Meta, regions: &Regions<'_>) -> Option<(Vec<String>, Rule)> {
    let bylines = |lines: &mut dyn Iterator<Item = &Line>, read: fn(&str) -> Vec<String>| {
        lines
            .filter(|l| l.link_density() <= MAX_BYLINE_LINK_DENSITY)
            .map(|l| read(&l.text))
            .find(|names| !names.is_empty())
    };
    let lead = regions.lead.map(|l| {
        let end = l
            .text
            .char_indices()
            .nth(LEAD_CHARS)
            .map_or(l.text.len(), |(i, _)| i);
        &l.text[..end]
    });
    // Every byline under the title counts (`实习生 甲 乙` on one line, `记者 丙` on the next).
    let mut head: Vec<String> = Vec::new();
    for line in regions
        .head
        .iter()
        .filter(|l| l.link_density() <= MAX_BYLINE_LINK_DENSITY)
    {
        for name in authors_in(&line.text) {
            if !head.contains(&name) {
                head.push(name);
            }
        }
    }
    // Unlabelled forms, on the first lines under the title: a name in brackets on the date
    // line, a blog's poster, a line of names alone.
    let first_lines = || {
        regions
            .head
            .iter()
            .take(BARE_NAME_LINES)
            .filter(|l| l.link_density() <= MAX_BYLINE_LINK_DENSITY)
    };
    if head.is_empty() {
        head = first_lines()
            .filter(|l| date_in(&l.text, true, Tz::UTC, DateTime::UNIX_EPOCH).is_some())
            .map(|l| bracketed_in(&l.text))
            .chain(first_lines().map(|l| poster_in(&l.text)))
            .chain(first_lines().map(|l| bare_names_in(&l.text)))
            .find(|names| !names.is_empty())
            .unwrap_or_default();
    }
    if head.is_empty() {
        head = lead.map(authors_in).unwrap_or_default();
    }
    if !head.is_empty() {
        return Some((head, Rule::Generic("byline under the title")));
    }
    let tail = || {
        regions
            .ending
            .iter()
            .rev()
            .chain(regions.after.iter())
            .copied()
    };
    if let Some(names) = bylines(&mut tail(), authors_in) {
        return Some((names, Rule::Generic("byline at the end of the story")));
    }
    if let Some(names) = bylines(&mut regions.ending.iter().rev().copied(), trailing_in) {
        return Some((names, Rule::Generic("names closing the story")));
    }
    let tagged = AUTHOR_TAGS
        .iter()
        .find_map(|name| meta.tag(&[name]))
        .map(|(name, value)| (value.to_owned(), name.to_owned()))
        .or_else(|| {
            meta.linked("author")
                .map(|v| (v, "JSON-LD author".to_owned()))
        });
    if let Some((value, name)) = tagged {
        let people: Vec<String> = people_in(&value)
            .into_iter()
            .filter(|p| is_name(p) && !title::is_site_name(p))
            .collect();
        if !people.is_empty() {
            return Some((people, Rule::Meta(name)));
        }
    }
    let everywhere = || regions.head.iter().copied().chain(tail());
    bylines(&mut everywhere(), editors_in).map(|names| (names, Rule::Generic("editor line")))
}

/// The outlet named by a `来源:` line under the title, else at the end of the story.
pub fn outlet(regions: &Regions<'_>) -> Option<(String, Rule)> {
    regions
        .head_texts()
        .chain(regions.tail_texts())
        .find_map(outlet_in)
        .map(|o| (o, Rule::Generic("来源 line")))
}
