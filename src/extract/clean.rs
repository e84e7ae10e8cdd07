//! Boilerplate out of a chosen body.
//!
//! - [`conditionally`] (generic bodies only): containers that are link lists, forms, image
//!   strips, share blocks or boxes about the author, judged by their counts as Readability
//!   does; and the label a box is left with once its contents are gone (`More on this`).
//!   Tables of data (`table`) and what is in them stay, as in Readability.
//! - [`boilerplate`] (every body): lines that are page furniture wherever they are (`返回顶部`,
//!   `top`, `分享到`, `责任编辑：`, copyright, hotline, print / close buttons, related links),
//!   and at the edges the title repeated, date and source lines, the authors' names on a line
//!   of their own, and link lines.
//!
//! This module must not add anything: it only marks nodes removed.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::body::Body;
use super::byline::is_byline;
use super::dom::{Counts, Dom, Line};
use super::generic::class_weight;
use super::title::key;

/// Lines that are furniture wherever they are (whole line, short).
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?:返回|回到)(?:顶部|页首|首页|列表|上页)|top|↑\s*top|▲|\+?\s*关注|订阅|
            [【\[]?\s*(?:打印(?:本页|此文|本文)?|关闭(?:窗口|本页)?|收藏(?:本文|本页)?|纠错|举报|推荐给朋友|发表评论|我要评论)\s*[】\]]?(?:\s*[【\[]?\s*(?:打印(?:本页|此文|本文)?|关闭(?:窗口|本页)?|收藏(?:本文|本页)?|纠错|举报|推荐给朋友|发表评论|我要评论)\s*[】\]]?)*|
            分享(?:到|至)?\s*[:：]?.{0,40}|
            [【\[(（]?\s*(?:字号|字体)\s*[:：]?\s*[大中小默认\s]*[】\])）]?|
            [（(\[【]?\s*(?:责任编辑|责编|值班编辑)\s*[:：].{0,30}|
            (?:新闻)?(?:热线|热线电话|服务热线|报料热线|投稿邮箱|联系电话)\s*[:：].{0,40}|
            扫一扫.{0,30}|.{0,20}二维码.{0,20}|
            (?:上一篇|下一篇|上一条|下一条)\s*[:：]?.{0,60}|
            (?:相关(?:新闻|阅读|文章|链接|报道|推荐)|延伸阅读|推荐阅读|热点推荐|更多(?:新闻|精彩|内容|阅读)).{0,40}|
            .{0,60}(?:版权所有|copyright|©|ICP备|公网安备|未经授权|不得转载|禁止转载).{0,80}|
            related(?:\s+(?:articles?|stories|posts?|content|news|coverage|links|reading))?\s*:?|
            (?:lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|auch\s+interessant|
               noticias?\s+relacionadas?|art[íi]culos?\s+relacionados?|lee\s+tambi[ée]n|
               leia\s+(?:tamb[ée]m|mais)|[àa]\s+lire\s+aussi|lire\s+aussi|leggi\s+anche|
               lees\s+ook|czytaj\s+(?:te[żz]|tak[żz]e)|l[äa]s\s+ocks[åa]|les\s+ogs[åa]|lue\s+my[öo]s)
               \b.{0,60}|
            (?:see|read)\s+(?:more|also|next)\b.{0,80}|don'?t\s+miss.{0,20}|
            you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy).{0,40}|more\s+(?:from|on|stories|news)\b.{0,40}|
            tags?\s*:.{0,100}|filed\s+under\s*:?.{0,100}|
            (?:published|updated|last\s+updated|posted|veröffentlicht|aktualisiert|stand\s*:|
               publicerad|uppdaterad|publisert|oppdatert|udgivet|opdateret|julkaistu|päivitetty|
               gepubliceerd|bijgewerkt|opublikowano|zaktualizowano|publikováno|aktualizováno|
               publicado|actualizado|publié|mis\s+à\s+jour|pubblicato|aggiornato)
               [^\d\n]{0,12}\d.{0,60}|
            \d{1,3}\s*(?:-\s*)?min(?:ute)?s?\.?\s+(?:read|reading|lesezeit|lesedauer)|
            (?:lesezeit|lesedauer|reading\s+time|read\s+time|temps\s+de\s+lecture|tiempo\s+de\s+lectura)
               \s*:?\s*\d{1,3}\s*(?:min\w*\.?|minuten?)|
            (?:share|follow)\s+(?:this|us|on)\b.{0,40}|share|print|e-?mail|comments?|
            facebook|twitter|google\+|linkedin|pinterest|whatsapp|reddit|
            advert(?:isement|ising)?s?|anzeige|werbung|publicidad|publicit[ée]|pubblicit[àa]|publicidade|
            reklam[ae]?|mainos|advertentie|реклама|광고|広告|sponsored(?:\s+content)?|caption|close|
            (?:photo|image|picture)s?\s*(?:credit)?\s*:.{0,80}|credit\s*:.{0,80}|
            (?:subscribe|sign\s+up)\b.{0,80}|(?:previous|next)\s+(?:post|article|story)\b.{0,100}|
            [\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?
        )$",
    )
    .expect("valid regex")
});

