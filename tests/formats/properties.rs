//! Properties that hold for every input, checked on generated ones (proptest): canonical links
//! are a fixed point, text without markup reads and is sanitized the same with or without the
//! HTML parser, date parsing never panics and reads RFC 3339 back exactly, and a feed beatwire
//! publishes reads back into the same stories (publishing them again gives the same
//! bytes, for RSS, Atom and JSON Feed).
//!
//! Case counts are kept small enough for the whole file to run in seconds in a debug build; set
//! `PROPTEST_CASES` for a longer search.

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use url::Url;

use beatwire::model::{Item, Outlet, RawItem};
use beatwire::normalise::item::{ItemContext, normalise_item};
use beatwire::normalise::{canonical_link, find_date, html_to_text, parse_date, resolve, sanitize};
use beatwire::parse::parse_feed;
use beatwire::publish::{Channel, to_atom, to_json_feed, to_rss};

const ZONE: Tz = chrono_tz::Asia::Shanghai;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // A failing case is reported with its shrunk input; no files are written beside the test.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- canonical links -------------------------------------------------------------------------

/// Pieces of a path or query as sites write them: CJK, escapes in either case, reserved and
/// unusual characters.
fn url_piece() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9_.~-]{1,6}",
            Just("%e4%b8%ad".to_owned()),
            Just("%2F".to_owned()),
            Just("%zz".to_owned()),
            Just("%".to_owned()),
            "[中文经济协作]{1,3}",
            "[ !$'()*+,;:@|^`{}\\[\\]\"<>]",
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

fn query_param() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        "[a-zA-Z]{1,4}",
        "[a-z]{0,2}%[0-9a-fA-F]{2}[a-zA-Z]{0,2}",
        Just("utm_source".to_owned()),
        Just("UTM_Medium".to_owned()),
        Just("spm".to_owned()),
        Just("from".to_owned()),
        Just("shareId".to_owned()),
        Just("utm%5Fcampaign".to_owned()),
        Just("".to_owned()),
    ];
    (name, prop::option::of(url_piece())).prop_map(|(name, value)| match value {
        Some(value) => format!("{name}={value}"),
        None => name,
    })
}

/// An href as a page may hold it: absolute (either scheme, any case, ports, user info) or
/// relative, with path, query and fragment.
fn href() -> impl Strategy<Value = String> {
    let start = prop_oneof![
        Just(String::new()),
        Just("/".to_owned()),
        Just("../".to_owned()),
        Just("//Cdn.Example.org/".to_owned()),
        Just("http://www.EXAMPLE.com/".to_owned()),
        Just("HTTPS://example.com:443/".to_owned()),
        Just("https://user:pw@example.com:8443/".to_owned()),
        Just("http://例子.中国/".to_owned()),
        Just("http://[::1]:80/".to_owned()),
    ];
    (
        start,
        prop::collection::vec(url_piece(), 0..4),
        prop::option::of(prop::collection::vec(query_param(), 0..5)),
        prop::option::of(url_piece()),
    )
        .prop_map(|(start, path, query, fragment)| {
            let mut href = start + &path.join("/");
            if let Some(query) = query {
                href.push('?');
                href.push_str(&query.join("&"));
            }
            if let Some(fragment) = fragment {
                href.push('#');
                href.push_str(&fragment);
            }
            href
        })
}

proptest! {
    #![proptest_config(config(512))]

    /// `html_to_text` skips the parser for text without markup; wrapped in an inline element,
    /// the same text goes through the parser and must read the same.
    #[test]
    fn text_without_markup_reads_as_the_parser_reads_it(
        text in "[^<&\\x00]{0,60}",
        spaced in "[ \t\r\n\u{3000}\u{200B}a-z川渝，。>\"']{0,30}",
    ) {
        for text in [text, spaced] {
            prop_assert_eq!(
                html_to_text(&text),
                html_to_text(&format!("<span>{text}</span>")),
                "{:?}", text
            );
        }
    }

    /// `sanitize` skips the sanitizer for text without markup; followed by a `<br>`, the same
    /// text goes through it and must come out the same.
    #[test]
    fn text_without_markup_is_sanitized_as_it_is(
        text in "[^<>&\\r\\x00\u{a0}\u{feff}]{0,60}",
        spaced in "[ \t\n\u{3000}a-z川渝，。\"'=/]{0,30}",
    ) {
        let base = Url::parse("https://www.scjjrb.com/jjxz/").unwrap();
        for text in [text, spaced] {
            prop_assert_eq!(&sanitize(&text, &base), &text);
            prop_assert_eq!(
                sanitize(&format!("{text}<br>"), &base),
                format!("{text}<br>"),
                "{:?}", text
            );
        }
    }

    #[test]
    fn canonical_links_are_idempotent(href in href()) {
        let base = Url::parse("http://www.example.com/news/list.htm?page=2").unwrap();
        if let Some(url) = resolve(&base, &href) {
            let canonical = canonical_link(&url);
            let reparsed = Url::parse(&canonical);
            prop_assert!(reparsed.is_ok(), "{canonical:?} does not parse");
            prop_assert_eq!(canonical_link(&reparsed.unwrap()), canonical);
        }
    }

    #[test]
    fn canonical_links_of_any_text_are_idempotent(href in "\\PC{0,40}") {
        let base = Url::parse("https://example.com/a/b/").unwrap();
        if let Some(url) = resolve(&base, &href) {
            let canonical = canonical_link(&url);
            let reparsed = Url::parse(&canonical);
            prop_assert!(reparsed.is_ok(), "{canonical:?} does not parse");
            prop_assert_eq!(canonical_link(&reparsed.unwrap()), canonical);
        }
    }
}

