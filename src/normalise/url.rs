//! Links: resolving an `href` against its page, a clean link to publish, a canonical link to compare.
//!
//! This module must not decide identity: `canonical_link` gives a string; `dedup` decides what an
//! equal string means.

use url::Url;

/// Query parameters that only track a click and never select content. Matched case-insensitively
/// on the whole name. Besides these, every name starting with `utm_` (campaign tags) or `share`
/// (`share_token`, `share_from`, `shareId`, … added by share buttons) is a tracking parameter.
///
/// `from`, `scene`, `wfr`, `spm` are the ones Chinese portals and WeChat add to every link.
pub const TRACKING_PARAMS: &[&str] = &[
    "spm",
    "spm_id_from",
    "from",
    "scene",
    "wfr",
    "srcid",
    "isappinstalled",
    "sharer_sharetime",
    "sharer_shareid",
    "clicktime",
    "enterid",
    "vd_source",
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref_src",
    "share_token",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
];

/// Name prefixes of tracking parameters (see [`TRACKING_PARAMS`]).
const TRACKING_PREFIXES: &[&str] = &["utm_", "share"];

/// Characters trimmed around an `href` besides Unicode white space: zero-width characters that
/// editors leave in copied links.
const INVISIBLE: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// Resolves `href` against the page it was found on.
///
/// Trims white space (including U+3000 and no-break spaces) and handles protocol-relative
/// `//host/x`. Returns `None` for empty and fragment-only hrefs (they point into the same page),
/// and for anything that does not resolve to an http or https URL (`javascript:`, `mailto:`,
/// `data:`, `tel:`, …).
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim_matches(|c: char| c.is_whitespace() || INVISIBLE.contains(&c));
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = base.join(href).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then_some(url)
}

/// The link to publish: without fragment and tracking parameters; everything else, scheme and
/// the order and spelling of the other parameters included, is kept.
pub fn clean_link(url: &Url) -> Url {
    let mut clean = url.clone();
    clean.set_fragment(None);
    if let Some(query) = url.query() {
        let kept = kept_params(query);
        clean.set_query((!kept.is_empty()).then(|| kept.join("&")).as_deref());
    }
    clean
}

/// The link as a comparable string: always `https://`, lowercase host, no default port, no user
/// info, no fragment, no tracking parameters, the other parameters sorted by name (stably, so
/// repeated names keep their order), percent escapes in upper case, no empty query.
///
/// `index.html` and trailing slashes are kept: sites differ on what they mean. The result parses
/// back to itself: `canonical_link(&Url::parse(&canonical_link(u))?) == canonical_link(u)`.
pub fn canonical_link(url: &Url) -> String {
    let mut out = String::from("https://");
    out.push_str(&url.host_str().unwrap_or_default().to_lowercase());
    if let Some(port) = url.port().filter(|&p| p != 443) {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out.push_str(&upper_escapes(url.path()));
    if let Some(query) = url.query() {
        let mut kept = kept_params(query);
        // By the name as it is written out (escapes upper-cased), or the order could change
        // when the output is canonicalised again.
        kept.sort_by_key(|param| upper_escapes(param.split('=').next().unwrap_or_default()));
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&upper_escapes(&kept.join("&")));
        }
    }
    out
}

/// The raw `name=value` pieces of a query that are neither empty nor tracking parameters.
fn kept_params(query: &str) -> Vec<&str> {
    query
        .split('&')
        .filter(|param| !param.is_empty())
        .filter(|param| !is_tracking(param.split('=').next().unwrap_or_default()))
        .collect()
}

