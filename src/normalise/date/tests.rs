//! Tests of date reading: every written form to its exact instant in China time, year
//! inference, DST folds and gaps, dates inside meta lines, and junk that must not panic.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use chrono_tz::{America::New_York, Asia::Shanghai};

use super::{find_date, parse_date};

/// 2018-12-24 14:00 in China.
fn now() -> DateTime<Utc> {
    at("2018-12-24T06:00:00Z")
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test instant parses")
        .with_timezone(&Utc)
}

fn parsed(text: &str) -> Option<DateTime<Utc>> {
    parse_date(text, Shanghai, now())
}

fn assert_parses(cases: &[(&str, &str)]) {
    for (text, expected) in cases {
        assert_eq!(parsed(text), Some(at(expected)), "{text:?}");
    }
}

#[test]
fn rfc2822_with_named_and_numeric_zones() {
    assert_parses(&[
        ("Mon, 24 Dec 2018 11:06:36 +0800", "2018-12-24T03:06:36Z"),
        (
            "Mon, 24 Dec 2018 11:06:36 +0800 (CST)",
            "2018-12-24T03:06:36Z",
        ),
        ("24 Dec 2018 03:06:36 GMT", "2018-12-24T03:06:36Z"),
        ("Mon, 24 Dec 2018 03:06:36 UT", "2018-12-24T03:06:36Z"),
        ("Mon, 24 Dec 2018 03:06:36 Z", "2018-12-24T03:06:36Z"),
        ("Sun, 23 Dec 2018 22:06:36 EST", "2018-12-24T03:06:36Z"),
        ("Sun, 23 Dec 2018 23:06:36 EDT", "2018-12-24T03:06:36Z"),
        ("Sun, 23 Dec 2018 19:06:36 PST", "2018-12-24T03:06:36Z"),
        ("Sun, 23 Dec 2018 20:06:36 PDT", "2018-12-24T03:06:36Z"),
        ("Sun, 23 Dec 2018 22:06:36 -0500", "2018-12-24T03:06:36Z"),
        (
            "Monday, 24 December 2018 11:06 +08:00",
            "2018-12-24T03:06:00Z",
        ),
        ("Mon, 24 Dec 18 11:06:36 +0800", "2018-12-24T03:06:36Z"),
        ("Fri, 1 Jun 99 12:00 GMT", "1999-06-01T12:00:00Z"),
        ("4 Dec 2018 11:06 PDT", "2018-12-04T18:06:00Z"),
        ("24 Dec 2018 11:06:36 GMT+8", "2018-12-24T03:06:36Z"),
        ("24 Dec 2018", "2018-12-23T16:00:00Z"),
    ]);
}

#[test]
fn cst_and_beijing_time_mean_the_given_zone() {
    assert_parses(&[
        ("Mon, 24 Dec 2018 11:06:36 CST", "2018-12-24T03:06:36Z"),
        ("Mon Dec 24 11:06:36 CST 2018", "2018-12-24T03:06:36Z"),
        ("2018-12-24 11:06:36 北京时间", "2018-12-24T03:06:36Z"),
        ("2018-12-24 11:06 (Beijing Time)", "2018-12-24T03:06:00Z"),
    ]);
    let central = parse_date(
        "Mon, 24 Dec 2018 11:06:36 CST",
        "America/Chicago".parse::<Tz>().expect("zone"),
        now(),
    );
    assert_eq!(central, Some(at("2018-12-24T17:06:36Z")));
}

#[test]
fn iso_8601_with_and_without_zone() {
    assert_parses(&[
        ("2018-12-24T11:06:36+08:00", "2018-12-24T03:06:36Z"),
        ("2018-12-24T03:06:36Z", "2018-12-24T03:06:36Z"),
        ("2018-12-24T03:06:36.250Z", "2018-12-24T03:06:36.250Z"),
        (
            "2018-12-24T11:06:36.123456789123+0800",
            "2018-12-24T03:06:36.123456789Z",
        ),
        ("2018-12-24T11:06:36", "2018-12-24T03:06:36Z"),
        ("2018-12-24 11:06:36", "2018-12-24T03:06:36Z"),
        ("2018-12-24 11:06:36.0", "2018-12-24T03:06:36Z"),
        ("2018-12-24 11:06", "2018-12-24T03:06:00Z"),
        ("2018-12-24  11:06:36", "2018-12-24T03:06:36Z"),
        ("2018-12-24", "2018-12-23T16:00:00Z"),
        ("2018-1-5 9:05", "2018-01-05T01:05:00Z"),
    ]);
}

