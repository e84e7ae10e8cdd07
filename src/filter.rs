//! The beat: which stories belong (`[filter]` include / exclude keywords and an optional regex)
//! and which categories (`[[category]]` keywords) a story gets.
//!
//! Keywords are matched in the title and the body text with one Aho-Corasick automaton per
//! list, so the cost does not grow with the number of keywords. ASCII letters match without
//! regard to case; Chinese text matches as written. The regex (compiled when the config is
//! loaded) counts as one more include rule: a story belongs when an include keyword or the regex
//! matches, and no exclude keyword does.
//!
//! Must not: write anything or change the story; it only answers questions about it.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use crate::config::{CategoryRule, FilterRule};

/// Whether a story belongs to the beat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// Dropped, with the reason (which keyword excluded it, or that none was included).
    Drop(String),
}

/// The compiled `[filter]` and `[[category]]` rules of a beat.
#[derive(Debug, Clone)]
pub struct BeatFilter {
    include: Option<Keywords>,
    /// `[filter].regex`, an include rule of its own.
    regex: Option<Regex>,
    exclude: Option<Keywords>,
    /// One automaton over all category keywords; each pattern maps to its category.
    categories: Option<(Keywords, Vec<usize>)>,
    category_names: Vec<String>,
}

#[derive(Debug, Clone)]
struct Keywords {
    automaton: AhoCorasick,
    words: Vec<String>,
}

impl Keywords {
    fn new(words: &[String], kind: MatchKind) -> Option<Keywords> {
        let words: Vec<String> = words.iter().filter(|w| !w.is_empty()).cloned().collect();
        if words.is_empty() {
            return None;
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(kind)
            .build(&words)
            // Building only fails past the automaton's size limits, far beyond any keyword list.
            .ok()?;
        Some(Keywords { automaton, words })
    }

    fn first_in(&self, texts: &[&str]) -> Option<&str> {
        texts.iter().find_map(|text| {
            self.automaton
                .find(*text)
                .map(|m| self.words[m.pattern().as_usize()].as_str())
        })
    }
}

impl BeatFilter {
    pub fn new(rule: &FilterRule, categories: &[CategoryRule]) -> BeatFilter {
        let mut words = Vec::new();
        let mut owners = Vec::new();
        for (index, category) in categories.iter().enumerate() {
            for word in category.keywords.iter().filter(|w| !w.is_empty()) {
                words.push(word.clone());
                owners.push(index);
            }
        }
        BeatFilter {
            include: Keywords::new(&rule.include, MatchKind::LeftmostFirst),
            regex: rule.regex.as_ref().map(|p| p.regex.clone()),
            exclude: Keywords::new(&rule.exclude, MatchKind::LeftmostFirst),
            // Standard semantics: overlapping keywords of different categories all count.
            categories: Keywords::new(&words, MatchKind::Standard).map(|k| (k, owners)),
            category_names: categories.iter().map(|c| c.name.clone()).collect(),
        }
    }

    /// Keep when no exclude keyword appears and, if include keywords or a regex are set, one
    /// keyword or the regex matches.
    pub fn verdict(&self, title: &str, text: &str) -> Verdict {
        if let Some(word) = self
            .exclude
            .as_ref()
            .and_then(|k| k.first_in(&[title, text]))
        {
            return Verdict::Drop(format!("excluded by keyword `{word}`"));
        }
        if self.include.is_none() && self.regex.is_none() {
            return Verdict::Keep;
        }
        let keyword = || {
            self.include
                .as_ref()
                .is_some_and(|k| k.first_in(&[title, text]).is_some())
        };
        let regex = || {
            self.regex
                .as_ref()
                .is_some_and(|r| r.is_match(title) || r.is_match(text))
        };
        if keyword() || regex() {
            Verdict::Keep
        } else {
            let what = match (&self.include, &self.regex) {
                (Some(_), Some(_)) => "no include keyword or regex matched",
                (None, Some(_)) => "the regex did not match",
                _ => "no include keyword matched",
            };
            Verdict::Drop(what.to_owned())
        }
    }

