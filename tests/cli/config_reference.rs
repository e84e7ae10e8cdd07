//! The configuration reference cannot drift: the keys the loader reads, the keys
//! `feeds.example.toml` shows (each under a comment), and the keys of the README's
//! "Configuration reference" table are the same set.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;

use beatwire::config::known_keys;

fn read(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// `[beat]` → `beat`, `[[source]]` → `source`, `[source.list]` → `source.list`.
fn table_name(header: &str) -> String {
    header
        .trim()
        .trim_matches('`')
        .trim_matches(|c| c == '[' || c == ']')
        .to_owned()
}

/// Every `table.key` of feeds.example.toml, written or commented out (`# proxy = ...`), and
/// the keys whose first appearance has no comment line above it.
fn example_keys() -> (BTreeSet<String>, Vec<String>) {
    let text = read("feeds.example.toml");
    toml_edit::DocumentMut::from_str(&text).expect("feeds.example.toml is TOML");
    let key_line = regex::Regex::new(r"^(#\s*)?([a-z_]+)\s*=\s").expect("valid regex");
    let (mut keys, mut bare) = (BTreeSet::new(), Vec::new());
    let mut table = String::new();
    let mut previous = "";
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = table_name(trimmed);
        } else if let Some(found) = key_line.captures(trimmed) {
            let path = format!("{table}.{}", &found[2]);
            let commented_out = found.get(1).is_some();
            if keys.insert(path.clone()) && !commented_out && !previous.starts_with('#') {
                bare.push(path);
            }
        }
        if !trimmed.is_empty() {
            previous = trimmed;
        }
    }
    (keys, bare)
}

/// Every `table.key` of the README's configuration reference table.
fn readme_keys() -> BTreeSet<String> {
    let text = read("README.md");
    let section = text
        .split("## Configuration reference")
        .nth(1)
        .expect("a Configuration reference section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let word = regex::Regex::new(r"`([a-z_]+)`").expect("valid regex");
    let mut keys = BTreeSet::new();
    let mut table = String::new();
    for row in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        if cells.len() < 3 || cells[1] == "table" || cells[1].starts_with("---") {
            continue;
        }
        if !cells[1].is_empty() {
            table = table_name(cells[1]);
        }
        for found in word.captures_iter(cells[2]) {
            keys.insert(format!("{table}.{}", &found[1]));
        }
    }
    keys
}

#[test]
fn the_example_and_the_readme_document_exactly_the_keys_the_loader_reads() {
    let known: BTreeSet<String> = known_keys().into_iter().collect();
    assert!(known.contains("beat.title") && known.contains("source.list.item"));
    let (example, bare) = example_keys();
    assert_eq!(example, known, "feeds.example.toml and the loader differ");
    assert!(
        bare.is_empty(),
        "keys without a comment in feeds.example.toml: {bare:?}"
    );
    assert_eq!(
        readme_keys(),
        known,
        "the README's configuration reference and the loader differ"
    );
}
