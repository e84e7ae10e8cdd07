//! Near-duplicate sketches (identity rule 3): a MinHash signature of a story's normalised text
//! over character 5-grams, computed with one-permutation hashing, and the LSH bands that find
//! candidates without comparing a story with every other.
//!
//! # How
//! - The text (title, then body) is normalised: full-width letters and digits become ASCII,
//!   letters lowercase, and everything that is not a letter or a digit (punctuation of either
//!   style, `“”` or `「」`, spaces, symbols) is dropped, so punctuation never tells copies apart.
//! - Each 5-character shingle is hashed once (xxh3, a specified algorithm: sketches are stored,
//!   so the hash must not change between builds). The top bits pick one of [`BINS`] bins, the
//!   low 32 bits compete for the bin's minimum; empty bins borrow from the next full one
//!   (densification). The share of equal bins between two sketches estimates the Jaccard
//!   similarity of their shingle sets.
//! - [`BANDS`] bands of [`ROWS`] bins each are hashed: two stories share a band hash with
//!   probability about `J^ROWS`, so near-duplicates almost always share one band and unrelated
//!   stories almost never do.
//!
//! Must not: know the store or the time window; this file turns text into numbers.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Characters per shingle.
pub const SHINGLE_CHARS: usize = 5;
/// Bins of the signature.
pub const BINS: usize = 128;
/// Bins per LSH band.
pub const ROWS: usize = 3;
/// LSH bands (using the first `BANDS * ROWS` bins).
pub const BANDS: usize = 42;
/// Normalised characters a story needs before rule 3 applies.
pub const MIN_CHARS: usize = 100;
/// The least share of equal bins for two stories to be one.
pub const SIMILAR: f64 = 0.5;

/// Bytes of [`Sketch::to_bytes`].
pub const SKETCH_BYTES: usize = 4 + BINS * 4;

const BIN_BITS: u32 = BINS.trailing_zeros();
const EMPTY: u32 = u32::MAX;
/// Added per step when an empty bin borrows a neighbour's minimum (an odd constant).
const BORROW_STEP: u32 = 0x9E37_79B9;

/// The MinHash signature of one story's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    /// Normalised characters of the text.
    pub chars: u32,
    pub mins: [u32; BINS],
}

/// The text rule 3 compares: only letters and digits, lowercase, full-width folded to ASCII.
pub fn normalise_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise_into(text, &mut out);
    out
}

/// The CJK Unified Ideographs: letters without case, most of a Chinese story's text, kept
/// without a lookup in the Unicode tables (`cjk_ideographs_are_caseless_letters` checks it).
const CJK_IDEOGRAPHS: std::ops::RangeInclusive<char> = '\u{4E00}'..='\u{9FFF}';

/// [`normalise_text`], appending to `out`.
fn normalise_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if CJK_IDEOGRAPHS.contains(&c) {
            out.push(c);
            continue;
        }
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() {
            // CJK has no case: only letters that have one go through the Unicode tables.
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
}

impl Sketch {
    /// The sketch of a story, or `None` when its text is too short for rule 3.
    pub fn of(title: &str, body: &str) -> Option<Sketch> {
        let mut text = String::with_capacity(title.len() + body.len());
        normalise_into(title, &mut text);
        normalise_into(body, &mut text);
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        let chars = bounds.len() - 1;
        if chars < MIN_CHARS {
            return None;
        }
        let mut mins = [EMPTY; BINS];
        for window in bounds.windows(SHINGLE_CHARS + 1) {
            let hash = xxh3_64(&text.as_bytes()[window[0]..window[SHINGLE_CHARS]]);
            let bin = (hash >> (64 - BIN_BITS)) as usize;
            let value = (hash as u32).min(EMPTY - 1);
            if value < mins[bin] {
                mins[bin] = value;
            }
        }
        densify(&mut mins);
        Some(Sketch {
            chars: u32::try_from(chars).unwrap_or(u32::MAX),
            mins,
        })
    }

    /// The share of bins on which two sketches agree: an estimate of the Jaccard similarity.
    pub fn similarity(&self, other: &Sketch) -> f64 {
        let equal = self
            .mins
            .iter()
            .zip(&other.mins)
            .filter(|(a, b)| a == b)
            .count();
        equal as f64 / BINS as f64
    }

    /// Whether two sketches are of the same story.
    pub fn is_near(&self, other: &Sketch) -> bool {
        self.similarity(other) >= SIMILAR
    }

    /// One hash per band; a band's index is part of its hash.
    pub fn bands(&self) -> [u64; BANDS] {
        let mut out = [0u64; BANDS];
        for (band, slot) in out.iter_mut().enumerate() {
            let mut bytes = [0u8; ROWS * 4];
            for (row, chunk) in bytes.chunks_exact_mut(4).enumerate() {
                chunk.copy_from_slice(&self.mins[band * ROWS + row].to_le_bytes());
            }
            *slot = xxh3_64_with_seed(&bytes, band as u64);
        }
        out
    }

