//! What a page says about itself outside its text: `<meta>` tags (`name`, `property`,
//! `itemprop`), `<time datetime>`, JSON-LD (`datePublished`, `author`, `articleSection`,
//! `image`), the `<title>`; and the two fields read from the page's furniture: the section
//! (a breadcrumb `首页 > 今日西南 > 正文`, or the column name over the title) and the lead
//! image.
//!
//! This module must not read the body's prose: `byline` and `people` do.

use serde_json::Value;
use url::Url;

use super::Rule;
use super::body::Body;
use super::dom::{Dom, is_cjk};
use crate::normalise::{clean_text, resolve, sanitize::image_source};

/// JSON-LD larger than this is not read.
const MAX_JSON_LD_BYTES: usize = 256 * 1024;
/// Lines before the title searched for a breadcrumb.
const BREADCRUMB_LINES: usize = 40;

/// The page's self-description.
#[derive(Debug, Default)]
pub struct Meta {
    /// `(name, content)`, names lower-cased, in document order.
    pub tags: Vec<(String, String)>,
    /// The `<title>` text.
    pub page_title: Option<String>,
    /// JSON-LD objects, `@graph` members included.
    pub linked_data: Vec<serde_json::Map<String, Value>>,
}

impl Meta {
    pub fn collect(dom: &Dom<'_>) -> Meta {
        let mut meta = Meta::default();
        for slot in &dom.slots {
            match slot.name {
                "meta" => {
                    let key = slot
                        .attr("name")
                        .or_else(|| slot.attr("property"))
                        .or_else(|| slot.attr("itemprop"));
                    let value = slot.attr("content").or_else(|| slot.attr("datetime"));
                    if let (Some(key), Some(value)) = (key, value) {
                        let value = clean_text(value);
                        if !value.is_empty() {
                            meta.tags.push((key.trim().to_ascii_lowercase(), value));
                        }
                    }
                }
                "time" => {
                    if let Some(value) = slot.attr("datetime") {
                        meta.tags
                            .push(("<time datetime>".to_owned(), clean_text(value)));
                    }
                }
                "title" if meta.page_title.is_none() => {
                    let text = clean_text(&child_text(slot.node));
                    if !text.is_empty() {
                        meta.page_title = Some(text);
                    }
                }
                "script" if slot.attr("type") == Some("application/ld+json") => {
                    let text = child_text(slot.node);
                    // Some pages wrap the JSON in `<![CDATA[ … ]]>` for XHTML parsers.
                    let json = unwrap_cdata(&text).unwrap_or(&text);
                    if text.len() <= MAX_JSON_LD_BYTES
                        && let Ok(value) = serde_json::from_str::<Value>(json)
                    {
                        flatten(value, &mut meta.linked_data);
                    }
                }
                _ => {}
            }
        }
        meta
    }

    /// The first tag named one of `names` (lower case), in the order of `names`.
    pub fn tag(&self, names: &[&str]) -> Option<(&str, &str)> {
        names.iter().find_map(|name| {
            self.tags
                .iter()
                .find(|(key, _)| key == name)
                .map(|(key, value)| (key.as_str(), value.as_str()))
        })
    }

    /// The first JSON-LD value of `key` as text (`{"name": …}` and arrays are unwrapped).
    pub fn linked(&self, key: &str) -> Option<String> {
        self.linked_data
            .iter()
            .find_map(|object| object.get(key).and_then(as_text))
    }
}

/// Words that end the `@type` of a JSON-LD object that is one story (`NewsArticle`,
/// `ReportageNewsArticle`, `BlogPosting`, `LiveBlogPosting`, `Report` …).
const STORY_TYPE_ENDS: &[&str] = &["Article", "Posting", "Report"];
/// `@type`s of JSON-LD objects that name the site or its owner.
const SITE_TYPES: &[&str] = &[
    "WebSite",
    "Organization",
    "NewsMediaOrganization",
    "Corporation",
    "GovernmentOrganization",
];
/// Tags that name the site.
const SITE_TAGS: &[&str] = &[
    "og:site_name",
    "application-name",
    "apple-mobile-web-app-title",
];

impl Meta {
    /// The JSON-LD `headline` of the story: of an object typed as an article first (a page
    /// often also describes itself as a `WebPage` with its own `headline`), else of any object.
    pub fn headline(&self) -> Option<String> {
        let story = self
            .linked_data
            .iter()
            .filter(|object| is_story(object))
            .find_map(|object| object.get("headline").and_then(as_text));
        story.or_else(|| self.linked("headline"))
    }

