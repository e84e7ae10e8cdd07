//! CSS selectors written for elements of a parsed page: a path that singles an element out
//! (its id, a class only it has, or its parent's path and a positional step), and a selector
//! that finds a chosen descendant as the first match inside each item of a list.
//!
//! Only classes that are plain CSS identifiers are written; every selector returned has been
//! matched against the page it was made for. Must not: score or choose elements (`guess` does).

use scraper::{ElementRef, Html, Selector};

/// Share of items a selector made by [`inner_selector`] must work for.
pub const MIN_SHARE: f64 = 0.6;
/// Most steps of a path: a longer one would break at the first change of the page.
pub const MAX_PATH_STEPS: usize = 10;

/// A selector that finds `target` as the first match inside `item` for enough of the pairs:
/// the target's tag and classes, then with its position, then under its parent's position.
pub fn inner_selector(
    pairs: &[(ElementRef<'_>, ElementRef<'_>)],
    stories: usize,
) -> Option<String> {
    let (item, sample) = pairs.first()?;
    let base = step_of(sample.value().name(), &classes(*sample));
    let position = |e: ElementRef<'_>| e.prev_siblings().filter_map(ElementRef::wrap).count() + 1;
    let mut candidates = vec![
        base.clone(),
        format!("{base}:last-child"),
        format!("{base}:nth-child({})", position(*sample)),
    ];
    if let Some(parent) = sample
        .parent()
        .and_then(ElementRef::wrap)
        .filter(|p| p.id() != item.id())
    {
        let tag = parent.value().name();
        let parent_step = step_of(tag, &classes(parent));
        if parent_step != tag {
            candidates.push(format!("{parent_step} > {base}"));
        }
        candidates.push(format!("{tag}:last-child > {base}"));
        candidates.push(format!("{tag}:nth-child({}) > {base}", position(parent)));
    }
    candidates.into_iter().find(|css| {
        let Ok(selector) = Selector::parse(css) else {
            return false;
        };
        let hits = pairs
            .iter()
            .filter(|(item, target)| {
                item.select(&selector)
                    .next()
                    .is_some_and(|e| e.id() == target.id())
            })
            .count();
        hits as f64 >= stories as f64 * MIN_SHARE
    })
}

/// A selector for `element` alone: its id, a class only it has, or its parent's path and a step;
/// `None` when that takes more than [`MAX_PATH_STEPS`] steps.
pub fn path_to(document: &Html, element: ElementRef<'_>) -> Option<String> {
    path_within(document, element, MAX_PATH_STEPS)
}

fn path_within(document: &Html, element: ElementRef<'_>, steps: usize) -> Option<String> {
    if steps == 0 {
        return None;
    }
    let tag = element.value().name();
    let unique = |css: &str| {
        Selector::parse(css)
            .ok()
            .is_some_and(|s| document.select(&s).count() == 1)
    };
    if let Some(id) = element.value().id().filter(|id| is_ident(id)) {
        let css = format!("{tag}#{id}");
        if unique(&css) {
            return Some(css);
        }
    }
    let own = classes(element);
    let step = step_of(tag, &own);
    if !own.is_empty() && unique(&step) {
        return Some(step);
    }
    if matches!(tag, "html" | "body") {
        return Some(tag.to_owned());
    }
    let parent = element.parent().and_then(ElementRef::wrap)?;
    let same_tag: Vec<ElementRef<'_>> = parent
        .children()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == tag)
        .collect();
    let step = if same_tag.len() > 1 {
        let nth = same_tag.iter().position(|e| e.id() == element.id())? + 1;
        format!("{step}:nth-of-type({nth})")
    } else {
        step
    };
    Some(format!(
        "{} > {step}",
        path_within(document, parent, steps - 1)?
    ))
}

pub fn step_of(tag: &str, classes: &[&str]) -> String {
    let mut step = tag.to_owned();
    for class in classes {
        step.push('.');
        step.push_str(class);
    }
    step
}

/// The element's classes that can be written in a selector as they are.
pub fn classes(element: ElementRef<'_>) -> Vec<&str> {
    let mut out: Vec<&str> = element.value().classes().filter(|c| is_ident(c)).collect();
    out.sort_unstable();
    out
}

fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_starts_at_an_id_or_a_unique_class_and_counts_same_tag_siblings() {
        let html = Html::parse_document(
            r#"<body><div class="box"><ul><li>a</li></ul></div>
               <div class="box"><ul id="x-1"><li>b</li></ul><ul><li>c</li></ul></div>
               <p class="only one">d</p></body>"#,
        );
        let path = |css: &str, nth: usize| {
            let selector = Selector::parse(css).unwrap();
            let element = html.select(&selector).nth(nth).unwrap();
            path_to(&html, element).unwrap()
        };
        assert_eq!(path("ul", 1), "ul#x-1");
        assert_eq!(
            path("ul", 2),
            "body > div.box:nth-of-type(2) > ul:nth-of-type(2)"
        );
        assert_eq!(path("p", 0), "p.one.only");
        assert_eq!(path("ul", 0), "body > div.box:nth-of-type(1) > ul");

        let deep = Html::parse_document(&format!("<body>{}<ul></ul>", "<div>".repeat(20)));
        let ul = deep.select(&Selector::parse("ul").unwrap()).next().unwrap();
        assert_eq!(path_to(&deep, ul), None, "too deep to be worth writing");
    }
}
