//! Source ids derived from URLs: the host without `www.`, then up to two meaningful path
//! segments, in `[a-z0-9-]`, made unique against the ids already taken.
//!
//! Must not: look at anything but the URL and the list of taken ids.

use url::Url;

/// Longest derived id, in characters (cut at a `-`).
pub const MAX_ID_CHARS: usize = 48;

/// Path segments that say nothing about a source: they name the format or the index page.
const GENERIC_SEGMENTS: &[&str] = &[
    "index", "default", "home", "rss", "rss2", "feed", "feeds", "atom", "xml", "json", "rdf",
    "html", "htm", "shtml", "php", "asp", "aspx", "jsp",
];

/// An id for the source at `url`, e.g. `http://www.scjjrb.com/jjxz/index.htm` → `scjjrb-com-jjxz`.
pub fn id_from_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut parts = vec![slug(host)];
    let segments = url.path_segments().into_iter().flatten();
    let meaningful = segments
        .map(|segment| percent_encoding::percent_decode_str(segment).decode_utf8_lossy())
        .map(|segment| {
            let stem = segment.rsplit_once('.').map_or(&*segment, |(stem, _)| stem);
            slug(stem)
        })
        .filter(|s| !s.is_empty() && !GENERIC_SEGMENTS.contains(&s.as_str()));
    parts.extend(meaningful.take(2));
    let mut id = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if id.len() > MAX_ID_CHARS {
        let cut = id[..MAX_ID_CHARS].rfind('-').unwrap_or(MAX_ID_CHARS);
        id.truncate(cut);
    }
    if id.is_empty() {
        "source".to_owned()
    } else {
        id
    }
}

/// `base`, or `base-2`, `base-3`, … : the first that is not taken.
pub fn unique_id(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| base.to_owned())
}

/// Lowercase ASCII letters and digits; any run of other characters becomes one `-`.
fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(url: &str) -> String {
        id_from_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn ids_come_from_the_host_and_meaningful_path_segments() {
        assert_eq!(
            id("http://www.scjjrb.com/jjxz/index.htm"),
            "scjjrb-com-jjxz"
        );
        assert_eq!(
            id("https://www.chinanews.com.cn/rss/finance.xml"),
            "chinanews-com-cn-finance"
        );
        assert_eq!(id("http://127.0.0.1:8080/feed.xml"), "127-0-0-1");
        assert_eq!(
            id("https://news.example.org/区域/经济/"),
            "news-example-org"
        );
        assert_eq!(
            id("https://a.example.org/one/two/three"),
            "a-example-org-one-two"
        );
    }

    #[test]
    fn long_ids_are_cut_at_a_dash() {
        let long =
            id("https://a-very-long-host-name.of-some-outlet.example.org/section-with-a-name/");
        assert!(long.len() <= MAX_ID_CHARS, "{long}");
        assert!(!long.ends_with('-'), "{long}");
    }

    #[test]
    fn taken_ids_get_a_number() {
        let taken = vec!["cq".to_owned(), "cq-2".to_owned()];
        assert_eq!(unique_id("cq", &taken), "cq-3");
        assert_eq!(unique_id("yn", &taken), "yn");
    }
}
