//! Adding `[[source]]` tables to `feeds.toml` without disturbing it: each new table is rendered
//! with toml_edit and appended after the last byte of the file, so comments and layout stay
//! byte for byte. The new text is loaded with the real config loader before anything is
//! written; a text that would not load is never written. The write goes through
//! [`crate::atomic`]: a temp file in the same folder renamed over the old one, with the old
//! one's permissions, so a reader sees the old file or the new one.
//!
//! Must not: fetch anything or decide what a source is; it only writes what it is given.

use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
use url::Url;

use crate::atomic::{self, Mode};
use crate::config::{Config, ConfigError};
use crate::model::SourceKind;
use crate::normalise::canonical_link;

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file does not load as it is: nothing is added to a broken file.
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{url} is already in {file} as source `{id}`")]
    AlreadyPresent {
        url: String,
        id: String,
        file: String,
    },
    #[error("source id `{id}` is already taken in {file}; choose another with --id")]
    IdTaken { id: String, file: String },
    /// The new text does not load; `problems` are the loader's, one per line.
    #[error("{file} was left unchanged: with the new source it would not load:\n{problems}")]
    WouldNotLoad { file: String, problems: String },
    #[error("{file} changed while the sources were being added; run the command again")]
    ChangedMeanwhile { file: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A `[source.list]` to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSelectors {
    pub item: String,
    pub link: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
}

/// A source to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSource {
    pub id: String,
    pub name: Option<String>,
    pub url: Url,
    pub kind: SourceKind,
    pub category: Option<String>,
    /// The site a feed belongs to.
    pub site: Option<Url>,
    /// For `kind = "page"`.
    pub list: Option<ListSelectors>,
    /// Comment lines written above the source (without `# `).
    pub comment: Vec<String>,
}

/// `feeds.toml` as read, and the config it loads to.
#[derive(Debug)]
pub struct FeedsFile {
    pub path: PathBuf,
    pub text: String,
    pub config: Config,
}

impl FeedsFile {
    /// Reads and loads the file; a file that does not load is an error (exit 2).
    pub fn open(path: &Path) -> Result<FeedsFile, EditError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let config = Config::from_toml(&text, path)?;
        Ok(FeedsFile {
            path: path.to_owned(),
            text,
            config,
        })
    }

    /// The id of the source whose URL is `url` (compared as canonical links, so `http` and
    /// `https`, a `www.` alias, tracking parameters or a fragment do not make it new).
    pub fn source_with_url(&self, url: &Url) -> Option<&str> {
        let wanted = canonical_link(url);
        self.config
            .sources
            .iter()
            .find(|s| canonical_link(&s.url) == wanted)
            .map(|s| s.id.as_str())
    }

    /// [`source_with_url`](Self::source_with_url) as an error.
    pub fn refuse_present(&self, url: &Url) -> Result<(), EditError> {
        match self.source_with_url(url) {
            Some(id) => Err(EditError::AlreadyPresent {
                url: url.to_string(),
                id: id.to_owned(),
                file: self.path.display().to_string(),
            }),
            None => Ok(()),
        }
    }

    /// The ids of the sources already in the file.
    pub fn ids(&self) -> Vec<String> {
        self.config.sources.iter().map(|s| s.id.clone()).collect()
    }

    /// The file's text with `sources` appended, checked to load and to hold them.
    pub fn with_sources(&self, sources: &[NewSource]) -> Result<String, EditError> {
        let file = self.path.display().to_string();
        for source in sources {
            if self.config.source(&source.id).is_some() {
                return Err(EditError::IdTaken {
                    id: source.id.clone(),
                    file,
                });
            }
        }
        // A file written with CRLF line ends gets CRLF in the new tables too.
        let newline = if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let blank = newline.repeat(2);
        let mut text = self.text.clone();
        for source in sources {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push_str(newline);
            }
            if !text.is_empty() && !text.ends_with(&blank) {
                text.push_str(newline);
            }
            text.push_str(&render(source).replace('\n', newline));
        }
        let loaded = Config::from_toml(&text, &self.path).map_err(|e| EditError::WouldNotLoad {
            file: file.clone(),
            problems: e.to_string(),
        })?;
        if let Some(missing) = sources.iter().find(|s| loaded.source(&s.id).is_none()) {
            return Err(EditError::WouldNotLoad {
                file,
                problems: format!("source `{}` is not read back", missing.id),
            });
        }
        Ok(text)
    }

    /// Writes `text` in place of the file with [`atomic::replace`] (temp file in the same
    /// folder, fsync, rename, folder fsync), keeping the file's permissions. Refuses when the
    /// file changed on disk since it was opened.
    pub fn replace(&self, text: &str) -> Result<(), EditError> {
        let now = std::fs::read_to_string(&self.path).map_err(|source| EditError::Write {
            path: self.path.clone(),
            source,
        })?;
        if now != self.text {
            return Err(EditError::ChangedMeanwhile {
                file: self.path.display().to_string(),
            });
        }
        atomic::replace(&self.path, text.as_bytes(), Mode::KeepExisting).map_err(|e| {
            EditError::Write {
                path: e.path,
                source: e.source,
            }
        })
    }
}

