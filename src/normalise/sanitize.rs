//! HTML that is safe to republish: an allow-list of tags and attributes (ammonia), absolute
//! URLs, and lazy-loaded images made real.
//!
//! This module must not choose what the body of a story is (`extract` does) and runs last,
//! after every other change to a story's HTML.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use ammonia::{Builder, UrlRelative};
use url::Url;

/// Tags kept; any other tag is dropped but its content kept.
const TAGS: &[&str] = &[
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "pre",
    "code",
    "sub",
    "sup",
    "hr",
    "span",
    "div",
];

/// Tags dropped together with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "form", "noscript", "template", "textarea",
    "select", "button", "svg",
];

/// Attributes where lazy-loading scripts keep an image's real URL, most common first.
const LAZY_SRC_ATTRIBUTES: &[&str] = &[
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-original-src",
    "data-actualsrc",
    "data-lazyload",
];

/// File-name fragments of the tiny images that stand in for lazy-loaded ones: a test of a
/// `src` only. The URL a lazy-loading attribute holds is the real one whatever its name
/// (`/img/lazy.jpg`, `loading-dock.jpg`).
const PLACEHOLDER_NAMES: &[&str] = &[
    "blank",
    "placeholder",
    "loading",
    "spacer",
    "pixel",
    "transparent",
    "lazy",
    "grey.",
    "gray.",
    "1x1",
];

/// Sanitizes `html` for republishing: keeps only the tags in [`TAGS`] with `a[href]`,
/// `img[src alt width height]` and `td/th[colspan rowspan]`; removes [`DROPPED_WITH_CONTENT`]
/// with their content, comments, event handlers, styles, classes and every URL that is not
/// http, https or mailto; resolves relative URLs against `base`; gives links
/// `rel="noopener noreferrer"`. Lazy-loaded images get their real URL first (see
/// [`promote_lazy_images`]).
pub fn sanitize(html: &str, base: &Url) -> String {
    // Text without markup (many feeds' descriptions) comes out of the parser and serializer
    // as it went in; only these characters are ever rewritten (a BOM is dropped).
    if !html.contains(['<', '>', '&', '\r', '\0', '\u{a0}', '\u{feff}']) {
        return html.to_owned();
    }
    let html = promote_lazy_images(html);
    CLEANER.with_borrow_mut(|cleaner| {
        cleaner
            .url_relative(UrlRelative::RewriteWithBase(base.clone()))
            .clean(&html)
            .to_string()
    })
}

thread_local! {
    /// The sanitizer's rules, built once per thread: building them (ammonia's defaults, then
    /// these sets) cost as much as cleaning a short story. Only the base URL changes per call.
    static CLEANER: std::cell::RefCell<Builder<'static>> = std::cell::RefCell::new(cleaner());
}

fn cleaner() -> Builder<'static> {
    let tag_attributes = HashMap::from([
        ("a", HashSet::from(["href"])),
        ("img", HashSet::from(["src", "alt", "width", "height"])),
        ("td", HashSet::from(["colspan", "rowspan"])),
        ("th", HashSet::from(["colspan", "rowspan"])),
    ]);
    let mut builder = Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(tag_attributes)
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
}

/// Gives every `<img>` that has its URL in a lazy-loading attribute (`data-src`,
/// `data-original`, `data-lazy-src`, …) and no real `src` (none, or a placeholder: empty,
/// `about:blank`, a `data:` URI, a blank/loading/1x1 image) that URL as `src`. The lazy URL
/// is taken whatever its file name: only a `src` can be a stand-in.
///
/// One pass over the text, no parse: only `<img …>` tags are read, the rest is copied.
pub fn promote_lazy_images(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + offset;
        let is_img = bytes
            .get(start + 1..start + 4)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"img"))
            && bytes
                .get(start + 4)
                .is_some_and(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
        if !is_img {
            i = start + 1;
            continue;
        }
        let tag = read_tag(html, start + 4);
        if let Some(promoted) = promoted_img(html, &tag) {
            out.push_str(&html[copied..start]);
            out.push_str(&promoted);
            copied = tag.end;
        }
        i = tag.end.max(start + 1);
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

struct Attribute<'a> {
    name: String,
    value: &'a str,
    /// The attribute's text in the document, `name="value"`.
    span: (usize, usize),
}

struct Tag<'a> {
    attributes: Vec<Attribute<'a>>,
    self_closing: bool,
    /// Index just past the closing `>` (or the end of the text).
    end: usize,
}

