//! The lexical cleaning steps never panic, whatever the text, and punctuation restoration is
//! idempotent.

#[path = "common/props.rs"]
mod props;

use std::sync::OnceLock;

use proptest::prelude::*;
use union_digest::clean::{despin, emoji, gloss, punct, script, spam, Cleaner, Page};
use union_digest::config::{Config, TargetScript};
use union_digest::ingest::ingest;
use union_digest::model::{RawDoc, SourceKind};

fn doc(text: &str) -> RawDoc {
    RawDoc {
        file: "prop.txt".into(),
        kind: SourceKind::Raw,
        text: text.to_string(),
        encoding: "UTF-8".into(),
        front: Default::default(),
        body_line: 1,
        hash: String::new(),
    }
}

/// Text built from the pieces the steps react to: Han (Simplified and Traditional), spam and
/// spin vocabulary, quotes, ASCII and full-width punctuation, digits, Latin, pinyin, damage.
fn pieces() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "工会",
        "職工",
        "包养网",
        "包養",
        "甜心宝贝",
        "平易近",
        "东西的品质",
        "经由过程",
        "休息",
        "年夜",
        "“",
        "”",
        "\"",
        "(",
        ")",
        "（",
        "）",
        ",",
        ":",
        ";",
        "?",
        "!",
        "？",
        "。",
        "，",
        "、",
        "…",
        "1,000",
        "14:04",
        "http://a.b/c?d=1,",
        "a@b.cn",
        "zhígōng",
        "(shè)",
        "? ? ?",
        "�",
        "锟斤拷",
        "ç¨æ",
        "Ã©",
        "她点了点头。",
        "说道：",
        "奴婢",
        "母亲",
        "蜘蛛池",
        "婷婷",
        "|",
        " ",
        "\n",
        "五",
        "开",
        "放",
        "𠀀",
        "\u{200B}",
        "é",
        "ü",
        "ǚ",
        "a",
        "Z",
        "9",
        "🕤",
        "❤\u{FE0F}",
        "😷",
        "★",
        "(🎀)",
        "(dòng )",
        "爱游戏体育",
        "全站app",
        "手机版入口",
    ]);
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// The lexical steps, built once per configuration (building them is the costly part).
struct Steps {
    script: script::Converter,
    spam: spam::Lexicon,
    despin: despin::Table,
}

impl Steps {
    fn new(config: &Config) -> Steps {
        Steps {
            script: script::Converter::new(config),
            spam: spam::Lexicon::new(config),
            despin: despin::Table::new(config),
        }
    }
}

fn steps(target: TargetScript) -> &'static Steps {
    static HANS: OnceLock<Steps> = OnceLock::new();
    static HANT: OnceLock<Steps> = OnceLock::new();
    let config = Config {
        script: target,
        ..Config::default()
    };
    match target {
        TargetScript::Hant => HANT.get_or_init(|| Steps::new(&config)),
        _ => HANS.get_or_init(|| Steps::new(&config)),
    }
}

fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new(&Config::default()))
}

fn lexical(target: TargetScript, text: &str) -> Page {
    let steps = steps(target);
    let mut page = Page::new(&doc(text));
    emoji::strip(&mut page);
    gloss::repair(&mut page);
    steps.script.apply(&mut page);
    punct::restore(&mut page);
    steps.spam.apply(&mut page);
    steps.despin.apply(&mut page);
    page
}

proptest! {
    #![proptest_config(props::config(256))]

    #[test]
    fn lexical_steps_never_panic_on_arbitrary_text(text in any::<String>()) {
        let _ = lexical(TargetScript::Hans, &text);
    }

    #[test]
    fn lexical_steps_never_panic_on_tricky_pieces(text in pieces()) {
        let page = lexical(TargetScript::Hans, &text);
        for line in &page.lines {
            prop_assert!(!line.text.trim().is_empty());
        }
        let _ = lexical(TargetScript::Hant, &text);
    }

    #[test]
    fn emoji_removal_is_idempotent(text in pieces()) {
        let mut once = Page::new(&doc(&text));
        emoji::strip(&mut once);
        let lines: Vec<String> = once.lines.iter().map(|l| l.text.clone()).collect();
        let mut twice = Page::new(&doc(&lines.join("\n")));
        emoji::strip(&mut twice);
        let again: Vec<String> = twice.lines.iter().map(|l| l.text.clone()).collect();
        prop_assert_eq!(again, lines);
    }

    #[test]
    fn punctuation_restoration_is_idempotent(text in pieces()) {
        for line in text.lines() {
            let once = punct::restore_line(line).map_or_else(|| line.to_string(), |(t, _)| t);
            prop_assert_eq!(punct::restore_line(&once), None);
        }
    }

    #[test]
    fn whole_cleaner_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(doc) = ingest(&bytes, "prop.txt", SourceKind::Raw) {
            let _ = cleaner().clean(&doc);
        }
    }
}
