//! Compiling the strings of `feeds.toml` into the values the stages use: URLs, time zones,
//! durations, byte sizes, encodings, ids, CSS selectors ([`Css`]) and regular expressions
//! ([`Pattern`]).
//!
//! Each compiler is a plain function from the written text to a value or a message that names the
//! bad value. This file must not look up keys or know which table a value came from.

use std::fmt;
use std::time::Duration;

use chrono_tz::Tz;
use encoding_rs::Encoding;
use scraper::Selector;
use scraper::error::SelectorErrorKind;
use url::Url;

use super::problem::{Report, did_you_mean};
use super::walk::{Spanned, Table, kind_of};

/// A CSS selector compiled when the config is loaded, with the text it was written as.
#[derive(Clone)]
pub struct Css {
    pub text: String,
    pub selector: Selector,
}

impl Css {
    /// Compiles `text`; the error names the selector and says what is wrong with it.
    pub fn parse(text: &str) -> Result<Css, String> {
        if text.trim().is_empty() {
            return Err("invalid CSS selector ``: it is empty".to_owned());
        }
        match Selector::parse(text) {
            Ok(selector) => Ok(Css {
                text: text.to_owned(),
                selector,
            }),
            Err(e) => Err(format!(
                "invalid CSS selector `{text}`: {}",
                selector_reason(&e)
            )),
        }
    }
}

/// A short reason for a selector error, without scraper's debugging dump.
fn selector_reason(error: &SelectorErrorKind) -> String {
    match error {
        SelectorErrorKind::UnexpectedToken => "unexpected token".to_owned(),
        SelectorErrorKind::EndOfLine => "unexpected end of selector".to_owned(),
        SelectorErrorKind::InvalidAtRule => "invalid @-rule".to_owned(),
        SelectorErrorKind::InvalidAtRuleBody => "invalid @-rule body".to_owned(),
        SelectorErrorKind::QualRuleInvalid => "invalid qualified name".to_owned(),
        SelectorErrorKind::TooManyNestedBlocks => "too many nested blocks".to_owned(),
        SelectorErrorKind::ExpectedColonOnPseudoElement => {
            "missing `:` in pseudo-element".to_owned()
        }
        SelectorErrorKind::ExpectedIdentityOnPseudoElement => {
            "missing pseudo-element name".to_owned()
        }
        SelectorErrorKind::UnexpectedSelectorParseError(kind) => {
            let debug = format!("{kind:?}");
            // `UnsupportedPseudoClassOrElement("hover")` reads better as words.
            let name: String = debug.chars().take_while(|c| c.is_alphanumeric()).collect();
            let mut words = String::new();
            for c in name.chars() {
                if c.is_uppercase() && !words.is_empty() {
                    words.push(' ');
                }
                words.extend(c.to_lowercase());
            }
            words
        }
    }
}

impl fmt::Debug for Css {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Css({:?})", self.text)
    }
}

impl fmt::Display for Css {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Two selectors are equal when they were written the same.
impl PartialEq for Css {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// A regular expression compiled when the config is loaded, with the text it was written as.
#[derive(Clone)]
pub struct Pattern {
    pub text: String,
    pub regex: regex::Regex,
}

/// Largest compiled program a `[filter].regex` may grow to; a pattern past it is a mistake
/// (e.g. a huge counted repetition), not a beat.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl Pattern {
    /// Compiles `text`; the error names the pattern and says, on one line, what is wrong.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        if text.is_empty() {
            return Err("invalid regex ``: it is empty".to_owned());
        }
        let regex = regex::RegexBuilder::new(text)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| format!("invalid regex `{text}`: {}", regex_reason(&e)))?;
        Ok(Pattern {
            text: text.to_owned(),
            regex,
        })
    }
}