// ---- dates -----------------------------------------------------------------------------------

/// Text shaped like the dates pages carry (digits, separators, CJK date words, zones), mixed
/// with anything at all.
fn date_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[0-9]{1,14}",
            "[-/.:T Z+年月日时分秒前天昨今]",
            "(CST|GMT|UTC|PM|am|Dec|Mon|北京时间|分钟前|小时前|刚刚)",
            "[０-９：　]",
            "\\PC",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// Any instant from 1900 to 2100, with whole seconds or a fraction, and any whole-minute offset
/// up to ±14:59 (RFC 3339 allows ±23:59, but no zone on Earth is more than 14 hours off UTC:
/// the parser refuses larger offsets as not a date).
fn instant_and_offset() -> impl Strategy<Value = (DateTime<Utc>, FixedOffset)> {
    (
        -2_208_988_800i64..4_102_444_800,
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
        -(14 * 60 + 59)..=(14 * 60 + 59i32),
    )
        .prop_map(|(seconds, nanos, minutes)| {
            (
                DateTime::from_timestamp(seconds, nanos).expect("in range"),
                FixedOffset::east_opt(minutes * 60).expect("under a day"),
            )
        })
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn date_parsing_never_panics(text in date_like(), any in "\\PC{0,30}") {
        for text in [&text, &any] {
            parse_date(text, ZONE, now());
            find_date(text, ZONE, now());
        }
    }

    #[test]
    fn rfc3339_dates_read_back_exactly((instant, offset) in instant_and_offset(), z: bool) {
        for format in [SecondsFormat::Secs, SecondsFormat::Millis, SecondsFormat::AutoSi] {
            let written = instant.with_timezone(&offset).to_rfc3339_opts(format, z);
            let expected = match format {
                SecondsFormat::Secs => DateTime::from_timestamp(instant.timestamp(), 0).unwrap(),
                SecondsFormat::Millis => DateTime::from_timestamp_millis(instant.timestamp_millis()).unwrap(),
                _ => instant,
            };
            prop_assert_eq!(parse_date(&written, ZONE, now()), Some(expected), "{}", written);
        }
    }
}

// ---- publish ∘ parse ∘ publish -----------------------------------------------------------------

/// Plain text of a story. `<` and `&` stand before a space: followed by a letter they would
/// start a tag or an entity, and the reader takes titles and summaries as HTML (a feed's
/// `<title>` often carries markup), so a plain `a<b` does not survive publish and read (see
/// "Property tests" in docs/fuzzing.md).
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[成渝经济圈协作西部陆海新通道召开会议]{1,6}",
            2 => "[A-Za-z0-9]{1,8}",
            1 => "[ ,.;:!?，。、“”《》（）]",
            1 => "(& |< |>|\"|')",
        ],
        1..max,
    )
    .prop_map(|parts| parts.concat())
}

fn paragraph() -> impl Strategy<Value = String> {
    (text(8), prop::option::of(text(3)), 0..3u8).prop_map(|(words, extra, shape)| {
        let escaped = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let words = escaped(&words);
        match (shape, extra) {
            (0, Some(extra)) => format!("<p>{words}<strong>{}</strong></p>", escaped(&extra)),
            (1, Some(extra)) => {
                format!("<p>{words}<a href=\"/n/x.htm\">{}</a></p>", escaped(&extra))
            }
            (2, _) => format!("<p>{words}</p><p><img src=\"/pic/1.jpg\" alt=\"图\"></p>"),
            _ => format!("<p>{words}</p>"),
        }
    })
}

/// A story as a feed of one of the beat's sources would carry it.
fn raw_item(n: usize) -> impl Strategy<Value = RawItem> {
    (
        prop::option::of(text(10)),
        prop::option::of(prop::collection::vec(paragraph(), 1..4)),
        prop::option::of(text(60)),
        1_500_000_000i64..1_800_000_000,
        prop::option::of(0i64..1_000_000),
        prop::collection::vec(
            "[陈家明李华张伟]{2,3}|[A-Z][a-z]{2,6} [A-Z][a-z]{2,8}",
            0..3,
        ),
        prop::collection::vec("(交通与通道|产业协作|开放合作)", 0..3),
        "[a-z0-9]{1,6}(\\?id=[0-9]{1,3})?",
    )
        .prop_map(
            move |(title, paragraphs, summary, published, later, authors, categories, path)| {
                RawItem {
                    guid: None,
                    link: Some(format!("/n/{n}-{path}")),
                    title,
                    summary,
                    content: paragraphs.map(|p| p.concat()),
                    published: DateTime::from_timestamp(published, 0),
                    updated: later.and_then(|s| DateTime::from_timestamp(published + s, 0)),
                    authors,
                    categories: {
                        let mut unique = categories;
                        unique.dedup();
                        unique
                    },
                }
            },
        )
}

