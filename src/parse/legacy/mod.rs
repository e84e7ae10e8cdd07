//! Feed vocabularies feed-rs does not read, rewritten before it parses into ones it does:
//! Atom 0.3 (`http://purl.org/atom/ns#`, and the drafts before it) into Atom 1.0; RSS 0.90
//! (`http://my.netscape.com/rdf/simple/0.9/`) into RSS 1.0; RSS 2.0 in UserLand's namespace, and
//! `<rss>` with no version or a draft one (0.93, 0.94), into RSS 2.0. An RSS 1.0 or 0.90 item
//! that names its page only in `rdf:about` gets it as its `<link>` (feed-rs drops an RSS 1.0 item
//! without one; the RSS 1.0 spec makes `rdf:about` the item's URI).
//!
//! Owns the mapping of Atom 0.3 onto Atom 1.0: `issued` → `published`, `modified` → `updated`,
//! `tagline` → `subtitle`, `copyright` → `rights`, a person's `url` (or `homepage`) → `uri`, the
//! generator's `url` → `uri`; a text construct's `type` and `mode` (`xml`, `escaped`, `base64`)
//! → an Atom 1.0 `type` (`text`, `html`, `xhtml`), base64 decoded; `multipart/alternative`
//! content unwrapped into its parts. `created` stays as it is (feed-rs ignores it): as in
//! feedparser, an entry's date is `issued`, else `modified`.
//!
//! Must not: touch a document of a vocabulary feed-rs reads (it is handed back borrowed, read no
//! further than its root element), or change a byte it has no rule for: the document is rebuilt
//! from the byte spans of the events, as `balance` does, so entities, CDATA and `xml:base` reach
//! feed-rs as written. A document it cannot read is handed back as it is, for feed-rs to report.
//!
//! Hand-written with quick-xml because no maintained crate reads these versions (feed-rs,
//! atom_syndication and rss read Atom 1.0 and RSS 0.91 to 2.0); rewritten rather than read here,
//! so that one parser reads links, dates, `xml:base` and content the same way for every version.

use std::borrow::Cow;

use quick_xml::escape::{escape, resolve_xml_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::{FeedFormat, base64_decoded};

const ATOM_10: &str = "http://www.w3.org/2005/Atom";
/// Atom 0.3's namespace and those of the drafts before it.
const ATOM_03: [&str; 5] = [
    "http://purl.org/atom/ns#",
    "http://example.com/newformat#",
    "http://example.com/necho",
    "http://purl.org/echo/",
    "http://purl.org/pie/",
];
const RSS_10: &str = "http://purl.org/rss/1.0/";
/// RSS 0.90's namespaces (Netscape published two spellings).
const RSS_090: [&str; 2] = [
    "http://my.netscape.com/rdf/simple/0.9/",
    "http://channel.netscape.com/rdf/simple/0.9/",
];
/// UserLand's namespaces for RSS 2.0 and 0.9x, which feed-rs reads in no namespace (or RSS 1.0's).
const USERLAND: [&str; 2] = [
    "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss",
];
/// The `version` values of `<rss>` feed-rs reads.
const RSS_VERSIONS: [&str; 4] = ["2.0", "", "0.91", "0.92"];

/// What the root element says about the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    /// Atom 0.3 elements in no namespace (`<feed version="0.3">` without `xmlns`).
    atom03_unbound: bool,
    /// An Atom 0.3 (or draft) document.
    atom03: bool,
    /// An `rdf:RDF` document (RSS 1.0 or 0.90): items may need their `rdf:about` as link.
    rdf: bool,
    /// The root `<rss>` needs `version="2.0"`.
    fix_version: bool,
    /// The format to report, when it is not the one feed-rs will see.
    format: Option<FeedFormat>,
}

/// A document rewritten for feed-rs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rewritten<'a> {
    /// The document in a vocabulary feed-rs reads.
    pub text: Cow<'a, str>,
    /// The format it was written in, when that is not the one feed-rs will report (`Rss0` for
    /// RSS 0.90 and the drafts 0.93 and 0.94).
    pub format: Option<FeedFormat>,
    /// RSS 1.0 or 0.90 items with neither `<link>` nor `rdf:about`, which feed-rs drops.
    pub linkless: usize,
}