/// A class or id naming a box about the author.
static AUTHOR_BOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"author|byline|\bbio\b|contributor").expect("valid regex"));

/// The link that ends another story's teaser: `…【详细】`, `…阅读全文>>`.
static TEASER_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:[【\[(（]?\s*(?:详细|详情|全文|阅读全文|查看全文|点击查看|更多|read\s+more|more)\s*(?:[】\])）]|>>|»|→)?|(?-i:\[[A-Z][A-Z ]{2,}\])\s*\|?)\s*$")
        .expect("valid regex")
});
/// A line that is a date and nothing else.
static DATE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[(（]?\s*(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\])）]?$")
        .expect("valid regex")
});
/// A picture's caption, told by the credit that ends it: `(AP Photo/Jane Doe)`,
/// `(Image: GETTY )`, `Credit: ESA`.
static CAPTION_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\((?:AP|Reuters|AFP|Getty|EPA|Xinhua)?\s*(?:photo|image|picture|photograph)s?\b[^)]{0,80}\)|\b(?:photo|image|picture)?\s*credits?\s*:\s*[^.:]{1,60})\s*$")
        .expect("valid regex")
});

/// A picture's caption in any language, told by the credit that ends it: a credit label
/// (`Foto: Jane Doe/AP`, `Bild: Archiv`, `© Jane Doe`) or a picture agency after a slash or
/// bar (`…/AP`, `… | Getty Images`, `IMAGO/Jane Doe`), with no full stop after it.
static CREDIT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?-u:\b)(?:Foto|Fotos|Bild|Bilder|Photo|Photos|Image|Picture|Kuva|Zdjęcie|Fotografía|Imagen)\s*:|©)\s*[^.:©]{1,60}$|(?:/|\|)\s*(?:AP|AFP|dpa|Reuters|EPA|Getty\s+Images|iStock|Shutterstock|Keystone|ANP|NTB|TT)\s*\)?$|(?-u:\b)IMAGO\s*/\s*[^.:/]{1,40}$")
        .expect("valid regex")
});
/// A caption told by its credit is at most this long (in non-space characters).
const MAX_CAPTION_CHARS: u32 = 400;

