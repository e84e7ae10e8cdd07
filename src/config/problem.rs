//! What can go wrong when loading `feeds.toml`: [`ConfigError`], the [`Problem`]s it carries, and
//! [`Report`], the collector that turns byte spans into 1-based line and character columns.
//!
//! This file owns positions and messages only. It must not know any key of `feeds.toml`: the
//! walker in `load.rs` and `source.rs` decides what is a problem, this file only records it.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// A byte range in the text of `feeds.toml`.
pub(super) type Span = Range<usize>;

/// Everything that stops a `feeds.toml` from becoming a [`super::Config`].
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read at all.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file was read but holds problems; all of them are listed, sorted by position.
    #[error("{}", Listing { path, problems })]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

impl ConfigError {
    /// The problems found, sorted by position; empty when the file could not be read.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Read { .. } => &[],
            ConfigError::Invalid { problems, .. } => problems,
        }
    }
}

/// One problem in `feeds.toml`, at a 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Renders `path:line:col: message`, one problem a line.
struct Listing<'a> {
    path: &'a PathBuf,
    problems: &'a [Problem],
}

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}:{problem}", self.path.display())?;
        }
        Ok(())
    }
}

/// Collects problems while the walker goes on; positions are computed against `text`.
#[derive(Debug)]
pub(super) struct Report<'t> {
    text: &'t str,
    /// Where the part of the text being walked starts: its spans count from there (a large
    /// file is parsed a part at a time, see `parts.rs`).
    base: usize,
    problems: Vec<Problem>,
}

impl<'t> Report<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Report {
            text,
            base: 0,
            problems: Vec::new(),
        }
    }

    /// The spans given from now on count from `base` in the whole text.
    pub(super) fn set_base(&mut self, base: usize) {
        self.base = base;
    }

    /// The text the spans point into: the whole text from the part being walked on.
    pub(super) fn text(&self) -> &'t str {
        self.text.get(self.base..).unwrap_or_default()
    }

    /// A span's start as an offset into the whole text (for [`Report::line_of`]).
    pub(super) fn absolute(&self, offset: usize) -> usize {
        self.base + offset
    }

    /// Records a problem at the start of `span`.
    pub(super) fn at(&mut self, span: &Span, message: impl Into<String>) {
        let (line, col) = self.position(self.base + span.start);
        self.problems.push(Problem {
            line,
            col,
            message: message.into(),
        });
    }

    /// The 1-based line of an offset into the whole text, for messages that point back at an earlier value.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.position(offset).0
    }

    pub(super) fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems, sorted by position (the order of discovery breaks ties).
    pub(super) fn into_problems(mut self) -> Vec<Problem> {
        self.problems.sort_by_key(|p| (p.line, p.col));
        self.problems
    }

    /// 1-based line and character column of a byte offset. An offset past the end or inside a
    /// character is clamped to the nearest character boundary before it.
    fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

/// The closest candidate to `word`, when it is close enough to be a likely typo.
///
/// Case is ignored when comparing, so `asia/shanghai` finds `Asia/Shanghai`.
pub(super) fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word, &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// `"; did you mean `x`?"` when there is a close candidate, else nothing.
pub(super) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> String {
    suggest(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_at(text: &str, offset: usize) -> (usize, usize) {
        let mut report = Report::new(text);
        report.at(&(offset..offset + 1), "x");
        let p = &report.into_problems()[0];
        (p.line, p.col)
    }

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let text = "a = 1\ntitle = \"西南经济\" x\n";
        assert_eq!(problem_at(text, 0), (1, 1));
        assert_eq!(problem_at(text, 6), (2, 1));
        let x = text.find(" x").unwrap() + 1;
        // `title = "西南经济" ` is 15 characters but 23 bytes.
        assert_eq!(problem_at(text, x), (2, 16));
        assert_eq!(problem_at(text, text.len() + 10), (3, 1));
    }

    #[test]
    fn problems_come_out_sorted_by_position() {
        let text = "a\nb\nc\n";
        let mut report = Report::new(text);
        report.at(&(4..5), "third");
        report.at(&(0..1), "first");
        report.at(&(2..3), "second");
        let messages: Vec<_> = report
            .into_problems()
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert_eq!(messages, ["first", "second", "third"]);
    }

    #[test]
    fn suggestions_find_typos_but_not_strangers() {
        let keys = ["every", "encoding", "timezone"];
        assert_eq!(suggest("evrey", keys), Some("every"));
        assert_eq!(suggest("timezon", keys), Some("timezone"));
        assert_eq!(suggest("colour", keys), None);
        assert_eq!(did_you_mean("encodng", keys), "; did you mean `encoding`?");
        assert_eq!(did_you_mean("zzz", keys), "");
    }

    #[test]
    fn invalid_error_lists_one_problem_a_line() {
        let err = ConfigError::Invalid {
            path: PathBuf::from("feeds.toml"),
            problems: vec![
                Problem {
                    line: 2,
                    col: 5,
                    message: "first".into(),
                },
                Problem {
                    line: 9,
                    col: 1,
                    message: "second".into(),
                },
            ],
        };
        assert_eq!(
            err.to_string(),
            "feeds.toml:2:5: first\nfeeds.toml:9:1: second"
        );
        assert_eq!(err.problems().len(), 2);
    }
}