/// Reads the attributes of a tag from `i` (just after its name) to its closing `>`.
fn read_tag(html: &str, mut i: usize) -> Tag<'_> {
    let bytes = html.as_bytes();
    let n = bytes.len();
    let mut attributes = Vec::new();
    let mut self_closing = false;
    loop {
        while i < n && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            self_closing = bytes[i] == b'/';
            i += 1;
        }
        if i >= n || bytes[i] == b'>' {
            return Tag {
                attributes,
                self_closing,
                end: (i + 1).min(n),
            };
        }
        self_closing = false;
        let start = i;
        while i < n && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/')
            || i == start
        {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut value = "";
        let mut after_name = i;
        while after_name < n && bytes[after_name].is_ascii_whitespace() {
            after_name += 1;
        }
        if after_name < n && bytes[after_name] == b'=' {
            i = after_name + 1;
            while i < n && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < n && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let close = bytes[i + 1..]
                    .iter()
                    .position(|&b| b == quote)
                    .map_or(n, |p| i + 1 + p);
                value = &html[i + 1..close];
                i = (close + 1).min(n);
            } else {
                let value_start = i;
                while i < n && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = &html[value_start..i];
            }
        }
        attributes.push(Attribute {
            name,
            value,
            span: (start, i),
        });
    }
}

/// The rewritten `<img>` when it has a lazy URL and no real `src`.
fn promoted_img(html: &str, tag: &Tag<'_>) -> Option<String> {
    let get = |name: &str| {
        tag.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.trim())
    };
    let lazy = lazy_source(get)?;
    if get("src").is_some_and(|src| !is_placeholder(src)) {
        return None;
    }
    let mut out = format!("<img src=\"{}\"", lazy.replace('"', "&quot;"));
    for attribute in tag.attributes.iter().filter(|a| a.name != "src") {
        out.push(' ');
        out.push_str(&html[attribute.span.0..attribute.span.1]);
    }
    out.push_str(if tag.self_closing { " />" } else { ">" });
    Some(out)
}

/// The URL an `<img>` shows once loaded: its `src`, or, when that is missing or a placeholder,
/// the first lazy-loading attribute that holds a real URL. `attr` reads an attribute.
pub fn image_source<'a>(attr: impl Fn(&str) -> Option<&'a str>) -> Option<&'a str> {
    attr("src")
        .map(str::trim)
        .filter(|src| !is_placeholder(src))
        .or_else(|| lazy_source(attr))
}

/// The first lazy-loading attribute that holds a URL of an image file: no file name makes it a
/// stand-in (that is a test of `src`).
fn lazy_source<'a>(attr: impl Fn(&str) -> Option<&'a str>) -> Option<&'a str> {
    LAZY_SRC_ATTRIBUTES
        .iter()
        .filter_map(|name| attr(name))
        .map(str::trim)
        .find(|url| !is_no_image(url))
}

/// A `src` that stands in for the real image: no image at all, or a file named as a blank,
/// loading or 1x1 image.
fn is_placeholder(src: &str) -> bool {
    if is_no_image(src) {
        return true;
    }
    let src = src.trim().to_ascii_lowercase();
    let path = src.split(['?', '#']).next().unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    PLACEHOLDER_NAMES.iter().any(|name| file.contains(name))
}

