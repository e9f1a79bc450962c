//! The sample material the corpus is recombined from: body paragraphs and sentences of the
//! seed articles (content/raw/), the spam they carry, and small phrase tables for titles,
//! bylines and chrome written in the same register as the seeds.

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

const SEED_001: &str = include_str!("../../content/raw/001_2ba259b3f4eff141.txt");
const SEED_002: &str = include_str!("../../content/raw/002_f2ea2cf918036bb2.txt");
const SEED_003: &str = include_str!("../../content/raw/003_f1521f5082b377c5.txt");
const SEED_004: &str = include_str!("../../content/raw/004_ae5e4d94e8aab770.txt");

/// Everything drawn from the seeds, prepared once per run.
pub struct Material {
    /// Clean Simplified body paragraphs.
    pub paragraphs: Vec<String>,
    /// Their sentences, for recombined paragraphs.
    pub sentences: Vec<String>,
    /// Their clauses (between commas), for new sentences: whole seed paragraphs would make
    /// thousands of articles share long passages and look like reposts of each other.
    pub clauses: Vec<String>,
    /// Porn/gambling title fragments like the first line of seed 003.
    pub spam_titles: Vec<String>,
    /// Items of the `主站蜘蛛池模板:` link-farm footer of seed 003.
    pub link_farm: Vec<String>,
    /// Simplified → Traditional converter for the Traditional share of the corpus.
    pub s2t: OpenCC,
}

/// Ends of a sentence in the seeds (a closing quote or bracket may follow).
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '）' | ')' | '」')
}

/// A paragraph worth reusing: long enough, ends a sentence, not chrome.
fn is_body_paragraph(p: &str) -> bool {
    let ends_well = p
        .chars()
        .last()
        .is_some_and(|c| is_sentence_end(c) || is_closer(c) || c == '…');
    p.chars().count() >= 40 && ends_well && !p.contains('|') && !p.starts_with('[')
}

/// Body paragraphs of a seed. `join_broken` rejoins lines the scraper broke mid-sentence
/// (seed 004 breaks lines inside sentences, with blank lines in between).
pub fn paragraphs_of(text: &str, join_broken: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}'))
    {
        if line.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if join_broken && open => last.push_str(line),
            _ => out.push(line.to_string()),
        }
        let last = out.last().map(String::as_str).unwrap_or_default();
        let ends = last.chars().last().is_some_and(|c| is_sentence_end(c) || is_closer(c));
        open = !ends && last.chars().count() >= 20;
    }
    out.retain(|p| is_body_paragraph(p));
    out
}

/// `本报讯 记者李凡 通讯员徐冬云报道 近日，…` → `近日，…` (seed 004 opens its stories so).
pub fn strip_byline(paragraph: &str) -> &str {
    let Some(at) = paragraph.find("报道 ") else {
        return paragraph;
    };
    let prefix = &paragraph[..at];
    let is_byline = prefix.chars().count() <= 30
        && (prefix.contains("记者") || prefix.contains("通讯员"))
        && !prefix.contains(['，', '。', ',']);
    if is_byline {
        paragraph[at + "报道 ".len()..].trim_start()
    } else {
        paragraph
    }
}

/// The clauses of a sentence: split at commas and semicolons, end punctuation dropped, only
/// clauses of 4+ characters whose quotes are balanced (so recombining them keeps them so).
pub fn clauses_of(sentence: &str) -> Vec<String> {
    sentence
        .split(['，', ',', '；', ';', '。', '！', '？'])
        .map(|c| c.trim())
        .filter(|c| c.chars().count() >= 4 && c.matches('“').count() == c.matches('”').count())
        .filter(|c| !c.starts_with(['”', '’', '）', ')']))
        .map(str::to_string)
        .collect()
}

