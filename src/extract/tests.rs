//! The extractors on pages written for these tests (`fixtures/extract/`, `fixtures/sites/`)
//! and on bad input built here.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use url::Url;

use super::*;
use crate::config::{ArticleRule, Css, ListRule};
use crate::decode::decode;

fn fixture(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    let bytes = std::fs::read(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()));
    decode(&bytes, Some("text/html"), None).text
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, 1, 2, 0, 0, 0).unwrap()
}

fn read(html: &str, url: &str, rule: Option<&ArticleRule>) -> Result<Article, ExtractError> {
    let url = Url::parse(url).unwrap();
    read_article(
        html,
        &PageContext {
            url: &url,
            rule,
            zone: ZoneChoice::Given(Shanghai),
            now: now(),
        },
    )
}

fn local(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|d| d.with_timezone(&Shanghai).to_rfc3339())
}

const SEED_URL: &str = "http://www.scjjrb.com/jjxz/2018-12/24/content_36551.htm";

#[test]
fn the_seed_page_reads_as_its_reader_does() {
    let article = read(&fixture("extract/seed-gbk.html"), SEED_URL, None).unwrap();
    assert_eq!(
        article.title.as_deref(),
        Some("重庆经济协作区第二十次市长联席会在自贡召开")
    );
    assert_eq!(
        local(article.published).as_deref(),
        Some("2018-12-24T11:06:36+08:00")
    );
    assert_eq!(article.outlet.as_deref(), Some("四川经济日报"));
    assert_eq!(article.authors, vec!["陈家明"]);
    assert_eq!(article.section.as_deref(), Some("今日西南"));
    let lines: Vec<&str> = article.body_text.lines().collect();
    assert_eq!(lines.len(), 12, "{}", article.body_text);
    assert_eq!(lines[0], "深化区域协作 共襄南向开放");
    assert!(lines[1].starts_with("四川经济日报自贡讯(记者 陈家明)近日"));
    assert!(lines[11].ends_with("完善产业配套,推进区域产业合作。"));
    for noise in [
        "热线",
        "top",
        "分享",
        "新浪微博",
        "版权所有",
        "热点排行",
        "2018-12-24",
    ] {
        assert!(!article.body_text.contains(noise), "{noise} in the body");
    }
    assert_eq!(
        article.rules.title,
        Some(Rule::Generic("heading repeated by <title>"))
    );
    assert_eq!(article.rules.body, Rule::Generic("text and link density"));
    assert_eq!(
        article.rules.author,
        Some(Rule::Generic("byline under the title"))
    );
    assert!(article.warnings.is_empty());
}

#[test]
fn the_seed_page_declares_gbk_only_in_its_meta() {
    let full =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract/seed-gbk.html");
    let bytes = std::fs::read(full).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the bytes are GBK, not UTF-8"
    );
    let decoded = decode(&bytes, Some("text/html"), None);
    assert_eq!(decoded.encoding, encoding_rs::GBK);
    assert!(
        decoded
            .text
            .contains("重庆经济协作区第二十次市长联席会在自贡召开")
    );
}

fn css(text: &str) -> Option<Css> {
    Some(Css::parse(text).unwrap())
}

#[test]
fn article_selectors_come_first_and_say_so() {
    let rule = ArticleRule {
        title: css("td.biaoti"),
        body: css("#zoom"),
        date: css("td.info"),
        author: None,
        outlet: css("td.info"),
        remove: vec![Css::parse("p[align=center]").unwrap()],
        full_text: false,
    };
    let article = read(&fixture("extract/seed-gbk.html"), SEED_URL, Some(&rule)).unwrap();
    assert_eq!(
        article.rules.title,
        Some(Rule::Selector("td.biaoti".into()))
    );
    assert_eq!(article.rules.body, Rule::Selector("#zoom".into()));
    assert_eq!(
        article.rules.published,
        Some(Rule::Selector("td.info".into()))
    );
    assert_eq!(article.rules.outlet, Some(Rule::Selector("td.info".into())));
    assert_eq!(article.outlet.as_deref(), Some("四川经济日报"));
    assert_eq!(
        local(article.published).as_deref(),
        Some("2018-12-24T11:06:36+08:00")
    );
    // No author selector: the generic byline reader still finds the reporter.
    assert_eq!(article.authors, vec!["陈家明"]);
    assert_eq!(
        article.rules.author,
        Some(Rule::Generic("byline under the title"))
    );
    // `remove` took the centred subheads out.
    assert!(!article.body_text.contains("政府主导作用明显"));
    assert!(article.body_text.starts_with("四川经济日报自贡讯"));
}

