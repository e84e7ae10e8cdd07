//! The day a story's URL names: `/2018/12/26/`, `/2018-12/26/`, `/201812/26/`, `/20181226/`,
//! `t20181226_`. Many news sites file each story under the day it was published.
//!
//! A URL names a day, not a time: the day starts at 00:00 in the zone given (the source's).
//!
//! This module must not weigh the URL's day against other dates: `extract::published` rules
//! out page dates days away from it, `normalise::item` dates a story that has no other date.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use regex::Regex;
use url::Url;

use super::local_instant;

/// A year, month and day in a path segment, with or without separators between them, after a
/// `/`, a `_` or the `t` of `t20181226_` and before a `/`, `_`, `.` or the end.
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[/_t])((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?:[/_.]|$)",
    )
    .expect("valid regex")
});

/// The day in `url`'s path, at 00:00 in `tz` (the first valid time after it in a DST gap);
/// `None` when the path names no day, or one the calendar does not have (`2019/02/30`).
pub fn date_in_url(url: &Url, tz: Tz) -> Option<DateTime<Utc>> {
    let captures = URL_DATE.captures(url.path())?;
    let number = |i: usize| captures.get(i)?.as_str().parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(i32::try_from(number(1)?).ok()?, number(2)?, number(3)?)?;
    local_instant(tz, date.and_hms_opt(0, 0, 0)?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;
    use chrono_tz::Europe::Berlin;

    use super::*;

    fn day(url: &str, tz: Tz) -> Option<DateTime<Utc>> {
        date_in_url(&Url::parse(url).expect("test URL parses"), tz)
    }

    #[test]
    fn each_shape_of_a_day_in_a_path_is_read_in_the_zone_given_and_others_name_none() {
        // 2018-12-26 00:00 in China.
        let december_26 = Some(Utc.with_ymd_and_hms(2018, 12, 25, 16, 0, 0).unwrap());
        let cases = [
            (
                "http://www.scjjrb.com/jjxz/2018/12/26/content_1.htm",
                december_26,
            ),
            (
                "http://www.scjjrb.com/jjxz/2018-12/26/content_1.htm",
                december_26,
            ),
            (
                "http://www.gov.cn/xinwen/201812/26/content_5352.htm",
                december_26,
            ),
            ("http://www.sc.gov.cn/zwgk/t20181226_1187.html", december_26),
            ("http://www.cq.gov.cn/a/20181226/1.html", december_26),
            ("http://www.scjjrb.com/jjxz/content_36551.htm", None),
            // An id that starts like a date is no date: nothing separates it from the rest.
            ("http://www.scjjrb.com/a/20181226123456.htm", None),
            // No such day.
            ("http://www.scjjrb.com/2019/02/30/a.htm", None),
            // The query is not the path.
            ("http://www.scjjrb.com/a.htm?d=2018/12/26/", None),
        ];
        for (url, expected) in cases {
            assert_eq!(day(url, Shanghai), expected, "{url}");
        }
        assert_eq!(
            day("https://example.de/2018/12/26/x.html", Berlin),
            Some(Utc.with_ymd_and_hms(2018, 12, 25, 23, 0, 0).unwrap())
        );
    }
}