/// Split a paragraph after each 。！？ (keeping a closing quote with its sentence).
pub fn sentences_of(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = paragraph.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if is_sentence_end(c) {
            while let Some(&next) = chars.peek() {
                if !is_closer(next) {
                    break;
                }
                current.push(next);
                chars.next();
            }
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

impl Material {
    pub fn load() -> Material {
        let t2s = OpenCC::from_config(BuiltinConfig::T2s).expect("built-in t2s config loads (tested)");
        let s2t = OpenCC::from_config(BuiltinConfig::S2t).expect("built-in s2t config loads (tested)");
        // Seed 000 is spun and stuffed with spam all through: not clean material (it is the
        // evidence for the INJECTED_WORDS, FICTION and SPIN tables below instead). Seed 003
        // is Traditional: converted so the clean pool is all Simplified.
        let seed_003 = t2s.convert(SEED_003);
        let mut paragraphs = Vec::new();
        paragraphs.extend(paragraphs_of(SEED_001, false));
        paragraphs.extend(paragraphs_of(SEED_002, false));
        paragraphs.extend(paragraphs_of(&seed_003, false));
        paragraphs.extend(paragraphs_of(SEED_004, true));
        // Bylines and captions are not body text; a byline that opens a paragraph is cut off.
        paragraphs.retain(|p| !p.starts_with('（') && !p.starts_with('(') && !p.contains('摄'));
        for p in &mut paragraphs {
            *p = strip_byline(p).to_string();
        }
        let sentences = paragraphs
            .iter()
            .flat_map(|p| sentences_of(p))
            .filter(|s| s.chars().count() >= 12)
            .collect::<Vec<String>>();
        let mut clauses: Vec<String> = sentences.iter().flat_map(|s| clauses_of(s)).collect();
        clauses.sort();
        clauses.dedup();
        let spam_titles = SEED_003
            .lines()
            .next()
            .unwrap_or_default()
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let link_farm = SEED_003
            .lines()
            .find_map(|l| l.trim().strip_prefix("主站蜘蛛池模板:"))
            .unwrap_or_default()
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Material {
            paragraphs,
            sentences,
            clauses,
            spam_titles,
            link_farm,
            s2t,
        }
    }
}

/// Title predicates by theme slug (the slugs of data/themes.toml), in the seeds' register.
/// `{n}` becomes a number, `{y}` the article's year.
pub const PREDICATES: &[(&str, &[&str])] = &[
    (
        "ideology",
        &[
            "开展“守好红色根脉·班前十分钟活动”",
            "举办劳模工匠理论宣讲团成员培训班",
            "召开学习贯彻党的二十大精神宣讲会",
            "深化职工思想政治引领",
            "开展“中国梦·劳动美”主题教育",
        ],
    ),
    (
        "model-workers",
        &[
            "表彰{y}年度“最美职工”",
            "命名{n}家劳模和工匠人才创新工作室",
            "举行庆祝“五一”国际劳动节暨劳模事迹报告会",
            "组织劳模工匠进校园",
        ],
    ),
    (
        "competitions",
        &[
            "举办第{n}届职工职业技能大赛",
            "启动{y}年重点工程项目劳动竞赛",
            "举行叉车司机技能大赛",
            "开展岗位练兵技术比武",
        ],
    ),
    (
        "workforce-reform",
        &[
            "深化产业工人队伍建设改革",
            "推进产业工人学历能力提升",
            "实施职工素质提升工程",
            "以技提薪激励技术工人",
        ],
    ),
    (
        "new-employment",
        &[
            "推进新就业形态劳动者建会入会",
            "为快递小哥送上“娘家人”慰问",
            "开展新就业形态劳动者集中入会行动",
            "为外卖骑手办实事",
        ],
    ),
    (
        "organizing",
        &[
            "推动“县级工会加强年”专项工作走深走实",
            "新建工会组织{n}家",
            "打造“小三级”工会组织体系",
            "夯实基层工会基础",
        ],
    ),
    (
        "rights",
        &[
            "开展能级工资集体协商要约行动",
            "深化“法院+工会”劳动争议诉调对接",
            "开展“法律体检”公益服务",
            "召开职工代表大会推进民主管理",
        ],
    ),
    (
        "assistance",
        &[
            "开展“送温暖”活动",
            "为困难职工发放帮扶资金{n}万元",
            "夏季“送清凉”走进一线",
            "开展金秋助学活动",
        ],
    ),
    (
        "service-stations",
        &[
            "新建户外劳动者服务站点{n}个",
            "打造“十五分钟工会服务圈”",
            "让暖心驿站温暖城市每个角落",
            "建好用好职工之家",
        ],
    ),
    (
        "wellbeing",
        &[
            "多维度提升职工生活品质",
            "组织一线职工疗休养",
            "举办职工相亲交友活动",
            "开设爱心托管班",
        ],
    ),
    (
        "employment",
        &[
            "举办“春风行动”招聘会",
            "发放创业担保贷款{n}亿元",
            "深化就业创业服务",
            "助力农民工返乡创业",
        ],
    ),
    (
        "safety",
        &[
            "深入开展“安康杯”竞赛",
            "开展“查身边隐患、保职工安全”活动",
            "筑牢安全生产群众防线",
        ],
    ),
    (
        "digital",
        &["建设“数字工会”平台", "上线“智慧工会”服务小程序", "推进工会数字化改革"],
    ),
];

/// Headline slogans and section headings of the seeds' kind (used as main titles over a
/// descriptive subtitle, and as section headings inside long articles).
pub const SLOGANS: &[&str] = &[
    "于继承中前行 在创新中开拓",
    "瞄准“六强” 打造“桥头堡”",
    "把关键小事办成暖心大事",
    "这份用“心”书写的答卷很“秀”",
    "讲好劳动故事有门道",
    "牢记嘱托担使命 奋进争先走前列",
    "主打一个字，“鲜”",
    "统筹推动，坚持创新发展“主基调”",
    "党工共建，建好工会服务“主阵地”",
    "健全机制，打好建会入会“主动仗”",
    "注入动能，服务县域发展“主战场”",
    "强化政治引领 筑牢信仰之基",
    "培养技能人才 服务中心大局",
    "健全帮扶体系 维护职工权益",
    "夯实基层基础 规范工会管理",
    "扛使命 凝心铸魂开新局",
    "融大局 锚定赛道建新功",
    "走前列 改革创新抢新机",
    "强主业 维权服务谱新篇",
];

/// Newspaper columns over a multi-article page (like 红五月 in seed 004).
pub const COLUMNS: &[&str] = &["红五月", "基层动态", "工会视窗", "一线传真", "各地速递", "地方工会"];

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋",
    "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "沈", "姚", "卢", "钟", "陆", "金", "邹", "邱", "江",
];

pub const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "萍", "红", "玲", "燕", "晨", "阳", "鑫", "宇", "浩", "凯", "帆", "然", "雪",
    "梅", "琳", "晓", "东", "荣", "冬", "云", "斌", "磊", "鹏", "慧", "倩",
];

