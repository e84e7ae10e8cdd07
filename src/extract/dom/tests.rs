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

#[test]
fn shown_controls_count_for_the_boxes_around_them() {
    // Controls are skipped for their text, yet a box of them is a form, not prose; a hidden
    // field, or a control inside a hidden box, is no control the reader sees.
    let html = Html::parse_document(
        "<body><div id=box><p>Sign up</p><input type=email><input type=checkbox><button>Go\
         </button><input type=hidden name=token><select><option>a</option></select></div>\
         <div id=off style='display:none'><input type=text></div></body>",
    );
    let dom = Dom::build(&html);
    let by_id = |id: &str| {
        (0..dom.slots.len() as u32)
            .find(|&i| dom.slot(i).attr("id") == Some(id))
            .unwrap()
    };
    assert_eq!(dom.slot(by_id("box")).counts.inputs, 4);
    assert_eq!(dom.slot(by_id("box")).counts.chars, "Signup".len() as u32);
    assert_eq!(dom.slot(by_id("off")).counts.inputs, 0);
    let body = dom.first_named("body").unwrap();
    assert_eq!(dom.slot(body).counts.inputs, 4);
}
