//! A spanned, typed view of one TOML table: [`Table`] looks keys up, checks their TOML type and
//! hands back [`Spanned`] values, reporting unknown keys and wrong types to a [`Report`].
//!
//! This file knows TOML shapes (string, integer, array, table) and nothing of what a key means:
//! turning a string into a URL or a zone is done by the callers with the helpers in `value.rs`.

use toml_edit::{Item, TableLike, Value};

use super::problem::{Report, Span, did_you_mean};

/// A value with the byte span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One table of `feeds.toml` (a `[header]` table, an `[[array]]` element or an inline table).
pub(super) struct Table<'d> {
    /// How messages name the table, e.g. `[beat]`, `[[source]]`, `[source.list]`.
    pub name: String,
    pub inner: &'d dyn TableLike,
    /// Where the table starts: its header, or the key that opened it.
    pub span: Span,
}

/// What a TOML item is called in messages, with an article.
pub(super) fn kind_of(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(Value::String(_)) => "a string",
        Item::Value(Value::Integer(_)) => "an integer",
        Item::Value(Value::Float(_)) => "a float",
        Item::Value(Value::Boolean(_)) => "a boolean",
        Item::Value(Value::Datetime(_)) => "a date-time",
        Item::Value(Value::Array(_)) => "an array",
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

fn value_kind(value: &Value) -> &'static str {
    kind_of(&Item::Value(value.clone()))
}

impl<'d> Table<'d> {
    pub(super) fn new(name: impl Into<String>, inner: &'d dyn TableLike, span: Span) -> Self {
        Table {
            name: name.into(),
            inner,
            span,
        }
    }

    /// Reports every key that is not in `known`, at the key, with a suggestion when one is close.
    pub(super) fn deny_unknown(&self, known: &[&str], report: &mut Report<'_>) {
        for (key, item) in self.inner.iter() {
            if known.contains(&key) {
                continue;
            }
            let what = match item {
                Item::Table(_) | Item::ArrayOfTables(_) => "table",
                _ => "key",
            };
            let hint = did_you_mean(key, known.iter().copied());
            let message = if self.name.is_empty() {
                format!("unknown {what} `{key}`{hint}")
            } else {
                format!("unknown {what} `{key}` in {}{hint}", self.name)
            };
            report.at(&self.key_span(key), message);
        }
    }

    /// Where `key` is written, or the table's own span when the key has none.
    pub(super) fn key_span(&self, key: &str) -> Span {
        self.inner
            .key(key)
            .and_then(|k| k.span())
            .unwrap_or_else(|| self.span.clone())
    }

    /// The item at `key` and where its value is written (falling back to the key).
    pub(super) fn item(&self, key: &str) -> Option<(&'d Item, Span)> {
        let item = self.inner.get(key)?;
        let span = item.span().unwrap_or_else(|| self.key_span(key));
        Some((item, span))
    }

    /// Reports `key` as missing from this table.
    pub(super) fn missing(&self, key: &str, report: &mut Report<'_>) {
        report.at(&self.span, format!("missing `{key}` in {}", self.name));
    }

    fn wrong_type(&self, key: &str, want: &str, item: &Item, span: &Span, report: &mut Report) {
        report.at(
            span,
            format!("`{key}` must be {want}, found {}", kind_of(item)),
        );
    }

    /// A string value; `None` when absent or of another type (reported).
    pub(super) fn string(&self, key: &str, report: &mut Report<'_>) -> Option<Spanned<String>> {
        let (item, span) = self.item(key)?;
        match item.as_str() {
            Some(s) => Some(Spanned {
                value: s.to_owned(),
                span,
            }),
            None => {
                self.wrong_type(key, "a string", item, &span, report);
                None
            }
        }
    }

    /// A string that must be present.
    pub(super) fn required_string(
        &self,
        key: &str,
        report: &mut Report<'_>,
    ) -> Option<Spanned<String>> {
        if self.inner.get(key).is_none() {
            self.missing(key, report);
        }
        self.string(key, report)
    }

    /// An integer value; `None` when absent or of another type (reported).
    pub(super) fn integer(&self, key: &str, report: &mut Report<'_>) -> Option<Spanned<i64>> {
        let (item, span) = self.item(key)?;
        match item.as_integer() {
            Some(n) => Some(Spanned { value: n, span }),
            None => {
                self.wrong_type(key, "an integer", item, &span, report);
                None
            }
        }
    }

    /// A boolean value; `None` when absent or of another type (reported).
    pub(super) fn boolean(&self, key: &str, report: &mut Report<'_>) -> Option<bool> {
        let (item, span) = self.item(key)?;
        let b = item.as_bool();
        if b.is_none() {
            self.wrong_type(key, "a boolean", item, &span, report);
        }
        b
    }

