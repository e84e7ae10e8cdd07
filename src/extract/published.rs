//! When a story was published, and the zone of the times its page writes without one.
//!
//! The time is evidence weighed, not the first date seen: structured metadata (JSON-LD of an
//! article, `article:published_time`, `itemprop=datePublished`, a `<time>` by the title), the
//! visible date under the title, a labelled date; and the date in the URL (`/2019/03/06/`,
//! `t20190306_`) rules out any of them that is days away from it. An update, print or copyright
//! date is never the story's. When the page says no date at all, `article` takes the day its
//! lead picture's path names (`/uploads/2025/04/05/…`).
//!
//! The zone is the source's when there is one (the beat's pages are China time and stay so).
//! Without a source the page says where it is: an offset its metadata writes, else the zone its
//! language or country names (`<html lang="de">`, `og:locale`, `Content-Language`, the URL's
//! country domain), else the fallback given (the beat's zone). English, Spanish, Portuguese,
//! Arabic and Russian without a country name too many zones to guess one.
//!
//! This module must not pick the body, the title or the lines near them: `article` and
//! `fields::Regions` do.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use regex::Regex;
use serde_json::Value;
use url::Url;

use super::Rule;
use super::article::{PageContext, ZoneChoice};
use super::byline::{DateForm, date_in, has_date_label};
use super::dom::Dom;
use super::fields::Regions;
use super::meta::Meta;
use crate::normalise::{date_in_url, parse_date};

/// `<meta>` names of the publication time, most trusted first. A page's name matches one of
/// these whatever separators it writes between the words ([`same_tag`]).
const DATE_TAGS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "weibo:article:create_at",
    "date",
];
/// The first [`DATE_TAGS`] that only an article's own publication time uses.
const OPEN_GRAPH_TAGS: usize = 3;

/// JSON-LD types of an article (`NewsArticle`, `BlogPosting`, `ReportageNewsArticle`, …).
static ARTICLE_TYPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)article$|posting$|^report$").expect("valid regex"));
/// JSON-LD types whose `datePublished` is not the page's story.
static OTHER_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:comment|answer|question|review|imageobject|videoobject|audioobject|clip)$")
        .expect("valid regex")
});

/// An offset written after a time: `…T15:59:30+02:00`, `… 16:17:29 +0200`, `…Z`.
static OFFSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)\s*$")
        .expect("valid regex")
});
/// A year: a stamp without one (a `<time datetime="18:41">`) is no date.
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}").expect("valid regex"));
/// Words that say a date is not the story's publication: an update, a print, a copyright line.
static NOT_PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)更新|修改|修订|打印|©|\bcopyright\b|版权所有|",
        r"\b(?:last\s+)?(?:updated|modified|edited|printed)\b|",
        r"aktualisiert|geändert|\bmis à jour|actualizad[oa]|aggiornat[oa]",
    ))
    .expect("valid regex")
});
/// A date or a time of day in a line.
static DATE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}|\d:\d{2}").expect("valid regex"));

/// How far a candidate may be from the URL's date and still be the story's.
const URL_DAYS: i64 = 2;

/// What the page says about where and when it is, gathered in one pass over its elements.
#[derive(Debug, Default)]
pub struct Signals {
    /// `<html lang>`.
    lang: Option<String>,
    /// `<meta http-equiv="content-language">`.
    content_language: Option<String>,
    /// `og:locale`.
    locale: Option<String>,
    /// The page's own URL as it says (`<link rel=canonical>`, else `og:url`).
    canonical: Option<Url>,
    /// `<time datetime>` elements: element, value, whether it is marked as the published time.
    times: Vec<(u32, String, bool)>,
    /// The first offset a time in the metadata writes (seconds east), and that time.
    offset: Option<(i32, DateTime<Utc>)>,
}

