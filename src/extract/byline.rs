//! What the lines around a story's title say about it: when it was published, which outlet it
//! came from (`来源:` / `稿件来源:`), and whether a line is such a byline at all.
//!
//! Dates are read by `normalise::find_date`; this module decides which lines may hold the
//! story's date and which written forms count where: in prose only a date with a year does
//! (`9月7日` in a sentence is an event, not the story's date); right under the title a short
//! form (`12-24 11:06`, `昨天 09:15`, `3分钟前`) does too.
//!
//! This module must not pick the lines: the caller says which lines are near the title.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use regex::Regex;

use crate::normalise::find_date;

/// A date with a year: `2018-12-24`, `2018/12/24`, `2018.12.24`, `2018年12月24日`, and day
/// first with dots, `24.12.2018`.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)\d{2}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]|年\s*\d{1,2}\s*月)\s*\d{1,2}(?:\D|$)|(?:^|[^\d.])\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d{2}(?:[^\d]|$)")
        .expect("valid regex")
});
/// A date with a year and a time of day after it.
static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:19|20)\d{2}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]|年\s*\d{1,2}\s*月)\s*\d{1,2}\s*日?[\sT]*(?:\(?(?:星期|周)[一二三四五六日天]\)?\s*)?\d{1,2}\s*[:：]\s*\d{2}|(?:^|[^\d.])\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d{2},?\s+\d{1,2}:\d{2}",
    )
    .expect("valid regex")
});
/// Short and relative forms, trusted only right under the title.
static SHORT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^\d])\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?\s+\d{1,2}:\d{2}|刚刚|\d+\s*(?:秒|分钟|小时|个小时|天)前|(?:昨天|今天|前天)\s*\d{1,2}:\d{2}",
    )
    .expect("valid regex")
});
/// `发布时间：`, `日期：`, … : a label that says the date that follows is the story's.
static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:发布|发表|更新|上传|录入|出版|刊发|创建)?(?:时间|日期)\s*[:：]")
        .expect("valid regex")
});
/// `来源:`, `稿件来源:`, `信息来源：`, `本文来源：`, and what follows it.
static OUTLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:稿件|信息|文章|新闻|本文|消息|转载)?来源\s*[:：]\s*(.*)").expect("valid regex")
});
/// Where an outlet's name ends: the next label.
static OUTLET_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\s|作者|责任编辑|责编|编辑|记者|时间|日期|发布|点击|浏览|阅读|字号|【|\[|\||｜|（|\(|(?:19|20)\d{2}[-/年.]",
    )
    .expect("valid regex")
});
/// Labels of metadata lines.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"来源\s*[:：]|作者\s*[:：]|编辑\s*[:：]|责编|发布|时间\s*[:：]|日期\s*[:：]|点击|浏览|阅读(?:数|量|次数)|字号|访问量|【\s*(?:大|打印)|分享到|(?i:^\s*(?:by|posted\s+by|written\s+by|updated|published|posted|last\s+updated)\b)|(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})|(?i:\d{1,2}:\d{2}\s*[ap]\.?m\b)",
    )
    .expect("valid regex")
});

/// Lines longer than this are prose, not a byline.
pub const MAX_BYLINE_CHARS: usize = 90;

/// Where a date was found, for the record of rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateForm {
    /// A date with a year and a time.
    WithTime,
    /// A date with a year, no time.
    DayOnly,
    /// A short or relative form under the title.
    Short,
}

/// The first date in `text` in one of the forms allowed: `short` lets the short and relative
/// forms count.
pub fn date_in(
    text: &str,
    short: bool,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateForm)> {
    if let Some(found) = DATE_TIME.find(text) {
        return find_date(&text[found.start()..], tz, now).map(|d| (d, DateForm::WithTime));
    }
    if short && let Some(found) = SHORT_DATE.find(text) {
        return find_date(&text[found.start()..], tz, now).map(|d| (d, DateForm::Short));
    }
    let found = DATE.find(text)?;
    find_date(&text[found.start()..], tz, now).map(|d| (d, DateForm::DayOnly))
}

/// Whether `text` is labelled as the story's date (`发布时间：…`).
pub fn has_date_label(text: &str) -> bool {
    DATE_LABEL.is_match(text)
}

/// The outlet named by a `来源:` label in `text`.
pub fn outlet_in(text: &str) -> Option<String> {
    let captures = OUTLET.captures(text)?;
    let rest = captures.get(1)?.as_str().trim_start();
    let end = OUTLET_END.find(rest).map_or(rest.len(), |m| m.start());
    let name = rest[..end].trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '，' | '。' | ';' | '；' | ':' | '：' | '、')
    });
    let chars = name.chars().count();
    (2..=30).contains(&chars).then(|| name.to_owned())
}