/// Media a union article is reposted from. `{p}` is the province short name, `{c}` the city.
pub const SOURCES: &[&str] = &[
    "工人日报",
    "中工网",
    "{p}工人报",
    "{p}工会网",
    "{c}日报",
    "{c}总工会",
    "{p}职工报",
    "新华网",
    "人民网",
];

/// Breadcrumb categories of union and news portals.
pub const CATEGORIES: &[&str] = &[
    "要闻",
    "工会动态",
    "基层动态",
    "新闻中心",
    "地方工会",
    "工作动态",
    "劳模风采",
    "权益保障",
];

/// Keywords a spam network injects inside sentences (the 包养 family of seed 000).
pub const INJECTED_WORDS: &[&str] = &[
    "包养",
    "包养网",
    "包养故事",
    "包养情妇",
    "包养管道",
    "包养妹",
    "包养行情",
    "女大生包养俱乐部",
    "包养一个月价钱",
    "包养留言板",
    "甜心宝贝包养网",
    "短期包养",
    "包养女人",
    "包养条件",
    "包养甜心网",
    "包养网车马费",
];

/// Fiction fragments spliced into sentences by the same network (from seed 000, Simplified).
pub const FICTION: &[&str] = &[
    "“奴婢想，但我想留在我身边，为小姐服务一辈子。”蔡修擦了擦脸上的泪水，抿唇苦笑，道：“奴婢在这世上没有亲人，离",
    "开除了他的母亲，没有人知道他有多沮丧，有多后悔。早知道救人可以省去这种麻烦，他一开始就不会插手自己的事情。他真的放",
    "“我的祖母和我父亲是这么说的。”",
    "“忘了它。”蓝玉华摇头说道。",
    "“好的。”蓝玉华点了点头。",
];