#[test]
fn a_selector_that_matches_nothing_falls_back_with_a_warning() {
    let rule = ArticleRule {
        title: None,
        body: css("div.article-content"),
        date: css(".pubtime"),
        author: None,
        outlet: None,
        remove: Vec::new(),
        full_text: false,
    };
    let article = read(&fixture("extract/seed-gbk.html"), SEED_URL, Some(&rule)).unwrap();
    assert_eq!(article.rules.body, Rule::Generic("text and link density"));
    assert_eq!(
        article.warnings,
        vec![
            "date selector `.pubtime` matched nothing",
            "body selector `div.article-content` matched nothing"
        ]
    );
    assert!(article.body_text.starts_with("深化区域协作 共襄南向开放"));
}

fn no_body(result: Result<Article, ExtractError>) -> (String, String) {
    match result {
        Err(ExtractError::NoBody { url, reason }) => (url, reason),
        other => panic!("expected no body, got {other:?}"),
    }
}

#[test]
fn an_index_page_is_no_article() {
    let items: String = (1..=40)
        .map(|i| {
            format!("<li><a href=\"/jjxz/2018-12/{i:02}/content_{i}.htm\">川渝合作项目第{i}批集中签约 投资总额再创新高</a><span>2018-12-{i:02}</span></li>")
        })
        .collect();
    let html = format!(
        "<html><head><title>今日西南_四川经济日报</title></head><body><div class=nav><a href=/>首页</a></div>\
         <div class=list><ul>{items}</ul></div><div class=pages><a href=2.htm>下一页</a></div></body></html>"
    );
    let (url, reason) = no_body(read(&html, "http://www.scjjrb.com/jjxz/", None));
    assert_eq!(url, "http://www.scjjrb.com/jjxz/");
    let error = no_body_error(&html);
    assert!(
        error.starts_with("http://www.scjjrb.com/jjxz/: no article body found ("),
        "{error}: {reason}"
    );
}