/// Words one of which every furniture line holds: lines without any skip the full pattern.
static FURNITURE_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "返回",
            "回到",
            "关注",
            "订阅",
            "top",
            "↑",
            "▲",
            "打印",
            "关闭",
            "收藏",
            "纠错",
            "举报",
            "推荐",
            "评论",
            "分享",
            "字号",
            "字体",
            "编辑",
            "责编",
            "热线",
            "邮箱",
            "电话",
            "扫一扫",
            "二维码",
            "上一",
            "下一",
            "相关",
            "延伸",
            "阅读",
            "更多",
            "版权",
            "copyright",
            "©",
            "icp",
            "公网安备",
            "授权",
            "转载",
            "related",
            "see",
            "read",
            "miss",
            "like",
            "enjoy",
            "more",
            "tag",
            "publi",
            "updated",
            "posted",
            "veröffentlicht",
            "aktualisiert",
            "stand",
            "actualizado",
            "mis à jour",
            "aggiornato",
            "minute",
            "min.",
            "min read",
            "reading time",
            "read time",
            "lese",
            "lesen sie",
            "mehr zum",
            "auch interessant",
            "relacionad",
            "tambi",
            "leia ",
            "lire aussi",
            "leggi anche",
            "lees ook",
            "czytaj",
            "också",
            "også",
            "lue my",
            "lectur",
            "filed",
            "share",
            "follow",
            "print",
            "mail",
            "comment",
            "facebook",
            "twitter",
            "google",
            "linkedin",
            "pinterest",
            "whatsapp",
            "reddit",
            "advert",
            "anzeige",
            "werbung",
            "reklam",
            "mainos",
            "advertentie",
            "реклама",
            "Реклама",
            "РЕКЛАМА",
            "광고",
            "広告",
            "publicerad",
            "uppdaterad",
            "publisert",
            "oppdatert",
            "udgivet",
            "opdateret",
            "julkaistu",
            "päivitetty",
            "gepubliceerd",
            "bijgewerkt",
            "opublikowano",
            "zaktualizowano",
            "publikováno",
            "aktualizováno",
            "publicidad",
            "publicit",
            "pubblicit",
            "sponsored",
            "caption",
            "close",
            "photo",
            "image",
            "picture",
            "credit",
            "subscribe",
            "sign up",
            "previous",
            "next",
            "@",
            ".com",
            ".cn",
            ".org",
            ".net",
        ])
        .expect("valid patterns")
});

/// Lines longer than this are never furniture.
const MAX_FURNITURE_CHARS: usize = 140;
/// A line that holds the title and at most this many more characters is the title again
/// (`原创` + title, title + date).
const MAX_TITLE_EXTRA_CHARS: usize = 12;
/// Lines at least this long are kept only the first time they appear in a body.
const REPEATED_LINE_CHARS: u32 = 40;
/// How many lines at each edge of the body are looked at.
const EDGE_LINES: usize = 12;
/// A global cap on ancestor updates while cleaning, so that pathological nesting stays linear.
const MAX_UPDATE_STEPS: usize = 2_000_000;

/// Whether a whole line is page furniture.
pub fn is_furniture(text: &str) -> bool {
    text.chars().count() <= MAX_FURNITURE_CHARS
        && FURNITURE_WORDS.is_match(text)
        && FURNITURE.is_match(text)
}

/// Takes out of a generic body the containers that are not prose (Readability's conditional
/// cleaning), judging each by what is left of it once its own bad parts are gone.
pub fn conditionally(dom: &Dom<'_>, body: &mut Body, weigh_classes: bool) {
    let mut live: Vec<Counts> = Vec::new();
    let mut steps = 0usize;
    // Whether each node is inside a <figure>, in one pass (pre-order: parents come first).
    let mut in_figure = vec![false; dom.slots.len()];
    for (index, slot) in dom.slots.iter().enumerate() {
        if slot.parent != super::dom::NONE {
            let parent = slot.parent as usize;
            in_figure[index] = in_figure[parent] || dom.slots[parent].name == "figure";
        }
    }
    // Tables of data are the story's, whatever they hold.
    let in_data_table = super::table::in_data_tables(dom, &body.roots);
    for root in body.roots.clone() {
        let end = dom.slot(root).end;
        live.clear();
        live.extend((root..end).map(|i| dom.slot(i).counts));
        // Inner containers first, so an outer one is judged without its removed parts.
        for i in (root + 1..end).rev() {
            let slot = dom.slot(i);
            let counts = &live[(i - root) as usize];
            let orphan = is_orphaned_label(slot.name, &slot.counts, counts);
            if slot.hidden
                || in_data_table[i as usize]
                || !orphan && !should_remove(dom, i, counts, weigh_classes, &in_figure)
            {
                continue;
            }
            body.remove(i);
            let gone = live[(i - root) as usize];
            let mut ancestor = slot.parent;
            while ancestor != super::dom::NONE && ancestor >= root && steps < MAX_UPDATE_STEPS {
                subtract(&mut live[(ancestor - root) as usize], &gone);
                ancestor = dom.slot(ancestor).parent;
                steps += 1;
            }
        }
    }
}

/// What is left of a box whose contents were removed may be at most this heavy to be only
/// its label (`More on this`, `Read also`, `相关阅读`).
const MAX_LABEL_WEIGHT: u32 = 40;

