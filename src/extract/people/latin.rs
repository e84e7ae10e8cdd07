//! Names in a credit written out in letters: `By Jane Doe and John Roe`, `Von Anna Muster`,
//! `Par Jean Dupont`, `Jane Doe, MA`, `Lucas Nolan22 Dec`, and credit values of metadata
//! (`Samya Kullab and Vasilisa Stepanenko`, `Bradley M. Kuhn (http://…)`).
//!
//! A name is one to five words, each capitalised or a particle (`de`, `van`, `von`); a role
//! (`Staff Writer`, `Redakteurin`), a placeholder (`Admin`, `Redaktion`), a date glued on, a
//! degree, an address or a link is not a name.
//!
//! This module must not pick the lines: the caller says where a credit is.

use std::sync::LazyLock;

use regex::Regex;

use super::{is_name, people_in};
use crate::extract::dom::is_cjk;

/// A credit label at the start of a line: `By`, `Written by`, `Von`, `Par`, `Por`, `Door`.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?i:(?:written|posted|reported|text|story|words)\s+by",
        r"|by|von|par|por|door|av|af|di|autor|author)\s*[:：]?\s+",
    ))
    .expect("valid regex")
});
/// Names after a label: capitalised words (particles between them), joined by `,` `&` `and` ….
static NAMES: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"\p{Lu}[\p{L}'’.\-]*";
    let particle = r"(?:de|da|di|do|dos|das|del|della|van|von|der|den|du|la|le|ter|zu|al|bin|y)";
    let name = format!(r"{word}(?:\s+(?:{particle}\s+)*{word}){{0,4}}");
    let joint = r"\s*(?:,|&|/|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\ben\b)\s*";
    Regex::new(&format!(r"^(?:{name})(?:{joint}(?:{name}))*")).expect("valid regex")
});
/// What joins names in a credit.
static JOINTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*(?:[,;&/|、，；]|\s(?:and|und|et|y|e|og|en)\s)\s*").expect("valid regex")
});
/// A link or an address inside a credit: `(http://…)`, `name@host`.
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(?\s*(?:https?://|www\.)\S*\s*\)?|\S+@\S+").expect("valid regex")
});

/// The label of a picture's credit: `Image:`, `Photo:`, `Foto:`, `Bild:`, `Credit:`.
static PICTURE_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^[\s(\[]*(?i:images?|photos?|pictures?|fotos?|bild(?:er)?|credits?",
        r"|illustrations?)\s*[:：]",
    ))
    .expect("valid regex")
});
/// A web address standing alone: `example.de`, `www.example.com`.
static DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w\-.]+\.[a-z]{2,6}$").expect("valid regex"));

/// Words of roles and placeholders, in the languages of the web at large: a credit made of
/// them names no person.
const ROLE_WORDS: &[&str] = &[
    "staff",
    "admin",
    "administrator",
    "webmaster",
    "editor",
    "editors",
    "editorial",
    "reporter",
    "reporters",
    "correspondent",
    "writer",
    "contributor",
    "contributors",
    "columnist",
    "producer",
    "photographer",
    "technologist",
    "journalist",
    "journaliste",
    "team",
    "desk",
    "newsroom",
    "redaktion",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "autor",
    "autorin",
    "author",
    "authors",
    "writers",
    "rédaction",
    "redacción",
    "redação",
    "redazione",
    "redactie",
    "anonymous",
    "unknown",
    "guest",
    "user",
    "senior",
    "chief",
    "news",
    "online",
    "nachrichten",
    "noticias",
    "nouvelles",
    "notizie",
    "nieuws",
    "images",
];
/// Words a name does not go on with: the credit has turned into prose or furniture.
const STOP_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "Of",
    "For",
    "In",
    "At",
    "On",
    "With",
    "From",
    "Updated",
    "Posted",
    "Published",
    "Last",
];
/// Month names and their short forms, which glue onto names in bylines (`Nolan22 Dec`).
const MONTHS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];
/// Degrees written after a name: `Jane Doe, MA`.
const DEGREES: &[&str] = &[
    "ma", "md", "phd", "mba", "msc", "bsc", "rn", "jr", "sr", "mph",
];

