//! People in bylines: `记者 X`, `本报记者 X Y`, `作者：X`, `文/X`, `(记者 陈家明)`, `By X`, a
//! trailing `（张三 李四）`, and, when nothing else names anyone, `责任编辑：X`.
//!
//! A name is a run of 2 to 4 CJK characters (or capitalised Latin words) that ends where the
//! byline does: at white space, a bracket, punctuation, another name's separator, or the end of
//! the line. A run that goes on as prose (`记者获悉，`, `记者从…了解到`) is not a name.
//!
//! This module must not pick the lines: the caller says where bylines may be.

use std::sync::LazyLock;

use regex::Regex;

use super::dom::is_cjk;

/// A label after which reporters or authors are named.
static AUTHOR_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:本报|本刊|本台|本网|总台|央视|新华社|中新社|融媒体|特约|实习|见习|首席|全媒体|驻[^\s记]{1,4})?记者|(?:本报)?实习生|作者\s*[:：]|撰文\s*[:：]?|采写\s*[:：]?|文\s*/\s*图|图\s*/\s*文|文\s*[/／|｜丨]|文\s*[:：]|(?:^|[\s(（])文\s+)",
    )
    .expect("valid regex")
});
/// `By Jane Doe and John Roe` at the start of a line.
static BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:by)\s+((?:[A-Z][\w.'\-]*)(?:\s+[A-Z][\w.'\-]*){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,3})*)")
        .expect("valid regex")
});
/// Editors: named only when no one else is.
static EDITOR_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:责任编辑|责编|值班编辑|编辑)\s*[:：]").expect("valid regex"));
/// Names in brackets closing a story: `（张巨峰）`, `(常书香 马丹阳 )`.
static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]\s*((?:\p{Han}{2,4}[\s、，,]*){1,4})\s*[）)]\s*$").expect("valid regex")
});

/// Words that follow `记者` in prose, not names.
const NOT_NAMES: &[&str] = &[
    "了解",
    "获悉",
    "看到",
    "发现",
    "注意",
    "采访",
    "调查",
    "走访",
    "来到",
    "获知",
    "表示",
    "日前",
    "近日",
    "昨天",
    "今天",
    "昨日",
    "今日",
    "现场",
    "实地",
    "一行",
    "手记",
    "观察",
    "专访",
    "连线",
    "会上",
    "跟随",
    "随后",
    "问",
    "从",
    "在",
    "向",
    "对",
    "通过",
    "们",
    "也",
    "又",
    "还",
    "都",
    "就",
    "到",
    "是",
    "为",
    "赶",
    "先",
    "第",
    "每",
    "等",
    "再",
    "独家",
    "亲",
    "节",
    "站",
    "部",
    "团",
    "编辑",
    "报道",
    "发自",
    "电",
    "讯",
    "联系",
    "记者",
    "通讯员",
    "摄影",
    "作者",
    "分析",
    "证实",
    "介绍",
    "透露",
    "坦言",
    "指出",
    "提问",
    "称",
    "说",
    "告诉",
    "时间",
    "日期",
    "来源",
    "发布",
    "点击",
    "浏览",
    "责任",
    "更新",
    "出处",
    "阅读",
    "未知",
    "佚名",
    "匿名",
    "不详",
    "网友",
    "本站",
    "博客",
    "致电",
    "电话",
    "拨打",
    "前往",
    "得知",
    "暗访",
    "随机",
];
/// Endings of speech in prose (`记者分析称`), not of names.
const SPEECH_ENDINGS: &[&str] = &["称", "说", "表示", "指出", "认为", "获悉", "了解"];
/// Characters that, right before `记者`, make it prose (`向记者证实`, `告诉记者`, `小记者`)
/// rather than a byline (`本报记者`, `交汇点记者`).
const BEFORE_PROSE: &[char] = &[
    '向', '对', '给', '让', '据', '被', '和', '与', '跟', '诉', '受', '小', '女', '男', '名', '位',
    '个', '多', '着', '带', '领', '令', '是', '的', '该', '这', '那', '为', '请', '陪', '替', '及',
    '同', '帮', '使', '叫', '引', '有', '无', '当', '做', '任', '派',
];
/// Endings of organisations, not people.
const ORG_ENDINGS: &[&str] = &[
    "局", "部", "委", "办", "厅", "院", "会", "社", "网", "报", "中心", "公司", "站", "台", "处",
    "所", "馆", "队", "组", "室", "府", "县", "市", "区", "省", "科", "协", "校", "团", "供稿",
    "频道", "营",
];
/// Endings cut off a name run: `陈家明报道`, `刘通摄`.
const TRAILERS: &[&str] = &["报道", "采写", "整理", "编译", "摄影", "供稿", "发自", "等"];