    /// Names the page gives its site: `og:site_name`, `application-name`, and the `name` of a
    /// JSON-LD `WebSite` or `Organization` (the story's `publisher` too).
    pub fn site_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tags
            .iter()
            .filter(|(key, _)| SITE_TAGS.contains(&key.as_str()))
            .map(|(_, value)| value.clone())
            .collect();
        for object in &self.linked_data {
            let named = if types(object).any(|t| SITE_TYPES.contains(&t)) {
                object.get("name")
            } else {
                object.get("publisher")
            };
            if let Some(name) = named.and_then(as_text) {
                names.push(name);
            }
        }
        names.retain(|name| {
            !name.starts_with("http") && !name.starts_with('#') && name.chars().count() <= 60
        });
        names
    }
}

/// The `@type`s of a JSON-LD object (a string or an array of them).
pub(super) fn types(object: &serde_json::Map<String, Value>) -> impl Iterator<Item = &str> {
    let value = object.get("@type");
    let one = value.and_then(Value::as_str);
    let many = value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    one.into_iter().chain(many)
}

fn is_story(object: &serde_json::Map<String, Value>) -> bool {
    types(object).any(|t| STORY_TYPE_ENDS.iter().any(|end| t.ends_with(end)))
}

fn child_text(node: ego_tree::NodeRef<'_, scraper::Node>) -> String {
    node.children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// The JSON inside `<![CDATA[ … ]]>` (with or without `//` before each marker), if so wrapped.
fn unwrap_cdata(text: &str) -> Option<&str> {
    let text = text.trim().trim_start_matches("//").trim_start();
    let inner = text.strip_prefix("<![CDATA[")?;
    let inner = inner.trim_end();
    let inner = inner.strip_suffix("]]>").unwrap_or(inner).trim_end();
    Some(inner.strip_suffix("//").unwrap_or(inner).trim())
}

/// JSON-LD objects, `@graph` members and arrays included, at most a few hundred.
fn flatten(value: Value, out: &mut Vec<serde_json::Map<String, Value>>) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        if out.len() >= 256 {
            return;
        }
        match value {
            Value::Array(items) => stack.extend(items.into_iter().rev()),
            Value::Object(mut object) => {
                if let Some(graph) = object.remove("@graph") {
                    stack.push(graph);
                }
                out.push(object);
            }
            _ => {}
        }
    }
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(clean_text(s)).filter(|s| !s.is_empty()),
        Value::Object(object) => ["name", "url", "@id"]
            .iter()
            .find_map(|k| object.get(*k).and_then(as_text)),
        Value::Array(items) => items.iter().find_map(as_text),
        _ => None,
    }
}

/// Words of a breadcrumb that are no section.
const NOT_SECTIONS: &[&str] = &[
    "首页",
    "主页",
    "网站首页",
    "正文",
    "详情",
    "内容",
    "文章",
    "阅读",
    "正文内容",
    "新闻详情",
    "home",
    "Home",
    "HOME",
];
const LOCATION_LABELS: &[&str] = &[
    "您现在的位置",
    "你现在的位置",
    "您的位置",
    "你的位置",
    "当前位置",
    "现在位置",
    "所在位置",
    "当前栏目",
    "位置",
];

/// The page's section: a `<meta>` / JSON-LD section, a breadcrumb before the title, or the
/// column name right over the title. `title_line` is the index of the title's line, when known.
pub fn section(dom: &Dom<'_>, meta: &Meta, before_line: usize) -> Option<(String, Rule)> {
    if let Some((name, value)) = meta.tag(&["article:section", "articlesection"]) {
        return Some((value.to_owned(), Rule::Meta(name.to_owned())));
    }
    if let Some(value) = meta.linked("articleSection") {
        return Some((value, Rule::Meta("JSON-LD articleSection".to_owned())));
    }
    let from = before_line.saturating_sub(BREADCRUMB_LINES);
    let lines = dom.lines.get(from..before_line).unwrap_or_default();
    for line in lines.iter().rev() {
        if let Some(section) = breadcrumb(&line.text, line.link_chars * 2 >= line.chars) {
            return Some((section, Rule::Generic("breadcrumb")));
        }
    }
    // A column name over the title: a short line that is one link, alone in its block.
    for line in lines.iter().rev().take(3) {
        let block = dom.slot(line.block);
        let chars = line.text.chars().count();
        if (2..=10).contains(&chars)
            && line.text.chars().all(is_cjk)
            && line.link_chars == line.chars
            && block.counts.links == 1
            && !matches!(block.name, "li" | "ul" | "ol")
        {
            return Some((
                line.text.clone(),
                Rule::Generic("column name over the title"),
            ));
        }
    }
    None
}

