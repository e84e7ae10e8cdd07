//! Content codings: which one a request accepts (`Accept-Encoding`, with q-values) and making
//! the gzip (flate2) and brotli copies of a body.
//!
//! Must not: cache anything; `files` keeps the copies, once per version of a file.

use std::io::Write;

/// A content coding beatwire can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The `Content-Encoding` value, `None` for the plain body.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// Brotli quality for a copy made once per published version: close to the best ratio while
/// a feed of a few megabytes still compresses in well under a second.
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW: u32 = 22;

/// The coding to send for an `Accept-Encoding` header: brotli, else gzip, when accepted with a
/// q-value above 0 (`*` accepts both); else the plain body.
pub fn choose(accept_encoding: Option<&str>) -> Coding {
    let Some(header) = accept_encoding else {
        return Coding::Identity;
    };
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for part in header.split(',') {
        let mut fields = part.split(';');
        let name = fields
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = fields
            .filter_map(|f| f.trim().strip_prefix("q=").or(f.trim().strip_prefix("Q=")))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match name.as_str() {
            "br" => brotli = Some(q),
            "gzip" | "x-gzip" => gzip = Some(q),
            "*" => any = Some(q),
            _ => {}
        }
    }
    let accepted = |q: Option<f32>| q.or(any).is_some_and(|q| q > 0.0);
    if accepted(brotli) {
        Coding::Brotli
    } else if accepted(gzip) {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// `body` in `coding`; `None` if the encoder failed (then the plain body is sent).
pub fn encode(coding: Coding, body: &[u8]) -> Option<Vec<u8>> {
    match coding {
        Coding::Identity => Some(body.to_vec()),
        Coding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 4),
                flate2::Compression::best(),
            );
            encoder.write_all(body).ok()?;
            encoder.finish().ok()
        }
        Coding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 4);
            {
                let mut encoder = brotli::CompressorWriter::new(
                    &mut out,
                    64 * 1024,
                    BROTLI_QUALITY,
                    BROTLI_WINDOW,
                );
                encoder.write_all(body).ok()?;
                encoder.flush().ok()?;
            }
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn brotli_is_preferred_and_q_zero_refuses() {
        assert_eq!(choose(None), Coding::Identity);
        assert_eq!(choose(Some("gzip, deflate, br")), Coding::Brotli);
        assert_eq!(choose(Some("gzip, deflate")), Coding::Gzip);
        assert_eq!(choose(Some("br;q=0, gzip;q=0.5")), Coding::Gzip);
        assert_eq!(choose(Some("br;q=0, gzip;q=0")), Coding::Identity);
        assert_eq!(choose(Some("*")), Coding::Brotli);
        assert_eq!(choose(Some("*;q=0.1, br;q=0")), Coding::Gzip);
        assert_eq!(choose(Some("identity")), Coding::Identity);
        assert_eq!(choose(Some("GZIP")), Coding::Gzip);
    }

    #[test]
    fn copies_decode_back_to_the_body() {
        let body = "川渝两地签署经济协作框架协议。".repeat(200);
        let gz = encode(Coding::Gzip, body.as_bytes()).unwrap();
        let mut plain = String::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, body);
        assert!(gz.len() < body.len() / 10);

        let br = encode(Coding::Brotli, body.as_bytes()).unwrap();
        let mut plain = String::new();
        brotli::Decompressor::new(br.as_slice(), 4096)
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, body);
    }
}