fn no_body_error(html: &str) -> String {
    read(html, "http://www.scjjrb.com/jjxz/", None)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_not_found_page_served_with_200_is_no_article() {
    let html = "<html><head><title>404 页面不存在</title></head><body><div class=top><a href=/>四川经济日报</a></div>\
                <div class=box><h1>对不起，您访问的页面不存在或已被删除！</h1><p>可能的原因：网址有误，或者该稿件已经撤稿。请检查您输入的网址，或者返回首页继续浏览其他新闻。</p>\
                <p><a href=/>返回首页</a></p></div></body></html>";
    let (_, reason) = no_body(read(html, "http://www.scjjrb.com/jjxz/x.htm", None));
    assert_eq!(reason, "the page says it was not found");
}

#[test]
fn empty_and_textless_pages_are_no_article() {
    let (_, reason) = no_body(read("", SEED_URL, None));
    assert_eq!(reason, "the page is empty");
    let (_, reason) = no_body(read(" \n\t ", SEED_URL, None));
    assert_eq!(reason, "the page is empty");
    let (_, reason) = no_body(read(
        "<html><body><img src=a.jpg><script>var a = '很长的一段脚本文字，不是正文，不是正文，不是正文。';</script></body></html>",
        SEED_URL,
        None,
    ));
    assert_eq!(reason, "the page has no paragraph of text");
}

#[test]
fn deep_nesting_is_cut_and_ends_in_bounded_time() {
    // See: the HTML tree builder is quadratic in nesting depth; 100 000 nested <div>s would
    // take minutes unguarded.
    let paragraph = "<p>四川经济日报自贡讯，重庆经济协作区第二十次市长联席会在自贡召开，云、贵、川、渝等4省市20个成员市（区）的代表分别做了交流发言。</p>";
    let html = format!(
        "<html><body><div id=content>{paragraph}{paragraph}</div>{}{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let article = read(&html, SEED_URL, None).unwrap();
    assert!(article.body_text.starts_with("四川经济日报自贡讯"));
    let html = format!(
        "<html><body>{}{paragraph}</body></html>",
        "<div><span>".repeat(50_000)
    );
    no_body(read(&html, SEED_URL, None));
}

#[test]
fn a_ten_megabyte_page_is_read_and_a_larger_one_refused() {
    let mut html = String::from(
        "<html><head><title>大页面_四川经济日报</title></head><body><div class=content>",
    );
    let mut n = 0;
    while html.len() < 10 * 1024 * 1024 {
        n += 1;
        html.push_str(&format!("<p>第{n}段：川渝两省市共同签署了《深化川渝合作深入推动长江经济带发展行动计划》，从生态环境联防联控联治、基础设施互联互通、开放通道和平台建设、产业协作共兴等方面展开合作。</p>\n"));
    }
    html.push_str("</div></body></html>");
    let article = read(&html, SEED_URL, None).unwrap();
    assert!(article.body_text.len() > 9 * 1024 * 1024);
    let huge = " ".repeat(MAX_PAGE_BYTES + 1);
    let error = read(&huge, SEED_URL, None).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{SEED_URL}: the page is {} bytes, over the {MAX_PAGE_BYTES}-byte limit",
            MAX_PAGE_BYTES + 1
        )
    );
}

#[test]
fn broken_markup_still_gives_the_story() {
    let html = "<html><head><title>成渝经济区物流合作迈出新步伐-四川经济日报</title><body><table><tr><td>\
        <font size=3><b>成渝经济区物流合作迈出新步伐</b><p>记者从达州市获悉，达州“无水港”建设进入加速阶段，万州口岸的港口功能将延伸到达州<p>两地合作开发建设万州保税物流园区和达州秦巴物流园区，促进成渝经济区外向型经济发展。</font></td>\
        <td><a href=/>首页</a><div><span>未闭合";
    let article = read(html, SEED_URL, None).unwrap();
    assert_eq!(
        article.title.as_deref(),
        Some("成渝经济区物流合作迈出新步伐")
    );
    assert!(article.body_text.contains("达州“无水港”建设进入加速阶段"));
    assert!(article.body_text.contains("促进成渝经济区外向型经济发展。"));
}

fn list_rule(item: &str, link: Option<&str>, date: Option<&str>) -> ListRule {
    ListRule {
        item: Css::parse(item).unwrap(),
        link: link.map(|l| Css::parse(l).unwrap()),
        title: None,
        date: date.map(|d| Css::parse(d).unwrap()),
    }
}

#[test]
fn list_pages_give_absolute_links_titles_and_dates() {
    let html = "<ul class=news>\
        <li><a href=\"2018-12/25/content_1.htm\">川渝签署合作协议</a><span class=date>2018-12-25 09:30</span></li>\
        <li><a href=\"/jjxz/2018-12/25/content_1.htm#top\"><img src=a.jpg></a></li>\
        <li><a href=\"http://other.example.com/a.htm?utm_source=x\" title=\"成渝双城经济圈\"></a><span class=date>12-24</span></li>\
        <li><a href=\"javascript:void(0)\">更多</a></li>\
        <li>没有链接</li></ul>";
    let base = Url::parse("http://www.scjjrb.com/jjxz/index.htm").unwrap();
    let items = read_list(
        html,
        &base,
        &list_rule("ul.news li", None, Some(".date")),
        Shanghai,
        now(),
    )
    .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].link.as_deref(),
        Some("http://www.scjjrb.com/jjxz/2018-12/25/content_1.htm")
    );
    assert_eq!(items[0].title.as_deref(), Some("川渝签署合作协议"));
    assert_eq!(
        local(items[0].published).as_deref(),
        Some("2018-12-25T09:30:00+08:00")
    );
    assert_eq!(
        items[1].link.as_deref(),
        Some("http://other.example.com/a.htm")
    );
    assert_eq!(items[1].title.as_deref(), Some("成渝双城经济圈"));
    assert_eq!(
        local(items[1].published).as_deref(),
        Some("2018-12-24T00:00:00+08:00")
    );
}