/// An image URL that points at no file: empty, `#`, `about:blank`, an inline `data:` URI.
fn is_no_image(url: &str) -> bool {
    let url = url.trim();
    url.is_empty()
        || url == "#"
        || url.eq_ignore_ascii_case("about:blank")
        || url
            .get(..5)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("data:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://www.scjjrb.com/jjxz/2018-12/24/content_1.htm").expect("base parses")
    }

    #[test]
    fn keeps_article_markup_and_resolves_urls() {
        let html = r#"<div class="TRS_Editor" style="font-size:14px"><h2 id="t">深化区域协作 共襄南向开放</h2>
<p align="center"><img src="../../images/zg.jpg" alt="联席会现场" width="600" height="400" onclick="zoom(this)"></p>
<p>四川经济日报自贡讯(记者&nbsp;陈家明)近日，<a href="/jjxz/2018-12/20/content_9.htm" target="_blank" onmouseover="x()">重庆经济协作区</a>第二十次市长联席会在<strong>自贡</strong>召开。</p></div>"#;
        assert_eq!(
            sanitize(html, &base()),
            "<div><h2>深化区域协作 共襄南向开放</h2>\n\
             <p><img src=\"http://www.scjjrb.com/jjxz/images/zg.jpg\" alt=\"联席会现场\" width=\"600\" height=\"400\"></p>\n\
             <p>四川经济日报自贡讯(记者&nbsp;陈家明)近日，<a href=\"http://www.scjjrb.com/jjxz/2018-12/20/content_9.htm\" rel=\"noopener noreferrer\">重庆经济协作区</a>第二十次市长联席会在<strong>自贡</strong>召开。</p></div>"
        );
    }

    #[test]
    fn removes_active_content_with_its_content() {
        let html = r#"<p>正文</p><script>document.write('<p>广告</p>')</script><style>p{color:red}</style>
<iframe src="https://v.qq.com/x"><p>视频</p></iframe><form action="/s"><input name="q">搜索</form>
<object data="f.swf">插件</object><embed src="f.swf"><noscript><img src="a.jpg"></noscript><!-- 责任编辑 --><font color=red>红字</font>"#;
        assert_eq!(sanitize(html, &base()), "<p>正文</p>\n\n红字");
    }

    #[test]
    fn refuses_script_and_data_urls() {
        let html = r#"<a href="javascript:alert(1)">链接</a><a href=" JAVASCRIPT:alert(1)">二</a><img src="data:image/png;base64,iVBORw0KGgo=" alt="图"><a href="mailto:news@scjjrb.com">投稿</a>"#;
        assert_eq!(
            sanitize(html, &base()),
            "<a rel=\"noopener noreferrer\">链接</a><a rel=\"noopener noreferrer\">二</a><img alt=\"图\"><a href=\"mailto:news@scjjrb.com\" rel=\"noopener noreferrer\">投稿</a>"
        );
    }

    #[test]
    fn promotes_lazy_images_before_sanitizing() {
        let html = r#"<p><img class="lazy" src="/static/images/blank.gif" data-original="/uploads/2018/1224/zg.jpg" alt="自贡"></p>
<p><IMG data-src='//img.cqnews.net/2018/a.jpg'></p><p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-lazy-src="b.png" /></p>
<p><img src="real.jpg" data-src="other.jpg"></p>"#;
        assert_eq!(
            sanitize(html, &base()),
            "<p><img src=\"http://www.scjjrb.com/uploads/2018/1224/zg.jpg\" alt=\"自贡\"></p>\n\
             <p><img src=\"http://img.cqnews.net/2018/a.jpg\"></p><p><img src=\"http://www.scjjrb.com/jjxz/2018-12/24/b.png\"></p>\n\
             <p><img src=\"http://www.scjjrb.com/jjxz/2018-12/24/real.jpg\"></p>"
        );
    }

    #[test]
    fn promotion_leaves_other_markup_untouched() {
        let html = "<p title='a > b'>川渝 < 合作</p><imgx data-src=x><img alt=\"无\">";
        assert!(matches!(promote_lazy_images(html), Cow::Borrowed(_)));
        assert_eq!(
            promote_lazy_images("<img data-src=\"a.jpg\" alt='它的\"图\"'>"),
            "<img src=\"a.jpg\" data-src=\"a.jpg\" alt='它的\"图\"'>"
        );
        assert_eq!(
            promote_lazy_images("<img data-src=a.jpg"),
            "<img src=\"a.jpg\" data-src=a.jpg>"
        );
    }

    #[test]
    fn promotion_never_panics_on_cut_tags() {
        let html = "<p>自贡</p><img alt='图片：联席会' data-src=\"/图/现场.jpg\" src=\"blank.gif\"/><img data-original=成渝.png>";
        for (cut, _) in html.char_indices() {
            let promoted = promote_lazy_images(&html[..cut]);
            assert!(promoted.len() >= cut, "promotion only adds: {cut}");
            let _ = sanitize(&html[cut..], &base());
        }
        assert_eq!(
            promote_lazy_images(html),
            "<p>自贡</p><img src=\"/图/现场.jpg\" alt='图片：联席会' data-src=\"/图/现场.jpg\" /><img src=\"成渝.png\" data-original=成渝.png>"
        );
    }

    // See: `<img data-src="/img/lazy.jpg">` was published with no image, its URL taken for a
    // placeholder by its name.
    #[test]
    fn a_lazy_url_is_taken_whatever_its_file_name() {
        let html = r#"<p><img data-src="/img/lazy.jpg" alt="川渝"></p>
<p><img src="/static/blank.gif" data-original="/uploads/loading-dock.jpg"></p>
<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="transparent-solar.jpg"></p>"#;
        assert_eq!(
            sanitize(html, &base()),
            "<p><img src=\"http://www.scjjrb.com/img/lazy.jpg\" alt=\"川渝\"></p>\n\
             <p><img src=\"http://www.scjjrb.com/uploads/loading-dock.jpg\"></p>\n\
             <p><img src=\"http://www.scjjrb.com/jjxz/2018-12/24/transparent-solar.jpg\"></p>"
        );
        // The lead image reads an `<img>` the same way.
        for (src, lazy) in [
            (None, "/img/lazy.jpg"),
            (Some("/img/loading.gif"), "loading-dock.jpg"),
            (Some(""), "transparent-solar.jpg"),
        ] {
            let attr = |name: &str| match name {
                "src" => src,
                "data-src" => Some(lazy),
                _ => None,
            };
            assert_eq!(image_source(attr), Some(lazy), "{src:?} {lazy}");
        }
        // A lazy attribute with no image in it gives way to the next one.
        let attr = |name: &str| match name {
            "data-src" => Some(" about:blank "),
            "data-original" => Some("/img/lazy.jpg"),
            _ => None,
        };
        assert_eq!(image_source(attr), Some("/img/lazy.jpg"));
    }

    #[test]
    fn placeholders_are_recognised() {
        for src in [
            "",
            "about:blank",
            "data:image/gif;base64,R0lGOD",
            "/images/loading.gif",
            "https://x.cn/s/1x1.png?v=2",
            "grey.gif",
        ] {
            assert!(is_placeholder(src), "{src:?}");
        }
        for src in ["/uploads/2018/1224/zg.jpg", "https://img.cqnews.net/a.png"] {
            assert!(!is_placeholder(src), "{src:?}");
        }
    }
}