/// The last line of the regex crate's message (the others draw the pattern with a caret,
/// which a `line:col: message` line cannot hold).
fn regex_reason(error: &regex::Error) -> String {
    match error {
        regex::Error::CompiledTooBig(limit) => {
            format!("it compiles to more than {limit} bytes")
        }
        other => {
            let text = other.to_string();
            let last = text.lines().rev().find(|l| !l.trim().is_empty());
            last.unwrap_or(&text)
                .trim()
                .trim_start_matches("error: ")
                .to_owned()
        }
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.text)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Two patterns are equal when they were written the same.
impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Pattern {}

/// The schemes a web address may use.
pub(super) const WEB: &[&str] = &["http", "https"];
/// The schemes a proxy address may use.
pub(super) const PROXY: &[&str] = &["http", "https", "socks5", "socks5h"];

/// An absolute URL with one of `schemes` and a host.
pub(super) fn url(text: &str, key: &str, schemes: &[&str]) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("`{key}` is not a valid URL `{text}`: {e}"))?;
    if !schemes.contains(&url.scheme()) {
        let list = match schemes.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        return Err(format!("`{key}` must use {list}, found `{text}`"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{key}` must name a host, found `{text}`"));
    }
    Ok(url)
}

/// A zone of the tz database, e.g. `Asia/Shanghai`.
pub(super) fn zone(text: &str) -> Result<Tz, String> {
    text.parse::<Tz>().map_err(|_| {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
        format!("unknown time zone `{text}`{}", did_you_mean(text, names))
    })
}

/// A human duration, e.g. `15m`, `1s`, `2h 30m`.
pub(super) fn duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| {
        format!("invalid duration `{text}`: {e} (write e.g. \"30s\", \"15m\", \"2h 30m\")")
    })
}

/// A byte size, e.g. `10MiB`, `512KB`, `1048576`.
pub(super) fn size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|_| {
            format!("invalid size `{text}` (write e.g. \"10MiB\", \"512KB\" or a number of bytes)")
        })
}

/// Labels offered as suggestions for a mistyped encoding.
const COMMON_ENCODINGS: &[&str] = &[
    "utf-8",
    "gbk",
    "gb2312",
    "gb18030",
    "big5",
    "euc-jp",
    "shift_jis",
    "euc-kr",
];

/// Any label encoding_rs knows, e.g. `gbk`, `gb2312`, `big5`, `utf-8`.
pub(super) fn encoding(text: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(text.trim().as_bytes()).ok_or_else(|| {
        let hint = did_you_mean(text, COMMON_ENCODINGS.iter().copied());
        format!("unknown encoding `{text}`{hint}")
    })
}

/// A name made of `a-z`, `0-9` and `-`, used for source ids and category slugs.
pub(super) fn slug(text: &str, what: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "{what} `{text}` may hold only a-z, 0-9 and `-`, found `{bad}`"
        ));
    }
    Ok(text.to_owned())
}

/// Looks up a string at `key` and compiles it with `compile`, reporting a failure at the value.
pub(super) fn compiled<T>(
    table: &Table<'_>,
    key: &str,
    report: &mut Report<'_>,
    compile: impl FnOnce(&str) -> Result<T, String>,
) -> Option<Spanned<T>> {
    let Spanned { value, span } = table.string(key, report)?;
    match compile(&value) {
        Ok(value) => Some(Spanned { value, span }),
        Err(message) => {
            report.at(&span, message);
            None
        }
    }
}

/// A duration at `key`, written as a string such as `"30m"`.
pub(super) fn duration_at(
    table: &Table<'_>,
    key: &str,
    report: &mut Report<'_>,
) -> Option<Spanned<Duration>> {
    let (item, span) = table.item(key)?;
    if item.as_str().is_none() {
        let found = kind_of(item);
        let message = format!("`{key}` must be a duration such as \"30m\", found {found}");
        report.at(&span, message);
        return None;
    }
    compiled(table, key, report, duration)
}

/// Like [`compiled`], and reports the key as missing when it is absent.
pub(super) fn required<T>(
    table: &Table<'_>,
    key: &str,
    report: &mut Report<'_>,
    compile: impl FnOnce(&str) -> Result<T, String>,
) -> Option<Spanned<T>> {
    if table.inner.get(key).is_none() {
        table.missing(key, report);
    }
    compiled(table, key, report, compile)
}

/// An integer at `key` that must be at least 1 and fit `T`; absent gives `default`.
pub(super) fn count<T: TryFrom<i64>>(
    table: &Table<'_>,
    key: &str,
    default: T,
    report: &mut Report<'_>,
) -> T {
    let Some(Spanned { value, span }) = table.integer(key, report) else {
        return default;
    };
    if value < 1 {
        report.at(&span, format!("`{key}` must be at least 1, found {value}"));
        return default;
    }
    T::try_from(value).unwrap_or_else(|_| {
        report.at(&span, format!("`{key}` is too large: {value}"));
        default
    })
}

/// A byte size at `key`, written as a string (`"10MiB"`) or an integer of bytes; must be > 0.
pub(super) fn byte_size(
    table: &Table<'_>,
    key: &str,
    default: u64,
    report: &mut Report<'_>,
) -> u64 {
    let Some((item, span)) = table.item(key) else {
        return default;
    };
    let parsed = match (item.as_integer(), item.as_str()) {
        (Some(n), _) => {
            u64::try_from(n).map_err(|_| format!("`{key}` must not be negative, found {n}"))
        }
        (None, Some(s)) => size(s),
        (None, None) => Err(format!(
            "`{key}` must be a size like \"10MiB\" or an integer of bytes, found {}",
            kind_of(item)
        )),
    };
    match parsed {
        Ok(0) => {
            report.at(&span, format!("`{key}` must be more than 0 bytes"));
            default
        }
        Ok(bytes) => bytes,
        Err(message) => {
            report.at(&span, message);
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_compiles_good_selectors_and_names_bad_ones() {
        let css = Css::parse("ul.news > li a[href]").unwrap();
        assert_eq!(css.text, "ul.news > li a[href]");
        assert_eq!(format!("{css:?}"), "Css(\"ul.news > li a[href]\")");
        let err = Css::parse("div[").unwrap_err();
        assert!(err.starts_with("invalid CSS selector `div[`: "), "{err}");
        assert!(Css::parse("  ").is_err());
        assert!(
            Css::parse("a:hover-ish")
                .unwrap_err()
                .contains("a:hover-ish")
        );
    }

    #[test]
    fn patterns_compile_and_bad_ones_are_named_on_one_line() {
        let pattern = Pattern::parse(r"川渝|成渝(地区)?").unwrap();
        assert!(pattern.regex.is_match("成渝地区双城经济圈"));
        assert_eq!(format!("{pattern:?}"), "Pattern(\"川渝|成渝(地区)?\")");
        let err = Pattern::parse("成渝(").unwrap_err();
        assert_eq!(err, "invalid regex `成渝(`: unclosed group");
        assert!(!err.contains('\n'));
        assert_eq!(
            Pattern::parse("").unwrap_err(),
            "invalid regex ``: it is empty"
        );
        let huge = Pattern::parse(r"\w{1000}\w{1000}").unwrap_err();
        assert!(huge.starts_with("invalid regex `"), "{huge}");
    }

    #[test]
    fn urls_must_be_absolute_web_addresses() {
        assert_eq!(
            url("https://example.org/a", "link", WEB).unwrap().as_str(),
            "https://example.org/a"
        );
        let relative = url("example.org/a", "link", WEB).unwrap_err();
        assert_eq!(
            relative,
            "`link` is not a valid URL `example.org/a`: relative URL without a base"
        );
        assert_eq!(
            url("ftp://example.org/", "link", WEB).unwrap_err(),
            "`link` must use http or https, found `ftp://example.org/`"
        );
        assert!(url("socks5://127.0.0.1:1080", "proxy", PROXY).is_ok());
    }

    #[test]
    fn zones_durations_sizes_and_encodings_compile() {
        assert_eq!(zone("Asia/Chongqing").unwrap(), chrono_tz::Asia::Chongqing);
        assert_eq!(
            zone("Asia/Shangai").unwrap_err(),
            "unknown time zone `Asia/Shangai`; did you mean `Asia/Shanghai`?"
        );
        assert_eq!(duration("2h 30m").unwrap(), Duration::from_secs(9000));
        assert!(
            duration("15 minutes-ish")
                .unwrap_err()
                .starts_with("invalid duration `15 minutes-ish`")
        );
        assert_eq!(size("10MiB").unwrap(), 10 * 1024 * 1024);
        assert_eq!(size("512KB").unwrap(), 512_000);
        assert!(size("ten megs").is_err());
        assert_eq!(encoding("GB2312").unwrap(), encoding_rs::GBK);
        assert_eq!(
            encoding("gbkk").unwrap_err(),
            "unknown encoding `gbkk`; did you mean `gbk`?"
        );
    }

    #[test]
    fn slugs_allow_only_lowercase_digits_and_dashes() {
        assert_eq!(slug("cq-daily-2", "source id").unwrap(), "cq-daily-2");
        assert_eq!(
            slug("", "source id").unwrap_err(),
            "source id must not be empty"
        );
        assert_eq!(
            slug("Cq_daily", "source id").unwrap_err(),
            "source id `Cq_daily` may hold only a-z, 0-9 and `-`, found `C`"
        );
    }
}