#[test]
fn list_selectors_that_find_nothing_are_errors() {
    let base = Url::parse("http://www.scjjrb.com/jjxz/").unwrap();
    let html = "<ul class=list><li><a href=a.htm>川渝</a></li></ul><div class=news><span>无链接</span></div>";
    let error = read_list(
        html,
        &base,
        &list_rule("ul.news li", None, None),
        Shanghai,
        now(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "http://www.scjjrb.com/jjxz/: list selector `ul.news li` matched nothing"
    );
    let error = read_list(
        html,
        &base,
        &list_rule("div.news", None, None),
        Shanghai,
        now(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "http://www.scjjrb.com/jjxz/: the 1 items of list selector `div.news` hold no usable link"
    );
}

#[test]
fn a_subtitle_outside_the_body_is_its_first_line() {
    let html = "<html><head><title>“厕所革命”改善农牧区人居环境_西藏日报</title></head><body>\
        <div class=nav><a href=/>首页</a></div><div class=totalTitle>\
        <h2 class=art-title>“厕所革命”改善农牧区人居环境</h2>\
        <p class=subtitle>去年改造户用卫生厕所4.66万座</p></div>\
        <div class=content><p>据新华社拉萨电（记者 格桑边觉）记者近日从西藏自治区农业农村厅召开的全区农牧业工作会议上了解到，去年西藏改造户用卫生厕所4.66万座。</p>\
        <p>今年，西藏将继续实施农村人居环境整治提升五年行动，因地制宜改造户用卫生厕所4万座。</p></div></body></html>";
    let article = read(html, SEED_URL, None).unwrap();
    assert_eq!(
        article.title.as_deref(),
        Some("“厕所革命”改善农牧区人居环境")
    );
    assert_eq!(article.authors, vec!["格桑边觉"]);
    let lines: Vec<&str> = article.body_text.lines().collect();
    assert_eq!(lines[0], "去年改造户用卫生厕所4.66万座");
    assert!(lines[1].starts_with("据新华社拉萨电"));
    assert_eq!(lines.len(), 3);
}

#[test]
fn deep_and_wide_markup_is_read_without_walking_ancestors_per_node() {
    // See: conditional cleaning once looked up each container's ancestors for a <figure>:
    // steps of depth times width (here 400 x 5 000; 800 x 1 000 000 for a 10 MB page).
    let strips = "<div><img src=a.jpg><img src=b.jpg></div>".repeat(5_000);
    let html = format!(
        "<html><body><figure>{}<p>川渝两省市共同签署了《深化川渝合作深入推动长江经济带发展行动计划》，从生态环境联防联控联治、基础设施互联互通等方面展开合作。</p>{strips}</figure></body></html>",
        "<div>".repeat(400)
    );
    let article = read(&html, SEED_URL, None).unwrap();
    assert!(article.body_text.contains("深化川渝合作"));
}

#[test]
fn tables_and_subheads_stay_in_the_body() {
    let html = "<html><head><title>协作区成员投资额一览_四川经济日报</title></head><body>\
        <div class=nav><a href=/>首页</a> <a href=/jjxz/>今日西南</a></div>\
        <h1>协作区成员投资额一览</h1><div class=article>\
        <p>重庆经济协作区各成员单位一年来共签署合作项目百余个，协议投资额持续增长，区域合作成效明显。</p>\
        <h3>主要成员投资额</h3>\
        <table><tr><th>成员</th><th>项目（个）</th><th>投资额（亿元）</th></tr>\
        <tr><td>自贡</td><td>60</td><td>173.7</td></tr><tr><td>遂宁</td><td>20</td><td>86.4</td></tr></table>\
        <p>各成员单位将继续深化合作，推动协作区经济社会持续快速发展，取得更大成效。</p></div></body></html>";
    let article = read(html, SEED_URL, None).unwrap();
    assert!(
        article.body_html.contains("<h3>主要成员投资额</h3>"),
        "{}",
        article.body_html
    );
    assert!(
        article.body_html.contains("<td>173.7</td>"),
        "{}",
        article.body_html
    );
    assert!(article.body_text.contains("自贡"));
    assert!(!article.body_text.contains("首页"));
}

#[test]
fn the_authors_names_on_lines_of_their_own_leave_the_body() {
    // The byline sits inside the story's container, above it and again under it.
    let paragraph = "The town council voted on Tuesday to rebuild the old bridge, after two \
                     years of argument about its cost and about who should pay for it.";
    let html = format!(
        "<html><head><title>Council votes to rebuild the bridge</title>\
         <meta name=author content=\"Jane Doe\"></head><body><h1>Council votes to rebuild the \
         bridge</h1><div class=story><p class=who>By Jane Doe</p><p>{paragraph}</p>\
         <p>{paragraph} Work starts in May.</p><p>{paragraph} It ends in June.</p>\
         <p class=who>Jane Doe</p></div></body></html>"
    );
    let article = read(&html, "https://news.example/bridge", None).unwrap();
    assert_eq!(article.authors, vec!["Jane Doe"]);
    let lines: Vec<&str> = article.body_text.lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains("Jane")), "{lines:?}");
}

