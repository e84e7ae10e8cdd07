//! Tests of encoding choice: one per rule of the order, on GBK, GB18030, Big5, UTF-16 and
//! mislabelled UTF-8 documents built from the news text in `fixtures/decode/`.

use encoding_rs::{BIG5, GBK, WINDOWS_1252};

use super::declared::find;
use super::*;

const NEWS_ZH: &str = include_str!("../../fixtures/decode/news_zh.txt");
const LATE_META_GBK: &[u8] = include_bytes!("../../fixtures/decode/late_meta_gbk.html");
const NEWS_ZH_HANT: &str = "香港特別行政區政府今日公布最新經濟數據，本地生產總值按年實質增長百分之三點二。\
    財政司司長表示，粵港澳大灣區建設為香港帶來新機遇，政府將繼續推動創新科技及金融服務業發展，\
    鞏固香港作為國際金融中心的地位，並加強與內地城市在貿易、物流及專業服務方面的合作。";

fn page(meta: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head>{meta}<title>今日西南</title></head>\n<body><p>{body}</p></body></html>\n"
    )
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = GBK.encode(text);
    assert!(!unmappable, "test text must be GBK-encodable");
    bytes.into_owned()
}

#[test]
fn utf8_document_mislabelled_gb2312_in_prolog_is_utf8() {
    let doc = "<?xml version=\"1.0\" encoding=\"gb2312\"?>\n<rss version=\"2.0\"><channel>\
               <title>四川经济日报</title><item><title>深化区域协作 共襄南向开放</title></item>\
               </channel></rss>";
    let decoded = decode(doc.as_bytes(), Some("application/rss+xml"), None);
    assert_eq!(decoded.encoding, UTF_8);
    assert_eq!(decoded.detected, Detected::Sniffed);
    assert_eq!(decoded.text, doc);
    assert!(!decoded.had_errors);
}

#[test]
fn utf8_document_mislabelled_gb2312_in_meta_is_utf8() {
    let doc = page(
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
        NEWS_ZH,
    );
    let decoded = decode(doc.as_bytes(), Some("text/html; charset=gb2312"), None);
    assert_eq!(decoded.encoding, UTF_8);
    assert_eq!(decoded.detected, Detected::Sniffed);
    assert_eq!(decoded.text, doc);
}

#[test]
fn gbk_document_without_declaration_is_detected() {
    let doc = page("", NEWS_ZH);
    let decoded = decode(&gbk(&doc), Some("text/html"), None);
    assert_eq!(decoded.encoding, GBK);
    assert_eq!(decoded.detected, Detected::Sniffed);
    assert_eq!(decoded.text, doc);
    assert!(!decoded.had_errors);
}

#[test]
fn gbk_declared_in_meta_after_two_kilobytes_of_head() {
    let meta_at = find(LATE_META_GBK, b"<META").expect("fixture has a META");
    assert!(
        meta_at > 2048,
        "the fixture's meta must come late, at {meta_at}"
    );
    assert_eq!(declared_charset(LATE_META_GBK), Some(GBK));
    let decoded = decode(LATE_META_GBK, None, None);
    assert_eq!(decoded.encoding, GBK);
    assert_eq!(decoded.detected, Detected::Declared);
    assert!(!decoded.had_errors);
    assert!(
        decoded
            .text
            .contains("<title>重庆经济协作区第二十次市长联席会在自贡召开--四川经济日报</title>")
    );
    assert!(decoded.text.contains("(记者&nbsp;&nbsp;陈家明)"));
}

#[test]
fn gb2312_declared_in_xml_prolog() {
    let doc = format!(
        "<?xml version='1.0' encoding='GB2312' ?>\n<rss version=\"2.0\"><channel><title>今日西南</title>\
         <item><title>深化区域协作 共襄南向开放</title><description>{NEWS_ZH}</description></item></channel></rss>"
    );
    let bytes = gbk(&doc);
    assert_eq!(declared_charset(&bytes), Some(GBK));
    let decoded = decode(&bytes, Some("text/xml"), None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (GBK, Detected::Declared)
    );
    assert_eq!(decoded.text, doc);
}

#[test]
fn http_charset_beats_meta() {
    let doc = page("<meta charset=\"big5\">", NEWS_ZH);
    let decoded = decode(&gbk(&doc), Some("text/html;charset=\"GBK\""), None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (GBK, Detected::HttpHeader)
    );
    assert_eq!(decoded.text, doc);
}