#[test]
fn slashes_dots_and_chinese_forms() {
    assert_parses(&[
        ("2018/12/24", "2018-12-23T16:00:00Z"),
        ("2018/12/24 11:06", "2018-12-24T03:06:00Z"),
        ("2018.12.24", "2018-12-23T16:00:00Z"),
        ("2018年12月24日 11:06", "2018-12-24T03:06:00Z"),
        ("2018年12月24日11:06:36", "2018-12-24T03:06:36Z"),
        ("2018年12月24日 11时06分", "2018-12-24T03:06:00Z"),
        ("2018年12月24日 11点06分36秒", "2018-12-24T03:06:36Z"),
        ("2018年12月24日", "2018-12-23T16:00:00Z"),
        ("2018 年 12 月 24 日 星期一 11:06", "2018-12-24T03:06:00Z"),
        ("2018年12月24日 下午3:05", "2018-12-24T07:05:00Z"),
        ("[2018-12-24]", "2018-12-23T16:00:00Z"),
        ("（2018-12-24 11:06）", "2018-12-24T03:06:00Z"),
        ("December 24, 2018 11:06 PM", "2018-12-24T15:06:00Z"),
        ("Dec. 24th, 2018", "2018-12-23T16:00:00Z"),
    ]);
}

#[test]
fn full_width_digits_and_colons() {
    assert_parses(&[
        ("２０１８年１２月２４日　１１：０６", "2018-12-24T03:06:00Z"),
        ("２０１８－１２－２４", "2018-12-23T16:00:00Z"),
    ]);
}

#[test]
fn month_day_takes_the_year_closest_to_now() {
    assert_parses(&[
        ("12-24 11:06", "2018-12-24T03:06:00Z"),
        ("12月24日 11:06", "2018-12-24T03:06:00Z"),
        ("12/24 11:06", "2018-12-24T03:06:00Z"),
        ("12-24", "2018-12-23T16:00:00Z"),
        ("12-25 11:06", "2018-12-25T03:06:00Z"),
        ("12-26 11:06", "2017-12-26T03:06:00Z"),
        ("01-02 08:00", "2018-01-02T00:00:00Z"),
    ]);
    let new_year = at("2019-01-02T04:00:00Z");
    assert_eq!(
        parse_date("12-31 23:59", Shanghai, new_year),
        Some(at("2018-12-31T15:59:00Z"))
    );
    assert_eq!(
        parse_date("01-02 09:00", Shanghai, new_year),
        Some(at("2019-01-02T01:00:00Z"))
    );
}

#[test]
fn clock_alone_is_today_or_yesterday() {
    assert_parses(&[
        ("11:06", "2018-12-24T03:06:00Z"),
        ("14:05", "2018-12-24T06:05:00Z"),
        ("15:30", "2018-12-23T07:30:00Z"),
    ]);
}

#[test]
fn relative_dates() {
    assert_parses(&[
        ("刚刚", "2018-12-24T06:00:00Z"),
        ("1秒前", "2018-12-24T05:59:59Z"),
        ("3分钟前", "2018-12-24T05:57:00Z"),
        ("半小时前", "2018-12-24T05:30:00Z"),
        ("2小时前", "2018-12-24T04:00:00Z"),
        ("2 个小时之前", "2018-12-24T04:00:00Z"),
        ("3天前", "2018-12-21T06:00:00Z"),
        ("今天 09:15", "2018-12-24T01:15:00Z"),
        ("昨天 09:15", "2018-12-23T01:15:00Z"),
        ("前天 09:15", "2018-12-22T01:15:00Z"),
        ("3 minutes ago", "2018-12-24T05:57:00Z"),
        ("an hour ago", "2018-12-24T05:00:00Z"),
        ("yesterday", "2018-12-22T16:00:00Z"),
        ("Yesterday at 9:15 pm", "2018-12-23T13:15:00Z"),
    ]);
}

#[test]
fn calendar_days_follow_the_zone_not_utc() {
    // 00:30 on the 25th in China is still the 24th in UTC: 昨天 is the 24th.
    let after_midnight = at("2018-12-24T16:30:00Z");
    assert_eq!(
        parse_date("昨天 09:15", Shanghai, after_midnight),
        Some(at("2018-12-24T01:15:00Z"))
    );
}

#[test]
fn unix_timestamps() {
    assert_parses(&[
        ("1545620796", "2018-12-24T03:06:36Z"),
        ("1545620796250", "2018-12-24T03:06:36.250Z"),
    ]);
    assert_eq!(parsed("154562079"), None);
}

#[test]
fn dst_fold_takes_earlier_and_gap_takes_first_valid() {
    let ny = |text| parse_date(text, New_York, now());
    assert_eq!(ny("2018-11-04 01:30"), Some(at("2018-11-04T05:30:00Z")));
    assert_eq!(ny("2018-03-11 02:30"), Some(at("2018-03-11T07:00:00Z")));
    assert_eq!(ny("2018-12-24 11:06"), Some(at("2018-12-24T16:06:00Z")));
}

#[test]
fn invalid_dates_and_times_are_none() {
    for text in [
        "2018-02-30",
        "2018-13-01",
        "25:61",
        "2018-12-24 25:61",
        "12-32 11:06",
        "",
        "   ",
        "今天天气",
        "来源: 四川经济日报",
        "3.5亿元",
        "0000-00-00",
    ] {
        assert_eq!(parsed(text), None, "{text:?}");
    }
}

