//! Any bytes, with or without a Content-Type charset or a forced encoding, decode to text.
#![no_main]

use beatwire::decode::{declared_charset, decode};
use libfuzzer_sys::fuzz_target;

/// Content-Type values a server may send; the first input byte picks one.
const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/html; charset=gbk"),
    Some("text/html; charset=utf-8"),
    Some("application/xml; charset=utf-16"),
    Some("text/html; charset=big5"),
    Some("text/xml; charset=\"gb2312\""),
    Some("text/html; charset=x-user-defined"),
    Some("application/rss+xml"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(pick) % CONTENT_TYPES.len()];
    decode(bytes, content_type, None);
    declared_charset(bytes);
    if pick & 0x80 != 0 {
        decode(bytes, content_type, Some(encoding_rs::GB18030));
    }
});
