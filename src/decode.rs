//! Bytes → UTF-8 text: picks a document's character encoding and decodes it.
//!
//! # Order
//! 1. a per-source override ([`Detected::Override`]) wins over everything;
//! 2. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//! 3. the `charset` of the Content-Type value;
//! 4. the XML prolog `encoding="…"` or a `<meta>` in the head (the whole head is scanned);
//! 5. statistical detection (chardetng);
//! 6. UTF-8.
//!
//! Labels are checked against the bytes: a document labelled with a legacy encoding whose bytes
//! are valid UTF-8 with non-ASCII is UTF-8 (mislabelled pages are common); a UTF-8 label on bytes
//! that are not UTF-8 falls through to the next step; a UTF-16 label on an ASCII-compatible
//! document without a BOM is ignored. Decoding never fails: bad bytes become U+FFFD.
//!
//! This module must not know HTTP: it gets the Content-Type value as a plain string.

mod declared;
#[cfg(test)]
mod tests;

use std::fmt;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, GB18030, GBK, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};

/// How far into a document the `<meta>` scan goes when the head does not end earlier.
pub const MAX_DECLARATION_SCAN_BYTES: usize = 64 * 1024;

/// Which rule chose the encoding of a [`Decoded`] document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// The source's configured encoding.
    Override,
    /// A byte order mark.
    Bom,
    /// The `charset` parameter of the Content-Type value.
    HttpHeader,
    /// The XML prolog or a `<meta>` element.
    Declared,
    /// Statistical detection, or bytes that proved a label wrong.
    Sniffed,
    /// Nothing to go on (empty or pure ASCII): UTF-8.
    Default,
}

impl fmt::Display for Detected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Detected::Override => "override",
            Detected::Bom => "BOM",
            Detected::HttpHeader => "HTTP charset",
            Detected::Declared => "declared",
            Detected::Sniffed => "detected",
            Detected::Default => "default",
        })
    }
}

/// A decoded document.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, without a byte order mark.
    pub text: String,
    pub encoding: &'static Encoding,
    pub detected: Detected,
    /// Some bytes were malformed in `encoding` and became U+FFFD.
    pub had_errors: bool,
}

/// Decodes `bytes` to UTF-8, choosing the encoding as the module doc describes.
///
/// `content_type` is the Content-Type value as received (e.g. `text/html; charset=gbk`);
/// `forced` is a per-source override.
pub fn decode(
    bytes: &[u8],
    content_type: Option<&str>,
    forced: Option<&'static Encoding>,
) -> Decoded {
    if let Some(encoding) = forced {
        // A BOM is never text, even when the override names another encoding.
        let body = Encoding::for_bom(bytes).map_or(bytes, |(_, len)| &bytes[len..]);
        return decode_as(body, encoding, Detected::Override);
    }
    if let Some((encoding, len)) = Encoding::for_bom(bytes) {
        return decode_as(&bytes[len..], encoding, Detected::Bom);
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        return decode_as(bytes, encoding, Detected::Sniffed);
    }
    let shape = utf8_shape(bytes);
    let labels = [
        (
            content_type.and_then(charset_from_content_type),
            Detected::HttpHeader,
        ),
        (declared_charset(bytes), Detected::Declared),
    ];
    for (label, detected) in labels {
        if let Some(encoding) = label {
            match check_label(bytes, encoding, &shape) {
                LabelCheck::Trust => return decode_as(bytes, encoding, detected),
                LabelCheck::IsUtf8 => return decode_as(bytes, UTF_8, Detected::Sniffed),
                LabelCheck::Ignore => {}
            }
        }
    }
    if bytes.is_ascii() {
        return decode_as(bytes, UTF_8, Detected::Default);
    }
    if shape.multibyte > 0 && shape.is_mostly_utf8() {
        // UTF-8 with a stray bad byte: detection would pick a legacy encoding for all of it.
        return decode_as(bytes, UTF_8, Detected::Sniffed);
    }
    decode_as(bytes, sniff(bytes), Detected::Sniffed)
}

/// UTF-16 with no byte order mark, told by the NUL bytes around a leading `<` (XML 1.0,
/// appendix F: `00 3C 00 3F` is big endian, `3C 00 3F 00` little endian). No ASCII-compatible
/// document starts that way, and no label or detector would read it right.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0, b'<', 0, c, ..] if c.is_ascii_graphic() => Some(encoding_rs::UTF_16BE),
        [b'<', 0, c, 0, ..] if c.is_ascii_graphic() => Some(encoding_rs::UTF_16LE),
        _ => None,
    }
}

/// The encoding named by the `charset` parameter of a Content-Type value, if it names one.
pub fn charset_from_content_type(ct: &str) -> Option<&'static Encoding> {
    ct.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        encoding_for_label(value.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// The encoding a document declares for itself: the XML prolog's `encoding`, else the first
/// `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the head.
///
/// The scan covers the whole head (it stops at `</head>`, `<body` or
/// [`MAX_DECLARATION_SCAN_BYTES`]), skips comments, scripts and styles, and accepts any case
/// and unquoted values.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = &bytes[..bytes.len().min(MAX_DECLARATION_SCAN_BYTES)];
    declared::xml_prolog_charset(bytes).or_else(|| declared::meta_charset(bytes))
}