/// One `[[source]]` table as TOML text, comment lines first.
pub fn render(source: &NewSource) -> String {
    let mut table = Table::new();
    table["id"] = value(source.id.as_str());
    // Names and labels are one line: white space inside them (a feed title broken over two
    // lines) becomes one space.
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(name) = &source.name {
        table["name"] = value(one_line(name));
    }
    table["url"] = value(source.url.as_str());
    table["kind"] = value(match source.kind {
        SourceKind::Feed => "feed",
        SourceKind::Page => "page",
    });
    if let Some(category) = &source.category {
        table["category"] = value(one_line(category));
    }
    if let Some(site) = &source.site {
        table["site"] = value(site.as_str());
    }
    if let Some(list) = &source.list {
        let mut selectors = Table::new();
        selectors["item"] = value(list.item.as_str());
        for (key, css) in [
            ("link", &list.link),
            ("title", &list.title),
            ("date", &list.date),
        ] {
            if let Some(css) = css {
                selectors[key] = value(css.as_str());
            }
        }
        table.insert("list", Item::Table(selectors));
    }
    let comment: String = source
        .comment
        .iter()
        .map(|line| format!("# {line}\n"))
        .collect();
    table.decor_mut().set_prefix(comment);
    let mut array = ArrayOfTables::new();
    array.push(table);
    let mut doc = DocumentMut::new();
    doc.insert("source", Item::ArrayOfTables(array));
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_source() -> NewSource {
        NewSource {
            id: "zgrb-jjxz".to_owned(),
            name: Some("自贡日报\n \"经济\"".to_owned()),
            url: Url::parse("http://www.zgrb.cn/jjxz/").unwrap(),
            kind: SourceKind::Page,
            category: Some("产业协作".to_owned()),
            site: None,
            list: Some(ListSelectors {
                item: "ul.news > li".to_owned(),
                link: None,
                title: None,
                date: Some("span.date".to_owned()),
            }),
            comment: vec!["guessed; confirm with `beatwire try zgrb-jjxz`".to_owned()],
        }
    }

    #[test]
    fn a_source_renders_as_one_table_with_its_list_and_comment() {
        assert_eq!(
            render(&page_source()),
            "# guessed; confirm with `beatwire try zgrb-jjxz`\n\
             [[source]]\nid = \"zgrb-jjxz\"\nname = '自贡日报 \"经济\"'\n\
             url = \"http://www.zgrb.cn/jjxz/\"\nkind = \"page\"\ncategory = \"产业协作\"\n\
             \n[source.list]\nitem = \"ul.news > li\"\ndate = \"span.date\"\n"
        );
    }

    fn file(text: &str) -> FeedsFile {
        let path = PathBuf::from("feeds.toml");
        FeedsFile {
            config: Config::from_toml(text, &path).unwrap(),
            path,
            text: text.to_owned(),
        }
    }

    #[test]
    fn new_tables_follow_a_blank_line_and_the_file_s_own_line_ends() {
        let beat = "[beat]\ntitle = \"t\"\nlink = \"https://example.org/\"\n# last words";
        let source = NewSource {
            list: None,
            kind: SourceKind::Feed,
            comment: Vec::new(),
            ..page_source()
        };
        let text = file(beat)
            .with_sources(std::slice::from_ref(&source))
            .unwrap();
        assert_eq!(
            text.strip_prefix(beat).unwrap(),
            format!("\n\n{}", render(&source))
        );
        let crlf = beat.replace('\n', "\r\n");
        let text = file(&crlf)
            .with_sources(std::slice::from_ref(&source))
            .unwrap();
        let added = text.strip_prefix(crlf.as_str()).unwrap();
        assert!(added.starts_with("\r\n\r\n[[source]]\r\n"), "{added:?}");
        assert!(!added.replace("\r\n", "").contains('\n'), "{added:?}");
    }

    // `feeds.toml` may hold secrets (a proxy's password): an operator's `chmod 600` survives
    // `beatwire add` and `opml import`, and the write leaves no temp file beside it.
    #[cfg(unix)]
    #[test]
    fn replace_keeps_the_file_s_permissions_and_refuses_a_file_changed_meanwhile() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        let beat = "[beat]\ntitle = \"t\"\nlink = \"https://example.org/\"\n";
        std::fs::write(&path, beat).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let opened = FeedsFile::open(&path).unwrap();
        let source = NewSource {
            list: None,
            kind: SourceKind::Feed,
            comment: Vec::new(),
            ..page_source()
        };
        let text = opened.with_sources(std::slice::from_ref(&source)).unwrap();
        opened.replace(&text).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        assert_ne!(
            mode(&plain),
            0o600,
            "the umask must not give 0o600 by itself"
        );
        std::fs::remove_file(&plain).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["feeds.toml"]);

        // `opened` still holds the text before the write: it may not overwrite the new one.
        let error = opened.replace(beat).unwrap_err();
        assert!(
            matches!(error, EditError::ChangedMeanwhile { .. }),
            "{error:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