    /// The names of the categories whose keywords appear, in the order of `[[category]]`.
    pub fn categories(&self, title: &str, text: &str) -> Vec<String> {
        let Some((keywords, owners)) = &self.categories else {
            return Vec::new();
        };
        let mut hit = vec![false; self.category_names.len()];
        for text in [title, text] {
            for m in keywords.automaton.find_overlapping_iter(text) {
                hit[owners[m.pattern().as_usize()]] = true;
            }
        }
        self.category_names
            .iter()
            .zip(hit)
            .filter(|(_, hit)| *hit)
            .map(|(name, _)| name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> BeatFilter {
        BeatFilter::new(
            &FilterRule {
                include: vec!["经济协作".into(), "川渝".into(), "Chengdu".into()],
                exclude: vec!["广告".into()],
                regex: None,
            },
            &[
                CategoryRule {
                    name: "交通".into(),
                    slug: "transport".into(),
                    keywords: vec!["高铁".into(), "高速公路".into()],
                },
                CategoryRule {
                    name: "生态环境".into(),
                    slug: "ecology".into(),
                    keywords: vec!["生态".into(), "生态环境".into()],
                },
                CategoryRule {
                    name: "区域".into(),
                    slug: "region".into(),
                    keywords: vec!["环境联防".into()],
                },
            ],
        )
    }

    #[test]
    fn include_and_exclude_keywords() {
        let f = filter();
        assert_eq!(f.verdict("重庆经济协作区市长联席会", ""), Verdict::Keep);
        assert_eq!(f.verdict("会议", "川渝两省市签署协议"), Verdict::Keep);
        assert_eq!(f.verdict("chengdu metro", ""), Verdict::Keep);
        assert_eq!(
            f.verdict("川渝招商广告", ""),
            Verdict::Drop("excluded by keyword `广告`".into())
        );
        assert_eq!(
            f.verdict("足球联赛", "比赛结果"),
            Verdict::Drop("no include keyword matched".into())
        );
    }

    fn with_regex(include: &[&str], regex: &str) -> BeatFilter {
        BeatFilter::new(
            &FilterRule {
                include: include.iter().map(|w| (*w).to_owned()).collect(),
                exclude: vec!["广告".into()],
                regex: Some(crate::config::Pattern::parse(regex).expect("pattern")),
            },
            &[],
        )
    }

    #[test]
    fn the_regex_includes_like_one_more_keyword() {
        let f = with_regex(&["经济协作"], r"(成渝|渝黔)(地区|通道)");
        assert_eq!(f.verdict("重庆经济协作区会议", ""), Verdict::Keep);
        assert_eq!(f.verdict("新闻", "渝黔通道首趟班列"), Verdict::Keep);
        assert_eq!(
            f.verdict("成渝地区招商广告", ""),
            Verdict::Drop("excluded by keyword `广告`".into())
        );
        assert_eq!(
            f.verdict("成渝经济", "渝黔合作"),
            Verdict::Drop("no include keyword or regex matched".into())
        );

        let only = with_regex(&[], r"^\d{4}年.*签约$");
        assert_eq!(only.verdict("2018年川渝项目签约", ""), Verdict::Keep);
        assert_eq!(
            only.verdict("川渝项目签约", ""),
            Verdict::Drop("the regex did not match".into())
        );
    }

    #[test]
    fn empty_rules_keep_everything() {
        let f = BeatFilter::new(&FilterRule::default(), &[]);
        assert_eq!(f.verdict("任何", "内容"), Verdict::Keep);
        assert!(f.categories("高铁", "").is_empty());
    }

    #[test]
    fn categories_in_config_order() {
        let f = filter();
        assert_eq!(
            f.categories("生态环境联防联控", "推进高铁和高速公路建设"),
            vec![
                "交通".to_string(),
                "生态环境".to_string(),
                "区域".to_string()
            ]
        );
        assert!(f.categories("会议", "文化").is_empty());
    }
}
