//! People in bylines: `记者 X`, `本报记者 X Y`, `作者：X`, `文/X`, `(记者 陈家明)`, `By X`, a
//! trailing `（张三 李四）`, and, when nothing else names anyone, `责任编辑：X`.
//!
//! A name is a run of 2 to 4 CJK characters (or capitalised Latin words) that ends where the
//! byline does: at white space, a bracket, punctuation, another name's separator, or the end of
//! the line. A run that goes on as prose (`记者获悉，`, `记者从…了解到`) is not a name.
//!
//! Credits in other forms have files of their own: `latin` (`By X`, `Von X`, `Par X`, and the
//! values of author tags, cleaned of roles, dates and links), `linked` (JSON-LD `author`, with
//! organisations kept apart as outlets) and `marked` (`itemprop="author"`, `rel="author"`).
//!
//! This module must not pick the lines: the caller says where bylines may be.

use std::sync::LazyLock;

use regex::Regex;

mod latin;
mod linked;
mod marked;
#[cfg(test)]
mod tests;
mod words;

pub use latin::{is_acronym, is_labelled_credit, names_in_credit};
pub use marked::{author_links, marked_authors};

use super::dom::is_cjk;
use latin::labelled_names;
use words::{BEFORE_PROSE, NOT_NAMES, ORG_ENDINGS, SPEECH_ENDINGS, SURNAMES, TRAILERS};

/// A label after which reporters or authors are named.
static AUTHOR_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:本报|本刊|本台|本网|总台|央视|新华社|中新社|融媒体|特约|实习|见习|首席|全媒体|驻[^\s记]{1,4})?记者|(?:本报)?实习生|作者\s*[:：]|撰文\s*[:：]?|采写\s*[:：]?|文\s*/\s*图|图\s*/\s*文|文\s*[/／|｜丨]|文\s*[:：]|(?:^|[\s(（])文\s+)",
    )
    .expect("valid regex")
});
/// Editors: named only when no one else is.
static EDITOR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:责任编辑|责编|值班编辑|编辑)\s*[:：]").expect("valid regex"));
/// Names in brackets closing a story: `（张巨峰）`, `(常书香 马丹阳 )`.
static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]\s*((?:\p{Han}{2,4}[\s、，,]*){1,4})\s*[）)]\s*$").expect("valid regex")
});

/// The reporters and authors `text` names after a label (`记者`, `作者：`, `文/`, `By`).
pub fn authors_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(latin) = labelled_names(text.trim()) {
        return latin;
    }
    for label in AUTHOR_LABEL.find_iter(text) {
        let before = text[..label.start()].chars().next_back();
        if before.is_some_and(|c| BEFORE_PROSE.contains(&c)) {
            continue;
        }
        for name in names_at(&text[label.end()..]) {
            push(&mut names, &name);
        }
    }
    names
}

/// A name in brackets on a dated byline line: `2004年7月16日08:19 [ 黄宇 ] 来源：…`.
static BRACKETED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\[【]\s*(\p{Han}{2,4})\s*[\]】]").expect("valid regex"));
/// The poster of a blog entry or a forum post: `ggjjzhzz 发表于 2005-9-15`.
static POSTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s|｜])([^\s:：|｜\[\]【】()（）]{2,20})\s*(?:发表于|发表在|发布于|(?i:posted\s+(?:on|at|in)))")
        .expect("valid regex")
});

/// The people in brackets on a byline line (the caller knows the line is dated).
pub fn bracketed_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for captures in BRACKETED.captures_iter(text) {
        let Some(name) = captures.get(1) else {
            continue;
        };
        // `来源：[ 国际金融报 ]` names the outlet.
        let before = text[..name.start()].trim_end_matches([' ', '[', '【']);
        if has_surname(name.as_str()) && !before.ends_with(['：', ':']) {
            push(&mut names, name.as_str());
        }
    }
    names
}

/// The poster named before `发表于` / `posted on`.
pub fn poster_in(text: &str) -> Vec<String> {
    POSTER
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
        .filter(|name| {
            !name
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
                && !NOT_NAMES.iter().any(|w| name.starts_with(w))
        })
        .map(|name| vec![name.to_owned()])
        .unwrap_or_default()
}

/// A line of names and nothing else (`赵延东、风笑天`), each a common surname and a given name.
pub fn bare_names_in(text: &str) -> Vec<String> {
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ','))
        .filter(|p| !p.is_empty())
        .collect();
    let all_names = (1..=4).contains(&parts.len())
        && parts.iter().all(|p| {
            let len = p.chars().count();
            // One name alone must look like a full name; among several, short ones do too.
            has_surname(p) && (len == 3 || len == 2 && parts.len() > 1)
        });
    if all_names {
        parts.iter().map(|p| (*p).to_owned()).collect()
    } else {
        Vec::new()
    }
}

