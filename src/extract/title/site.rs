//! The site's name around a title: what reads as one (`_四川经济日报`, `-新华网`, `| 网易新闻`)
//! and what the page itself says is one (`og:site_name`, `application-name`, a trailing
//! segment that the `<title>` and `og:title` both end with).
//!
//! This module must not choose a title: it only cuts the site's name off one.

use std::sync::LazyLock;

use regex::Regex;

use super::key;

/// A segment after a separator that is at most this long may be a site name.
const MAX_SUFFIX_CHARS: usize = 30;

/// Words of a site name, after a separator.
static SITE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)网|报|刊|频道|新闻|政府|门户|在线|电视|广播|中心|官方|首页|平台|客户端|资讯|论坛|博客|社区|\.com|\.cn|\.net|\.org|www\.|news|daily|times|post|online|blog|tv\b")
        .expect("valid regex")
});
/// Separators between a title and the site's name.
const SEPARATORS: &[&str] = &[
    "--", " - ", " – ", " — ", "_", "|", "｜", " -", "- ", "-", "—", "·", "::", "»",
];

/// Whether `text` reads as the name of a site or outlet rather than a person's.
pub fn is_site_name(text: &str) -> bool {
    SITE_WORDS.is_match(text)
}

/// The last separator in `title`: where it starts and how long it is.
fn last_separator(title: &str) -> Option<(usize, usize)> {
    SEPARATORS
        .iter()
        .filter_map(|sep| title.rfind(sep).map(|at| (at, sep.len())))
        .max_by_key(|&(at, _)| at)
}

/// `重庆经济协作区…召开_四川经济日报` → `重庆经济协作区…召开`: trailing segments that read as
/// a site's name (short, or with 网 / 报 / 频道 / `.com` …) go, one after another.
pub fn strip_site_suffix(title: &str) -> String {
    let mut title = title.trim().to_owned();
    loop {
        let Some((at, len)) = last_separator(&title) else {
            return title;
        };
        let head = title[..at].trim_end();
        let tail = title[at + len..].trim();
        let tail_chars = tail.chars().count();
        let is_site = tail.is_empty()
            || tail_chars <= MAX_SUFFIX_CHARS && SITE_WORDS.is_match(tail)
            || tail_chars <= 6;
        if head.chars().count() < 4 || !is_site {
            return title;
        }
        title = head.to_owned();
    }
}

/// Whether a trailing segment is one of the site's names: the same letters, or one holds the
/// other (`维基百科，自由的百科全书` holds `维基百科`).
fn names_site(tail: &str, sites: &[String]) -> bool {
    let tail = key(tail);
    tail.chars().count() >= 2
        && sites
            .iter()
            .map(|s| key(s))
            .any(|site| site.chars().count() >= 2 && (tail.contains(&site) || site.contains(&tail)))
}

/// `某某通知 - 东区办事处` with `东区办事处` as the page's `application-name` → `某某通知`:
/// trailing segments that the page names as its site go, one after another, even when they do
/// not read as a site's name. A segment set off by a space alone goes only when it is exactly
/// a site's name.
pub fn strip_named_site(title: &str, sites: &[String]) -> String {
    let mut title = title.trim().to_owned();
    if sites.is_empty() {
        return title;
    }
    loop {
        let cut = last_separator(&title)
            .filter(|&(at, len)| names_site(&title[at + len..], sites))
            .map(|(at, _)| at)
            .or_else(|| {
                let at = title.rfind(char::is_whitespace)?;
                let tail = key(&title[at..]);
                sites.iter().any(|s| key(s) == tail).then_some(at)
            });
        match cut {
            Some(at) if key(&title[..at]).chars().count() >= 4 => {
                title = title[..at].trim_end().to_owned();
            }
            _ => return title,
        }
    }
}

/// The trailing segment two titles of the page end with (`… | Example Post` on both the
/// `<title>` and `og:title`): the site's name, whatever its words.
pub fn shared_suffix(a: &str, b: &str) -> Option<String> {
    let (at_a, len_a) = last_separator(a)?;
    let (at_b, len_b) = last_separator(b)?;
    let tail_a = a[at_a + len_a..].trim();
    let tail_b = b[at_b + len_b..].trim();
    let same = !key(tail_a).is_empty() && key(tail_a) == key(tail_b);
    // Two copies of one title end alike because they are alike, with or without a kicker
    // before one of them: that is no evidence.
    let (head_a, head_b) = (key(&a[..at_a]), key(&b[..at_b]));
    let copies = head_a.contains(&head_b) || head_b.contains(&head_a);
    (same && !copies).then(|| tail_a.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_suffixes_are_cut() {
        let cases = [
            (
                "重庆经济协作区第二十次市长联席会在自贡召开_四川经济日报",
                "重庆经济协作区第二十次市长联席会在自贡召开",
            ),
            ("川渝签署合作协议-新华网", "川渝签署合作协议"),
            (
                "拿出10万元投资房产 小两口尝试以钱生钱(图)_新浪房产_新浪网",
                "拿出10万元投资房产 小两口尝试以钱生钱(图)",
            ),
            (
                "拿起跨界“指挥棒”她跟学生“较着劲儿”成长--大河网",
                "拿起跨界“指挥棒”她跟学生“较着劲儿”成长",
            ),
            (
                "书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来",
                "书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来",
            ),
            (
                "1-10月德清县固定资产投资结构趋稳趋优",
                "1-10月德清县固定资产投资结构趋稳趋优",
            ),
            (
                "Chengdu and Chongqing sign a deal - Xinhua News",
                "Chengdu and Chongqing sign a deal",
            ),
        ];
        for (title, expected) in cases {
            assert_eq!(strip_site_suffix(title), expected, "{title}");
        }
    }

    /// A trailing department or encyclopedia name the page names as its site goes, though its
    /// words are no site words; a segment that is the story's own stays.
    #[test]
    fn segments_the_page_names_as_its_site_are_cut() {
        let sites = vec!["东区办事处".to_owned(), "维基百科".to_owned()];
        assert_eq!(
            strip_named_site("关于春节假期安排的通知 东区办事处", &sites),
            "关于春节假期安排的通知"
        );
        assert_eq!(
            strip_named_site("长江三峡工程 - 维基百科，自由的百科全书", &sites),
            "长江三峡工程"
        );
        assert_eq!(
            strip_named_site("Rivers of Asia - Yangtze basin", &sites),
            "Rivers of Asia - Yangtze basin"
        );
        assert_eq!(strip_named_site("东区办事处", &sites), "东区办事处");
    }

    /// The `<title>` and `og:title` ending with one segment show it is the site's.
    #[test]
    fn a_suffix_two_titles_share_is_the_sites() {
        assert_eq!(
            shared_suffix(
                "Storm closes bridge | Valley Ledger",
                "Bridge shut | Valley Ledger"
            )
            .as_deref(),
            Some("Valley Ledger")
        );
        assert_eq!(shared_suffix("A - B", "A - B"), None);
        assert_eq!(
            shared_suffix(
                "Kicker: Storm closes bridge - Rail too",
                "Storm closes bridge - Rail too"
            ),
            None
        );
        assert_eq!(
            shared_suffix("Storm closes bridge", "Bridge shut | Ledger"),
            None
        );
    }
}