/// The reporters and authors `text` names after a label (`记者`, `作者：`, `文/`, `By`).
pub fn authors_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(captures) = BY.captures(text.trim()) {
        let list = captures.get(1).map_or("", |m| m.as_str());
        for name in list.split([',', '&']).flat_map(|n| n.split(" and ")) {
            push(&mut names, name.trim());
        }
        return names;
    }
    for label in AUTHOR_LABEL.find_iter(text) {
        let before = text[..label.start()].chars().next_back();
        if before.is_some_and(|c| BEFORE_PROSE.contains(&c)) {
            continue;
        }
        for name in names_at(&text[label.end()..]) {
            push(&mut names, &name);
        }
    }
    names
}

/// The people named in brackets at the end of `text`: `（张巨峰）`.
pub fn trailing_in(text: &str) -> Vec<String> {
    let Some(captures) = TRAILING.captures(text) else {
        return Vec::new();
    };
    let inside = captures.get(1).map_or("", |m| m.as_str());
    let mut names = Vec::new();
    for part in inside.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',')) {
        if part.is_empty() {
            continue;
        }
        if !is_person(part) || part.ends_with('摄') {
            return Vec::new();
        }
        push(&mut names, part);
    }
    names
}

/// The editors `text` names (`责任编辑：杨倩_NF4425` gives `杨倩`).
pub fn editors_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for label in EDITOR_LABEL.find_iter(text) {
        for name in names_at(&text[label.end()..]) {
            push(&mut names, &name);
        }
    }
    names
}

/// The people of an operator's `author` selector: a labelled byline, or bare names.
pub fn people_in(text: &str) -> Vec<String> {
    let labelled = authors_in(text);
    if !labelled.is_empty() {
        return labelled;
    }
    let mut names = Vec::new();
    // CJK names stand apart by spaces; Latin names have spaces inside them.
    let cjk = text.chars().any(is_cjk);
    let parts: Vec<&str> = if cjk {
        text.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | ';' | '；'))
            .collect()
    } else {
        text.split([',', ';', '&'])
            .flat_map(|p| p.split(" and "))
            .collect()
    };
    for part in parts {
        let part = part.trim_matches(|c: char| !c.is_alphanumeric());
        if !part.is_empty() {
            push(&mut names, part);
        }
    }
    names
}

fn push(names: &mut Vec<String>, name: &str) {
    let name = name.trim();
    if !name.is_empty() && !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
}

/// The names at the start of `rest` (just after a label), separated by spaces or `、`.
fn names_at(rest: &str) -> Vec<String> {
    let chars: Vec<char> = rest.chars().collect();
    let mut names = Vec::new();
    let mut i = 0;
    let skip = |i: &mut usize, chars: &[char], extra: &[char]| {
        while *i < chars.len() && (chars[*i].is_whitespace() || extra.contains(&chars[*i])) {
            *i += 1;
        }
    };
    skip(
        &mut i,
        &chars,
        &[':', '：', '/', '／', '|', '｜', '丨', '·', '•'],
    );
    loop {
        let start = i;
        while i < chars.len() && is_cjk(chars[i]) && i - start < 8 {
            i += 1;
        }
        let mut run: String = chars[start..i].iter().collect();
        // A run that is cut off mid-prose (more CJK follows) is not a name.
        if i < chars.len() && is_cjk(chars[i]) {
            break;
        }
        for trailer in TRAILERS {
            if let Some(cut) = run.strip_suffix(trailer) {
                run = cut.to_owned();
                break;
            }
        }
        // `记者 姚峰 上海报道`: after a name, `…报道` is where it was reported from.
        if !names.is_empty() && run.len() < chars[start..i].iter().map(|c| c.len_utf8()).sum() {
            break;
        }
        if run.ends_with('摄') {
            break;
        }
        // A word followed by a colon is the next label, not a name.
        if !is_person(&run) || matches!(chars.get(i), Some(':' | '：')) {
            break;
        }
        names.push(run);
        skip(&mut i, &chars, &['、', '，', ',', '和', '及', '与']);
        if i >= chars.len() || !is_cjk(chars[i]) {
            break;
        }
    }
    names
}

