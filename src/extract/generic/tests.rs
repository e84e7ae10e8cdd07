//! The generic extractor on small pages built here, one per layout it must read.

use scraper::Html;

use super::*;

/// The body's lines as the generic extractor finds them.
fn body_lines(html: &str) -> Vec<String> {
    let html = Html::parse_document(html);
    let dom = Dom::build(&html);
    let body = find_body(&dom).expect("a body");
    body.line_texts(&dom)
        .iter()
        .map(|l| l.text.clone())
        .collect()
}

/// A paragraph of plain prose, numbered so that every one is different.
fn prose(n: usize, sentences: usize) -> String {
    (0..sentences)
        .map(|s| {
            format!(
                "Paragraph {n} sentence {s} says, at some length, what the council decided, \
                 and why the vote mattered to the town."
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn has(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

#[test]
fn an_article_cut_into_alike_sections_is_read_whole() {
    // Each section wraps its paragraphs a few levels deep; a picture sits between them.
    let section = |n: usize, paragraphs: usize| {
        let ps: String = (0..paragraphs)
            .map(|i| format!("<p>{}</p>", prose(n * 10 + i, 3)))
            .collect();
        format!("<div class=\"chunk\"><div><div><div>{ps}</div></div></div></div>")
    };
    let html = format!(
        "<body><nav><a href=/>Home</a></nav><article><h1>Title</h1>{}\
         <div class=\"pic\"><img src=/a.jpg></div>{}<div class=\"pic\"><img src=/b.jpg></div>\
         {}</article><footer>About us</footer></body>",
        section(1, 5),
        section(2, 1),
        section(3, 1)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 10 sentence 0"), "{lines:?}");
    assert!(has(&lines, "Paragraph 20 sentence 0"), "{lines:?}");
    assert!(has(&lines, "Paragraph 30 sentence 0"), "{lines:?}");
}

#[test]
fn readers_comments_are_not_the_article_whatever_their_class_says() {
    // The comment list's class also says `column`, a layout word that usually means content.
    let comments: String = (0..6)
        .map(|i| format!("<div class=\"entry\"><p>{}</p></div>", prose(50 + i, 4)))
        .collect();
    let html = format!(
        "<body><div class=\"story\"><p>{}</p><p>{}</p><p>{}</p></div>\
         <div class=\"comments-list columns\">{comments}</div></body>",
        prose(1, 3),
        prose(2, 3),
        prose(3, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 1 sentence 0"), "{lines:?}");
    assert!(!has(&lines, "Paragraph 50"), "{lines:?}");
}

#[test]
fn a_box_about_the_author_leaves_the_body() {
    let html = format!(
        "<body><div class=\"story\"><p>{}</p><p>{}</p><p>{}</p>\
         <div class=\"author-box\"><p>Jane Doe</p><p>Reporter. Writes about towns, \
         councils, and the roads between them.</p></div></div></body>",
        prose(1, 3),
        prose(2, 3),
        prose(3, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 3 sentence 2"), "{lines:?}");
    assert!(!has(&lines, "Jane Doe"), "{lines:?}");
    assert!(!has(&lines, "Writes about towns"), "{lines:?}");
}

#[test]
fn the_page_article_landmark_beats_a_wordier_box_outside_it() {
    // A sign-up box outside the one <article> holds more prose than any one container of
    // the story, whose paragraphs are spread over two blocks.
    let html = format!(
        "<body><main><article><h1>Title</h1><section><div><p>{}</p><p>{}</p></div>\
         <div><p>{}</p><p>{}</p></div></section></article></main>\
         <div class=\"signup\"><div><p>{}</p><p>{}</p><p>{}</p></div></div></body>",
        prose(1, 2),
        prose(2, 2),
        prose(3, 2),
        prose(4, 2),
        prose(70, 3),
        prose(71, 3),
        prose(72, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 1 sentence 0"), "{lines:?}");
    assert!(!has(&lines, "Paragraph 70"), "{lines:?}");
}

#[test]
fn of_stories_loaded_one_under_another_the_page_reads_the_first() {
    // The next story, loaded under the page's own as the reader scrolls, is longer.
    let story = |n: usize, heading: &str, paragraphs: usize| {
        let ps: String = (0..paragraphs)
            .map(|i| format!("<p>{}</p>", prose(n + i, 3)))
            .collect();
        format!("<article><{heading}>Story {n}</{heading}><div class=\"text\">{ps}</div></article>")
    };
    let html = format!(
        "<body><main>{}<div class=\"next\">{}</div></main></body>",
        story(10, "h1", 5),
        story(60, "h2", 6)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 13 sentence 2"), "{lines:?}");
    assert!(!has(&lines, "Paragraph 60"), "{lines:?}");
}

#[test]
fn the_label_of_a_teaser_box_leaves_with_its_teasers() {
    // A box of links to other stories inside the story, headed by a label that is no link.
    let card = |n: usize| {
        format!(
            "<div class=\"card\"><a href=\"/other-{n}\"><div>Another story number {n} about \
             something else entirely</div><div>by Someone Else</div><img src=\"/t{n}.jpg\"></a></div>"
        )
    };
    let html = format!(
        "<body><div class=\"story\"><p>{}</p><p>{}</p>\
         <div class=\"box\"><div class=\"label\">More on this</div>{}{}</div>\
         <p>{}</p><p>{}</p></div></body>",
        prose(1, 3),
        prose(2, 3),
        card(1),
        card(2),
        prose(3, 3),
        prose(4, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 2 sentence 2"), "{lines:?}");
    assert!(has(&lines, "Paragraph 3 sentence 0"), "{lines:?}");
    assert!(!has(&lines, "Another story"), "{lines:?}");
    assert!(!has(&lines, "More on this"), "{lines:?}");
}

#[test]
fn a_short_subhead_between_paragraphs_stays() {
    // Nothing was taken out around it: a short line of its own is the story's.
    let html = format!(
        "<body><div class=\"story\"><p>{}</p><div class=\"sub\">What comes next</div>\
         <p>{}</p><p>{}</p></div></body>",
        prose(1, 3),
        prose(2, 3),
        prose(3, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "What comes next"), "{lines:?}");
}

#[test]
fn an_embed_waiting_for_consent_is_not_the_story() {
    // The placeholder an embedded player shows until the reader agrees to share data with it.
    let html = format!(
        "<body><div class=\"story\"><p>{}</p><p>{}</p>\
         <div class=\"embed-consent\"><div>Listen to our podcast</div><div>To show embedded \
         content, your consent to passing personal data to the provider is needed, as the \
         provider asks for it. You may withdraw it at any time, in the settings.</div>\
         </div><p>{}</p></div></body>",
        prose(1, 3),
        prose(2, 3),
        prose(3, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 3 sentence 2"), "{lines:?}");
    assert!(!has(&lines, "your consent"), "{lines:?}");
    assert!(!has(&lines, "podcast"), "{lines:?}");
}

#[test]
fn a_form_or_poll_in_the_story_is_not_the_story() {
    // A newsletter sign-up (an email field, a consent box) and a poll (one radio button per
    // answer) sit between the paragraphs: their labels are the page's, not the story's.
    let html = format!(
        "<body><div class=\"story\"><p>{}</p>\
         <form><label>Email <input type=text name=mail></label><label><input type=checkbox>\
         I agree to receive emails</label><button>Sign up</button></form>\
         <p>{}</p><div class=\"box\"><p>Which answer do you like best?</p>\
         <label><input type=radio name=a>The first answer.</label>\
         <label><input type=radio name=a>The second answer.</label>\
         <label><input type=radio name=a>The third answer.</label></div><p>{}</p></div></body>",
        prose(1, 3),
        prose(2, 3),
        prose(3, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 3 sentence 2"), "{lines:?}");
    for furniture in ["I agree", "Email", "answer"] {
        assert!(!has(&lines, furniture), "{furniture}: {lines:?}");
    }
}

#[test]
fn a_table_of_data_in_the_story_stays() {
    // A status grid: a name per row and a tick (a picture) per column, no sentence in it.
    let row = |name: &str| {
        format!(
            "<tr><td>{name}</td>{}</tr>",
            "<td><img src=/tick.png></td>".repeat(4)
        )
    };
    let rows: String = ["Load map", "Save map", "Sound settings", "Chat window"]
        .iter()
        .map(|n| row(n))
        .collect();
    let html = format!(
        "<body><div class=\"post\"><p>{}</p><table><tr><td></td><td>Draft</td><td>Review\
         </td><td>Mockup</td><td>Done</td></tr>{rows}</table><p>{}</p></div></body>",
        prose(1, 3),
        prose(2, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Sound settings"), "{lines:?}");
    assert!(has(&lines, "Mockup"), "{lines:?}");
    assert!(has(&lines, "Paragraph 2 sentence 2"), "{lines:?}");
}

#[test]
fn a_long_label_over_few_teasers_leaves_with_them() {
    // Two teasers with pictures under a label of four words: the teasers are not five times
    // the label's length, yet they are most of the box.
    let teaser = |n: usize| {
        format!(
            "<li><a href=\"/other-{n}\"><img src=\"/t{n}.jpg\"></a><a href=\"/other-{n}\">How to \
             plan a family trip number {n} on a budget</a></li>"
        )
    };
    let html = format!(
        "<body><div class=\"story\"><p>{}</p><p>{}</p>\
         <div class=\"box\"><header><h3>Other People Are Reading</h3></header><ul>{}{}</ul>\
         </div><p>{}</p><p>{}</p></div></body>",
        prose(1, 3),
        prose(2, 3),
        teaser(1),
        teaser(2),
        prose(3, 3),
        prose(4, 3)
    );
    let lines = body_lines(&html);
    assert!(has(&lines, "Paragraph 3 sentence 0"), "{lines:?}");
    assert!(!has(&lines, "family trip"), "{lines:?}");
    assert!(!has(&lines, "Other People"), "{lines:?}");
}
