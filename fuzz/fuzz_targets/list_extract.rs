//! Any page, decoded as the pipeline decodes it, goes through list extraction with the default
//! link rule and with explicit selectors: errors, never panics or hangs.
#![no_main]

use beatwire::decode::decode;
use beatwire::extract::read_list;
use beatwire_fuzz::{SOURCES, now};
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let html = decode(bytes, None, None).text;
    let base = Url::parse("http://www.example.com/jjxz/index.htm").expect("valid URL");
    let source = &SOURCES[usize::from(pick) % SOURCES.len()];
    let rule = source.list.as_ref().expect("page sources have a list rule");
    let _ = read_list(&html, &base, rule, chrono_tz::Asia::Shanghai, now());
});