/// Whether `text` is a short line that opens with a credit label (`By`, `Von`, `Par` …): a
/// byline even when the names in it are links.
pub fn is_labelled_credit(text: &str) -> bool {
    text.chars().count() <= 60 && LABEL.is_match(text)
}

/// The names of a labelled Latin byline at the start of `text` (`By Jane Doe and John Roe`),
/// or nothing when `text` has no such label.
pub fn labelled_names(text: &str) -> Option<Vec<String>> {
    let label = LABEL.find(text)?;
    let rest = &text[label.end()..];
    let found = NAMES.find(rest)?;
    // `Von Montag an gilt…`: in other languages the label is a common word too, and names
    // followed by a word in lower case are prose.
    let english = label
        .as_str()
        .trim_end()
        .to_ascii_lowercase()
        .ends_with("by");
    let next = rest[found.end()..].trim_start().chars().next();
    if !english && next.is_some_and(char::is_lowercase) {
        return None;
    }
    let names = split_names(found.as_str());
    (!names.is_empty()).then_some(names)
}

/// The people of a credit value (`<meta name="author">`, a JSON-LD `author` string, the text
/// of an element marked as the author): names, without roles, dates, degrees and links.
pub fn names_in_credit(text: &str) -> Vec<String> {
    // `(Image: Example Pictures)`: the credit of a picture.
    if PICTURE_CREDIT.is_match(text) {
        return Vec::new();
    }
    let text = LINK.replace_all(text.trim(), " ");
    let text = LABEL.find(&text).map_or(&*text, |m| &text[m.end()..]);
    if text.chars().any(is_cjk) {
        return people_in(text).into_iter().filter(|n| is_name(n)).collect();
    }
    // `example.de, Frankfurt, Germany`: a credit that opens with a web address is an imprint
    // (one that closes with it, `Jane Rowe, professor, example.org`, is an affiliation).
    if JOINTS
        .split(text)
        .next()
        .is_some_and(|part| DOMAIN.is_match(part.trim()))
    {
        return Vec::new();
    }
    split_names(text)
}

/// Whether `name` is an acronym (`AFP`, `DPA`): an agency's or a desk's, not a person's.
pub fn is_acronym(name: &str) -> bool {
    let count = name.chars().count();
    (2..=5).contains(&count) && name.chars().all(|c| c.is_ascii_uppercase())
}

/// `Jane Doe, MA and John Roe22 Dec` → `Jane Doe`, `John Roe`.
fn split_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for part in JOINTS.split(text) {
        if let Some(name) = clean_name(part)
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

/// One name out of one part of a credit, or nothing when the part names no person.
pub fn clean_name(part: &str) -> Option<String> {
    // `Example.org` closing a credit is an affiliation.
    if DOMAIN.is_match(part.trim()) {
        return None;
    }
    // A date glued on ends the name: `Nolan22`.
    let part = part
        .split(|c: char| c.is_ascii_digit())
        .next()
        .unwrap_or("");
    let mut words: Vec<&str> = Vec::new();
    let all: Vec<&str> = part
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '|' | '(' | ')')))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, &word) in all.iter().enumerate() {
        // A month closing the credit is a date (`Laila Apr.`); inside a name it is a name (`Jan
        // Michael`).
        if STOP_WORDS.contains(&word) || is_month(word) && i + 1 == all.len() && i > 0 {
            break;
        }
        // `LazareTwitter`, `TimesNovember`: a word glued onto a name ends it.
        if let Some(cut) = glued(word) {
            words.push(cut);
            break;
        }
        words.push(word);
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    // `Desk-Redaktion`: a role inside a compound too.
    let is_role = |w: &String| {
        w.split('-')
            .any(|p| ROLE_WORDS.contains(&p.trim_end_matches('.')))
    };
    if lower.iter().any(is_role)
        || words.len() == 1 && DEGREES.contains(&lower[0].trim_end_matches('.'))
    {
        return None;
    }
    let name = words.join(" ");
    let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    (is_name(name) && name.chars().count() >= 2).then(|| name.to_owned())
}