#[test]
fn the_byline_s_authors_win_when_the_metadata_names_only_the_first() {
    // JSON-LD names one author; the page's author boxes name her and a co-author.
    let paragraph = "Kommunestyret vedtok tirsdag å bygge den gamle brua på nytt, etter to år \
                     med strid om hva den koster og om hvem som skal betale for den.";
    let boxes = "<div class=people>\
         <div class=card><address>\
         <a rel=author href=\"mailto:o@example.no\">Ola Nordmann</a></address></div>\
         <div class=card><address>\
         <a rel=author href=\"mailto:k@example.no\">Kari Nordmann</a></address></div></div>";
    let page = |linked: &str| {
        format!(
            "<html><head><title>Brua bygges på nytt</title>\
             <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
             \"headline\":\"Brua bygges på nytt\",\"author\":[{linked}]}}</script></head>\
             <body><h1>Brua bygges på nytt</h1>{boxes}<div class=story><p>{paragraph}</p>\
             <p>{paragraph} Arbeidet starter i mai.</p><p>{paragraph} Det slutter i juni.</p>\
             </div></body></html>"
        )
    };
    let one = page("{\"@type\":\"Person\",\"name\":\"Kari Nordmann\"}");
    let article = read(&one, "https://news.example/brua", None).unwrap();
    assert_eq!(article.authors, vec!["Ola Nordmann", "Kari Nordmann"]);
    // Metadata naming someone the boxes do not keeps its own word.
    let other = page("{\"@type\":\"Person\",\"name\":\"Per Hansen\"}");
    let article = read(&other, "https://news.example/brua", None).unwrap();
    assert_eq!(article.authors, vec!["Per Hansen"]);
}

#[test]
fn a_caption_outside_figcaption_leaves_by_its_credit() {
    // The caption sits in a plain block under the picture, as many CMSes set it.
    let paragraph = "Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke neu zu bauen, \
                     nach zwei Jahren Streit über die Kosten und darüber, wer sie trägt.";
    let html = format!(
        "<html><head><title>Die Brücke wird neu gebaut</title></head><body><h1>Die Brücke \
         wird neu gebaut</h1><div class=story><p>{paragraph}</p><div class=pic><img src=/b.jpg>\
         <div>Die alte Brücke im Winter. Foto: Max Muster/dpa</div></div><p>{paragraph} Die \
         Arbeiten beginnen im Mai.</p><p>{paragraph} Sie enden im Juni.</p></div></body></html>"
    );
    let article = read(&html, "https://news.example/bruecke", None).unwrap();
    let lines: Vec<&str> = article.body_text.lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(!article.body_text.contains("Foto"), "{lines:?}");
}