fn channel() -> Channel {
    Channel {
        title: "西南经济协作".to_owned(),
        description: "川渝滇黔 & more".to_owned(),
        link: "https://example.org/beat/".to_owned(),
        feed_url: Some("https://example.org/beat/feed.xml".to_owned()),
        language: "zh-cn".to_owned(),
        timezone: ZONE,
        ttl_minutes: Some(30),
        categories: Vec::new(),
    }
}

fn outlet() -> Outlet {
    Outlet {
        name: "四川经济日报".to_owned(),
        url: Some("http://www.scjjrb.com/".to_owned()),
    }
}

/// Stories as the pipeline stores them: each raw story normalised, with its public guid and
/// the categories it was given.
fn stories(raws: &[(RawItem, String)]) -> Vec<Item> {
    let outlet = outlet();
    let base = Url::parse("http://www.scjjrb.com/rss/index.xml").expect("valid URL");
    let ctx = ItemContext {
        source: "scjjrb",
        outlet: &outlet,
        base: &base,
        site: None,
        tz: ZONE,
        now: now(),
    };
    raws.iter()
        .filter_map(|(raw, id)| {
            let mut item = normalise_item(raw, &ctx).ok()?.item;
            item.id = id.clone();
            item.categories = raw.categories.clone();
            Some(item)
        })
        .collect()
}

/// Stories read back from a published document, as the pipeline would store them: each read
/// item normalised again, under the guid the document gave it. What no feed format carries
/// (source id, outlet, when first seen) is the original story's.
fn read_back(document: &str, originals: &[Item], id_of: impl Fn(&str) -> String) -> Vec<Item> {
    let base = Url::parse(&channel().link).expect("valid URL");
    let parsed = parse_feed(document, Some(&base), ZONE, now()).expect("the published feed parses");
    assert_eq!(
        parsed.items.len(),
        originals.len(),
        "every story reads back"
    );
    parsed
        .items
        .iter()
        .map(|raw| {
            let id = id_of(raw.guid.as_deref().expect("every story has a guid"));
            let original = originals
                .iter()
                .find(|item| item.id == id)
                .unwrap_or_else(|| panic!("guid {id:?} was not published"));
            let ctx = ItemContext {
                source: &original.source,
                outlet: &original.outlet,
                base: &base,
                site: None,
                tz: ZONE,
                now: original.first_seen,
            };
            let mut item = normalise_item(raw, &ctx)
                .expect("a published story normalises")
                .item;
            // JSON Feed 1.1: an item without `authors` has the feed's, and the feed's author is
            // the beat (`to_json_feed`): the story itself had none.
            item.authors.retain(|author| *author != channel().title);
            item.id = id;
            item.categories = raw.categories.clone();
            item
        })
        .collect()
}

fn guid() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-f0-9]{16}",
        "[a-z]{1,4}[:/ #%&<>?中文]{0,3}[a-z0-9]{0,4}",
    ]
}

fn feeds() -> impl Strategy<Value = Vec<Item>> {
    prop::collection::vec((0usize..1, guid()), 1..5)
        .prop_flat_map(|slots| {
            slots
                .into_iter()
                .enumerate()
                .map(|(n, (_, guid))| (raw_item(n), Just(format!("{guid}-{n}"))))
                .collect::<Vec<_>>()
        })
        .prop_map(|raws| stories(&raws))
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn rss_reads_back_to_the_same_feed(items in feeds()) {
        let first = to_rss(&channel(), &items);
        let again = to_rss(&channel(), &read_back(&first, &items, str::to_owned));
        prop_assert_eq!(first, again);
    }

    #[test]
    fn atom_reads_back_to_the_same_feed(items in feeds()) {
        let first = to_atom(&channel(), &items);
        let id_of = |urn: &str| {
            let guid = urn.strip_prefix("urn:beatwire:").expect("a beatwire urn");
            percent_encoding::percent_decode_str(guid).decode_utf8().unwrap().into_owned()
        };
        let again = to_atom(&channel(), &read_back(&first, &items, id_of));
        prop_assert_eq!(first, again);
    }

    #[test]
    fn json_feed_reads_back_to_the_same_feed(items in feeds()) {
        let first = String::from_utf8(to_json_feed(&channel(), &items).unwrap()).unwrap();
        let again = to_json_feed(&channel(), &read_back(&first, &items, str::to_owned)).unwrap();
        prop_assert_eq!(first, String::from_utf8(again).unwrap());
    }
}