/// Whether a container is the label of a box whose contents were taken out: nearly all of
/// it (three quarters or more) went, and what is left is a short line that is no sentence.
fn is_orphaned_label(name: &str, before: &Counts, left: &Counts) -> bool {
    matches!(name, "div" | "section" | "aside")
        && left.chars > 0
        && left.weight() <= MAX_LABEL_WEIGHT
        && left.punct <= 1
        && before.chars >= left.chars.saturating_mul(4)
}

fn should_remove(
    dom: &Dom<'_>,
    i: u32,
    counts: &Counts,
    weigh_classes: bool,
    in_figure: &[bool],
) -> bool {
    let slot = dom.slot(i);
    let weight = if weigh_classes {
        class_weight(dom, i)
    } else {
        0.0
    };
    match slot.name {
        // Captions describe the pictures the body keeps; they are not the story's text.
        "footer" | "aside" | "nav" | "figcaption" => return true,
        "h1" | "h2" => return weight < 0.0,
        "form" | "fieldset" | "table" | "ul" | "ol" | "dl" | "div" | "section" => {}
        _ => return false,
    }
    if weight < 0.0 {
        return true;
    }
    let names = slot.class_and_id().to_ascii_lowercase();
    if ["share", "fenxiang", "bdshare", "jiathis"]
        .iter()
        .any(|s| names.contains(s))
        && counts.weight() < 500
    {
        return true;
    }
    // A box about the author (name, role, a line of biography) closes many articles; it is
    // the page's, not the story's.
    if AUTHOR_BOX.is_match(&names) && counts.weight() < 600 && counts.paragraphs <= 3 {
        return true;
    }
    if counts.punct >= 10 {
        return false;
    }
    let is_list = matches!(slot.name, "ul" | "ol");
    let paragraphs = counts.paragraphs as f32;
    let images = counts.images as f32;
    let list_items = counts.list_items as f32 - 100.0;
    let length = counts.weight();
    let density = counts.link_density();
    (images > 1.0 && paragraphs / images < 0.5 && !in_figure[i as usize])
        || (!is_list && list_items > paragraphs)
        || (counts.inputs as f32 > (paragraphs / 3.0).floor())
        || (!is_list && length < 25 && counts.links > 0 && (images == 0.0 || images > 2.0))
        || (!is_list && weight < 25.0 && density > 0.2)
        || (weight >= 25.0 && density > 0.5)
        || (counts.embeds == 1 && length < 75)
        || counts.embeds > 1
}

fn subtract(a: &mut Counts, b: &Counts) {
    a.chars = a.chars.saturating_sub(b.chars);
    a.cjk = a.cjk.saturating_sub(b.cjk);
    a.link_chars = a.link_chars.saturating_sub(b.link_chars);
    a.punct = a.punct.saturating_sub(b.punct);
    a.links = a.links.saturating_sub(b.links);
    a.paragraphs = a.paragraphs.saturating_sub(b.paragraphs);
    a.images = a.images.saturating_sub(b.images);
    a.list_items = a.list_items.saturating_sub(b.list_items);
    a.inputs = a.inputs.saturating_sub(b.inputs);
    a.embeds = a.embeds.saturating_sub(b.embeds);
}