/// A person's name that starts with a common surname.
fn has_surname(text: &str) -> bool {
    is_person(text) && text.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// The people named in brackets at the end of `text`: `（张巨峰）`.
pub fn trailing_in(text: &str) -> Vec<String> {
    let Some(captures) = TRAILING.captures(text) else {
        return Vec::new();
    };
    let inside = captures.get(1).map_or("", |m| m.as_str());
    let mut names = Vec::new();
    for part in inside.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',')) {
        // `（姚峰 上海报道）`: where it was reported from is no name.
        if part.is_empty() || part.ends_with("报道") && !names.is_empty() {
            continue;
        }
        if !is_person(part) || part.ends_with('摄') {
            return Vec::new();
        }
        push(&mut names, part);
    }
    names
}

/// The editors `text` names (`责任编辑：杨倩_NF4425` gives `杨倩`).
pub fn editors_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for label in EDITOR_LABEL.find_iter(text) {
        for name in names_at(&text[label.end()..]) {
            push(&mut names, &name);
        }
    }
    names
}

/// The people of an operator's `author` selector: a labelled byline, or bare names.
pub fn people_in(text: &str) -> Vec<String> {
    let labelled = authors_in(text);
    if !labelled.is_empty() {
        return labelled;
    }
    let mut names = Vec::new();
    // CJK names stand apart by spaces; Latin names have spaces inside them.
    let cjk = text.chars().any(is_cjk);
    let parts: Vec<&str> = if cjk {
        text.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | ';' | '；'))
            .collect()
    } else {
        text.split([',', ';', '&'])
            .flat_map(|p| p.split(" and "))
            .collect()
    };
    for part in parts {
        let part = part.trim_matches(|c: char| !c.is_alphanumeric());
        if !part.is_empty() {
            push(&mut names, part);
        }
    }
    names
}

fn push(names: &mut Vec<String>, name: &str) {
    let name = name.trim();
    if !name.is_empty() && !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
}

/// The names at the start of `rest` (just after a label), separated by spaces or `、`.
fn names_at(rest: &str) -> Vec<String> {
    let chars: Vec<char> = rest.chars().collect();
    let mut names = Vec::new();
    let mut i = 0;
    let skip = |i: &mut usize, chars: &[char], extra: &[char]| {
        while *i < chars.len() && (chars[*i].is_whitespace() || extra.contains(&chars[*i])) {
            *i += 1;
        }
    };
    skip(
        &mut i,
        &chars,
        &[':', '：', '/', '／', '|', '｜', '丨', '·', '•'],
    );
    loop {
        let start = i;
        while i < chars.len() && is_cjk(chars[i]) && i - start < 8 {
            i += 1;
        }
        let mut run: String = chars[start..i].iter().collect();
        // A run that is cut off mid-prose (more CJK follows) is not a name.
        if i < chars.len() && is_cjk(chars[i]) {
            break;
        }
        for trailer in TRAILERS {
            if let Some(cut) = run.strip_suffix(trailer) {
                run = cut.to_owned();
                break;
            }
        }
        // `罗科苏盈发自北京`: the dateline follows the name without a space.
        if let Some(at) = run.find("发自").filter(|&at| at > 0) {
            run.truncate(at);
        }
        // `记者 姚峰 上海报道`: after a name, `…报道` is where it was reported from.
        if !names.is_empty() && run.len() < chars[start..i].iter().map(|c| c.len_utf8()).sum() {
            break;
        }
        if run.ends_with('摄') {
            break;
        }
        // A word followed by a colon is the next label, not a name.
        if !is_person(&run) || matches!(chars.get(i), Some(':' | '：')) {
            break;
        }
        names.push(run);
        skip(&mut i, &chars, &['、', '，', ',', '和', '及', '与']);
        if i >= chars.len() || !is_cjk(chars[i]) {
            break;
        }
    }
    names
}

/// Small words inside names: `Michelle de Oliveira`, `Anna van der Berg`.
const PARTICLES: &[&str] = &[
    "de", "da", "di", "do", "dos", "das", "del", "della", "van", "von", "der", "den", "du", "la",
    "le", "ter", "zu", "al", "bin", "y",
];

/// Whether `text` reads as one person's name: 2 to 4 CJK characters that are not prose or an
/// organisation, or one to four capitalised Latin words.
pub fn is_name(text: &str) -> bool {
    if text.chars().any(is_cjk) {
        return is_person(text);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let particles = words.iter().filter(|w| PARTICLES.contains(w)).count();
    (1..=4).contains(&(words.len() - particles))
        && words.first().is_some_and(|w| !PARTICLES.contains(w))
        && words.last().is_some_and(|w| !PARTICLES.contains(w))
        && words.iter().all(|w| {
            (PARTICLES.contains(w) || w.chars().next().is_some_and(char::is_uppercase))
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
        })
}

/// Two to four CJK characters that do not read as prose or as an organisation.
fn is_person(run: &str) -> bool {
    let count = run.chars().count();
    (2..=4).contains(&count)
        && run.chars().all(is_cjk)
        && !NOT_NAMES.iter().any(|w| run.starts_with(w))
        && !ORG_ENDINGS.iter().any(|w| run.ends_with(w))
        && !SPEECH_ENDINGS.iter().any(|w| run.ends_with(w))
        && !["记者", "编辑", "通讯员", "实习"]
            .iter()
            .any(|w| run.contains(w))
        && !run.contains(['的', '了', '是', '在', '着'])
}
