//! The numbered document on small pages built here.

use super::*;

#[test]
fn lines_break_at_blocks_and_br_and_counts_add_up() {
    let html = Html::parse_document(
        "<html><head><title>标题</title><script>var a='正文';</script></head><body>\
         <div id=a>第一行<br>第二<b>行</b><p>段落，<a href=/x>链接</a>。</p>尾巴</div>\
         <div style='display: none'>隐藏</div></body></html>",
    );
    let dom = Dom::build(&html);
    let texts: Vec<&str> = dom.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, vec!["第一行", "第二行", "段落，链接。", "尾巴"]);
    let body = dom.first_named("body").unwrap();
    let counts = dom.slot(body).counts;
    assert_eq!(counts.chars, 14);
    assert_eq!(counts.cjk, 12);
    assert_eq!(counts.link_chars, 2);
    assert_eq!(counts.punct, 2);
    assert_eq!(counts.links, 1);
    assert_eq!(counts.paragraphs, 1);
    let p = dom.first_named("p").unwrap();
    assert_eq!(dom.lines[2].block, p);
    assert_eq!(dom.text_of(p), "段落，链接。");
    assert!(dom.contains(body, p) && !dom.contains(p, body));
}

#[test]
fn deep_nesting_is_walked_without_recursion() {
    let html = format!(
        "<body>{}成渝{}</body>",
        "<span><b>".repeat(10_000),
        "</b></span>".repeat(10_000)
    );
    let html = Html::parse_document(&html);
    let dom = Dom::build(&html);
    assert_eq!(dom.lines.len(), 1);
    assert_eq!(dom.lines[0].text, "成渝");
}

#[test]
fn a_streamed_segment_sent_hidden_is_shown() {
    // A server that streams its page sends late parts as `<div hidden id="S:…">` and swaps
    // them in with a script; other hidden blocks stay hidden.
    let html = Html::parse_document(
        "<body><div hidden id=\"S:1a\"><p>The story itself.</p></div>\
         <div hidden id=\"menu\"><p>A closed menu.</p></div></body>",
    );
    let dom = Dom::build(&html);
    let texts: Vec<&str> = dom.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, vec!["The story itself."]);
}

#[test]
fn text_hidden_behind_a_paywall_is_counted() {
    let html = Html::parse_document(
        "<body><p>The first paragraph.</p>\
         <div class=\"paywall\" hidden><p>The paragraph for subscribers.</p></div>\
         <div class=\"promo\" style=\"display:none\"><p>A hidden offer.</p></div></body>",
    );
    let dom = Dom::build(&html);
    let texts: Vec<&str> = dom.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        vec!["The first paragraph.", "The paragraph for subscribers."]
    );
}
