//! People in bylines, on lines as pages write them.

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
        ("本报记者罗科苏盈发自北京 23日下午，在北大", &["罗科苏盈"]),
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
    assert_eq!(
        trailing_in("利益再分配的过程吗？”（姚峰 上海报道）"),
        vec!["姚峰"]
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

#[test]
fn names_without_a_label() {
    assert_eq!(
        bracketed_in("2004年7月16日08:19 [ 黄宇 ]| 来源：[ 国际金融报 ]"),
        vec!["黄宇"]
    );
    assert!(bracketed_in("【大 中 小】【打印】").is_empty());
    assert_eq!(
        poster_in("[湖湘文化] 陈天华《警世钟》 ggjjzhzz 发表于 2005-9-15 11:46:00"),
        vec!["ggjjzhzz"]
    );
    assert_eq!(poster_in("海姑娘 发表于 2005-03-21"), vec!["海姑娘"]);
    assert!(poster_in("2005-9-15 发表于 新浪").is_empty());
    assert_eq!(bare_names_in("赵延东、风笑天"), vec!["赵延东", "风笑天"]);
    assert_eq!(bare_names_in("陈家明"), vec!["陈家明"]);
    for line in [
        "今日西南",
        "深化区域协作 共襄南向开放",
        "华龙网",
        "正文",
        "分享 收藏",
        "文章",
        "胡平",
    ] {
        assert!(bare_names_in(line).is_empty(), "{line}");
    }
}

#[test]
fn reprint_verbs_and_placeholders_in_credits_are_no_names() {
    assert_eq!(names_in_credit("整合 张三"), ["张三"]);
    assert_eq!(names_in_credit("转载 李四、王五"), ["李四", "王五"]);
    for text in ["无内容", "出自", "作者：转载", "暂无"] {
        assert_eq!(names_in_credit(text), Vec::<String>::new(), "{text}");
    }
}
