//! One request's chain of redirects: where it is now, whether it came back on itself, whether it
//! went on too long, and where the requested URL moved for good.
//!
//! Followed here rather than by reqwest, so that a loop is told apart from a long chain, a 301
//! is known as such, and each hop goes through the host pool like any other request.
//!
//! Must not: send anything; the client asks the chain where to go next.

use url::Url;

use super::{FetchError, MAX_REDIRECTS};

/// Statuses that redirect a GET.
pub(super) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Statuses that say the resource moved for good.
fn is_permanent(status: u16) -> bool {
    matches!(status, 301 | 308)
}

#[derive(Debug)]
pub(super) struct Chain {
    visited: Vec<Url>,
    /// The end of the leading permanent redirects, while no temporary one came between.
    moved_to: Option<Url>,
    only_permanent: bool,
}

impl Chain {
    pub(super) fn new(start: Url) -> Chain {
        Chain {
            visited: vec![start],
            moved_to: None,
            only_permanent: true,
        }
    }

    /// The URL to request now.
    pub(super) fn current(&self) -> &Url {
        self.visited.last().expect("a chain starts with one URL")
    }

    /// Where the first URL moved for good, if the chain began with 301 / 308.
    pub(super) fn moved_to(&self) -> Option<&Url> {
        self.moved_to.as_ref()
    }

    /// Goes on to `location` (as the `Location` header of a `status` answer gave it).
    pub(super) fn follow(&mut self, status: u16, location: Option<&str>) -> Result<(), FetchError> {
        let current = self.current().clone();
        let bad = |reason: &str| FetchError::BadRedirect {
            url: current.clone(),
            status,
            reason: reason.to_owned(),
        };
        let location = location.ok_or_else(|| bad("no Location header"))?;
        let mut next = current
            .join(location)
            .map_err(|e| bad(&format!("`{location}`: {e}")))?;
        if !matches!(next.scheme(), "http" | "https") {
            return Err(bad(&format!("`{location}` is not an http(s) URL")));
        }
        next.set_fragment(None);
        if self.visited.contains(&next) {
            return Err(FetchError::RedirectLoop {
                url: self.visited[0].clone(),
                to: next.into(),
            });
        }
        if self.visited.len() > MAX_REDIRECTS {
            return Err(FetchError::TooManyRedirects {
                url: self.visited[0].clone(),
                limit: MAX_REDIRECTS,
            });
        }
        self.only_permanent &= is_permanent(status);
        if self.only_permanent {
            self.moved_to = Some(next.clone());
        }
        self.visited.push(next);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ErrorClass;

    fn url(path: &str) -> Url {
        Url::parse("http://127.0.0.2:8000/")
            .unwrap()
            .join(path)
            .unwrap()
    }

    #[test]
    fn permanent_moves_are_remembered_until_a_temporary_redirect() {
        let mut chain = Chain::new(url("/old.xml"));
        chain.follow(301, Some("/newer.xml")).unwrap();
        chain
            .follow(308, Some("http://127.0.0.3:8000/new.xml"))
            .unwrap();
        chain.follow(302, Some("/today.xml?x=1#top")).unwrap();
        assert_eq!(
            chain.moved_to().map(Url::as_str),
            Some("http://127.0.0.3:8000/new.xml")
        );
        assert_eq!(
            chain.current().as_str(),
            "http://127.0.0.3:8000/today.xml?x=1"
        );

        let mut temporary_first = Chain::new(url("/a"));
        temporary_first.follow(307, Some("/b")).unwrap();
        temporary_first.follow(301, Some("/c")).unwrap();
        assert_eq!(temporary_first.moved_to(), None);
    }

    #[test]
    fn a_loop_is_told_apart_from_a_long_chain() {
        let mut chain = Chain::new(url("/a"));
        chain.follow(302, Some("/b")).unwrap();
        let error = chain.follow(302, Some("/a")).unwrap_err();
        assert_eq!(error.class(), ErrorClass::RedirectLoop);
        assert!(
            error
                .to_string()
                .contains("loop back to http://127.0.0.2:8000/a")
        );

        let mut chain = Chain::new(url("/0"));
        for hop in 1..=MAX_REDIRECTS {
            chain.follow(302, Some(&format!("/{hop}"))).unwrap();
        }
        let error = chain.follow(302, Some("/again")).unwrap_err();
        assert_eq!(error.class(), ErrorClass::TooManyRedirects);
    }

    #[test]
    fn a_redirect_needs_an_http_location() {
        let mut chain = Chain::new(url("/a"));
        for location in [None, Some("ftp://example.org/feed"), Some("http://[::1")] {
            let error = chain.follow(301, location).unwrap_err();
            assert_eq!(error.class(), ErrorClass::BadRedirect, "{location:?}");
        }
    }
}
