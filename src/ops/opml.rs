//! OPML 2.0, the list format feed readers exchange (read and written by the `opml` crate).
//!
//! - [`export_sources`]: the feed sources of `feeds.toml`, each an outline with `text` and
//!   `title` (the source's name), `type="rss"`, `xmlUrl`, `htmlUrl` (its `site`, when known),
//!   inside an outline per `category` (the sources without one come first, at the top).
//!   Page sources have no feed, so they are left out.
//! - [`export_published`]: the feeds beatwire publishes (`feed.xml`, `atom.xml`, `feed.json`
//!   and `category/<slug>.xml`), at their public URLs under `[beat].feed_url`.
//! - [`plan_import`]: an OPML file's feed outlines (nested ones too) → new feed sources; the
//!   nearest enclosing outline without `xmlUrl` (else the outline's own `category` attribute)
//!   gives the category. An outline whose URL is already a source (same canonical link) is
//!   skipped, as is one whose `xmlUrl` is not an http(s) URL.
//!
//! Must not: write files: import returns the sources; `edit` writes them.

use url::Url;

use super::edit::{FeedsFile, NewSource};
use super::names::{id_from_url, unique_id};
use crate::app;
use crate::config::Config;
use crate::model::SourceKind;
use crate::normalise::canonical_link;
use crate::publish::{ATOM_FILE, JSON_FILE, RSS_FILE};

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("{file}: not an OPML document: {reason}")]
    Invalid { file: String, reason: String },
    #[error("cannot write OPML: {0}")]
    Write(String),
    #[error(
        "the published feeds' URLs are not known: set [beat].feed_url (the URL of feed.xml) in {file}"
    )]
    NoFeedUrl { file: String },
}

/// The feed sources as OPML 2.0.
pub fn export_sources(config: &Config) -> Result<String, OpmlError> {
    let mut document = document(&config.beat.title);
    for source in config.sources.iter().filter(|s| s.kind == SourceKind::Feed) {
        let outline = opml::Outline {
            text: source.name().to_owned(),
            title: Some(source.name().to_owned()),
            r#type: Some("rss".to_owned()),
            xml_url: Some(source.url.to_string()),
            html_url: source.site.as_deref().map(Url::to_string),
            ..opml::Outline::default()
        };
        let outlines = &mut document.body.outlines;
        match &source.category {
            None => {
                // Uncategorised sources stay ahead of the first category folder.
                let at = outlines
                    .iter()
                    .position(|o| o.xml_url.is_none())
                    .unwrap_or(outlines.len());
                outlines.insert(at, outline);
            }
            Some(category) => match outlines
                .iter_mut()
                .find(|o| o.xml_url.is_none() && *o.text == **category)
            {
                Some(folder) => folder.outlines.push(outline),
                None => outlines.push(opml::Outline {
                    text: category.to_string(),
                    title: Some(category.to_string()),
                    outlines: vec![outline],
                    ..opml::Outline::default()
                }),
            },
        }
    }
    render(&document)
}

/// The published feeds as OPML 2.0: what a reader subscribes to.
pub fn export_published(config: &Config) -> Result<String, OpmlError> {
    let channel = app::channel(&config.beat, config);
    let no_url = || OpmlError::NoFeedUrl {
        file: config.path.display().to_string(),
    };
    let mut document = document(&config.beat.title);
    let title = &config.beat.title;
    let mut files = vec![
        (title.clone(), RSS_FILE.to_owned(), "RSS 2.0"),
        (format!("{title} (Atom)"), ATOM_FILE.to_owned(), "Atom 1.0"),
        (
            format!("{title} (JSON Feed)"),
            JSON_FILE.to_owned(),
            "JSON Feed 1.1",
        ),
    ];
    for category in &channel.categories {
        files.push((
            format!("{title} · {}", category.name),
            category.file(),
            "RSS 2.0",
        ));
    }
    for (text, file, version) in files {
        document.body.outlines.push(opml::Outline {
            title: Some(text.clone()),
            text,
            r#type: Some("rss".to_owned()),
            version: Some(version.to_owned()),
            xml_url: Some(channel.url_of(&file).ok_or_else(no_url)?),
            html_url: Some(config.beat.link.to_string()),
            ..opml::Outline::default()
        });
    }
    render(&document)
}

/// An outline skipped on import, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub url: String,
    pub reason: String,
}