#[test]
fn bom_beats_http_charset() {
    let doc = page("<meta charset=gbk>", NEWS_ZH);
    let bytes = [b"\xEF\xBB\xBF".as_slice(), doc.as_bytes()].concat();
    let decoded = decode(&bytes, Some("text/html; charset=gbk"), None);
    assert_eq!((decoded.encoding, decoded.detected), (UTF_8, Detected::Bom));
    assert_eq!(decoded.text, doc, "the BOM is stripped");
}

#[test]
fn forced_encoding_beats_bom() {
    // A server that prepends a UTF-8 BOM to a GBK page; the source's override knows better.
    let doc = page("", NEWS_ZH);
    let bytes = [b"\xEF\xBB\xBF".as_slice(), &gbk(&doc)].concat();
    let decoded = decode(&bytes, Some("text/html; charset=utf-8"), Some(GBK));
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (GBK, Detected::Override)
    );
    assert_eq!(decoded.text, doc);
    assert!(!decoded.had_errors);
}

#[test]
fn big5_declared_and_detected() {
    let doc = page(
        "<meta http-equiv='Content-Type' content='text/html; charset=big5'>",
        NEWS_ZH_HANT,
    );
    let (bytes, _, unmappable) = BIG5.encode(&doc);
    assert!(!unmappable);
    let decoded = decode(&bytes, None, None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (BIG5, Detected::Declared)
    );
    assert_eq!(decoded.text, doc);

    let doc = page("", NEWS_ZH_HANT);
    let (bytes, _, _) = BIG5.encode(&doc);
    let decoded = decode(&bytes, None, None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (BIG5, Detected::Sniffed)
    );
    assert_eq!(decoded.text, doc);
}

#[test]
fn utf16le_with_bom() {
    let doc = page("<meta charset=\"gb2312\">", NEWS_ZH);
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(doc.encode_utf16().flat_map(u16::to_le_bytes));
    let decoded = decode(&bytes, Some("text/html; charset=gb2312"), None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (UTF_16LE, Detected::Bom)
    );
    assert_eq!(decoded.text, doc);
}

#[test]
fn gb18030_four_byte_characters_under_gb2312_label() {
    let doc = page(
        "<meta charset=gb2312>",
        "𠀀𠀁是扩展B区汉字，€ 与 ḿ 也在其中",
    );
    let (bytes, _, unmappable) = GB18030.encode(&doc);
    assert!(!unmappable);
    assert!(
        find(&bytes, &[0x95, 0x32, 0x82, 0x36]).is_some(),
        "U+20000 is a 4-byte sequence"
    );
    let decoded = decode(&bytes, None, None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (GBK, Detected::Declared)
    );
    assert_eq!(decoded.text, doc);
    assert!(!decoded.had_errors);
    assert_eq!(
        charset_from_content_type("text/html; charset=gb18030"),
        Some(GB18030)
    );
}

#[test]
fn empty_input_is_empty_utf8() {
    let decoded = decode(b"", None, None);
    assert_eq!(decoded.text, "");
    assert_eq!(
        (decoded.encoding, decoded.detected, decoded.had_errors),
        (UTF_8, Detected::Default, false)
    );
}

#[test]
fn utf8_label_on_gbk_bytes_falls_through_to_detection() {
    let doc = page("<meta charset=\"utf-8\">", NEWS_ZH);
    let decoded = decode(&gbk(&doc), Some("text/html; charset=UTF-8"), None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (GBK, Detected::Sniffed)
    );
    assert_eq!(decoded.text, doc);
}

#[test]
fn utf8_label_with_one_stray_byte_stays_utf8() {
    let doc = page("", NEWS_ZH);
    let mut bytes = doc.clone().into_bytes();
    bytes.insert(40, 0xB7);
    let decoded = decode(&bytes, Some("text/html; charset=utf-8"), None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (UTF_8, Detected::HttpHeader)
    );
    assert!(decoded.had_errors);
    assert!(decoded.text.contains("四川经济日报自贡讯"));
}

#[test]
fn unlabelled_utf8_with_one_stray_byte_stays_utf8() {
    let doc = page("", NEWS_ZH);
    let mut bytes = doc.into_bytes();
    bytes.insert(40, 0xB7);
    let decoded = decode(&bytes, None, None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (UTF_8, Detected::Sniffed)
    );
    assert!(decoded.had_errors);
    assert!(decoded.text.contains("四川经济日报自贡讯"));
}

