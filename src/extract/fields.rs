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
use super::byline::{MAX_BYLINE_CHARS, date_in, outlet_in};
use super::dom::{Dom, Line};
use super::meta::Meta;
use super::people::{
    author_links, authors_in, bare_names_in, bracketed_in, editors_in, is_acronym,
    is_labelled_credit, marked_authors, names_in_credit, poster_in, trailing_in,
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
    "article:author_name",
    "og:article:author",
    "dc.creator",
    "byl",
    "sailthru.author",
    "cxenseparse:author",
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

/// The people: names the page's structured data gives (JSON-LD `author`, author markup), a
/// byline under the title (or in the lead), a byline at the end, names closing the story,
/// `<meta>` author tags, and else the editors. The outlet's own name is never a person.
pub fn authors(dom: &Dom<'_>, meta: &Meta, regions: &Regions<'_>) -> Option<(Vec<String>, Rule)> {
    let linked = meta.linked_credits().people;
    // A name that JSON-LD and an author tag agree on is a person even when the publisher bears
    // it (a personal blog); the site's own name in its tags is never one.
    let tagged_names: Vec<String> = AUTHOR_TAGS
        .iter()
        .filter_map(|name| meta.tag(&[name]))
        .flat_map(|(_, value)| names_in_credit(value))
        .collect();
    let confirmed = |o: &String| {
        linked
            .iter()
            .any(|n| title::key(n) == *o && tagged_names.contains(n))
    };
    let mut outlets: Vec<String> = meta
        .organisation_names()
        .iter()
        .map(|o| title::key(o))
        .filter(|o| !confirmed(o))
        .collect();
    outlets.extend(meta.site_tag_names().iter().map(|o| title::key(o)));
    let not_outlet = |names: Vec<String>| -> Vec<String> {
        names
            .into_iter()
            .filter(|n| !outlets.contains(&title::key(n)))
            .collect()
    };
    // An agency's acronym alone (`AFP`) stands only when the page names no one else.
    let mut agency = None;
    let story_end = regions.after.first().map_or(u32::MAX, |l| l.first);
    // Each kind is read only when the ones before it named no one.
    let marked = std::cell::OnceCell::new();
    let from_markup = || {
        marked
            .get_or_init(|| marked_authors(dom, story_end).0)
            .clone()
    };
    let from_links = || author_links(dom, &regions.head);
    // Metadata often names only the first of several authors: author markup that names each
    // of them and more is read before it.
    let linked_names = not_outlet(linked.clone());
    let markup_fuller = !linked_names.is_empty() && {
        let keys: Vec<String> = not_outlet(from_markup())
            .iter()
            .map(|n| title::key(n))
            .collect();
        keys.len() > linked_names.len()
            && linked_names.iter().all(|n| keys.contains(&title::key(n)))
    };
    let mut structured: [(&dyn Fn() -> Vec<String>, Rule); 3] = [
        (&|| linked.clone(), Rule::Meta("JSON-LD author".to_owned())),
        (&from_markup, Rule::Meta("itemprop/rel author".to_owned())),
        (&from_links, Rule::Generic("link to an author's page")),
    ];
    if markup_fuller {
        structured.swap(0, 1);
    }
    for (read, rule) in structured {
        let names = not_outlet(read());
        if names.is_empty() {
            continue;
        }
        if !names.iter().all(|n| is_acronym(n)) {
            return Some((names, rule));
        }
        agency = agency.or(Some((names, rule)));
    }
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
    // A `By` line whose names are links is a byline still.
    for line in regions
        .head
        .iter()
        .filter(|l| l.link_density() <= MAX_BYLINE_LINK_DENSITY || is_labelled_credit(&l.text))
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
    let head = not_outlet(head);
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
    // Every tag of one name counts: a page with several authors repeats the tag.
    let tagged = AUTHOR_TAGS.iter().find_map(|name| {
        let mut people: Vec<String> = Vec::new();
        for (_, value) in meta.tags.iter().filter(|(key, _)| key == name) {
            for person in not_outlet(names_in_credit(value)) {
                if !title::is_site_name(&person) && !people.contains(&person) {
                    people.push(person);
                }
            }
        }
        (!people.is_empty()).then(|| (people, Rule::Meta((*name).to_owned())))
    });
    if tagged.is_some() {
        return tagged;
    }
    let everywhere = || regions.head.iter().copied().chain(tail());
    if let Some(names) = bylines(&mut everywhere(), editors_in) {
        return Some((names, Rule::Generic("editor line")));
    }
    // An editor's credit is labelled plainly enough to be read anywhere on the page, as long as
    // it stands on a short line of its own.
    let mut anywhere = dom
        .lines
        .iter()
        .filter(|l| l.text.chars().count() <= MAX_BYLINE_CHARS);
    bylines(&mut anywhere, editors_in)
        .map(|names| (names, Rule::Generic("editor line elsewhere")))
        .or(agency)
}

/// The rule of an outlet that is an organisation credited as the story's author.
pub const AGENCY_RULE: &str = "JSON-LD author organisation";

/// The outlet: named by a `来源:` line under the title, else at the end of the story; else an
/// organisation JSON-LD credits as the author (an agency), else the publisher or the site's
/// own name in its tags.
pub fn outlet(meta: &Meta, regions: &Regions<'_>) -> Option<(String, Rule)> {
    if let Some(named) = regions
        .head_texts()
        .chain(regions.tail_texts())
        .find_map(outlet_in)
    {
        return Some((named, Rule::Generic("来源 line")));
    }
    if let Some(agency) = meta.linked_credits().organisations.into_iter().next() {
        return Some((agency, Rule::Meta(AGENCY_RULE.to_owned())));
    }
    if let Some(publisher) = meta.linked_publisher() {
        return Some((publisher, Rule::Meta("JSON-LD publisher".to_owned())));
    }
    meta.tag(&["og:site_name", "application-name"])
        .map(|(name, value)| (value.to_owned(), Rule::Meta(name.to_owned())))
}