/// The last real crumb of a breadcrumb line: `当前位置：首页 > 今日西南 > 正文` → `今日西南`.
fn breadcrumb(text: &str, mostly_links: bool) -> Option<String> {
    let labelled = LOCATION_LABELS.iter().find_map(|label| {
        text.strip_prefix(label)
            .map(|rest| rest.trim_start_matches([':', '：', ' ']))
    });
    let rest = match labelled {
        Some(rest) => rest,
        None if mostly_links => text,
        None => return None,
    };
    // A labelled trail may use any separator; an unlabelled one only arrows (a menu uses `|`).
    let arrows = ['>', '»', '›', '→', '＞', '〉'];
    let separators: &[char] = if labelled.is_some() {
        &['>', '»', '›', '→', '＞', '〉', '/', '|', '｜', '-']
    } else {
        &arrows
    };
    if !rest.contains(separators) {
        return None;
    }
    rest.split(separators)
        .map(str::trim)
        .rfind(|c| !c.is_empty() && !NOT_SECTIONS.contains(c))
        .filter(|c| c.chars().count() <= 20)
        .map(str::to_owned)
}

/// Image file names that are page furniture, not a story's picture.
const FURNITURE: &[&str] = &[
    "logo", "icon", "avatar", "qrcode", "erweima", "share", "weixin", "wechat", "weibo", "btn",
    "button", "arrow", "banner", "ad_", "/ad/",
];

/// The story's lead image: `og:image` and kin, else the first real picture of the body.
pub fn lead_image(dom: &Dom<'_>, meta: &Meta, body: &Body, base: &Url) -> Option<(String, Rule)> {
    if let Some((name, value)) =
        meta.tag(&["og:image", "twitter:image", "twitter:image:src", "image"])
        && let Some(url) = resolve(base, value)
    {
        return Some((url.to_string(), Rule::Meta(name.to_owned())));
    }
    if let Some(url) = meta.linked("image").and_then(|v| resolve(base, &v)) {
        return Some((url.to_string(), Rule::Meta("JSON-LD image".to_owned())));
    }
    let removed = body.removed(dom);
    for &root in &body.roots {
        for i in root..dom.slot(root).end {
            let slot = dom.slot(i);
            if slot.name != "img" || removed[i as usize] {
                continue;
            }
            let small = ["width", "height"].iter().any(|a| {
                slot.attr(a)
                    .and_then(|v| v.trim().trim_end_matches("px").parse::<u32>().ok())
                    .is_some_and(|n| n < 100)
            });
            let Some(src) = image_source(|name| slot.attr(name)) else {
                continue;
            };
            let lower = src.to_ascii_lowercase();
            if small || FURNITURE.iter().any(|f| lower.contains(f)) {
                continue;
            }
            if let Some(url) = resolve(base, src) {
                return Some((url.to_string(), Rule::Generic("first picture of the body")));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_wrapped_in_cdata_as_xhtml_writes_it_is_read() {
        assert_eq!(
            unwrap_cdata("\n  <![CDATA[\n {\"a\": 1}\n ]]>\n"),
            Some("{\"a\": 1}")
        );
        assert_eq!(unwrap_cdata("//<![CDATA[\n[1]\n//]]>"), Some("[1]"));
        assert_eq!(unwrap_cdata("{\"a\": 1}"), None);
    }

    fn linked(json: &str) -> Meta {
        let mut meta = Meta::default();
        flatten(serde_json::from_str(json).unwrap(), &mut meta.linked_data);
        meta
    }

    /// The story's own `headline` wins over that of the page or site around it, also inside
    /// `@graph`, whatever the order.
    #[test]
    fn the_headline_of_an_article_type_is_preferred() {
        let meta = linked(
            r#"{"@graph": [
                {"@type": "WebPage", "headline": "News | Valley Ledger"},
                {"@type": ["ReportageNewsArticle"], "headline": "Bridge reopens"},
                {"@type": "Organization", "name": "Valley Ledger"}]}"#,
        );
        assert_eq!(meta.headline().as_deref(), Some("Bridge reopens"));
        assert_eq!(meta.site_names(), ["Valley Ledger"]);
        let meta = linked(r#"{"@type": "WebPage", "headline": "Bridge reopens"}"#);
        assert_eq!(meta.headline().as_deref(), Some("Bridge reopens"));
    }

    #[test]
    fn breadcrumbs_give_their_last_real_crumb() {
        assert_eq!(
            breadcrumb("当前位置：首页 > 今日西南 > 正文", true).as_deref(),
            Some("今日西南")
        );
        assert_eq!(
            breadcrumb("您现在的位置: 首页 » 经济 » 区域合作", false).as_deref(),
            Some("区域合作")
        );
        assert_eq!(
            breadcrumb("首页 > 新闻中心 > 国内", true).as_deref(),
            Some("国内")
        );
        assert_eq!(breadcrumb("首页 新闻 体育", true), None);
        assert_eq!(
            breadcrumb("首页 | 时政新闻 | 今日西南 | 数字报", true),
            None
        );
        assert_eq!(
            breadcrumb("位置：首页 | 部门动态", false).as_deref(),
            Some("部门动态")
        );
        assert_eq!(breadcrumb("首页 > 新闻", false), None);
        assert_eq!(
            breadcrumb("网易新闻 > 国内新闻 > 正文", true).as_deref(),
            Some("国内新闻")
        );
    }
}