#[test]
fn truncated_utf8_under_legacy_label_is_utf8() {
    let doc = page("<meta charset=gbk>", NEWS_ZH);
    let cut = &doc.as_bytes()[..doc.len() - 40];
    assert!(
        std::str::from_utf8(cut).is_err(),
        "the cut splits a character"
    );
    let decoded = decode(cut, None, None);
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (UTF_8, Detected::Sniffed)
    );
}

#[test]
fn utf16_meta_label_without_bom_is_ignored() {
    let doc = page("<meta charset=\"utf-16\">", NEWS_ZH);
    let decoded = decode(&gbk(&doc), None, None);
    assert_eq!(decoded.encoding, GBK);
    assert_eq!(decoded.text, doc);
}

#[test]
fn ascii_document_without_label_is_default_utf8() {
    let decoded = decode(
        b"<rss><channel><title>Chengdu</title></channel></rss>",
        None,
        None,
    );
    assert_eq!(
        (decoded.encoding, decoded.detected),
        (UTF_8, Detected::Default)
    );
}

#[test]
fn meta_in_comment_or_body_is_not_a_declaration() {
    assert_eq!(
        declared_charset(b"<head><!-- <meta charset=gbk> --></head>"),
        None
    );
    assert_eq!(
        declared_charset(b"<head></head><body><meta charset=gbk>"),
        None
    );
    assert_eq!(
        declared_charset(b"<HEAD><Meta Charset = 'GB2312' /></HEAD>"),
        Some(GBK)
    );
    assert_eq!(
        declared_charset(
            b"<meta content=\"text/html;charset=windows-1252\" http-equiv=\"content-type\">"
        ),
        Some(WINDOWS_1252)
    );
    assert_eq!(
        declared_charset(b"<meta name=\"description\" content=\"charset=gbk\">"),
        None
    );
}

#[test]
fn charset_parameter_of_content_type() {
    assert_eq!(
        charset_from_content_type("text/html; charset=GB2312"),
        Some(GBK)
    );
    assert_eq!(
        charset_from_content_type("text/html;Charset='gbk'"),
        Some(GBK)
    );
    assert_eq!(
        charset_from_content_type("text/xml; charset=cp936"),
        Some(GBK)
    );
    assert_eq!(
        charset_from_content_type("application/rss+xml; charset=utf8"),
        Some(UTF_8)
    );
    assert_eq!(charset_from_content_type("text/html"), None);
    assert_eq!(
        charset_from_content_type("text/html; charset=klingon"),
        None
    );
    assert_eq!(
        charset_from_content_type("text/html; charset=iso-2022-kr"),
        None
    );
}

#[test]
fn detected_displays_as_words() {
    let words: Vec<String> = [
        Detected::Override,
        Detected::Bom,
        Detected::HttpHeader,
        Detected::Declared,
        Detected::Sniffed,
        Detected::Default,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        words,
        [
            "override",
            "BOM",
            "HTTP charset",
            "declared",
            "detected",
            "default"
        ]
    );
}

// See: feedparser's utf-16be-autodetect.xml, a well-formed feed with no BOM, which once reached
// the XML parser as text full of NULs.
#[test]
fn utf16_without_bom_is_recognised_from_its_first_bytes() {
    let doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel><title>川渝</title></channel></rss>";
    let be: Vec<u8> = doc.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let le: Vec<u8> = doc.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for bytes in [be, le] {
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.text, doc);
        assert!(!decoded.had_errors);
    }
}

#[test]
fn detection_reads_the_text_not_the_markup() {
    let page = "<html><head><title>重庆经济协作区</title><style>p{}</style><script>var a='<b>';</script></head>\
        <body><!-- <p>x</p> --><p class=\"a\">川渝合作 共建成渝地区双城经济圈</p></body></html>";
    let gbk = GBK.encode(page).0.into_owned();
    let text = GBK.decode(&super::text_bytes(&gbk)).0.into_owned();
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(
        words,
        ["重庆经济协作区", "川渝合作", "共建成渝地区双城经济圈"]
    );
    assert_eq!(decode(&gbk, None, None).encoding, GBK);
}
