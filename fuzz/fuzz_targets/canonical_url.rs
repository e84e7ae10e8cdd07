//! Any href, resolved against a page, gives a clean link and a canonical link; the canonical
//! link parses back to itself (`normalise::url::canonical_link`'s promise).
#![no_main]

use beatwire::normalise::{canonical_link, clean_link, resolve};
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let Ok(href) = std::str::from_utf8(data) else {
        return;
    };
    let base = Url::parse("http://www.Example.com:80/news/index.html?a=1").expect("valid URL");
    let Some(url) = resolve(&base, href) else {
        return;
    };
    let clean = clean_link(&url);
    let canonical = canonical_link(&url);
    let again = Url::parse(&canonical)
        .unwrap_or_else(|e| panic!("{canonical:?} from {href:?} does not parse: {e}"));
    assert_eq!(canonical_link(&again), canonical, "from {href:?}");
    assert_eq!(
        canonical_link(&clean),
        canonical,
        "clean_link changes the canonical link of {href:?}"
    );
});
