//! The lexical cleaning steps (glosses and damage, script, punctuation, spam, spin) on the
//! five seed articles in content/raw/, through the whole cleaner and through the lexical
//! steps alone.

use union_digest::clean::{despin, gloss, punct, script, spam, Cleaner, Page};
use union_digest::config::Config;
use union_digest::ingest::ingest;
use union_digest::model::{CleanArticle, RawDoc, SourceKind};

fn seed(prefix: &str) -> RawDoc {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
    let path = std::fs::read_dir(&dir)
        .expect("content/raw")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)))
        .expect("seed file");
    let bytes = std::fs::read(&path).expect("seed bytes");
    ingest(&bytes, &path.to_string_lossy(), SourceKind::Raw).expect("ingest")
}

/// Everything the whole cleaner kept of a seed: titles, subtitles, kickers and bodies.
fn cleaned(prefix: &str) -> (String, Vec<CleanArticle>) {
    let articles = Cleaner::new(&Config::default()).clean(&seed(prefix));
    let text = articles
        .iter()
        .map(|a| {
            let mut t = String::new();
            for part in [&a.kicker, &Some(a.title.clone()), &a.subtitle].into_iter().flatten() {
                t.push_str(part);
                t.push('\n');
            }
            t + &a.body.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n");
    (text, articles)
}

/// The lexical steps only, in the cleaner's order, on a page.
struct Lexical {
    script: script::Converter,
    spam: spam::Lexicon,
    despin: despin::Table,
}

impl Lexical {
    fn new() -> Lexical {
        let config = Config::default();
        Lexical {
            script: script::Converter::new(&config),
            spam: spam::Lexicon::new(&config),
            despin: despin::Table::new(&config),
        }
    }

    fn run(&self, page: &mut Page) {
        gloss::repair(page);
        self.script.apply(page);
        punct::restore(page);
        self.spam.apply(page);
        self.despin.apply(page);
    }

    fn page(&self, prefix: &str) -> Page {
        let mut page = Page::new(&seed(prefix));
        self.run(&mut page);
        page
    }
}

fn page_text(page: &Page) -> String {
    page.lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

const SPAM_WORDS: [&str; 6] = ["包养", "包養", "蜘蛛池", "婷婷", "平易近", "东西的品质"];

const FICTION_000: [&str; 9] = [
    "奴婢",
    "蔡修",
    "泪水",
    "抿唇苦笑",
    "开除了他的母亲",
    "他真的",
    "我的祖母和我父亲是这么说的",
    "忘了它",
    "蓝玉华",
];

#[test]
fn seed_000_has_no_spam_no_fiction_and_reads_despun() {
    let (text, articles) = cleaned("000");
    for word in SPAM_WORDS.iter().chain(&FICTION_000) {
        assert!(!text.contains(word), "000 still contains {word}");
    }
    for phrase in [
        "高质量发展",
        "民主管理",
        "科学指引",
        "红色根脉",
        "班前十分钟",
        "和谐劳动关系",
        "新就业形态劳动者",
        "集体协商",
        "产业工人队伍建设改革",
        "牢记嘱托担使命 奋进争先走前列",
        "浙江工会五年工作回眸",
    ] {
        assert!(text.contains(phrase), "000 lacks {phrase}");
    }
    // The news text joins up where fiction was cut out.
    for joined in [
        "权益保障、维护劳动领域政治安全",
        "改革开放先行地",
        "党委要求、工会主导",
        "五年来，浙江工会始终坚持以职工为中心",
        "制定区域性行业性职代会实施办法",
    ] {
        assert!(text.contains(joined), "000 lacks {joined}");
    }
    let report = &articles[0].cleaning;
    assert!(report.script_converted && report.spun);
    let fiction: Vec<&str> = report
        .removed
        .iter()
        .filter(|r| r.kind == "fiction")
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(fiction.len(), 5, "{fiction:#?}");
    assert!(report.removed.iter().filter(|r| r.kind == "spam-keyword").count() >= 25);
    let despun = &report.despun;
    assert!(despun
        .windows(2)
        .all(|w| (&w[0].from, &w[0].to) < (&w[1].from, &w[1].to)));
    assert!(despun
        .iter()
        .any(|r| r.from == "平易近" && r.to == "民" && r.count >= 4));
}

#[test]
fn seed_000_genuine_quotes_and_sentences_survive() {
    let (text, _) = cleaned("000");
    for sentence in [
        "“请问是桐乡市总工会吗？这里有一份新鲜水果，放在你们门口，请及时收取。”近日，桐乡市总工会收到了一份由“饿了么”骑手送来的新鲜樱桃。",
        "让我感受到了365天全天候的温暖。”李刚说，这让他产生了为工会干部送点温暖的想法。",
        "湖州市吴兴区埭溪镇美妆小镇是以美妆企业为支柱的特色小镇。",
        "省级补贴1.2亿元新建64个职工服务阵地。",
        "组织新就业形态劳动者疗休养。",
        "举行新就业形态劳动者集体入会仪式。",
    ] {
        assert!(text.contains(sentence), "000 lost: {sentence}");
    }
}

#[test]
fn seed_003_is_simplified_without_porn_lines() {
    let (text, articles) = cleaned("003");
    for word in SPAM_WORDS.iter().chain(["性电影", "波多野", "欧美日韩"].iter()) {
        assert!(!text.contains(word), "003 still contains {word}");
    }
    let converter = script::Converter::new(&Config::default());
    assert_eq!(converter.convert(&text), text, "003 still holds Traditional characters");
    assert!(articles[0].cleaning.script_converted);
    assert!(!articles[0].cleaning.spun);
    let spam_lines = articles[0]
        .cleaning
        .removed
        .iter()
        .filter(|r| r.kind == "spam-line")
        .count();
    assert_eq!(spam_lines, 2);
    assert!(!articles[0].cleaning.removed.iter().any(|r| r.kind == "fiction"));
}

/// Verbatim sentences of the genuine (unspun) seeds, after punctuation restoration.
const GENUINE: [(&str, &[&str]); 4] = [
    (
        "001",
        &[
            "2月24日，省总工会第十二届委员会第十二次全体会议在昆明召开。",
            "省委副书记石玉钢出席会议并讲话。",
            "充分发挥协调劳动关系三方机制、“法院+工会”等多方协作联动机制作用，探索推进劳动关系矛盾纠纷的全周期动态治理。",
            "发挥“安康杯”竞赛作用，广泛开展“查身边隐患、保职工安全、促企业发展”系列群众性安全生产活动，",
            "每年帮助3万名职工实现技能升级或学历提高，聚力建设高素质劳动大军，为实现云南高质量跨越式发展提供人才支撑。",
        ],
    ),
    (
        "002",
        &[
            "11月21日，市人大常委会副主任、市总工会主席郑荣胜赴余杭区调研工会工作。",
            "郑荣胜说，来到余杭调研，既是学习做法、提炼经验，又是受启发、明方向。",
            "五月运动会，开展职工运动会等各类体育活动。",
            "十月促和谐，进一步推进和谐劳动关系和企业社会责任建设。",
            "十二月强法规，围绕国家宪法日进一步宣传好法律法规，维护职工合法权益。",
        ],
    ),
    (
        "003",
        &[
            "湖南省总工会推动“县级工会加强年”专项工作走深走实，",
            "“工会打造的户外劳动者驿站不仅设施齐全，且距离我们的工作区域十分近，为我们提供了舒适的休息场所！”",
            "2022年共安排2.3亿元专项经费用于基层工会职工阵地提质改造，",
            "根据辖区内小微企业多、新业态劳动者多的特点，该工会联合会成立了7个行业工会，",
            "其中为期一周的汽车直播销售职业技能竞赛，实现成交金额1548万元。",
        ],
    ),
    (
        "004",
        &[
            "“有了娘家人的帮助，现在我可以安心工作了。”日前，新塍镇某单位职工李某带着一封感谢信",
            "“平时工作繁忙，大多数时间都埋头在车间。班前会形式很新颖，也很贴近我们工作。",
            "近日，瑞成公司包装车间班前会上领讲员周鸯鸯（左一）为大家宣讲。",
            "浙江瑞成材料股份有限公司（简称“瑞成公司”）的包装生产流水线旁",
            "“十年的时间，我从企业电工组的一名嵌线员到‘浙江青年工匠’，每一项成绩，企业都给予了真金白银奖励，既有面子又有里子。”",
        ],
    ),
];

#[test]
fn genuine_sentences_survive_the_lexical_steps() {
    let lexical = Lexical::new();
    for (prefix, sentences) in GENUINE {
        let page = lexical.page(prefix);
        let text = page_text(&page);
        for sentence in sentences {
            assert!(text.contains(sentence), "{prefix} lost: {sentence}");
        }
        assert!(!page.report.spun, "{prefix} judged spun");
        assert!(
            !page
                .report
                .removed
                .iter()
                .any(|r| r.kind == "fiction" || r.kind == "spam-keyword"),
            "{prefix}: {:?}",
            page.report.removed
        );
    }
}

#[test]
fn genuine_sentences_survive_the_whole_cleaner() {
    for (prefix, sentences) in GENUINE {
        let (text, articles) = cleaned(prefix);
        // Until a page yields articles (the headline and split steps decide), there is no
        // body to check here; the lexical steps are checked above either way.
        if articles.is_empty() {
            continue;
        }
        for sentence in sentences {
            assert!(text.contains(sentence), "{prefix} lost: {sentence}");
        }
    }
}

#[test]
fn unspun_seeds_keep_their_words_byte_for_byte_apart_from_punctuation() {
    let lexical = Lexical::new();
    for prefix in ["001", "002", "004"] {
        let doc = seed(prefix);
        let page = lexical.page(prefix);
        // Only ASCII punctuation was changed: mapping it back gives the line model's text.
        let original: Vec<String> = Page::new(&doc).lines.into_iter().map(|l| l.text).collect();
        let back: Vec<String> = page
            .lines
            .iter()
            .map(|l| {
                l.text
                    .chars()
                    .map(|c| match c {
                        '，' => ',',
                        '：' => ':',
                        '；' => ';',
                        '？' => '?',
                        '！' => '!',
                        '（' => '(',
                        '）' => ')',
                        c => c,
                    })
                    .collect()
            })
            .collect();
        let normalised: Vec<String> = original
            .iter()
            .map(|t| {
                t.chars()
                    .map(|c| match c {
                        '，' => ',',
                        '：' => ':',
                        '；' => ';',
                        '？' => '?',
                        '！' => '!',
                        '（' => '(',
                        '）' => ')',
                        c => c,
                    })
                    .collect()
            })
            .collect();
        assert_eq!(back, normalised, "{prefix}");
        assert!(!page.report.script_converted);
    }
}

#[test]
fn lexical_steps_are_idempotent_on_every_seed() {
    let lexical = Lexical::new();
    for prefix in ["000", "001", "002", "003", "004"] {
        let mut page = lexical.page(prefix);
        let once = page_text(&page);
        page.report = Default::default();
        lexical.run(&mut page);
        assert_eq!(page_text(&page), once, "{prefix}");
        assert!(page.report.removed.is_empty(), "{prefix}: {:?}", page.report.removed);
        assert_eq!(page.report.punctuation_fixed, 0, "{prefix}");
        assert!(page.report.despun.is_empty(), "{prefix}: {:?}", page.report.despun);
    }
}

#[test]
fn strong_spin_artefacts_never_occur_in_genuine_seeds() {
    let table = despin::Table::new(&Config::default());
    let lexical = Lexical::new();
    for prefix in ["001", "002", "003", "004"] {
        let text = page_text(&lexical.page(prefix));
        let evidence = table.evidence(&text);
        assert_eq!(evidence.hits, 0, "{prefix}: {evidence:?}");
    }
}

/// A page that went through a spam site (keywords injected, so every fiction rule is armed)
/// but carries no fiction: the lexical steps must give back exactly the genuine lines.
#[test]
fn spam_evidence_alone_never_costs_genuine_text() {
    let lexical = Lexical::new();
    for prefix in ["001", "002", "004"] {
        let clean = lexical.page(prefix);
        let mut page = Page::new(&seed(prefix));
        gloss::repair(&mut page);
        lexical.script.apply(&mut page);
        punct::restore(&mut page);
        // Inject an advertising keyword into the middle of every longer line.
        for line in &mut page.lines {
            let chars: Vec<char> = line.text.chars().collect();
            if chars.len() >= 20 {
                let middle = chars.len() / 2;
                line.text = chars[..middle]
                    .iter()
                    .chain("包养网".chars().collect::<Vec<_>>().iter())
                    .chain(&chars[middle..])
                    .collect();
            }
        }
        lexical.spam.apply(&mut page);
        lexical.despin.apply(&mut page);
        assert_eq!(page_text(&page), page_text(&clean), "{prefix}");
        assert!(
            !page.report.removed.iter().any(|r| r.kind == "fiction"),
            "{prefix}: {:?}",
            page.report.removed
        );
    }
}