/// The feed sources an OPML document adds to `file`, and the outlines it skips.
pub fn plan_import(
    text: &str,
    name: &str,
    file: &FeedsFile,
) -> Result<(Vec<NewSource>, Vec<Skipped>), OpmlError> {
    let document = opml::OPML::from_str(text).map_err(|e| {
        // The XML parser's own message (with its line:column) is the cause of a generic one.
        let mut reason = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(inner) = cause {
            reason = format!("{reason}: {inner}");
            cause = inner.source();
        }
        OpmlError::Invalid {
            file: name.to_owned(),
            reason,
        }
    })?;
    let mut feeds = Vec::new();
    collect(&document.body.outlines, None, &mut feeds);
    let mut taken = file.ids();
    let mut added: Vec<NewSource> = Vec::new();
    let mut skipped = Vec::new();
    for (outline, category) in feeds {
        let written = outline.xml_url.as_deref().unwrap_or_default().trim();
        let url = match Url::parse(written) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url,
            _ => {
                skipped.push(Skipped {
                    url: written.to_owned(),
                    reason: "not an http(s) URL".to_owned(),
                });
                continue;
            }
        };
        let key = canonical_link(&url);
        let known = file
            .source_with_url(&url)
            .map(|id| id.to_owned())
            .or_else(|| {
                added
                    .iter()
                    .find(|s| canonical_link(&s.url) == key)
                    .map(|s| s.id.clone())
            });
        if let Some(id) = known {
            skipped.push(Skipped {
                url: url.to_string(),
                reason: format!("already present as `{id}`"),
            });
            continue;
        }
        let id = unique_id(&id_from_url(&url), &taken);
        taken.push(id.clone());
        let name = [outline.title.as_deref(), Some(outline.text.as_str())]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|t| !t.is_empty())
            .map(str::to_owned);
        added.push(NewSource {
            id,
            name,
            url,
            kind: SourceKind::Feed,
            category,
            site: outline
                .html_url
                .as_deref()
                .and_then(|u| Url::parse(u.trim()).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https")),
            list: None,
            comment: Vec::new(),
        });
    }
    Ok((added, skipped))
}

/// Every outline with an `xmlUrl`, depth first, with the category it gets.
fn collect<'a>(
    outlines: &'a [opml::Outline],
    folder: Option<&str>,
    out: &mut Vec<(&'a opml::Outline, Option<String>)>,
) {
    for outline in outlines {
        if outline.xml_url.is_some() {
            let own = outline
                .category
                .as_deref()
                .and_then(|c| c.split(',').next())
                .map(|c| c.trim().trim_start_matches('/').trim())
                .filter(|c| !c.is_empty());
            let category = folder.or(own).map(str::to_owned);
            out.push((outline, category));
            collect(&outline.outlines, folder, out);
        } else {
            let name = [outline.title.as_deref(), Some(outline.text.as_str())]
                .into_iter()
                .flatten()
                .map(str::trim)
                .find(|t| !t.is_empty());
            collect(&outline.outlines, name.or(folder), out);
        }
    }
}

fn document(title: &str) -> opml::OPML {
    opml::OPML {
        version: "2.0".to_owned(),
        head: Some(opml::Head {
            title: Some(title.to_owned()),
            ..opml::Head::default()
        }),
        body: opml::Body::default(),
    }
}

fn render(document: &opml::OPML) -> Result<String, OpmlError> {
    let xml = document
        .to_string()
        .map_err(|e| OpmlError::Write(e.to_string()))?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        indent(&xml)
    ))
}

/// One element per line, two spaces per level; an element holding only text stays on its line.
///
/// Written by hand because the `opml` crate writes one line. It is safe on well-formed XML: a
/// `<` never appears raw in text or attribute values, so every `<` opens a tag, and a tag ends
/// at the first `>` outside quotes.
fn indent(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + xml.len() / 8);
    let mut depth = 0usize;
    let mut rest = xml;
    // Whether the last thing written was an opening tag (its text and end stay on its line).
    let mut opened = false;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        let Some(len) = tag_length(&rest[start..]) else {
            break;
        };
        let tag = &rest[start..=start + len];
        rest = &rest[start + len + 1..];
        if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
            if opened {
                out.push_str(text);
            } else {
                out.push('\n');
                out.push_str(&"  ".repeat(depth));
            }
            out.push_str(tag);
            opened = false;
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&"  ".repeat(depth));
            out.push_str(tag);
            opened = !tag.ends_with("/>");
            if opened {
                depth += 1;
            }
        }
    }
    out.push_str(rest);
    out.push('\n');
    out
}

/// The index of the `>` that ends the tag `tag` starts with, quoted values skipped.
fn tag_length(tag: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_element_gets_its_own_line() {
        let xml = r#"<opml version="2.0"><head><title>a &lt;b&gt;</title></head><body><outline text="x > y"><outline text="y" xmlUrl="https://e.org/?a=1&amp;b=2"/></outline></body></opml>"#;
        assert_eq!(
            indent(xml),
            "<opml version=\"2.0\">\n  <head>\n    <title>a &lt;b&gt;</title>\n  </head>\n  \
             <body>\n    <outline text=\"x > y\">\n      \
             <outline text=\"y\" xmlUrl=\"https://e.org/?a=1&amp;b=2\"/>\n    </outline>\n  \
             </body>\n</opml>\n"
        );
    }
}