/// Takes furniture lines out of the body, and at its edges the title repeated, byline lines,
/// the authors' names on lines of their own and short link lines.
pub fn boilerplate(dom: &Dom<'_>, body: &mut Body, title: Option<&str>, authors: &[String]) {
    let title_key = title.map(key).unwrap_or_default();
    let lines = body.lines(dom);
    let mut kept = Vec::with_capacity(lines.len());
    let mut seen = std::collections::HashSet::new();
    for &index in &lines {
        let line = &dom.lines[index];
        // A long line said again (a slideshow's captions, a pull quote) is said once; short
        // ones repeat for a reason (the same question put to each interviewee).
        let repeated = line.chars >= REPEATED_LINE_CHARS && !seen.insert(line.text.as_str());
        let teaser = line.link_chars > 0 && TEASER_END.is_match(&line.text);
        let caption = line.text.is_ascii() && CAPTION_END.is_match(&line.text)
            || line.chars <= MAX_CAPTION_CHARS
                && line.text.contains([':', '©', '/', '|'])
                && CREDIT_END.is_match(&line.text);
        if repeated || teaser || caption || is_furniture(&line.text) {
            remove_line(dom, body, line);
        } else {
            kept.push(index);
        }
    }
    // The byline's names on a line of their own near either edge (`By Jane Doe`, `Jane Doe
    // and John Roe`, a name over the story or under it): the page's credit, not the story.
    let names = NameLines::new(authors);
    let count = kept.len();
    let edge = |position: usize| position < EDGE_LINES || position + EDGE_LINES >= count;
    let mut position = 0;
    kept.retain(|&index| {
        let line = &dom.lines[index];
        let credit = edge(position) && names.is_credit(&line.text);
        position += 1;
        if credit {
            remove_line(dom, body, line);
        }
        !credit
    });
    // The top: the title again, then date / source / counter lines.
    for &index in kept.iter().take(EDGE_LINES) {
        let line = &dom.lines[index];
        let line_key = key(&line.text);
        let (line_len, title_len) = (line_key.chars().count(), title_key.chars().count());
        // `（原标题：…）` names the title the story first had: it is part of the story.
        let is_title = title_len > 0
            && line_len > 0
            && !line_key.starts_with("原标题")
            && (line_key == title_key
                || title_key.contains(&line_key) && line_len * 2 >= title_len
                || line_key.contains(&title_key) && line_len <= title_len + MAX_TITLE_EXTRA_CHARS);
        let is_link_line = line.link_density() > 0.5 && line.chars < 40;
        if is_title || is_byline(&line.text) || is_link_line {
            remove_line(dom, body, line);
        } else {
            break;
        }
    }
    // The bottom: short link lines (more news, tags), buttons, and the dates of a list of
    // other stories.
    for &index in kept.iter().rev().take(EDGE_LINES) {
        let line = &dom.lines[index];
        let date_only = line.chars <= 25 && DATE_ONLY.is_match(&line.text);
        if line.link_density() > 0.5 && line.chars < 40 || date_only {
            remove_line(dom, body, line);
        } else {
            break;
        }
    }
}

/// Words a credit line may hold besides the names: `By`, `and`, and their kin.
static CREDIT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:by|and|von|und|por|y|e|par|et|di|door|en|av|og|och|ja|i|oraz|a)\b|[,&/|·•—–-]|作者|记者")
        .expect("valid regex")
});
/// Letters and digits a name needs to be looked for.
const MIN_NAME_KEY_CHARS: usize = 4;

/// The story's authors, as keys, for telling a line that is only their names.
struct NameLines {
    keys: Vec<String>,
}

impl NameLines {
    fn new(authors: &[String]) -> NameLines {
        NameLines {
            keys: authors
                .iter()
                .map(|a| key(a))
                .filter(|k| k.chars().count() >= MIN_NAME_KEY_CHARS)
                .collect(),
        }
    }

    /// Whether `text` is one or more of the names and nothing but credit words.
    fn is_credit(&self, text: &str) -> bool {
        if self.keys.is_empty() || text.chars().count() > MAX_CREDIT_CHARS {
            return false;
        }
        let whole = key(text);
        if !self.keys.iter().any(|name| whole.contains(name.as_str())) {
            return false;
        }
        let mut rest = key(&CREDIT_WORDS.replace_all(text, " "));
        let mut found = false;
        for name in &self.keys {
            if let Some(at) = rest.find(name.as_str()) {
                rest.replace_range(at..at + name.len(), "");
                found = true;
            }
        }
        found && rest.is_empty()
    }
}

/// A credit line longer than this is a sentence that names the author.
const MAX_CREDIT_CHARS: usize = 120;

