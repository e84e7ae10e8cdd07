use super::*;
use chrono::{TimeZone, Utc};

fn identity<'a>(guid: Option<&'a str>, link: Option<&'a str>) -> Identity<'a> {
    Identity {
        guid,
        canonical_link: link,
        content: None,
    }
}

pub(crate) fn item(link: &str) -> Item {
    let at = Utc.with_ymd_and_hms(2018, 12, 24, 3, 6, 36).unwrap();
    Item {
        id: String::new(),
        source: "s".into(),
        title: "标题".into(),
        link: link.into(),
        summary: String::new(),
        content_html: "<p>正文</p>".into(),
        published: at,
        updated: None,
        authors: vec![],
        categories: vec![],
        outlet: Default::default(),
        first_seen: at,
        origin: None,
        content_hash: "h1".into(),
        provenance: vec![],
        linkless: false,
    }
}

#[test]
fn unique_guids_come_first_and_links_second() {
    let keys = keys_for_document(
        "cqrb",
        &[identity(Some("g1"), Some("https://a/1"))],
        GuidTrust::Trusted,
    );
    assert_eq!(
        keys[0],
        vec![
            ItemKey::Guid {
                source: "cqrb".into(),
                guid: "g1".into()
            },
            ItemKey::Link("https://a/1".into())
        ]
    );
    let keys = keys_for_document(
        "cqrb",
        &[identity(Some("g1"), Some("https://a/1"))],
        GuidTrust::Unstable,
    );
    assert_eq!(keys[0], vec![ItemKey::Link("https://a/1".into())]);
}

// A CMS that gives every item the same guid must not collapse the feed into one story.
#[test]
fn repeated_guids_fall_back_to_links() {
    let keys = keys_for_document(
        "s",
        &[
            identity(Some("same"), Some("https://a/1")),
            identity(Some("same"), Some("https://a/2")),
            identity(None, None),
        ],
        GuidTrust::Trusted,
    );
    assert_eq!(keys[0], vec![ItemKey::Link("https://a/1".into())]);
    assert_eq!(keys[1], vec![ItemKey::Link("https://a/2".into())]);
    assert!(keys[2].is_empty());
}

// A CMS that links every item to its home page: the guids tell the stories apart.
#[test]
fn a_link_shared_in_a_document_is_left_to_the_guids() {
    let home = Some("https://a/");
    let stories = [
        identity(Some("g1"), home),
        identity(Some("g2"), home),
        identity(None, home),
        identity(Some("g3"), Some("https://a/3")),
    ];
    let keys = keys_for_document("s", &stories, GuidTrust::Trusted);
    let guid = |g: &str| ItemKey::Guid {
        source: "s".into(),
        guid: g.into(),
    };
    assert_eq!(keys[0], vec![guid("g1")]);
    assert_eq!(keys[1], vec![guid("g2")]);
    assert_eq!(keys[2], vec![ItemKey::Link("https://a/".into())]);
    assert_eq!(
        keys[3],
        vec![guid("g3"), ItemKey::Link("https://a/3".into())]
    );
    // Guids not to be trusted: links are all there is.
    let keys = keys_for_document("s", &stories, GuidTrust::Unstable);
    assert_eq!(keys[0], vec![ItemKey::Link("https://a/".into())]);
}

fn seen<'a>(
    guid: &'a str,
    by_guid: Option<&'a str>,
    by_link: Option<(&'a str, Option<&'a str>)>,
) -> GuidSeen<'a> {
    GuidSeen {
        guid: Some(guid),
        by_guid,
        by_link,
    }
}

// A feed whose guids are list positions: after one new story, every guid names another story.
#[test]
fn guids_that_move_between_stories_are_unstable() {
    let fetch = [
        seen("1", Some("story-a"), None),
        seen("2", Some("story-b"), Some(("story-a", Some("1")))),
        seen("3", Some("story-c"), Some(("story-b", Some("2")))),
    ];
    assert_eq!(judge_guids(&fetch), GuidTrust::Unstable);
}

// A feed that stamps the fetch time into its guids: the same links come with new guids.
#[test]
fn guids_that_change_under_the_same_link_are_unstable() {
    let fetch = [
        seen("t2-1", None, Some(("story-a", Some("t1-1")))),
        seen("t2-2", None, Some(("story-b", Some("t1-2")))),
    ];
    assert_eq!(judge_guids(&fetch), GuidTrust::Unstable);
}

