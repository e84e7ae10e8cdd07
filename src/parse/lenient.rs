//! The fallback read of a feed document that strict parsing rejected, in the order of what
//! breaks real feeds: character repairs (`repair`: junk before the root, HTML entities, bare
//! `&`, forbidden characters), then tag balancing (`balance`: unclosed and stray tags, a
//! truncated document cut back to its last complete item), then feed-rs again on the result,
//! and last the tolerant item scan (`scan`).
//!
//! Must not: run for a document strict parsing accepted (the strict path stays as fast as it
//! was), or return a feed without saying that it was repaired.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use super::balance::balance;
use super::repair::repair_text;
use super::scan::scan;
use super::{ParsedFeed, parse_strict};

/// Reads a broken XML feed; `None` when even the scan finds no feed in it.
pub(super) fn parse(
    text: &str,
    base: Option<&Url>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<ParsedFeed> {
    if text.starts_with('{') {
        // JSON Feed: serde reports exactly what is wrong, and there is nothing to rebalance.
        return None;
    }
    let (repaired, text_repairs) = repair_text(text)?;
    let balanced = balance(&repaired);
    let mut warnings = text_repairs.warnings();
    warnings.extend(balanced.warnings());
    if warnings.is_empty() {
        warnings.push("read again from the root element".to_owned());
    }
    let mut feed = match parse_strict(&balanced.text, base, tz, now) {
        Ok(feed) => feed,
        Err(error) => {
            // A feed root with nothing the scan can read is an empty feed, as feed-rs reads an
            // empty `<channel>`.
            let feed = scan(&balanced.text, tz, now)?;
            warnings.push(format!("items read by the tolerant scan ({error})"));
            feed
        }
    };
    if feed.items.is_empty() && balanced.dropped_items > 0 {
        // Cut off before its first complete item: nothing was recovered, the strict error
        // stands (and the source fails, keeping what it published before).
        return None;
    }
    tracing::debug!(repairs = ?warnings, "feed read leniently");
    feed.lenient = warnings;
    Some(feed)
}
