//! What the fuzz targets share: the moment they read at, and a source with `[source.list]` and
//! `[source.article]` selectors loaded from a real `feeds.toml` text.

use std::path::Path;
use std::sync::LazyLock;

use beatwire::config::{Config, SourceRule};
use chrono::{DateTime, Utc};

/// A fixed "now" (late 2026), so that relative dates read the same in every run.
pub fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_795_000_000, 0).expect("valid time")
}

const CONFIG: &str = r##"
[beat]
title = "t"
link = "http://example.com/"

[[source]]
id = "plain"
url = "http://example.com/list/"
kind = "page"
[source.list]
item = "li, tr"

[[source]]
id = "selectors"
url = "http://example.com/list/"
kind = "page"
[source.list]
item = "ul.news li, .list > div"
link = "a.title, a"
title = ".title"
date = "span, .date, td:last-child"
[source.article]
title = "h1, .title"
body = "#content, .TRS_Editor, article"
date = ".date, time"
author = ".author"
outlet = ".source"
remove = [".share", "script", "p:empty"]
"##;

/// Two page sources: `plain` (list items only) and `selectors` (every list and article
/// selector set).
pub static SOURCES: LazyLock<Vec<SourceRule>> = LazyLock::new(|| {
    Config::from_toml(CONFIG, Path::new("feeds.toml"))
        .expect("valid config")
        .sources
});