/// Word spinning (伪原创) as seen in seed 000: (original, spun). Applied to a share of the
/// corpus so the de-spinning step has work to do.
pub const SPIN: &[(&str, &str)] = &[
    ("民主", "平易近主"),
    ("民营", "平易近营"),
    ("创新", "立异"),
    ("发展", "成长"),
    ("劳动者", "休息者"),
    ("劳动", "休息"),
    ("技能", "技巧"),
    ("竞赛", "比赛"),
    ("建设", "扶植"),
    ("改革", "改造"),
    ("服务", "办事"),
    ("经验", "经历"),
    ("工资", "薪水"),
    ("集体", "所有人全体"),
    ("就业", "失业"),
    ("形态", "形状"),
    ("保障", "保证"),
    ("领域", "范畴"),
    ("安全", "平安"),
    ("工作", "任务"),
    ("思想", "思惟"),
    ("深入", "深刻"),
    ("重要", "主要"),
    ("科学", "迷信"),
    ("质量", "东西的品质"),
    ("大局", "年夜局"),
    ("二十大", "二十年夜"),
    ("提升", "晋升"),
    ("贡献", "进献"),
    ("红色", "白色"),
    ("十分钟", "非常钟"),
    ("活动", "运动"),
    ("教育", "教导"),
    ("理论", "实际"),
    ("精神", "精力"),
    ("优秀", "优良"),
    ("参加", "餐与加入"),
    ("困难", "艰苦"),
    ("管理", "治理"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejoins_lines_broken_mid_sentence() {
        let text = "通过主题宣讲、阅读交流、红色吟诵等多种形式\n\n宣讲党的创新理论，做深做细职工思想政治工作。\n";
        assert_eq!(
            paragraphs_of(text, true),
            vec!["通过主题宣讲、阅读交流、红色吟诵等多种形式宣讲党的创新理论，做深做细职工思想政治工作。"]
        );
        assert!(paragraphs_of(text, false).is_empty());
    }

    #[test]
    fn strips_an_opening_byline_only() {
        assert_eq!(
            strip_byline("本报讯 记者李凡 通讯员徐冬云、姚磊报道 近日，衢州市总工会组织开展了活动。"),
            "近日，衢州市总工会组织开展了活动。"
        );
        assert_eq!(strip_byline("近日，记者作了报道 的事。"), "近日，记者作了报道 的事。");
        let long = format!("{}报道 后文", "长".repeat(40));
        assert_eq!(strip_byline(&long), long);
    }

    #[test]
    fn clauses_split_at_commas_and_keep_quotes_balanced() {
        assert_eq!(
            clauses_of("开展“送温暖”活动,惠及职工5万人，工作“十件实事；成效明显。"),
            vec!["开展“送温暖”活动", "惠及职工5万人", "成效明显"]
        );
    }

    #[test]
    fn splits_sentences_keeping_closing_quotes() {
        assert_eq!(
            sentences_of("他说：“好。”然后走了！还有"),
            vec!["他说：“好。”", "然后走了！", "还有"]
        );
    }

    #[test]
    fn material_pools_are_substantial_and_clean() {
        let m = Material::load();
        assert!(m.paragraphs.len() >= 60, "{}", m.paragraphs.len());
        assert!(m.sentences.len() >= 150, "{}", m.sentences.len());
        assert!(m.clauses.len() >= 600, "{}", m.clauses.len());
        assert!(m.spam_titles.len() >= 5);
        assert!(m.link_farm.len() >= 30);
        assert!(m
            .paragraphs
            .iter()
            .all(|p| !p.contains("蜘蛛池") && !p.contains("來源")));
    }
}