/// Looks an encoding label up: the WHATWG labels (where `gb2312` already means GBK) plus a few
/// labels seen on real sites. The replacement encoding is never returned.
fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    let encoding = Encoding::for_label(label.as_bytes()).or_else(|| {
        match label.to_ascii_lowercase().replace('_', "-").as_str() {
            "cp936" | "ms936" | "windows-936" | "gb-2312" | "gb2312-80" | "euc-cn" | "x-euc-cn" => {
                Some(GBK)
            }
            "gb-18030" => Some(GB18030),
            "utf8" | "utf-8" | "unicode-1-1-utf-8" => Some(UTF_8),
            "big5hkscs" | "cp950" | "x-big5" => Some(encoding_rs::BIG5),
            _ => None,
        }
    })?;
    (encoding != REPLACEMENT).then_some(encoding)
}

enum LabelCheck {
    /// Decode with the label.
    Trust,
    /// The label names a legacy encoding but the bytes are UTF-8.
    IsUtf8,
    /// The label cannot be right; go on to the next rule.
    Ignore,
}

fn check_label(bytes: &[u8], encoding: &'static Encoding, utf8: &Utf8Shape) -> LabelCheck {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        // Without a BOM, UTF-16 text has NUL bytes in every ASCII character.
        let head = &bytes[..bytes.len().min(1024)];
        return if head.contains(&0) {
            LabelCheck::Trust
        } else {
            LabelCheck::Ignore
        };
    }
    if encoding == UTF_8 {
        return if utf8.is_mostly_utf8() {
            LabelCheck::Trust
        } else {
            LabelCheck::Ignore
        };
    }
    if utf8.invalid == 0 && utf8.multibyte > 0 && encoding.is_ascii_compatible() {
        return LabelCheck::IsUtf8;
    }
    LabelCheck::Trust
}

/// Counts of well-formed multi-byte sequences and of malformed ones when reading bytes as UTF-8.
struct Utf8Shape {
    /// Well-formed multi-byte sequences; when no byte is malformed, only whether there is one
    /// (0 or 1): every use compares it with 0 or with the malformed ones.
    multibyte: usize,
    invalid: usize,
}

impl Utf8Shape {
    /// UTF-8 with at most a few stray bad bytes (a truncated or hand-edited page).
    fn is_mostly_utf8(&self) -> bool {
        self.invalid == 0 || self.multibyte >= 8 * self.invalid
    }
}

fn utf8_shape(bytes: &[u8]) -> Utf8Shape {
    let mut shape = Utf8Shape {
        multibyte: 0,
        invalid: 0,
    };
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                shape.multibyte += if shape.invalid == 0 {
                    usize::from(!text.is_ascii())
                } else {
                    lead_bytes(text.as_bytes())
                };
                return shape;
            }
            Err(err) => {
                let valid = &rest[..err.valid_up_to()];
                shape.multibyte += lead_bytes(valid);
                match err.error_len() {
                    Some(len) => {
                        shape.invalid += 1;
                        rest = &rest[err.valid_up_to() + len..];
                    }
                    // A sequence cut by the end of the input (a capped download) is not an error.
                    None => return shape,
                }
            }
        }
    }
}

/// How many characters of valid UTF-8 take more than one byte: each starts with a byte of
/// `0xC0` or more. Counted byte by byte without branches, so the loop runs on vector registers
/// (decoding each `char` cost as much as the rest of reading a page's encoding).
fn lead_bytes(valid: &[u8]) -> usize {
    valid.iter().map(|&b| usize::from(b >= 0xC0)).sum()
}

/// chardetng's guess, from the document's text: tags, comments, scripts and styles are ASCII
/// that says nothing about the encoding and most of a page's bytes, and the detector's cost
/// follows the bytes it is fed. A document whose text holds no non-ASCII byte (its only
/// non-ASCII in attributes) is fed whole.
fn sniff(bytes: &[u8]) -> &'static Encoding {
    let text = text_bytes(bytes);
    let input = if text.is_ascii() { bytes } else { &text };
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(input, true);
    detector.guess(None, Utf8Detection::Allow)
}

/// The bytes of a document outside its markup. No byte of a legacy CJK encoding's two-byte
/// characters is `<` or `>` (their second bytes start at 0x40), so markup is found in any of
/// them.
fn text_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(bytes.len() / 4);
    let mut rest = bytes;
    while let Some(open) = memchr::memchr(b'<', rest) {
        text.extend_from_slice(&rest[..open]);
        let tag = &rest[open..];
        let closing: &[u8] = if tag.starts_with(b"<!--") {
            b"-->"
        } else if starts_with_ignore_case(tag, b"<script") {
            b"</script"
        } else if starts_with_ignore_case(tag, b"<style") {
            b"</style"
        } else {
            b">"
        };
        let Some(at) = memchr::memmem::find(&tag[1..], closing) else {
            return text;
        };
        rest = &tag[1 + at + closing.len()..];
        if closing.len() > 1 && closing != b"-->" {
            // The rest of the end tag of a script or style.
            let Some(end) = memchr::memchr(b'>', rest) else {
                return text;
            };
            rest = &rest[end + 1..];
        }
        // A space where the markup was: words on either side stay apart.
        text.push(b' ');
    }
    text.extend_from_slice(rest);
    text
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn decode_as(bytes: &[u8], encoding: &'static Encoding, detected: Detected) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding,
        detected,
        had_errors,
    }
}