fn is_tracking(raw_name: &str) -> bool {
    let name: String = url::form_urlencoded::parse(raw_name.as_bytes())
        .next()
        .map(|(name, _)| name.to_lowercase())
        .unwrap_or_default();
    TRACKING_PARAMS.contains(&name.as_str())
        || TRACKING_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// `%e4%b8%ad` → `%E4%B8%AD`: the same bytes, one spelling.
fn upper_escapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(offset) = text[i..].find('%') {
        let at = i + offset;
        out.push_str(&text[i..=at]);
        i = at + 1;
        if bytes.len() >= at + 3
            && bytes[at + 1].is_ascii_hexdigit()
            && bytes[at + 2].is_ascii_hexdigit()
        {
            out.push_str(&text[at + 1..at + 3].to_ascii_uppercase());
            i = at + 3;
        }
    }
    out.push_str(&text[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL parses")
    }

    fn base() -> Url {
        url("http://www.scjjrb.com/jjxz/2018-12/24/content_1.htm")
    }

    fn resolved(href: &str) -> Option<String> {
        resolve(&base(), href).map(String::from)
    }

    #[test]
    fn resolves_relative_absolute_and_protocol_relative_hrefs() {
        assert_eq!(
            resolved("content_2.htm").as_deref(),
            Some("http://www.scjjrb.com/jjxz/2018-12/24/content_2.htm")
        );
        assert_eq!(
            resolved("../25/content_3.htm").as_deref(),
            Some("http://www.scjjrb.com/jjxz/2018-12/25/content_3.htm")
        );
        assert_eq!(
            resolved("/jjxz/").as_deref(),
            Some("http://www.scjjrb.com/jjxz/")
        );
        assert_eq!(
            resolved("//cq.people.com.cn/n2/2018/1224/c365401.html").as_deref(),
            Some("http://cq.people.com.cn/n2/2018/1224/c365401.html")
        );
        assert_eq!(
            resolved("https://WWW.CQ.GOV.CN/zwgk/").as_deref(),
            Some("https://www.cq.gov.cn/zwgk/")
        );
    }

    #[test]
    fn trims_white_space_and_percent_encodes() {
        assert_eq!(
            resolved("\u{3000} content_5.htm?t=成渝\u{a0}\n").as_deref(),
            Some("http://www.scjjrb.com/jjxz/2018-12/24/content_5.htm?t=%E6%88%90%E6%B8%9D")
        );
        assert_eq!(
            resolved("\u{200b}/新闻/川渝 合作.html").as_deref(),
            Some(
                "http://www.scjjrb.com/%E6%96%B0%E9%97%BB/%E5%B7%9D%E6%B8%9D%20%E5%90%88%E4%BD%9C.html"
            )
        );
    }

    #[test]
    fn refuses_non_web_and_empty_hrefs() {
        for href in [
            "",
            "  ",
            "#",
            "#top",
            "javascript:void(0)",
            "JavaScript:;",
            "mailto:news@scjjrb.com",
            "data:text/html,x",
            "tel:028-86630890",
            "ftp://x.org/a",
            "weixin://dl/business",
        ] {
            assert_eq!(resolved(href), None, "{href:?}");
        }
    }

    #[test]
    fn clean_link_drops_fragment_and_tracking_only() {
        let u = url(
            "https://news.sina.com.cn/c/2018-12-24/doc-ihqfskcm.shtml?utm_source=weibo&id=7&spm=a2c.1&from=timeline&Share_Token=x&b=%2F#comments",
        );
        assert_eq!(
            clean_link(&u).as_str(),
            "https://news.sina.com.cn/c/2018-12-24/doc-ihqfskcm.shtml?id=7&b=%2F"
        );
        let u = url(
            "http://mp.weixin.qq.com/s?__biz=MzA&mid=265&idx=1&sn=8f2&scene=21&wfr=spider#wechat_redirect",
        );
        assert_eq!(
            clean_link(&u).as_str(),
            "http://mp.weixin.qq.com/s?__biz=MzA&mid=265&idx=1&sn=8f2"
        );
        let u = url("http://www.cq.gov.cn/zwgk/index.html?utm_medium=rss");
        assert_eq!(
            clean_link(&u).as_str(),
            "http://www.cq.gov.cn/zwgk/index.html"
        );
    }

    #[test]
    fn canonical_link_is_scheme_insensitive_and_sorted() {
        let a = url("http://WWW.SCJJRB.com:80/jjxz/content_1.htm?b=2&a=1&utm_campaign=x#p2");
        let b = url("https://www.scjjrb.com/jjxz/content_1.htm?a=1&b=2");
        assert_eq!(
            canonical_link(&a),
            "https://www.scjjrb.com/jjxz/content_1.htm?a=1&b=2"
        );
        assert_eq!(canonical_link(&a), canonical_link(&b));
        assert_eq!(
            canonical_link(&url("https://user:pw@gov.cn:443/?")),
            "https://gov.cn/"
        );
        assert_eq!(
            canonical_link(&url("http://gov.cn:8080/a?tag=b&tag=a")),
            "https://gov.cn:8080/a?tag=b&tag=a"
        );
        assert_eq!(
            canonical_link(&url("http://gov.cn/%e6%88%90?q=%e6%b8%9d")),
            "https://gov.cn/%E6%88%90?q=%E6%B8%9D"
        );
    }

    #[test]
    fn canonical_link_keeps_index_pages_and_slashes() {
        assert_eq!(
            canonical_link(&url("http://www.gz.gov.cn/xw/index.html")),
            "https://www.gz.gov.cn/xw/index.html"
        );
        assert_ne!(
            canonical_link(&url("http://www.gz.gov.cn/xw/")),
            canonical_link(&url("http://www.gz.gov.cn/xw/index.shtml"))
        );
        assert_ne!(
            canonical_link(&url("http://www.gz.gov.cn/xw/")),
            canonical_link(&url("http://www.gz.gov.cn/xw"))
        );
    }

    #[test]
    fn canonical_link_is_idempotent() {
        let urls = [
            "http://WWW.SCJJRB.com:80/jjxz/content_1.htm?b=2&a=1&utm_campaign=x#p2",
            "http://gov.cn:443/a/../b/./c?z=&y=1&&x=%e4",
            "https://[::1]:8443/x?q=a b",
            "http://例子.中国/新闻?标题=成渝",
            "https://news.sina.com.cn/c/doc.shtml?shareId=1&id=2&ID=3",
            "http://gov.cn/a%2fb?x=1%2B1&x=0",
        ];
        for raw in urls {
            let once = canonical_link(&url(raw));
            let twice = canonical_link(&url(&once));
            assert_eq!(once, twice, "{raw}");
        }
        assert_eq!(
            canonical_link(&url("http://例子.中国/新闻")),
            "https://xn--fsqu00a.xn--fiqs8s/%E6%96%B0%E9%97%BB"
        );
    }

    #[test]
    fn tracking_names_match_whole_names_and_prefixes() {
        assert!(
            is_tracking("utm_source")
                && is_tracking("UTM_Medium")
                && is_tracking("shareId")
                && is_tracking("fbclid")
        );
        assert!(
            !is_tracking("id")
                && !is_tracking("fromdate")
                && !is_tracking("page")
                && !is_tracking("source")
        );
    }

    // See: parameters were sorted by their names as written and only then had their escapes
    // upper-cased, so `a%e4` and `a%E4x` sorted one way the first time and the other way the
    // second: the canonical link was not a fixed point (the promise the canonical_url fuzz
    // target checks; input in fixtures/fuzz/canonical_url/).
    #[test]
    fn canonical_link_sorts_names_by_their_canonical_spelling() {
        let once = canonical_link(&url("http://example.com/p?a%e4=1&a%E4x=2"));
        assert_eq!(once, "https://example.com/p?a%E4=1&a%E4x=2");
        assert_eq!(canonical_link(&url(&once)), once);
    }
}