/// Removes a line: the largest element around it that holds nothing else, or else its text.
fn remove_line(dom: &Dom<'_>, body: &mut Body, line: &Line) {
    let mut node = line.first;
    loop {
        let parent = dom.slot(node).parent;
        if parent == super::dom::NONE || body.roots.contains(&node) {
            break;
        }
        let counts = dom.slot(parent).counts;
        if counts.chars != line.chars || counts.images > 0 || body.roots.contains(&parent) {
            break;
        }
        node = parent;
    }
    if dom.contains(node, line.last) && !body.roots.contains(&node) {
        body.remove(node);
    } else {
        for i in line.first..=line.last {
            if dom.slot(i).node.value().is_text() {
                body.remove(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_end_with_their_credit_in_any_language() {
        for text in [
            "Der Bürgermeister eröffnet das Fest. Foto: Max Muster/dpa",
            "Im Vorjahr kamen Tausende. Bild: Archiv",
            "Le maire inaugure la fête. Photo : Jean Dupont",
            "Der Trainer an der Seitenlinie. IMAGO/Max Muster",
            "Rescue workers at the site, on Monday. Jane Doe/Getty Images",
            "Rescue workers at the site | Getty Images",
            "Ukrainas president vid mötet. Foto: Jane Doe/AP",
            "Die Schule am Montag © Gemeinde Musterdorf",
        ] {
            assert!(CREDIT_END.is_match(text), "{text}");
        }
        for text in [
            "The agency said it would publish the photo: a first for the museum.",
            "He told AP.",
            "Das Bild zeigt den Hafen, sagt der Fotograf.",
            "The rights are reserved by the author © 2024.",
        ] {
            assert!(!CREDIT_END.is_match(text), "{text}");
        }
    }

    #[test]
    fn lines_of_the_authors_names_alone_are_credits() {
        let names = NameLines::new(&["Jane Doe".to_owned(), "John Roe".to_owned()]);
        for text in [
            "Jane Doe",
            "By Jane Doe",
            "By JANE DOE and John Roe",
            "Von Jane Doe und John Roe",
            "— Jane Doe, John Roe",
        ] {
            assert!(names.is_credit(text), "{text}");
        }
        for text in [
            "Jane Doe said the vote was close.",
            "By Jane Doe, with reporting by Max Mustermann",
            "Doe",
        ] {
            assert!(!names.is_credit(text), "{text}");
        }
        assert!(!NameLines::new(&[]).is_credit("Jane Doe"));
    }

    #[test]
    fn furniture_lines() {
        for text in [
            "top",
            "返回顶部",
            "【打印】 【关闭】",
            "分享到：微信 微博 QQ空间",
            "责任编辑：李国贵",
            "（责编：萧潇、张妍）",
            "热线: 028-86630890",
            "扫一扫在手机打开当前页",
            "上一篇：川渝合作迈出新步伐",
            "相关新闻",
            "版权所有 四川经济日报社 蜀ICP备05005368号",
            "Copyright © 2018 scjjrb.com All Rights Reserved",
            "【字体：大 中 小】",
            "+关注",
            "paul.takahashi@chron.com",
            "twitter.com/paultakahashi",
            "Advert",
            "Anzeige",
            "Publicidad",
            "Reklama",
            "Реклама",
            "Lesen Sie auch",
            "Mehr zum Thema Hitze",
            "Noticia relacionada",
            "À lire aussi",
            "Leggi anche:",
            "ADVERTISING",
            "Publicerad 22:31",
            "Oppdatert 5. august 2024 kl. 10:12",
            "Published Jun 05, 2026",
            "Last updated 15 hours ago",
            "Updated: 3:15 p.m. ET",
            "Stand: 08.07.2026 05:00 Uhr",
            "Veröffentlicht am 28.04.2023",
            "6 minute read",
            "Lesezeit 5 Min.",
            "Lesedauer: 4 Minuten",
            "www.scjjrb.com",
        ] {
            assert!(is_furniture(text), "{text}");
        }
        for text in [
            "深化区域协作 共襄南向开放",
            "自贡市委副书记李国贵主持会议。",
            "四川经济日报自贡讯(记者 陈家明)近日,以“深化区域协作、共襄南向开放”为主题的重庆经济协作区第二十次市长联席会在自贡召开",
            "Stop the top-down approach, the minister said.",
            "Published in 1998, the book sold 2 million copies and was translated into many languages.",
            "Stand der Dinge",
            "Lesen Sie auch die Gedichte von Rilke, die der Autor im Gefängnis las und liebte.",
            "Reklama w mediach społecznościowych rośnie szybko, mówią eksperci.",
        ] {
            assert!(!is_furniture(text), "{text}");
        }
    }
}