fn is_month(word: &str) -> bool {
    MONTHS.contains(&word.trim_end_matches(['.', ',']).to_lowercase().as_str())
}

/// The word before another glued onto it: a capital after three or more small letters
/// (`LazareTwitter` → `Lazare`), which names do not have (`McCarthy`, `DeVos`, `MacLeod`).
fn glued(word: &str) -> Option<&str> {
    let mut small = 0;
    for (at, c) in word.char_indices() {
        if c.is_uppercase() && small >= 3 {
            return Some(&word[..at]);
        }
        small = if c.is_lowercase() { small + 1 } else { 0 };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_bylines_in_several_languages() {
        let cases: &[(&str, &[&str])] = &[
            ("By Jane Doe and John Roe", &["Jane Doe", "John Roe"]),
            (
                "Von Anna Muster und Max Beispiel",
                &["Anna Muster", "Max Beispiel"],
            ),
            ("Par Jean Dupont", &["Jean Dupont"]),
            ("Por María de la Cruz", &["María de la Cruz"]),
            ("Written by Rob Example", &["Rob Example"]),
        ];
        for (text, expected) in cases {
            assert_eq!(
                labelled_names(text).unwrap_or_default(),
                *expected,
                "{text}"
            );
        }
        assert_eq!(labelled_names("Von Montag an gilt"), None);
        assert_eq!(labelled_names("by the river"), None);
    }

    #[test]
    fn dates_glued_to_names_are_cut_off() {
        assert_eq!(split_names("Jane Doe22 Dec 2016"), ["Jane Doe"]);
        assert_eq!(split_names("Jane Doe Apr. 28, 2023"), ["Jane Doe"]);
        assert_eq!(split_names("Jane Doe JAN."), ["Jane Doe"]);
        assert_eq!(
            clean_name("Example TimesNovember"),
            Some("Example Times".to_owned())
        );
        assert_eq!(clean_name("Jane RoweTwitter"), Some("Jane Rowe".to_owned()));
        assert_eq!(
            clean_name("Jan Michael Roe"),
            Some("Jan Michael Roe".to_owned())
        );
        assert_eq!(clean_name("Ann McCarthy"), Some("Ann McCarthy".to_owned()));
    }

    #[test]
    fn roles_degrees_and_placeholders_are_no_names() {
        assert_eq!(split_names("Jane Doe, News Reporter"), ["Jane Doe"]);
        assert_eq!(split_names("Jane  Doe, MA"), ["Jane Doe"]);
        assert_eq!(
            split_names("Jane Doe and John Roe The Associated Press"),
            ["Jane Doe", "John Roe"]
        );
        for text in [
            "Staff",
            "Admin",
            "Redaktion",
            "Editorial Team",
            "Senior Staff Writer",
            "Example-Redaktion",
            "example.de, Frankfurt, Germany",
            "(Image: Example Pictures/Jane Rowe)",
            "Example Images",
        ] {
            assert_eq!(names_in_credit(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn credit_values_lose_links_and_addresses() {
        assert_eq!(
            names_in_credit("Jane Q. Doe (http://example.org/jane/)"),
            ["Jane Q. Doe"]
        );
        assert_eq!(
            names_in_credit("name, someone@example.com"),
            Vec::<String>::new()
        );
        assert_eq!(
            names_in_credit("Michelle de Oliveira"),
            ["Michelle de Oliveira"]
        );
        assert_eq!(
            names_in_credit("Jane Rowe, professor of history, Example.org"),
            ["Jane Rowe"]
        );
    }
}