impl Signals {
    pub fn collect(dom: &Dom<'_>, meta: &Meta) -> Signals {
        let mut signals = Signals {
            locale: meta.tag(&["og:locale"]).map(|(_, v)| v.to_owned()),
            ..Signals::default()
        };
        let mut canonical = None;
        for (i, slot) in dom.slots.iter().enumerate() {
            match slot.name {
                "html" if signals.lang.is_none() => {
                    signals.lang = slot
                        .attr("lang")
                        .or_else(|| slot.attr("xml:lang"))
                        .map(str::to_owned);
                }
                "meta"
                    if slot
                        .attr("http-equiv")
                        .is_some_and(|h| h.eq_ignore_ascii_case("content-language")) =>
                {
                    signals.content_language = slot.attr("content").map(str::to_owned);
                }
                "link"
                    if canonical.is_none()
                        && slot
                            .attr("rel")
                            .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
                {
                    canonical = slot.attr("href").map(str::to_owned);
                }
                "time" => {
                    if let Some(value) = slot.attr("datetime") {
                        let marked = slot
                            .attr("itemprop")
                            .is_some_and(|p| p.eq_ignore_ascii_case("datepublished"))
                            || slot.attr("pubdate").is_some();
                        let slot = u32::try_from(i).unwrap_or(u32::MAX);
                        signals.times.push((slot, value.trim().to_owned(), marked));
                    }
                }
                _ => {}
            }
        }
        signals.canonical = canonical
            .as_deref()
            .or_else(|| meta.tag(&["og:url"]).map(|(_, v)| v))
            .and_then(|u| Url::parse(u.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        let linked = meta.linked_data.iter();
        let linked = linked.flat_map(|object| {
            ["datePublished", "dateModified"]
                .into_iter()
                .filter_map(|key| object.get(key)?.as_str())
        });
        let tagged = DATE_TAGS.iter().filter_map(|name| {
            meta.tags
                .iter()
                .find(|(key, _)| same_tag(key, name))
                .map(|(_, v)| v.as_str())
        });
        let timed = signals.times.iter().map(|(_, value, _)| value.as_str());
        signals.offset = linked.chain(tagged).chain(timed).find_map(written_offset);
        signals
    }

    /// The page's web address: its own when fetched, else the one it names.
    fn web_url<'u>(&'u self, page: &'u Url) -> Option<&'u Url> {
        if matches!(page.scheme(), "http" | "https") {
            Some(page)
        } else {
            self.canonical.as_ref()
        }
    }
}

/// The zone a page's times without one are read in, and why (for the field's rule).
#[derive(Debug, Clone)]
pub struct PageZone {
    pub tz: Tz,
    /// Where a zone guessed from the page came from; `None` when it was given.
    origin: Option<String>,
    /// The page's web address, for the date in it.
    url: Option<Url>,
}

impl PageZone {
    /// `rule`, saying where the zone came from when the time had none and the zone was guessed.
    fn explain(&self, rule: Rule, zone_less: bool) -> Rule {
        match &self.origin {
            Some(origin) if zone_less => Rule::Zoned(Box::new(rule), origin.clone()),
            _ => rule,
        }
    }
}

/// The zone of the page's times without one: the source's, else what the page says.
pub fn page_zone(signals: &Signals, page: &PageContext<'_>) -> PageZone {
    let url = signals.web_url(page.url).cloned();
    let fallback = match page.zone {
        ZoneChoice::Given(tz) => {
            return PageZone {
                tz,
                origin: None,
                url,
            };
        }
        ZoneChoice::FromPage { fallback } => fallback,
    };
    let named = [
        ("<html lang>", signals.lang.as_deref()),
        ("og:locale", signals.locale.as_deref()),
        ("Content-Language", signals.content_language.as_deref()),
    ]
    .into_iter()
    .find_map(|(what, value)| {
        let value = value?;
        zone_of_language(value).map(|tz| (tz, format!("{tz} from {what} {value}")))
    })
    .or_else(|| {
        let host = url.as_ref()?.host_str()?;
        let tld = host.rsplit('.').next()?;
        zone_of_country(tld).map(|tz| (tz, format!("{tz} from the URL's .{tld}")))
    });
    // A UTC offset says little: many sites store every time in UTC.
    let written = signals.offset;
    let (tz, origin) = match (named, written) {
        // A zone named by the language that disagrees with the page's own offset is wrong.
        (Some((tz, why)), Some((offset, at))) if offset != 0 && offset_at(tz, at) != offset => {
            offset_zone(offset).map_or((tz, why), |z| (z, offset_origin(z, offset)))
        }
        (Some(named), _) => named,
        (None, Some((offset, _))) if offset != 0 => match offset_zone(offset) {
            Some(z) => (z, offset_origin(z, offset)),
            None => (fallback, format!("{fallback}, the default")),
        },
        _ => (
            fallback,
            format!("{fallback}, the default: the page names none"),
        ),
    };
    PageZone {
        tz,
        origin: Some(origin),
        url,
    }
}

/// The offset a stamp writes, in seconds east, and its instant.
fn written_offset(value: &str) -> Option<(i32, DateTime<Utc>)> {
    let zone = OFFSET.captures(value)?.get(1)?.as_str();
    let at = parse_date(value, Tz::UTC, DateTime::UNIX_EPOCH)?;
    if zone.eq_ignore_ascii_case("z") {
        return Some((0, at));
    }
    let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    Some((sign * (hours * 3600 + minutes * 60), at))
}

fn offset_at(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The zone of a whole-hour offset (`Etc/GMT-2` is two hours east).
fn offset_zone(seconds: i32) -> Option<Tz> {
    if seconds % 3600 != 0 {
        return None;
    }
    let hours = seconds / 3600;
    format!("Etc/GMT{:+}", -hours).parse().ok()
}

fn offset_origin(tz: Tz, seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let (h, m) = (seconds.abs() / 3600, seconds.abs() % 3600 / 60);
    format!("{tz} from the offset {sign}{h:02}:{m:02} in the page's metadata")
}

/// The zone a language tag names: by its country (`de-AT`, `en_GB`), else by the language
/// when it is spoken in one zone (`de`, `ja`); `en`, `es`, `pt`, `ar`, `ru` alone name none.
fn zone_of_language(tag: &str) -> Option<Tz> {
    let mut parts = tag.trim().split(['-', '_']);
    let language = parts.next()?.to_ascii_lowercase();
    if let Some(country) = parts.rfind(|p| p.len() == 2) {
        return zone_of_country(country);
    }
    let zone = match language.as_str() {
        "zh" => "Asia/Shanghai",
        "ja" => "Asia/Tokyo",
        "ko" => "Asia/Seoul",
        "de" => "Europe/Berlin",
        "fr" => "Europe/Paris",
        "it" => "Europe/Rome",
        "nl" => "Europe/Amsterdam",
        "pl" => "Europe/Warsaw",
        "cs" => "Europe/Prague",
        "sk" => "Europe/Bratislava",
        "hu" => "Europe/Budapest",
        "ro" => "Europe/Bucharest",
        "bg" => "Europe/Sofia",
        "el" => "Europe/Athens",
        "tr" => "Europe/Istanbul",
        "lt" => "Europe/Vilnius",
        "lv" => "Europe/Riga",
        "et" => "Europe/Tallinn",
        "fi" => "Europe/Helsinki",
        "sv" => "Europe/Stockholm",
        "da" => "Europe/Copenhagen",
        "nb" | "nn" | "no" => "Europe/Oslo",
        "uk" => "Europe/Kyiv",
        "sl" => "Europe/Ljubljana",
        "hr" => "Europe/Zagreb",
        "sr" => "Europe/Belgrade",
        "he" => "Asia/Jerusalem",
        "hi" => "Asia/Kolkata",
        "th" => "Asia/Bangkok",
        "vi" => "Asia/Ho_Chi_Minh",
        _ => return None,
    };
    zone.parse().ok()
}

/// The zone of a country (ISO code or country domain) that lies in one zone.
fn zone_of_country(code: &str) -> Option<Tz> {
    let zone = match code.to_ascii_lowercase().as_str() {
        "cn" => "Asia/Shanghai",
        "hk" => "Asia/Hong_Kong",
        "tw" => "Asia/Taipei",
        "sg" => "Asia/Singapore",
        "jp" => "Asia/Tokyo",
        "kr" => "Asia/Seoul",
        "in" => "Asia/Kolkata",
        "th" => "Asia/Bangkok",
        "vn" => "Asia/Ho_Chi_Minh",
        "ph" => "Asia/Manila",
        "il" => "Asia/Jerusalem",
        "de" => "Europe/Berlin",
        "at" => "Europe/Vienna",
        "ch" => "Europe/Zurich",
        "fr" => "Europe/Paris",
        "be" => "Europe/Brussels",
        "lu" => "Europe/Luxembourg",
        "nl" => "Europe/Amsterdam",
        "it" => "Europe/Rome",
        "es" => "Europe/Madrid",
        "gb" | "uk" => "Europe/London",
        "ie" => "Europe/Dublin",
        "dk" => "Europe/Copenhagen",
        "se" => "Europe/Stockholm",
        "no" => "Europe/Oslo",
        "fi" => "Europe/Helsinki",
        "pl" => "Europe/Warsaw",
        "cz" => "Europe/Prague",
        "sk" => "Europe/Bratislava",
        "hu" => "Europe/Budapest",
        "ro" => "Europe/Bucharest",
        "bg" => "Europe/Sofia",
        "gr" => "Europe/Athens",
        "tr" => "Europe/Istanbul",
        "lt" => "Europe/Vilnius",
        "lv" => "Europe/Riga",
        "ee" => "Europe/Tallinn",
        "ua" => "Europe/Kyiv",
        "si" => "Europe/Ljubljana",
        "hr" => "Europe/Zagreb",
        "rs" => "Europe/Belgrade",
        "za" => "Africa/Johannesburg",
        "ng" => "Africa/Lagos",
        "eg" => "Africa/Cairo",
        "ke" => "Africa/Nairobi",
        "nz" => "Pacific/Auckland",
        _ => return None,
    };
    zone.parse().ok()
}

/// Whether a `<meta>` name (lower case) is `name` written with any of the separators pages use
/// between its words: `article:published:time`, `article-published-time` and
/// `article.published_time` are all `article:published_time`; `publish-date` is `publish_date`.
fn same_tag(key: &str, name: &str) -> bool {
    let separator = |c: u8| matches!(c, b':' | b'_' | b'-' | b'.');
    key.len() == name.len()
        && key
            .bytes()
            .zip(name.bytes())
            .all(|(a, b)| a == b || separator(a) && separator(b))
}

/// A publication time written in the page's structured metadata.
struct Stamp {
    value: String,
    /// Lower is more trusted.
    rank: u8,
    name: String,
}

/// The structured publication times, most trusted first: JSON-LD of an article,
/// `article:published_time`, `itemprop=datePublished` / `<time pubdate>`, other JSON-LD, the
/// other `<meta>` names, a `<time>` under the title, one right over it (another story's as often
/// as not), one in the story. A `<time>` after the story (a related story's, a comment's) or far
/// over the title is not one.
fn stamps(meta: &Meta, signals: &Signals, near: Near, body_end: u32) -> Vec<Stamp> {
    let mut out = Vec::new();
    for object in &meta.linked_data {
        let Some(Value::String(value)) = object.get("datePublished") else {
            continue;
        };
        let types = |re: &Regex| match object.get("@type") {
            Some(Value::String(t)) => re.is_match(t),
            Some(Value::Array(ts)) => ts
                .iter()
                .any(|t| t.as_str().is_some_and(|t| re.is_match(t))),
            _ => false,
        };
        let rank = if types(&ARTICLE_TYPE) {
            0
        } else if types(&OTHER_TYPE) {
            continue;
        } else {
            3
        };
        out.push(Stamp {
            value: value.clone(),
            rank,
            name: "JSON-LD datePublished".to_owned(),
        });
    }
    for (i, name) in DATE_TAGS.iter().enumerate() {
        for (key, value) in meta.tags.iter().filter(|(key, _)| same_tag(key, name)) {
            let rank = match i {
                _ if i < OPEN_GRAPH_TAGS => 1,
                _ if *name == "datepublished" => 2,
                _ => 4,
            };
            out.push(Stamp {
                value: value.clone(),
                rank,
                name: key.clone(),
            });
        }
    }
    for (slot, value, marked) in &signals.times {
        let rank = if *marked {
            2
        } else if (near.under..=near.last).contains(slot) {
            5
        } else if (near.over..near.under).contains(slot) {
            6
        } else if *slot > near.last && *slot < body_end {
            7
        } else {
            continue;
        };
        out.push(Stamp {
            value: value.clone(),
            rank,
            name: "<time datetime>".to_owned(),
        });
    }
    out.sort_by_key(|s| s.rank);
    out
}

/// Whether the date in `text` is said to be an update, a print or a copyright date: such a
/// word comes before the first date of the line.
fn not_published(text: &str) -> bool {
    let Some(word) = NOT_PUBLISHED.find(text) else {
        return false;
    };
    DATE_START
        .find(text)
        .is_none_or(|date| word.start() < date.start())
}

/// A time of a line read in zone `tz`.
fn line_date(
    text: &str,
    short: bool,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateForm)> {
    if not_published(text) {
        return None;
    }
    date_in(text, short, tz, now)
}

/// Whether the date of `text` was written without a zone (it reads differently in two).
fn line_zone_less(text: &str, short: bool, now: DateTime<Utc>) -> bool {
    let east = chrono_tz::Etc::GMTMinus12;
    date_in(text, short, Tz::UTC, now).map(|d| d.0) != date_in(text, short, east, now).map(|d| d.0)
}

/// The publication time: under the title (with a time, or a short form), structured metadata
/// with a time, under the title (the day), a labelled date, the end of the story, structured
/// metadata (the day), right over the title, the URL. A candidate days away from the URL's
/// date is not the story's.
#[allow(clippy::too_many_arguments)]
pub fn published(
    dom: &Dom<'_>,
    meta: &Meta,
    signals: &Signals,
    regions: &Regions<'_>,
    body_end: u32,
    zone: &PageZone,
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, Rule)> {
    let tz = zone.tz;
    let url_day = zone.url.as_ref().and_then(|u| date_in_url(u, tz));
    let fits = |d: &DateTime<Utc>| {
        url_day.is_none_or(|u| {
            *d >= u - Duration::days(URL_DAYS) && *d < u + Duration::days(URL_DAYS + 1)
        })
    };
    let visible = |text: &str, short: bool| {
        line_date(text, short, tz, now)
            .filter(|(d, _)| fits(d))
            .map(|(d, form)| (d, form, line_zone_less(text, short, now)))
    };
    let under_title = |short: bool| {
        regions
            .head
            .iter()
            .filter_map(|l| visible(&l.text, short))
            .find(|(_, form, _)| *form != DateForm::DayOnly || !short)
    };
    let generic = |(date, _, zone_less): (DateTime<Utc>, DateForm, bool), what| {
        (date, zone.explain(Rule::Generic(what), zone_less))
    };
    let all = stamps(meta, signals, near_title(regions), body_end);
    let parsed: Vec<(DateTime<Utc>, bool, &Stamp)> = all
        .iter()
        .filter(|s| YEAR.is_match(&s.value) || s.value.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|s| {
            let date = parse_date(&s.value, tz, now).filter(&fits)?;
            Some((date, s.value.contains(':'), s))
        })
        .collect();
    let stamp_rule = |&(date, _, stamp): &(DateTime<Utc>, bool, &Stamp)| {
        let zone_less =
            !OFFSET.is_match(&stamp.value) && !stamp.value.bytes().all(|b| b.is_ascii_digit());
        (
            date,
            zone.explain(Rule::Meta(stamp.name.clone()), zone_less),
        )
    };
    let day = |d: DateTime<Utc>| d.with_timezone(&tz).date_naive();
    // An article's own stamp with a time and an offset outweighs a time under the title of
    // another day (an update's); on the same day the visible time is the story's.
    let strong = parsed
        .first()
        .filter(|(_, timed, s)| *timed && s.rank <= 2 && OFFSET.is_match(&s.value));
    match (under_title(true), strong) {
        (Some(found), Some(stamp)) if day(found.0) != day(stamp.0) => {
            return Some(stamp_rule(stamp));
        }
        (Some(found), _) => return Some(generic(found, "date under the title")),
        (None, _) => {}
    }
    // The most trusted stamp says the day: a time of another day is another story's.
    let best = parsed.first();
    let timed = parsed
        .iter()
        .find(|(date, timed, _)| *timed && best.is_some_and(|b| day(b.0) == day(*date)));
    if let Some(found) = timed {
        return Some(stamp_rule(found));
    }
    if let Some(found) = under_title(false) {
        return Some(generic(found, "date under the title"));
    }
    let body_line_end = dom.line_at(body_end).min(dom.lines.len());
    let labelled = dom.lines[..body_line_end]
        .iter()
        .filter(|l| has_date_label(&l.text))
        .find_map(|l| visible(&l.text, false));
    if let Some(found) = labelled {
        return Some(generic(found, "labelled date"));
    }
    let tail = regions.ending.iter().rev().chain(regions.after.iter());
    if let Some(found) = tail.into_iter().find_map(|l| visible(&l.text, false)) {
        return Some(generic(found, "date at the end of the story"));
    }
    if let Some(found) = best {
        return Some(stamp_rule(found));
    }
    // An e-paper's issue date sits right over the title.
    if let Some(found) = regions
        .above
        .iter()
        .rev()
        .find_map(|l| visible(&l.text, false))
    {
        return Some(generic(found, "date over the title"));
    }
    url_day.map(|d| (d, zone.explain(Rule::Generic("date in the URL"), true)))
}

/// Where the lines around the title start and end, as elements.
#[derive(Debug, Clone, Copy)]
struct Near {
    /// The first of the lines right over the title.
    over: u32,
    /// The first of the lines under it.
    under: u32,
    /// The last of the lines under it.
    last: u32,
}

fn near_title(regions: &Regions<'_>) -> Near {
    let under = regions.head.first().map_or(0, |l| l.first);
    let over = regions.above.first().map_or(under, |l| l.first);
    let last = regions
        .lead
        .or(regions.head.last().copied())
        .map_or(0, |l| l.last);
    Near { over, under, last }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_names_a_zone_by_its_country_else_when_spoken_in_one() {
        let zone = |tag: &str| zone_of_language(tag).map(|tz| tz.name());
        assert_eq!(zone("de"), Some("Europe/Berlin"));
        assert_eq!(zone("de-AT"), Some("Europe/Vienna"));
        assert_eq!(zone("en_GB"), Some("Europe/London"));
        assert_eq!(zone("zh-Hans-CN"), Some("Asia/Shanghai"));
        assert_eq!(zone("en"), None);
        assert_eq!(zone("pt-BR"), None);
    }

    #[test]
    fn offsets_written_after_a_time_are_read_and_times_without_one_give_none() {
        let seconds = |v: &str| written_offset(v).map(|(s, _)| s);
        assert_eq!(seconds("2024-04-30T16:17:29+02:00"), Some(7200));
        assert_eq!(seconds("2024-04-30 16:17:29 +0200"), Some(7200));
        assert_eq!(seconds("2019-03-06T10:43:00.250-05:00"), Some(-18000));
        assert_eq!(seconds("2024-05-03T15:47:42.389Z"), Some(0));
        assert_eq!(seconds("2024-04-30 16:17:29"), None);
        assert_eq!(seconds("2024-04-30"), None);
        assert_eq!(offset_zone(-18000).map(|tz| tz.name()), Some("Etc/GMT+5"));
        assert_eq!(offset_zone(19800), None);
    }

    #[test]
    fn metadata_names_match_whatever_separators_a_page_writes() {
        assert!(same_tag("article:published:time", "article:published_time"));
        assert!(same_tag("article-published-time", "article:published_time"));
        assert!(same_tag("publish-date", "publish_date"));
        assert!(same_tag("dc:date:issued", "dc.date.issued"));
        assert!(!same_tag("article:modified_time", "article:published_time"));
        assert!(!same_tag("publishdate", "publish_date"));
    }

    #[test]
    fn update_print_and_copyright_dates_are_not_the_story_s() {
        assert!(not_published("更新时间：2019-03-07 10:00"));
        assert!(not_published("Updated: 2019-03-07 10:00"));
        assert!(not_published("© 2021 Example News"));
        assert!(!not_published(
            "发布时间：2019-03-06 09:30 更新时间：2019-03-07 10:00"
        ));
        assert!(!not_published("2019-03-06 09:30 来源：新华网"));
    }
}
