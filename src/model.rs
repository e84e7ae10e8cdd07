//! Plain data shared by the stages: what a source yields (`RawItem`), what the store keeps (`Item`),
//! how a story is recognised (`ItemKey`), and what is remembered per source (`SourceState`).
//!
//! This module must not import any other module of the crate and holds no behaviour beyond small
//! accessors: stages own the logic, this file owns the vocabulary.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of document a source's URL returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// An RSS 0.9x / 1.0 / 2.0, Atom or JSON Feed document.
    Feed,
    /// An HTML page that lists stories, read with `[source.list]` selectors.
    Page,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Feed => "feed",
            SourceKind::Page => "page",
        })
    }
}

/// One story as found in a feed or on a list page, before normalisation.
///
/// Must not hold anything resolved or cleaned: links may be relative, HTML is unsanitized and
/// text is as the document had it. Dates are already instants (the parser applied the zone).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawItem {
    /// The document's own id (`guid`, Atom `id`, JSON Feed `id`), when it had one.
    pub guid: Option<String>,
    /// The story's link as written in the document.
    pub link: Option<String>,
    pub title: Option<String>,
    /// A short text or HTML summary (`description`, `summary`).
    pub summary: Option<String>,
    /// The full body, HTML (`content:encoded`, Atom `content`, JSON Feed `content_html`).
    pub content: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
}

/// One way of recognising a story. A story is stored under every key it was seen with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ItemKey {
    /// A guid that was unique in its document, scoped to the source that gave it.
    Guid { source: String, guid: String },
    /// A canonical link (see `normalise::canonical_link`).
    Link(String),
    /// A story with no link of its own, by its content (see `dedup::content_key`), scoped to
    /// the source that gave it.
    Content { source: String, hash: String },
}

impl ItemKey {
    /// The bytes the store indexes this key under. Distinct keys give distinct bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            ItemKey::Guid { source, guid } => format!("g\u{1f}{source}\u{1f}{guid}").into_bytes(),
            ItemKey::Link(link) => format!("l\u{1f}{link}").into_bytes(),
            ItemKey::Content { source, hash } => {
                format!("c\u{1f}{source}\u{1f}{hash}").into_bytes()
            }
        }
    }

    /// The key whose [`ItemKey::to_bytes`] are `bytes`; `None` for bytes no key gives. A
    /// source id holds no unit separator (`[a-z0-9-]`), so a guid may hold any.
    pub fn from_bytes(bytes: &[u8]) -> Option<ItemKey> {
        let text = std::str::from_utf8(bytes).ok()?;
        let (kind, rest) = text.split_once('\u{1f}')?;
        let scoped = || {
            rest.split_once('\u{1f}')
                .map(|(source, value)| (source.to_owned(), value.to_owned()))
        };
        match kind {
            "g" => scoped().map(|(source, guid)| ItemKey::Guid { source, guid }),
            "l" => Some(ItemKey::Link(rest.to_owned())),
            "c" => scoped().map(|(source, hash)| ItemKey::Content { source, hash }),
            _ => None,
        }
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemKey::Guid { source, guid } => write!(f, "guid {guid} of {source}"),
            ItemKey::Link(link) => write!(f, "link {link}"),
            ItemKey::Content { source, hash } => write!(f, "content {hash} of {source}"),
        }
    }
}

/// The outlet that published a story, shown in RSS `<source>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outlet {
    pub name: String,
    pub url: Option<String>,
}

/// A story as the store keeps it and the publishers read it.
///
/// Must not hold unsanitized HTML: `content_html` has been through `normalise::sanitize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The public guid. Chosen when the story is first stored and never changed afterwards.
    pub id: String,
    /// The id of the source the story came from.
    pub source: String,
    pub title: String,
    /// Absolute canonical link to the story; for a story with no page of its own
    /// ([`Item::linkless`]), the site its source names (the feed's own link, else the feed).
    pub link: String,
    /// Plain-text summary, at most a few hundred characters.
    pub summary: String,
    /// Full body, sanitized HTML with absolute URLs.
    pub content_html: String,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    /// The site the story was read from.
    pub outlet: Outlet,
    /// The outlet the page names as the story's writer (`来源：X`, `ContentSource`), when it
    /// names one: published as the story's source, while `outlet` stays in the provenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// When this store first saw the story.
    pub first_seen: DateTime<Utc>,
    /// A hash of the visible content, to tell an update from an unchanged re-fetch.
    pub content_hash: String,
    /// Every copy of the story seen, the copy that represents it (the original: see
    /// `dedup::merge`) first, then the others by date. Empty for stories stored
    /// before copies were recorded: [`Item::sightings`] then stands for the story itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<Sighting>,
    /// The story has no page of its own (its feed item had no link): `link` is only where its
    /// source lives, and the feeds publish no link for it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub linkless: bool,
}