#[test]
fn stable_guids_and_new_stories_stay_trusted() {
    let mut fetch = vec![
        seen("new", None, None),
        seen("g1", Some("a"), Some(("a", Some("g1")))),
        seen("g2", Some("b"), None),
    ];
    assert_eq!(judge_guids(&fetch), GuidTrust::Trusted);
    // One correction republished under a new guid among many known stories is not enough.
    for i in 0..8 {
        fetch.push(seen("gx", Some(["c", "d", "e", "f"][i % 4]), None));
    }
    fetch.push(seen("g9-new", None, Some(("z", Some("g9")))));
    assert_eq!(judge_guids(&fetch), GuidTrust::Trusted);
    assert_eq!(judge_guids(&[]), GuidTrust::Trusted);
}

#[test]
fn host_aliases_read_mobile_and_bare_hosts_as_the_first() {
    let aliases = HostAliases::new(&[
        "www.scjjrb.com".to_owned(),
        "m.scjjrb.com".to_owned(),
        "SCJJRB.com".to_owned(),
    ]);
    let expected = "https://www.scjjrb.com/jjxz/1.htm?id=2";
    for raw in [
        "http://m.scjjrb.com/jjxz/1.htm?id=2&utm_source=app",
        "https://scjjrb.com/jjxz/1.htm?id=2",
        "http://WWW.scjjrb.com:80/jjxz/1.htm?id=2#top",
    ] {
        let url = Url::parse(raw).unwrap();
        assert_eq!(aliases.canonical_link(&url), expected, "{raw}");
    }
    let other = Url::parse("http://m.cqrb.cn/a").unwrap();
    assert_eq!(aliases.canonical_link(&other), "https://m.cqrb.cn/a");
    assert_eq!(
        HostAliases::default().canonical_link(&Url::parse("http://m.scjjrb.com/a").unwrap()),
        "https://m.scjjrb.com/a"
    );
}

#[test]
fn story_ids_are_stable_and_distinct() {
    let a = ItemKey::Link("https://a/1".into());
    let b = ItemKey::Guid {
        source: "s".into(),
        guid: "https://a/1".into(),
    };
    assert_eq!(story_id(&a), story_id(&a.clone()));
    assert_ne!(story_id(&a), story_id(&b));
    assert_eq!(story_id(&a).len(), 32);
}

#[test]
fn classify_compares_content_hashes() {
    let item = item("https://a/1");
    let stored = Item {
        id: "abc".into(),
        ..item.clone()
    };
    assert_eq!(classify(None, &item), Change::New);
    assert_eq!(
        classify(Some(&stored), &item),
        Change::Same { id: "abc".into() }
    );
    let changed = Item {
        content_hash: "h2".into(),
        ..item
    };
    assert_eq!(
        classify(Some(&stored), &changed),
        Change::Updated { id: "abc".into() }
    );
}

// An RSS item with a title and a description and nothing else is still a story.
#[test]
fn stories_without_a_link_are_known_by_their_content() {
    let linkless = |guid, title, text| Identity {
        guid,
        canonical_link: None,
        content: Some((title, text)),
    };
    let stories = [
        linkless(None, "川渝合作", "成渝两地 签署协议"),
        linkless(None, "川渝合作", "成渝两地签署协议\n"),
        linkless(None, "川渝合作", "成渝两地签署补充协议"),
        linkless(Some("g7"), "滇黔", "沿边开放"),
    ];
    let keys = keys_for_document("fgw", &stories, GuidTrust::Trusted);
    let content = |title: &str, text: &str| ItemKey::Content {
        source: "fgw".into(),
        hash: content_key(title, text),
    };
    assert_eq!(keys[0], vec![content("川渝合作", "成渝两地签署协议")]);
    // Stored stories are found under these bytes, and the public guid is derived from them.
    assert_eq!(
        content_key("川渝合作", "成渝两地签署协议"),
        "e6c8604b04da8d1b05e91eb12f2d7c88"
    );
    assert_eq!(story_id(&keys[0][0]), "7161c4a8fcc99d71b9102e31fe7315c4");
    assert_eq!(
        keys[1], keys[0],
        "white space aside, the same content is the same story"
    );
    assert_ne!(keys[2], keys[0]);
    assert_eq!(
        keys[3],
        vec![
            ItemKey::Guid {
                source: "fgw".into(),
                guid: "g7".into()
            },
            content("滇黔", "沿边开放")
        ],
        "the guid names it; its content is its key when the guids turn out unstable"
    );
    let other_source = keys_for_document("cqrb", &stories[..1], GuidTrust::Trusted);
    assert_ne!(other_source[0], keys[0], "content keys are per source");
    assert_ne!(story_id(&keys[0][0]), story_id(&other_source[0][0]));
}