/// Rewrites `text` into a vocabulary feed-rs reads (see the module doc).
pub(super) fn rewrite(text: &str) -> Rewritten<'_> {
    let Some(plan) = plan(text) else {
        return Rewritten {
            text: Cow::Borrowed(text),
            format: None,
            linkless: 0,
        };
    };
    let mut pass = Pass::new(text, plan);
    let rewritten = pass.run();
    Rewritten {
        linkless: pass.linkless,
        text: rewritten.map_or(Cow::Borrowed(text), Cow::Owned),
        format: plan.format,
    }
}

/// Reads the root element; `None` when the document needs no rewriting.
fn plan(text: &str) -> Option<Plan> {
    let mut reader = NsReader::from_str(text);
    loop {
        let (space, event) = reader.read_resolved_event().ok()?;
        let root = match event {
            Event::Start(root) | Event::Empty(root) => root,
            Event::Eof => return None,
            _ => continue,
        };
        let space = namespace(&space);
        let version = attribute(&root, "version");
        let declares = |uris: &[&str]| {
            root.attributes().flatten().any(|a| {
                is_xmlns(a.key.as_ref())
                    && a.unescape_value().is_ok_and(|v| uris.contains(&v.trim()))
            })
        };
        let mut plan = Plan {
            atom03_unbound: false,
            atom03: false,
            rdf: false,
            fix_version: false,
            format: None,
        };
        match root.local_name().as_ref() {
            b"feed" => {
                let draft = version.as_deref().is_some_and(|v| v.starts_with("0."));
                plan.atom03_unbound = space.is_none() && draft;
                plan.atom03 = plan.atom03_unbound || space.is_some_and(|ns| ATOM_03.contains(&ns));
                return plan.atom03.then_some(plan);
            }
            b"RDF" => {
                plan.rdf = true;
                if declares(&RSS_090) {
                    plan.format = Some(FeedFormat::Rss0);
                }
                return Some(plan);
            }
            b"rss" => {
                // feed-rs reads `version=""` but not a missing version.
                plan.fix_version = version
                    .as_deref()
                    .is_none_or(|v| !RSS_VERSIONS.contains(&v));
                let version = version.unwrap_or_default();
                if plan.fix_version && version.starts_with("0.9") {
                    plan.format = Some(FeedFormat::Rss0);
                }
                return (plan.fix_version || declares(&USERLAND)).then_some(plan);
            }
            _ => return None,
        }
    }
}

/// The namespace a resolved name is in, as text; `None` for no namespace.
fn namespace<'a>(space: &'a ResolveResult<'_>) -> Option<&'a str> {
    match space {
        ResolveResult::Bound(ns) => std::str::from_utf8(ns.as_ref()).ok().map(str::trim),
        _ => None,
    }
}

fn is_xmlns(key: &[u8]) -> bool {
    key == b"xmlns" || key.starts_with(b"xmlns:")
}

/// The namespace a legacy namespace is read as.
fn mapped_namespace(uri: &str) -> Option<&'static str> {
    let uri = uri.trim();
    if ATOM_03.contains(&uri) {
        Some(ATOM_10)
    } else if RSS_090.contains(&uri) || USERLAND.contains(&uri) {
        Some(RSS_10)
    } else {
        None
    }
}

/// Which vocabulary an element is in, as far as the rewrite cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Atom03,
    /// RSS 1.0 or 0.90 (or no namespace in an `rdf:RDF` document, which feed-rs reads as RSS).
    Rss,
    Other,
}

fn space_of(plan: Plan, space: &ResolveResult<'_>) -> Space {
    match namespace(space) {
        Some(ns) if ATOM_03.contains(&ns) => Space::Atom03,
        Some(ns) if ns == RSS_10 || RSS_090.contains(&ns) || USERLAND.contains(&ns) => Space::Rss,
        None if plan.atom03_unbound => Space::Atom03,
        None if plan.rdf => Space::Rss,
        _ => Space::Other,
    }
}