/// For serde: a `false` flag is not written, so stories stored before it existed keep their
/// bytes.
fn is_false(flag: &bool) -> bool {
    !*flag
}

impl Item {
    /// The outlet published as the story's source: the writer its page names, else the site
    /// it was read from.
    /// Its name and address (the writer's address is not known).
    pub fn published_outlet(&self) -> (&str, Option<&str>) {
        match &self.origin {
            Some(name) if *name != self.outlet.name => (name, None),
            _ => (&self.outlet.name, self.outlet.url.as_deref()),
        }
    }

    /// The copies of this story, primary first; never empty.
    pub fn sightings(&self) -> std::borrow::Cow<'_, [Sighting]> {
        if self.provenance.is_empty() {
            std::borrow::Cow::Owned(vec![Sighting {
                source: self.source.clone(),
                outlet: self.outlet.clone(),
                link: self.link.clone(),
                guid: None,
                published: self.published,
                seen: self.first_seen,
                origin: self.origin.clone(),
                linkless: self.linkless,
            }])
        } else {
            std::borrow::Cow::Borrowed(&self.provenance)
        }
    }
}

/// One copy of a story: which source carried it, under which outlet, link and guid, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    /// The id of the source the copy came from.
    pub source: String,
    pub outlet: Outlet,
    /// The copy's own link (clean, absolute).
    pub link: String,
    /// The copy's guid in its document, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    /// The copy's own date.
    pub published: DateTime<Utc>,
    /// When this store first saw the copy.
    pub seen: DateTime<Utc>,
    /// The outlet the copy's page names as the story's writer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The copy had no link of its own: `link` is its source's site, which names no story.
    #[serde(default, skip_serializing_if = "is_false")]
    pub linkless: bool,
}

/// HTTP validators remembered for conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// What the store remembers about one source between runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    pub validators: Validators,
    /// A hash of the last body fetched, so an unchanged body can stop the pipeline early.
    pub body_hash: Option<String>,
    pub last_fetch: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Consecutive failures since the last success.
    pub failures: u32,
    pub next_due: Option<DateTime<Utc>>,
    /// Stories stored from this source, all time.
    pub stories: u64,
    /// A hash of the source's configuration when it was last fetched; a change forces a refetch.
    pub config_hash: Option<String>,
    /// The class of `last_error`, for scripts and `status`.
    #[serde(default)]
    pub last_error_class: Option<ErrorClass>,
    /// Where the source's URL permanently redirects (301 / 308): fetched instead of the
    /// configured URL until the source is edited.
    #[serde(default)]
    pub moved_to: Option<String>,
    /// When the source answered 410 Gone: it is not fetched again until edited or forced.
    #[serde(default)]
    pub gone_since: Option<DateTime<Utc>>,
    /// Until when the source's host asked to be left alone (`Retry-After` on 429 / 503).
    #[serde(default)]
    pub postponed_until: Option<DateTime<Utc>>,
    /// How many stories the last document that listed any held (feed items, list items).
    #[serde(default)]
    pub last_found: Option<u64>,
    /// When that document was read.
    #[serde(default)]
    pub last_found_at: Option<DateTime<Utc>>,
    /// What the last document read had to be repaired of to be read at all, one line per kind
    /// (`escaped 3 bare '&'`); empty when it parsed as written.
    #[serde(default)]
    pub repairs: Vec<String>,
}

/// How a source's pass ended: `status` in `run --json` and in `status.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    Ok,
    /// 304, or a body identical to the last one.
    NotModified,
    /// Not due yet.
    Skipped,
    Failed,
}

impl SourceStatus {
    /// Every status, in the order reports count them.
    pub const ALL: [SourceStatus; 4] = [
        SourceStatus::Ok,
        SourceStatus::NotModified,
        SourceStatus::Skipped,
        SourceStatus::Failed,
    ];

