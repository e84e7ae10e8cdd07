//! The people and organisations a page's JSON-LD credits: the `author` of its article object
//! (`NewsArticle`, `BlogPosting`, … first, then any object), as names (`{"name": …}`,
//! `givenName` + `familyName`, or text), with organisations kept apart, and the outlet that
//! publishes it (`publisher`, an `Organization` credited as author, `og:site_name`).
//!
//! This module must not read the page's text: it reads only what `Meta` collected.

use serde_json::{Map, Value};

use super::super::meta::{Meta, types};
use super::latin::names_in_credit;
use crate::normalise::clean_text;

/// What JSON-LD `author` fields say.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Credits {
    /// People's names, in order.
    pub people: Vec<String>,
    /// Organisations credited as authors.
    pub organisations: Vec<String>,
}

impl Meta {
    /// The authors of the page's article object; when no article object names a person, of the
    /// first other object that does.
    pub fn linked_credits(&self) -> Credits {
        let mut organisations = Vec::new();
        let articles = self.linked_data.iter().filter(|o| is_article(o));
        let others = self
            .linked_data
            .iter()
            .filter(|o| !is_article(o) && !is_org(o));
        for object in articles.chain(others) {
            let Some(author) = object.get("author").or_else(|| object.get("creator")) else {
                continue;
            };
            let mut credits = Credits::default();
            read_author(author, &mut credits, &|id| self.linked_node(id));
            for org in credits.organisations {
                if !organisations.contains(&org) {
                    organisations.push(org);
                }
            }
            if !credits.people.is_empty() {
                return Credits {
                    people: credits.people,
                    organisations,
                };
            }
        }
        Credits {
            people: Vec::new(),
            organisations,
        }
    }

    /// The names the page gives itself in its tags: `og:site_name`, `application-name`,
    /// `twitter:site` without its `@`.
    pub fn site_tag_names(&self) -> Vec<String> {
        ["og:site_name", "application-name", "twitter:site"]
            .iter()
            .filter_map(|name| self.tag(&[name]))
            .map(|(_, v)| v.trim_start_matches('@').to_owned())
            .filter(|n| !n.is_empty())
            .collect()
    }

    /// The organisations of the page's JSON-LD: its publisher (unless a person) and every
    /// object typed as an organisation.
    pub fn organisation_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for object in &self.linked_data {
            // A personal blog's publisher is its author: only an organisation is an outlet.
            let publisher = object.get("publisher");
            let is_person = publisher
                .and_then(Value::as_object)
                .is_some_and(|p| types(p).any(|t| t == "Person"));
            if !is_person && let Some(name) = publisher.and_then(name_of) {
                names.push(name);
            }
            if is_org(object)
                && let Some(name) = object.get("name").and_then(Value::as_str)
            {
                names.push(clean_text(name));
            }
        }
        names.retain(|n| !n.is_empty());
        names
    }

    /// The `@graph` node whose `@id` is `id`, when it is not a bare reference itself.
    fn linked_node(&self, id: &str) -> Option<&Map<String, Value>> {
        self.linked_data
            .iter()
            .find(|o| o.get("@id").and_then(Value::as_str) == Some(id) && o.len() > 1)
    }

    /// The JSON-LD publisher's name.
    pub fn linked_publisher(&self) -> Option<String> {
        self.linked_data
            .iter()
            .filter(|o| is_article(o))
            .chain(self.linked_data.iter())
            .find_map(|o| o.get("publisher").and_then(name_of))
    }
}

/// Reads one `author` value; `node` finds a `@graph` node by its `@id` (`{"@id": "#jane"}`).
fn read_author<'m>(
    value: &'m Value,
    credits: &mut Credits,
    node: &dyn Fn(&str) -> Option<&'m Map<String, Value>>,
) {
    match value {
        Value::String(text) => {
            for name in names_in_credit(&clean_text(text)) {
                push(&mut credits.people, name);
            }
        }
        Value::Array(items) => {
            for item in items.iter().take(32) {
                read_author(item, credits, node);
            }
        }
        Value::Object(object) => {
            let object = match object.get("@id").and_then(Value::as_str) {
                Some(id) if name_of(value).is_none() => match node(id) {
                    Some(found) => found,
                    None => return,
                },
                _ => object,
            };
            let Some(name) = object_name(object) else {
                return;
            };
            if is_org(object) {
                push(&mut credits.organisations, name);
            } else {
                for name in names_in_credit(&name) {
                    push(&mut credits.people, name);
                }
            }
        }
        _ => {}
    }
}

/// `{"name": …}`, or `givenName` and `familyName`, or a string.
fn name_of(value: &Value) -> Option<String> {
    let name = match value {
        Value::String(s) => Some(clean_text(s)),
        Value::Object(object) => object_name(object),
        Value::Array(items) => items.iter().find_map(name_of),
        _ => None,
    };
    name.filter(|n| !n.is_empty())
}

/// An object's `name`, or its `givenName` and `familyName`.
fn object_name(object: &Map<String, Value>) -> Option<String> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(clean_text);
    let name = text(object.get("name"))
        .filter(|n| !n.is_empty())
        .or_else(|| {
            let given = text(object.get("givenName")).unwrap_or_default();
            let family = text(object.get("familyName")).unwrap_or_default();
            Some(format!("{given} {family}").trim().to_owned())
        });
    name.filter(|n| !n.is_empty())
}

fn push(names: &mut Vec<String>, name: String) {
    if !name.is_empty() && !names.contains(&name) {
        names.push(name);
    }
}

/// `NewsArticle`, `Article`, `ReportageNewsArticle`, `BlogPosting`, `LiveBlogPosting`, `Report`.
fn is_article(object: &Map<String, Value>) -> bool {
    types(object).any(|t| t.ends_with("Article") || t.ends_with("Posting") || t == "Report")
}

/// `Organization`, `NewsMediaOrganization`, `Corporation`, … : not a person.
fn is_org(object: &Map<String, Value>) -> bool {
    types(object).any(|t| t.ends_with("Organization") || t == "Corporation" || t == "Brand")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(objects: Value) -> Meta {
        let linked_data = objects
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_object().unwrap().clone())
            .collect();
        Meta {
            linked_data,
            ..Meta::default()
        }
    }

    #[test]
    fn the_article_objects_author_comes_before_other_objects() {
        let page = meta(serde_json::json!([
            {"@type": "WebPage", "author": "Other Person"},
            {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Rowe"}},
        ]));
        assert_eq!(page.linked_credits().people, ["Jane Rowe"]);
    }

    #[test]
    fn an_organisation_credited_as_author_is_no_person() {
        let page = meta(serde_json::json!([
            {"@type": "ReportageNewsArticle", "author": [
                {"@type": "NewsMediaOrganization", "name": "Example Agency"},
                {"@type": "Person", "givenName": "Jane", "familyName": "Rowe"},
            ]},
        ]));
        let credits = page.linked_credits();
        assert_eq!(credits.people, ["Jane Rowe"]);
        assert_eq!(credits.organisations, ["Example Agency"]);
        let only_org = meta(serde_json::json!([
            {"@type": "Article", "author": {"@type": "Organization", "name": "Example Agency"}},
        ]));
        assert!(only_org.linked_credits().people.is_empty());
    }
}
