//! Any page, decoded as the pipeline decodes it, goes through article extraction (generic, and
//! with a `[source.article]` of selectors), then the sanitizer: errors, never panics or hangs.
#![no_main]

use beatwire::decode::decode;
use beatwire::extract::{PageContext, read_article};
use beatwire::normalise::sanitize;
use beatwire_fuzz::{SOURCES, now};
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let html = decode(bytes, None, None).text;
    let url = Url::parse("http://www.example.com/news/2026-11/27/content_1.htm").expect("valid");
    let page = PageContext {
        url: &url,
        rule: SOURCES[usize::from(pick) % SOURCES.len()].article.as_ref(),
        tz: chrono_tz::Asia::Shanghai,
        now: now(),
    };
    if let Ok(article) = read_article(&html, &page) {
        sanitize(&article.body_html, &url);
    }
});