/// Whether `text` reads as one person's name: 2 to 4 CJK characters that are not prose or an
/// organisation, or one to four capitalised Latin words.
pub fn is_name(text: &str) -> bool {
    if text.chars().any(is_cjk) {
        return is_person(text);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        })
}

/// Two to four CJK characters that do not read as prose or as an organisation.
fn is_person(run: &str) -> bool {
    let count = run.chars().count();
    (2..=4).contains(&count)
        && run.chars().all(is_cjk)
        && !NOT_NAMES.iter().any(|w| run.starts_with(w))
        && !ORG_ENDINGS.iter().any(|w| run.ends_with(w))
        && !SPEECH_ENDINGS.iter().any(|w| run.ends_with(w))
        && !["记者", "编辑", "通讯员", "实习"]
            .iter()
            .any(|w| run.contains(w))
        && !run.contains(['的', '了', '是', '在', '着'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporters_in_every_byline_form() {
        let cases: &[(&str, &[&str])] = &[
            (
                "四川经济日报自贡讯(记者  陈家明)近日,以“深化区域协作",
                &["陈家明"],
            ),
            ("□ 本报记者 葛灵丹", &["葛灵丹"]),
            (
                "据新华社拉萨电（记者 格桑边觉）记者近日从西藏了解",
                &["格桑边觉"],
            ),
            (
                "本报讯 （实习记者 樊亮 张明超 记者惠禾）13岁",
                &["樊亮", "张明超", "惠禾"],
            ),
            ("作者：王建宏、张文攀", &["王建宏", "张文攀"]),
            ("文/图 刘玺东 易赛楠", &["刘玺东", "易赛楠"]),
            ("文/李四", &["李四"]),
            ("记者 王小明报道", &["王小明"]),
            ("（总台记者 张倩）", &["张倩"]),
            ("By Jane Doe and John Roe", &["Jane Doe", "John Roe"]),
            (
                "本报实习生 刘国栋 周炜 本报记者 王燕平 方云凤",
                &["刘国栋", "周炜", "王燕平", "方云凤"],
            ),
            ("顶端新闻·河南商报记者马俊峰/文", &["马俊峰"]),
            ("作者：芊草凡凡 时间：2005-08-22 19:13:18", &["芊草凡凡"]),
            ("本报记者 姚峰 上海报道", &["姚峰"]),
            ("整合 新华日报·交汇点记者 徐睿翔", &["徐睿翔"]),
        ];
        for (text, expected) in cases {
            assert_eq!(authors_in(text), *expected, "{text}");
        }
    }

    #[test]
    fn prose_after_the_word_reporter_is_no_name() {
        for text in [
            "记者获悉，该项目已经开工",
            "记者从西藏自治区农业农村厅了解到",
            "记者近日从会上获悉",
            "记者在现场看到",
            "文章指出，要加快建设",
            "一女性工作人员昨也向记者证实，到目前为止",
            "有资深业内人士向《红周刊》记者分析称，近年来",
            "第A04版：小记者训练营",
            "上海市工商局办公室一位工作人员告诉记者，",
            "记者致电上海市工商局",
            "作者：未知 责任编辑：王五",
        ] {
            assert_eq!(authors_in(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn trailing_names_and_editors() {
        assert_eq!(
            trailing_in("南美站活动将先后在巴西举行。（张巨峰）"),
            vec!["张巨峰"]
        );
        assert_eq!(
            trailing_in("过一个廉洁的新春佳节。（常书香 马丹阳 ）"),
            vec!["常书香", "马丹阳"]
        );
        assert!(trailing_in("位列三县两区第一。（德清县发改局）").is_empty());
        assert!(trailing_in("图为启动仪式现场。（刘通摄）").is_empty());
        assert_eq!(editors_in("责任编辑：杨倩_NF4425"), vec!["杨倩"]);
        assert_eq!(editors_in("(责编：萧潇、张妍)"), vec!["萧潇", "张妍"]);
        assert!(editors_in("编辑 回复 近年来").is_empty());
        assert_eq!(people_in("陈家明 王晓宇"), vec!["陈家明", "王晓宇"]);
        assert_eq!(people_in("记者：陈家明"), vec!["陈家明"]);
        assert_eq!(
            people_in("Jane Doe, John Roe"),
            vec!["Jane Doe", "John Roe"]
        );
        assert!(is_name("陈家明") && is_name("Jane Doe") && is_name("格桑边觉"));
        assert!(!is_name("重庆市发展和改革委员会") && !is_name("新华网") && !is_name("admin"));
    }
}