/// What an Atom 0.3 text construct becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Construct {
    /// This Atom 1.0 `type`.
    Type(&'static str),
    /// Its text decoded from base64, as this Atom 1.0 `type`.
    Base64(&'static str),
    /// Its `type` as it is (an XML media type in `content`).
    Keep,
    /// Dropped with everything in it (base64 of a media type that is not text).
    Drop,
    /// Its tags dropped, its children kept (`multipart/alternative` content).
    Unwrap,
}

/// Atom 0.3 `type` (a media type, `text/plain` by default) and `mode` (`xml` by default) of a
/// text construct → what it is in Atom 1.0.
fn construct(content: bool, media: Option<&str>, mode: Option<&str>) -> Construct {
    let media = media.unwrap_or("text/plain").trim().to_ascii_lowercase();
    let mode = mode.unwrap_or("xml").trim().to_ascii_lowercase();
    let html = media.contains("html");
    let text = media == "text" || media.starts_with("text/");
    let xml = media.ends_with("+xml") || media.ends_with("/xml");
    match mode.as_str() {
        "base64" if html => Construct::Base64("html"),
        "base64" if text => Construct::Base64("text"),
        "base64" => Construct::Drop,
        "escaped" if html => Construct::Type("html"),
        "escaped" => Construct::Type("text"),
        _ if content && media == "multipart/alternative" => Construct::Unwrap,
        _ if media.contains("xhtml") => Construct::Type("xhtml"),
        _ if html => Construct::Type("html"),
        _ if content && xml => Construct::Keep,
        _ => Construct::Type("text"),
    }
}

/// The Atom 1.0 name of an Atom 0.3 element that was renamed.
fn atom10_name(local: &str) -> Option<&'static str> {
    Some(match local {
        "issued" => "published",
        "modified" => "updated",
        "tagline" => "subtitle",
        "copyright" => "rights",
        "url" | "homepage" => "uri",
        _ => return None,
    })
}

/// What to write for an open element's end tag.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    AsWritten,
    Renamed(String),
    Dropped,
}

/// An RSS 1.0 item being read: does it have a `<link>`?
#[derive(Debug)]
struct Item {
    /// Elements open outside it.
    depth: usize,
    about: Option<String>,
    /// The prefix of its name, with the colon (`rss:`), or empty.
    prefix: String,
    linked: bool,
}

/// One rewrite of a document: the output so far and how much of the input it covers.
struct Pass<'a> {
    text: &'a str,
    plan: Plan,
    reader: NsReader<&'a [u8]>,
    out: String,
    /// Bytes of `text` written out (as they are or replaced).
    copied: usize,
    changed: bool,
    ends: Vec<End>,
    item: Option<Item>,
    root_seen: bool,
    /// Items with neither `<link>` nor `rdf:about`.
    linkless: usize,
}