#[test]
fn find_date_in_meta_lines() {
    let found = |text| find_date(text, Shanghai, now());
    assert_eq!(
        found("2018-12-24  11:06:36         稿件来源: 四川经济日报"),
        Some(at("2018-12-24T03:06:36Z"))
    );
    assert_eq!(
        found("发布时间：2018年12月24日 11:06 来源：四川经济日报"),
        Some(at("2018-12-24T03:06:00Z"))
    );
    assert_eq!(
        found("来源：新华网 | 时间：12-24 11:06 | 作者：陈家明"),
        Some(at("2018-12-24T03:06:00Z"))
    );
    assert_eq!(
        found("北京时间2018年12月24日上午11点06分，成渝双城"),
        Some(at("2018-12-24T03:06:00Z"))
    );
    assert_eq!(
        found("发布于 3小时前 · 阅读 1024"),
        Some(at("2018-12-24T03:00:00Z"))
    );
    assert_eq!(
        found("更新：11:06 责任编辑：李国贵"),
        Some(at("2018-12-24T03:06:00Z"))
    );
    assert_eq!(
        found("Published on Mon, 24 Dec 2018 03:06:36 GMT by Xinhua"),
        Some(at("2018-12-24T03:06:36Z"))
    );
}

#[test]
fn day_first_dotted_dates() {
    let found = |text| find_date(text, Shanghai, now());
    assert_eq!(found("24.12.2018"), Some(at("2018-12-23T16:00:00Z")));
    assert_eq!(
        found("Stand: 24.12.2018, 11:06 Uhr"),
        Some(at("2018-12-24T03:06:00Z"))
    );
    assert_eq!(found("am 4. 12. 2018"), Some(at("2018-12-03T16:00:00Z")));
    // No such month: not a date, and no part of it is one either.
    assert_eq!(found("24.13.2018"), None);
    // A version number or a longer figure is no date.
    assert_eq!(found("Version 1.2.20181"), None);
}

#[test]
fn find_date_skips_numbers_that_are_not_dates() {
    let found = |text| find_date(text, Shanghai, now());
    assert_eq!(found("热线: 028-86630890"), None);
    assert_eq!(found("协议投资额173.7亿元，20个成员市(区)"), None);
    assert_eq!(found("今日西南 今天天气晴"), None);
    assert_eq!(
        found("项目编号 2018-123456 于 2018-12-24 签约"),
        Some(at("2018-12-23T16:00:00Z"))
    );
    assert_eq!(found("第12-24号文件"), None);
}

#[test]
fn never_panics_on_junk() {
    let seeds = [
        "Mon, 24 Dec 2018 11:06:36 +0800 (CST)",
        "2018-12-24T11:06:36.123456789+08:00",
        "２０１８年１２月２４日　１１：０６：３６",
        "2018年12月24日 星期一 下午11点06分36秒 北京时间",
        "Mon Dec 24 11:06:36 CST 2018",
        "December 24th, 2018 at 11:06 p.m. GMT+08:00",
        "yesterday at 9:15 pm",
        "2 个小时之前",
        "12/24/2018 11:06",
        "99999999999999999999-99-99 99:99:99.99999999999999999 +99:99",
        "-+:/.年月日时分秒前 ()（）",
        "发布时间：2018年12月24日 11:06 来源：四川经济日报",
        "2018-12-24  11:06:36         稿件来源: 四川经济日报",
        "12月24日 11:06",
        "2018/12/24 11:06",
        "1545620796000",
        "3分钟前",
    ];
    let mut inputs: Vec<String> = Vec::new();
    for seed in seeds {
        let chars: Vec<char> = seed.chars().collect();
        for end in 0..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            inputs.push(format!("{prefix}9"));
            inputs.push(format!("{prefix}:61 前"));
            inputs.push(prefix);
            inputs.push(chars[end..].iter().collect());
        }
    }
    for a in [
        "2018", "02", "30", "25", "61", "-", ":", " ", "年", "月", "日", "+", "Z", "a", "前", "00",
    ] {
        for b in [
            "2018", "02", "30", "25", "61", "-", ":", " ", "年", "月", "日", "+", "Z", "pm", "天",
            "T",
        ] {
            inputs.push(format!("{a}{b}{a}{b}{a}"));
            inputs.push(format!("2018-{a}{b}-{b}{a} {a}:{b}"));
            inputs.push(format!("{b}月{a}日 {a}:{b}{a}"));
        }
    }
    inputs.push("a".repeat(5000));
    inputs.push("1".repeat(5000));
    inputs.push("12-".repeat(2000));
    assert!(inputs.len() > 2500, "{} inputs", inputs.len());
    let extremes = [
        now(),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        DateTime::UNIX_EPOCH,
    ];
    for input in &inputs {
        for moment in extremes {
            let _ = parse_date(input, Shanghai, moment);
            let _ = find_date(input, New_York, moment);
        }
    }
    assert_eq!(parsed("2018-02-30"), None);
}