/// A short line that says when, where from or by whom, not what happened: a date line, a
/// `来源:` line, a line of counters and buttons.
pub fn is_byline(text: &str) -> bool {
    let chars = text.chars().count();
    if chars > MAX_BYLINE_CHARS || text.ends_with('。') {
        return false;
    }
    DATE.is_match(text) || LABEL.is_match(text) || SHORT_DATE.is_match(text) && chars <= 40
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2018, 12, 25, 4, 0, 0).unwrap()
    }

    fn at(text: &str, short: bool) -> Option<(String, DateForm)> {
        date_in(text, short, chrono_tz::Asia::Shanghai, now())
            .map(|(d, f)| (d.with_timezone(&chrono_tz::Asia::Shanghai).to_rfc3339(), f))
    }

    #[test]
    fn dates_in_bylines_in_every_written_form() {
        let cases = [
            (
                "2018-12-24  11:06:36  稿件来源: 四川经济日报",
                "2018-12-24T11:06:36+08:00",
                DateForm::WithTime,
            ),
            (
                "发布时间：2018年12月24日 11:06 来源：新华网",
                "2018-12-24T11:06:00+08:00",
                DateForm::WithTime,
            ),
            (
                "2018/12/24 作者：陈家明",
                "2018-12-24T00:00:00+08:00",
                DateForm::DayOnly,
            ),
            (
                "时间：12-24 11:06",
                "2018-12-24T11:06:00+08:00",
                DateForm::Short,
            ),
            (
                "昨天 09:15 来源：华龙网",
                "2018-12-24T09:15:00+08:00",
                DateForm::Short,
            ),
            ("3分钟前", "2018-12-25T11:57:00+08:00", DateForm::Short),
            ("刚刚", "2018-12-25T12:00:00+08:00", DateForm::Short),
            (
                "Stand: 24.12.2018, 11:06 Uhr",
                "2018-12-24T11:06:00+08:00",
                DateForm::WithTime,
            ),
            (
                "24.12.2018, Lesezeit 5 Min.",
                "2018-12-24T00:00:00+08:00",
                DateForm::DayOnly,
            ),
            (
                "2019年09月07日 08:05:32 来源：北京青年报",
                "2019-09-07T08:05:32+08:00",
                DateForm::WithTime,
            ),
        ];
        for (text, expected, form) in cases {
            assert_eq!(at(text, true), Some((expected.to_owned(), form)), "{text}");
        }
    }

    #[test]
    fn prose_dates_need_a_year() {
        assert_eq!(
            at("今天(9月7日)下午，有着“中国诺贝尔奖”之称的大奖揭晓", false),
            None
        );
        assert_eq!(at("点击：12-24 11:06", false), None);
        assert_eq!(
            at("2019年篮球世界杯于2019年9月7日开赛", false).map(|(d, _)| d),
            Some("2019-09-07T00:00:00+08:00".to_owned())
        );
    }

    #[test]
    fn outlets_end_at_the_next_label() {
        assert_eq!(
            outlet_in("2018-12-24 11:06:36 稿件来源: 四川经济日报").as_deref(),
            Some("四川经济日报")
        );
        assert_eq!(
            outlet_in("来源：新华网 作者：张三").as_deref(),
            Some("新华网")
        );
        assert_eq!(
            outlet_in("来源：人民日报2019-09-07").as_deref(),
            Some("人民日报")
        );
        assert_eq!(
            outlet_in("信息来源： 内蒙古日报").as_deref(),
            Some("内蒙古日报")
        );
        assert_eq!(outlet_in("来源：").as_deref(), None);
        assert_eq!(outlet_in("资金来源较为单一"), None);
    }

    #[test]
    fn bylines_are_short_labelled_lines() {
        assert!(is_byline("2018-12-24 11:06:36 稿件来源: 四川经济日报"));
        assert!(is_byline("来源：新华网 | 编辑：王五"));
        assert!(is_byline("【大 中 小】 【打印】"));
        assert!(is_byline("24.12.2018, Lesezeit 5 Min."));
        assert!(!is_byline("Version 1.2.20181 ist erschienen"));
        assert!(!is_byline("深化区域协作 共襄南向开放"));
        assert!(!is_byline(
            "2018年，协作区各成员单位不定期开展相互走访、考察学习。"
        ));
    }
}
