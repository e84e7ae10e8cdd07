//! "Also reported by": the other outlets that ran a story, as every output shows them (a footer
//! under the content of RSS, Atom and JSON Feed items; a line on `index.html`).
//!
//! Must not: decide which copies are one story or which is primary (`dedup` did); this file
//! only presents a story's provenance.

use std::borrow::Cow;

use crate::model::{Item, Sighting};

/// The copies to list: every copy but the primary, one per outlet (the first seen), none of
/// the primary's own outlet.
pub fn also_reported(item: &Item) -> Vec<&Sighting> {
    let mut out: Vec<&Sighting> = Vec::new();
    for copy in item.provenance.iter().skip(1) {
        if copy.outlet.name == item.outlet.name
            || out.iter().any(|o| o.outlet.name == copy.outlet.name)
        {
            continue;
        }
        out.push(copy);
    }
    out
}

/// The words before the list: Chinese for a `zh*` channel, English otherwise.
pub fn also_label(language: &str) -> &'static str {
    if language.to_ascii_lowercase().starts_with("zh") {
        "也见于："
    } else {
        "Also reported by: "
    }
}

/// `<p class="also-reported">也见于：<a href="…">华龙网</a>、<a href="…">云南日报</a></p>`,
/// or `None` when the story has no other copy.
pub fn also_footer_html(item: &Item, language: &str) -> Option<String> {
    let copies = also_reported(item);
    if copies.is_empty() {
        return None;
    }
    let zh = language.to_ascii_lowercase().starts_with("zh");
    let links: Vec<String> = copies
        .iter()
        .map(|copy| {
            format!(
                "<a href=\"{}\">{}</a>",
                escape(&copy.link),
                escape(&copy.outlet.name)
            )
        })
        .collect();
    Some(format!(
        "<p class=\"also-reported\">{}{}</p>",
        also_label(language),
        links.join(if zh { "、" } else { ", " })
    ))
}

/// The story's HTML with the "also reported by" footer under it, when it has other copies.
pub fn content_with_footer<'a>(item: &'a Item, language: &str) -> Cow<'a, str> {
    match also_footer_html(item, language) {
        Some(footer) => Cow::Owned(format!("{}\n{footer}", item.content_html)),
        None => Cow::Borrowed(&item.content_html),
    }
}

/// HTML text and attribute escaping for the few characters that need it (names and links come
/// from feeds; a full HTML library would be more than these four replacements need).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Outlet;
    use crate::publish::tests::items;

    fn copy(outlet: &str, link: &str) -> Sighting {
        let story = &items()[0];
        Sighting {
            source: outlet.to_owned(),
            outlet: Outlet {
                name: outlet.to_owned(),
                url: None,
            },
            link: link.to_owned(),
            guid: None,
            published: story.published,
            seen: story.first_seen,
            origin: None,
            linkless: false,
        }
    }

    #[test]
    fn lists_other_outlets_once_each_escaped() {
        let mut story = items()[0].clone();
        assert_eq!(also_footer_html(&story, "zh-cn"), None);
        story.provenance = vec![
            story.sightings()[0].clone(),
            copy("华龙网", "https://cqrb.example/1?a=1&b=2"),
            copy("华龙网", "https://cqrb.example/2"),
            copy(&story.outlet.name.clone(), "https://other.example/3"),
            copy("R&D <Daily>", "https://rd.example/4"),
        ];
        assert_eq!(
            also_footer_html(&story, "zh-cn").as_deref(),
            Some(
                "<p class=\"also-reported\">也见于：<a href=\"https://cqrb.example/1?a=1&amp;b=2\">华龙网</a>、<a href=\"https://rd.example/4\">R&amp;D &lt;Daily&gt;</a></p>"
            )
        );
        let english = also_footer_html(&story, "en").expect("footer");
        assert!(
            english.starts_with("<p class=\"also-reported\">Also reported by: <a"),
            "{english}"
        );
    }

    #[test]
    fn every_output_names_the_other_outlets() {
        use crate::publish::tests::channel;
        let mut stories = items();
        let first = stories[0].sightings()[0].clone();
        stories[0].provenance = vec![first, copy("华龙网", "https://cqrb.example/1")];
        let channel = channel();
        let footer = "也见于：<a href=\"https://cqrb.example/1\">华龙网</a>";
        let rss = crate::publish::to_rss(&channel, &stories);
        assert!(rss.contains(footer), "{rss}");
        let atom = crate::publish::to_atom(&channel, &stories);
        assert!(
            atom.contains("也见于：&lt;a href=&quot;https://cqrb.example/1&quot;&gt;华龙网"),
            "{atom}"
        );
        let json: serde_json::Value = serde_json::from_slice(
            &crate::publish::to_json_feed(&channel, &stories).expect("json"),
        )
        .expect("parses");
        let item = json["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == stories[0].id.as_str())
            .expect("the story");
        assert!(
            item["content_html"]
                .as_str()
                .expect("html")
                .contains(footer)
        );
        assert_eq!(item["_beatwire"]["also"][0]["name"], "华龙网");
        assert_eq!(
            item["_beatwire"]["also"][0]["url"],
            "https://cqrb.example/1"
        );
        let html = crate::publish::to_html(&channel, &stories);
        assert!(
            html.contains(
                "<p class=\"also\">也见于：<a href=\"https://cqrb.example/1\">华龙网</a></p>"
            ),
            "{html}"
        );
    }
}