    /// An array of strings; each element that is not a string is reported at the element.
    /// `None` when absent or not an array.
    pub(super) fn strings(
        &self,
        key: &str,
        report: &mut Report<'_>,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let (item, span) = self.item(key)?;
        let Some(array) = item.as_array() else {
            self.wrong_type(key, "an array of strings", item, &span, report);
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for value in array.iter() {
            let at = value.span().unwrap_or_else(|| span.clone());
            match value.as_str() {
                Some(s) => out.push(Spanned {
                    value: s.to_owned(),
                    span: at,
                }),
                None => report.at(
                    &at,
                    format!(
                        "`{key}` must hold only strings, found {}",
                        value_kind(value)
                    ),
                ),
            }
        }
        Some(Spanned { value: out, span })
    }

    /// A sub-table (`[name.key]` or `key = { ... }`); `None` when absent or not a table.
    pub(super) fn table(
        &self,
        key: &str,
        name: &str,
        report: &mut Report<'_>,
    ) -> Option<Table<'d>> {
        let (item, span) = self.item(key)?;
        match item.as_table_like() {
            Some(inner) if !matches!(item, Item::ArrayOfTables(_)) => {
                Some(Table::new(name, inner, span))
            }
            _ => {
                self.wrong_type(key, "a table", item, &span, report);
                None
            }
        }
    }

    /// The elements of an array of tables (`[[key]]` or `key = [{ ... }]`).
    pub(super) fn tables(&self, key: &str, name: &str, report: &mut Report<'_>) -> Vec<Table<'d>> {
        let Some((item, span)) = self.item(key) else {
            return Vec::new();
        };
        if let Item::ArrayOfTables(array) = item {
            return array
                .iter()
                .map(|t| {
                    let at = t.span().unwrap_or_else(|| span.clone());
                    Table::new(name, t as &dyn TableLike, at)
                })
                .collect();
        }
        if let Some(array) = item.as_array() {
            let inline: Option<Vec<_>> = array
                .iter()
                .map(|v| {
                    let at = v.span().unwrap_or_else(|| span.clone());
                    v.as_inline_table()
                        .map(|t| Table::new(name, t as &dyn TableLike, at))
                })
                .collect();
            if let Some(tables) = inline {
                return tables;
            }
        }
        let want = format!("an array of tables ({name})");
        self.wrong_type(key, &want, item, &span, report);
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml_edit::Document;

    fn with_root<R>(
        text: &str,
        f: impl FnOnce(Table<'_>, &mut Report<'_>) -> R,
    ) -> (R, Vec<String>) {
        let doc = Document::parse(text).expect("test TOML parses");
        let mut report = Report::new(text);
        let root = Table::new("", doc.as_table() as &dyn TableLike, 0..0);
        let out = f(root, &mut report);
        let problems = report
            .into_problems()
            .into_iter()
            .map(|p| p.to_string())
            .collect();
        (out, problems)
    }

    #[test]
    fn typed_getters_report_the_found_type_at_the_value() {
        let text = "n = \"x\"\ns = 3\nb = \"yes\"\nok = 7\n";
        let ((n, s, b, ok), problems) = with_root(text, |t, r| {
            (
                t.integer("n", r),
                t.string("s", r),
                t.boolean("b", r),
                t.integer("ok", r),
            )
        });
        assert_eq!((n, s, b), (None, None, None));
        assert_eq!(ok.map(|v| v.value), Some(7));
        assert_eq!(
            problems,
            [
                "1:5: `n` must be an integer, found a string",
                "2:5: `s` must be a string, found an integer",
                "3:5: `b` must be a boolean, found a string",
            ]
        );
    }

    #[test]
    fn string_arrays_report_each_bad_element() {
        let text = "a = [\"x\", 2, \"y\"]\n";
        let (got, problems) = with_root(text, |t, r| t.strings("a", r));
        let values: Vec<_> = got.unwrap().value.into_iter().map(|s| s.value).collect();
        assert_eq!(values, ["x", "y"]);
        assert_eq!(
            problems,
            ["1:11: `a` must hold only strings, found an integer"]
        );
    }

    #[test]
    fn unknown_keys_are_reported_at_the_key_with_a_suggestion() {
        let text = "[t]\nevrey = 1\ncolour = 2\n";
        let (_, problems) = with_root(text, |root, r| {
            let t = root.table("t", "[t]", r).unwrap();
            t.deny_unknown(&["every"], r);
        });
        assert_eq!(
            problems,
            [
                "2:1: unknown key `evrey` in [t]; did you mean `every`?",
                "3:1: unknown key `colour` in [t]",
            ]
        );
    }

    #[test]
    fn arrays_of_tables_come_in_both_spellings() {
        let text = "s = [{ id = \"a\" }, { id = \"b\" }]\n[[t]]\nid = \"c\"\n";
        let (ids, problems) = with_root(text, |root, r| {
            let mut ids = Vec::new();
            for key in ["s", "t"] {
                for t in root.tables(key, "[[x]]", r) {
                    ids.push(t.string("id", r).unwrap().value);
                }
            }
            ids
        });
        assert_eq!(ids, ["a", "b", "c"]);
        assert!(problems.is_empty());
    }
}