impl<'a> Pass<'a> {
    fn new(text: &'a str, plan: Plan) -> Pass<'a> {
        Pass {
            text,
            plan,
            reader: NsReader::from_str(text),
            out: String::new(),
            copied: 0,
            changed: false,
            ends: Vec::new(),
            item: None,
            root_seen: false,
            linkless: 0,
        }
    }

    /// The rewritten document; `None` when nothing needed changing or the document could not be
    /// read.
    fn run(&mut self) -> Option<String> {
        loop {
            let from = self.position();
            let plan = self.plan;
            let (space, event) = self.reader.read_resolved_event().ok()?;
            let space = space_of(plan, &space);
            let to = self.position();
            match event {
                Event::Start(start) => self.start(space, &start, from, to, false)?,
                Event::Empty(start) => self.start(space, &start, from, to, true)?,
                Event::End(_) => self.end(from, to),
                Event::Eof => break,
                _ => {}
            }
        }
        if !self.changed {
            return None;
        }
        self.out.push_str(&self.text[self.copied..]);
        Some(std::mem::take(&mut self.out))
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    /// Writes `with` in place of `text[from..to]`.
    fn replace(&mut self, from: usize, to: usize, with: &str) {
        if self.out.is_empty() {
            self.out.reserve(self.text.len() + 256);
        }
        self.out.push_str(&self.text[self.copied..from]);
        self.out.push_str(with);
        self.copied = to;
        self.changed = true;
    }

    fn start(
        &mut self,
        space: Space,
        start: &BytesStart<'_>,
        from: usize,
        to: usize,
        empty: bool,
    ) -> Option<()> {
        let qname = std::str::from_utf8(start.name().as_ref()).ok()?.to_owned();
        let local = std::str::from_utf8(start.local_name().as_ref())
            .ok()?
            .to_owned();
        let prefix = &qname[..qname.len() - local.len()];
        let mut attributes = attributes(start)?;
        let mut dirty = false;
        for (key, value) in &mut attributes {
            if is_xmlns(key.as_bytes())
                && let Some(uri) = mapped_namespace(value)
            {
                *value = uri.to_owned();
                dirty = true;
            }
        }
        if !self.root_seen {
            self.root_seen = true;
            if self.plan.fix_version {
                attributes.retain(|(key, _)| key != "version");
                attributes.insert(0, ("version".to_owned(), "2.0".to_owned()));
                dirty = true;
            }
        }
        let mut name = qname.clone();
        match space {
            Space::Atom03 => {
                if let Some(new) = atom10_name(&local) {
                    name = format!("{prefix}{new}");
                    dirty = true;
                }
                if local == "generator" {
                    for (key, _) in &mut attributes {
                        if key == "url" {
                            "uri".clone_into(key);
                            dirty = true;
                        }
                    }
                }
                if matches!(
                    local.as_str(),
                    "title"
                        | "tagline"
                        | "subtitle"
                        | "copyright"
                        | "rights"
                        | "summary"
                        | "content"
                ) {
                    let media = value_of(&attributes, "type");
                    let mode = value_of(&attributes, "mode");
                    let kind = construct(local == "content", media, mode);
                    attributes.retain(|(key, _)| key != "mode");
                    return self.text_construct(kind, &name, attributes, from, to, empty);
                }
            }
            Space::Rss if self.plan.rdf => {
                let depth = self.ends.len();
                match (&mut self.item, local.as_str()) {
                    (None, "item") if !empty => {
                        self.item = Some(Item {
                            depth,
                            // `rdf:about`, whatever the prefix.
                            about: attributes
                                .iter()
                                .find(|(key, _)| key.rsplit(':').next() == Some("about"))
                                .map(|(_, value)| value.trim().to_owned())
                                .filter(|about| !about.is_empty()),
                            prefix: prefix.to_owned(),
                            linked: false,
                        });
                    }
                    (Some(item), "link") if depth == item.depth + 1 => item.linked = true,
                    _ => {}
                }
            }
            _ => {}
        }
        if dirty {
            self.replace(from, to, &tag(&name, &attributes, empty));
        }
        if !empty {
            self.ends.push(if name == qname {
                End::AsWritten
            } else {
                End::Renamed(name)
            });
        }
        Some(())
    }

    /// Rewrites an Atom 0.3 text construct (its start tag just read).
    fn text_construct(
        &mut self,
        kind: Construct,
        name: &str,
        mut attributes: Vec<(String, String)>,
        from: usize,
        to: usize,
        empty: bool,
    ) -> Option<()> {
        match kind {
            // An empty construct says nothing: dropped.
            _ if empty => self.replace(from, to, ""),
            Construct::Drop => {
                let (_, end) = self.element_text()?;
                self.replace(from, end, "");
            }
            Construct::Unwrap => {
                self.replace(from, to, "");
                self.ends.push(End::Dropped);
            }
            Construct::Base64(media) => {
                let (encoded, end) = self.element_text()?;
                match base64_decoded(&encoded).and_then(|bytes| String::from_utf8(bytes).ok()) {
                    Some(decoded) => {
                        set_type(&mut attributes, media);
                        let element = format!(
                            "{}{}</{name}>",
                            tag(name, &attributes, false),
                            escape(decoded)
                        );
                        self.replace(from, end, &element);
                    }
                    None => self.replace(from, end, ""),
                }
            }
            Construct::Type(media) => {
                set_type(&mut attributes, media);
                self.replace(from, to, &tag(name, &attributes, false));
                self.ends.push(End::Renamed(name.to_owned()));
            }
            Construct::Keep => {
                self.replace(from, to, &tag(name, &attributes, false));
                self.ends.push(End::Renamed(name.to_owned()));
            }
        }
        Some(())
    }

    /// The text of the element whose start tag was just read, and the end of its end tag.
    fn element_text(&mut self) -> Option<(String, usize)> {
        let mut text = String::new();
        let mut depth = 0usize;
        loop {
            match self.reader.read_event().ok()? {
                Event::Text(t) => text.push_str(&t.decode().ok()?),
                Event::CData(c) => text.push_str(&c.decode().ok()?),
                Event::GeneralRef(r) => {
                    let name = r.decode().ok()?;
                    match r.resolve_char_ref().ok()? {
                        Some(c) => text.push(c),
                        None => text.push_str(resolve_xml_entity(&name)?),
                    }
                }
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Some((text, self.position())),
                Event::End(_) => depth -= 1,
                Event::Eof => return None,
                _ => {}
            }
        }
    }

    fn end(&mut self, from: usize, to: usize) {
        let end_tag = match self.ends.pop() {
            Some(End::Renamed(name)) => Some(format!("</{name}>")),
            Some(End::Dropped) => Some(String::new()),
            Some(End::AsWritten) | None => None,
        };
        let link = self.missing_link();
        if link.is_some() || end_tag.is_some() {
            let end_tag = end_tag.unwrap_or_else(|| self.text[from..to].to_owned());
            self.replace(from, to, &format!("{}{end_tag}", link.unwrap_or_default()));
        }
    }

    /// The `<link>` of the RSS 1.0 item an end tag closes, when it had none but an `rdf:about`.
    fn missing_link(&mut self) -> Option<String> {
        if self.item.as_ref()?.depth != self.ends.len() {
            return None;
        }
        let item = self.item.take()?;
        if !item.linked && item.about.is_none() {
            self.linkless += 1;
        }
        let about = item.about.filter(|_| !item.linked)?;
        let p = item.prefix;
        Some(format!("<{p}link>{}</{p}link>", escape(about.as_str())))
    }
}

/// The attributes of a start tag as (name, unescaped value); `None` when one cannot be read.
fn attributes(start: &BytesStart<'_>) -> Option<Vec<(String, String)>> {
    start
        .attributes()
        .map(|a| {
            let a = a.ok()?;
            let key = std::str::from_utf8(a.key.as_ref()).ok()?.to_owned();
            Some((key, a.unescape_value().ok()?.into_owned()))
        })
        .collect()
}

fn attribute(start: &BytesStart<'_>, name: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name.as_bytes())
        .and_then(|a| a.unescape_value().ok().map(|v| v.trim().to_owned()))
}

/// Sets (or replaces) the `type` attribute, written first.
fn set_type(attributes: &mut Vec<(String, String)>, media: &str) {
    attributes.retain(|(key, _)| key != "type");
    attributes.insert(0, ("type".to_owned(), media.to_owned()));
}

fn value_of<'v>(attributes: &'v [(String, String)], name: &str) -> Option<&'v str> {
    attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// A start tag.
fn tag(name: &str, attributes: &[(String, String)], empty: bool) -> String {
    let mut out = format!("<{name}");
    for (key, value) in attributes {
        out.push_str(&format!(" {key}=\"{}\"", escape(value.as_str())));
    }
    out.push_str(if empty { "/>" } else { ">" });
    out
}

#[cfg(test)]
mod tests;
