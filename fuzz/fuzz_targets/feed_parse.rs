//! Any bytes, decoded as the pipeline decodes them, go through the feed parser and every story
//! it yields through normalisation (links, sanitizing, summaries): errors, never panics.
#![no_main]

use beatwire::decode::decode;
use beatwire::model::Outlet;
use beatwire::normalise::item::{ItemContext, normalise_item};
use beatwire::parse::parse_feed;
use beatwire_fuzz::now;
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let text = decode(data, None, None).text;
    let base = Url::parse("http://www.example.com/rss/news.xml").expect("valid URL");
    let now = now();
    let Ok(feed) = parse_feed(&text, Some(&base), chrono_tz::Asia::Shanghai, now) else {
        return;
    };
    let outlet = Outlet {
        name: "outlet".to_owned(),
        url: None,
    };
    let ctx = ItemContext {
        source: "s",
        outlet: &outlet,
        base: &base,
        site: feed.link.as_deref(),
        tz: chrono_tz::Asia::Shanghai,
        now,
    };
    for raw in &feed.items {
        let _ = normalise_item(raw, &ctx);
    }
});