    /// The name the JSON outputs and the metrics' labels use.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Ok => "ok",
            SourceStatus::NotModified => "not_modified",
            SourceStatus::Skipped => "skipped",
            SourceStatus::Failed => "failed",
        }
    }
}

/// Why a source failed, in words stable enough for scripts (`error_class` in JSON).
///
/// Must not carry details: the message beside it names the URL and the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The TCP connection was not made within the connect timeout.
    ConnectTimeout,
    /// Connected, but no answer came within `stall_timeout`.
    NoAnswer,
    /// The body stopped arriving for `stall_timeout`.
    Stalled,
    /// The whole request took longer than `timeout`.
    Timeout,
    /// The host name does not resolve.
    Dns,
    /// The connection was refused, reset or unreachable.
    Connect,
    /// The TLS handshake failed (bad certificate, not TLS, ...).
    Tls,
    /// The server answered something that is not HTTP.
    Protocol,
    RedirectLoop,
    TooManyRedirects,
    /// A redirect without a usable `Location`.
    BadRedirect,
    /// 429 Too Many Requests.
    RateLimited,
    /// 503 Service Unavailable.
    Unavailable,
    /// 410 Gone: the source is not fetched again until edited.
    Gone,
    /// Any other HTTP status that is not a success.
    HttpStatus,
    /// The body passed `max_body` (decompressed bytes count).
    TooLarge,
    /// The body broke off or could not be decompressed.
    Body,
    /// Not requested: its host asked to be left alone for now (`Retry-After`).
    Postponed,
    /// Any other request failure.
    Request,
    /// An empty document where a feed was expected.
    Empty,
    /// An HTML page where a feed was expected.
    Html,
    /// A document that is not a feed, or a broken one.
    NotAFeed,
    /// A page source whose list or story pages yielded no story (a selector that matched
    /// nothing, no article body found).
    Extract,
    /// The store could not be read or written.
    Store,
    /// It found stories before and finds none now (a feed with no item, a list selector that
    /// matches nothing, no story page readable), or an article selector matched nothing on
    /// every story page read: the site has likely been redesigned.
    Broken,
}

impl fmt::Display for ErrorClass {
    /// The name scripts see in JSON (`connect_timeout`, `too_large`, ...): one spelling for both.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => f.write_str(&name),
            _ => write!(f, "{self:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ErrorClass, ItemKey};

    #[test]
    fn key_bytes_stay_as_stored() {
        // The store indexes stories by these bytes, and public guids are derived from them.
        let guid = ItemKey::Guid {
            source: "scjjrb".into(),
            guid: "36551".into(),
        };
        assert_eq!(guid.to_bytes(), b"g\x1fscjjrb\x1f36551");
        let link = ItemKey::Link("https://example.com/a".into());
        assert_eq!(link.to_bytes(), b"l\x1fhttps://example.com/a");
        let content = ItemKey::Content {
            source: "scjjrb".into(),
            hash: "0f1e".into(),
        };
        assert_eq!(content.to_bytes(), b"c\x1fscjjrb\x1f0f1e");
    }

    #[test]
    fn key_bytes_read_back_into_their_key() {
        let keys = [
            ItemKey::Guid {
                source: "scjjrb".into(),
                guid: "稿件\u{1f}36551".into(),
            },
            ItemKey::Link("https://example.com/a?b=\u{1f}".into()),
            ItemKey::Content {
                source: "cqrb".into(),
                hash: "0f1e".into(),
            },
        ];
        for key in keys {
            assert_eq!(ItemKey::from_bytes(&key.to_bytes()), Some(key));
        }
        for bytes in [&b"x\x1fa"[..], b"g\x1fno-guid", b"l", b"\xff\x1fa"] {
            assert_eq!(ItemKey::from_bytes(bytes), None, "{bytes:?}");
        }
    }

    #[test]
    fn error_classes_show_their_json_name() {
        assert_eq!(ErrorClass::ConnectTimeout.to_string(), "connect_timeout");
        assert_eq!(ErrorClass::NotAFeed.to_string(), "not_a_feed");
        let json = serde_json::to_string(&ErrorClass::TooLarge).unwrap();
        assert_eq!(json, "\"too_large\"");
    }
}