    /// A fixed layout: the character count, then the bins, little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(SKETCH_BYTES);
        out.extend_from_slice(&self.chars.to_le_bytes());
        for min in &self.mins {
            out.extend_from_slice(&min.to_le_bytes());
        }
        out
    }

    /// Reads [`Sketch::to_bytes`] back; `None` when the length is wrong.
    pub fn from_bytes(bytes: &[u8]) -> Option<Sketch> {
        if bytes.len() != SKETCH_BYTES {
            return None;
        }
        let word = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&bytes[i * 4..i * 4 + 4]);
            u32::from_le_bytes(w)
        };
        let mut mins = [0u32; BINS];
        for (i, min) in mins.iter_mut().enumerate() {
            *min = word(i + 1);
        }
        Some(Sketch {
            chars: word(0),
            mins,
        })
    }
}

/// Fills each empty bin from the next full one to its right (wrapping), shifted by the
/// distance, so that two texts agree on an empty bin only as often as on a full one.
fn densify(mins: &mut [u32; BINS]) {
    if mins.iter().all(|&m| m == EMPTY) {
        return;
    }
    let original = *mins;
    for i in 0..BINS {
        if original[i] != EMPTY {
            continue;
        }
        let mut step = 1u32;
        let mut j = (i + 1) % BINS;
        while original[j] == EMPTY {
            j = (j + 1) % BINS;
            step += 1;
        }
        mins[i] = original[j].wrapping_add(step.wrapping_mul(BORROW_STEP));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_LEAD: &str = "四川经济日报自贡讯(记者 陈家明)近日,以“深化区域协作、共襄南向开放”为主题的重庆经济协作区第二十次市长联席会在自贡召开,云、贵、川、渝等4省市20个成员市(区)的代表分别做了交流发言。自贡市委副书记、市长何树平出席会议并致辞,重庆市发改委副巡视员周韶晖,四川省发改委二级巡视员彭跃等出席会议。";

    #[test]
    fn punctuation_width_and_case_do_not_count() {
        assert_eq!(
            normalise_text("「成渝」“双城”，ＡＢＣ１２３ abc！ΣΑ"),
            "成渝双城abc123abcσα"
        );
        let simplified = Sketch::of("标题", SEED_LEAD).expect("long enough");
        let traditional = SEED_LEAD
            .replace('“', "「")
            .replace('”', "」")
            .replace(',', "，")
            .replace('(', "（")
            .replace(')', "）");
        let other = Sketch::of("标题", &traditional).expect("long enough");
        assert_eq!(simplified, other);
        assert!((simplified.similarity(&other) - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn cjk_ideographs_are_caseless_letters() {
        for c in CJK_IDEOGRAPHS {
            assert!(c.is_alphanumeric() && !c.is_uppercase(), "{c:?}");
        }
    }

    #[test]
    fn short_texts_get_no_sketch() {
        assert_eq!(Sketch::of("川渝合作", "签约。"), None);
    }

    #[test]
    fn an_added_sentence_stays_near_and_another_text_does_not() {
        let seed = Sketch::of("重庆经济协作区第二十次市长联席会在自贡召开", SEED_LEAD).unwrap();
        let longer = Sketch::of(
            "深化区域协作 共襄南向开放",
            &format!("{SEED_LEAD}(来源:四川经济日报 责任编辑:李雪)"),
        )
        .unwrap();
        assert!(seed.is_near(&longer), "{}", seed.similarity(&longer));
        let other = Sketch::of(
            "滇黔携手建设南向开放通道",
            "昆明至贵阳的高速铁路前期工作全面提速,两省签署交通、能源、旅游等领域十二项合作协议,共同推进沿边开放和产业转移,打造面向南亚东南亚的辐射中心,预计明年开工建设。两地还将联合举办旅游推介会,邀请东盟十国旅行商参加,共同开发跨境旅游线路和特色旅游产品。",
        )
        .unwrap();
        assert!(!seed.is_near(&other), "{}", seed.similarity(&other));
        assert!(seed.similarity(&other) < 0.1);
    }

    #[test]
    fn near_copies_share_a_band() {
        let seed = Sketch::of("标题", SEED_LEAD).unwrap();
        let copy = Sketch::of("另一个标题", SEED_LEAD).unwrap();
        let shared = seed
            .bands()
            .iter()
            .zip(copy.bands())
            .filter(|(a, b)| **a == *b)
            .count();
        assert!(shared > 0);
    }

    #[test]
    fn bytes_round_trip() {
        let sketch = Sketch::of("标题", SEED_LEAD).unwrap();
        let bytes = sketch.to_bytes();
        assert_eq!(bytes.len(), SKETCH_BYTES);
        assert_eq!(Sketch::from_bytes(&bytes), Some(sketch));
        assert_eq!(Sketch::from_bytes(&bytes[1..]), None);
    }
}
