//! Spin (伪原创): synonym tools replace words (民→平易近, 创新→立异, 质量→东西的品质).
//! Spun documents are detected by artefact density and the spin is undone with a reverse table.
//!
//! - Detection: `strong` rows of `data/despin.tsv` are artefacts real news practically never
//!   contains (平易近, 东西的品质, 餐与加入, 经由过程, 进一个步骤 …). A document is judged spun
//!   when it holds at least [`MIN_STRONG_HITS`] of them, of at least two kinds (a short
//!   document needs only two kinds). Genuine documents are never changed.
//! - Undoing: in a spun document every row applies, longest match first, each only when its
//!   context conditions hold (休息 → 劳动 but 休息场所 stays; 任务 → 使命 after 担/扛/牢记,
//!   otherwise → 工作). `keep` rows protect genuine phrases (年夜饭, 平易近人, 标新立异).
//!   Every replacement is counted in the report.

use std::collections::BTreeMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::lines::is_han;
use super::Page;
use crate::config::Config;
use crate::model::Replacement;
use crate::phrases::{Phrases, Searcher};

const TABLE: &str = include_str!("../../data/despin.tsv");

/// Strong artefacts a document needs before it is judged spun.
pub const MIN_STRONG_HITS: usize = 3;
/// Below this many Han characters, two kinds of strong artefact are enough.
const SHORT_DOCUMENT: usize = 600;

/// The reverse spin table, built once per build.
#[derive(Debug, Clone)]
pub struct Table {
    inner: Arc<Inner>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Evidence of spinning; undone in spun documents.
    Strong,
    /// Undone in spun documents.
    Normal,
    /// A genuine phrase containing a spun form: never changed.
    Keep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Alt {
    Text(String),
    /// Any Han character.
    Han,
    /// Any digit, ASCII or Chinese numeral.
    Num,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cond {
    right: bool,
    negate: bool,
    alts: Vec<Alt>,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub spun: String,
    pub original: String,
    pub class: Class,
    /// Alternatives, each a list of conditions that must all hold; empty: always applies.
    conds: Vec<Vec<Cond>>,
}

#[derive(Debug)]
struct Inner {
    rows: Vec<Row>,
    /// Row indices per pattern (the distinct spun forms), in table order.
    rows_of: Vec<Vec<usize>>,
    /// Every pattern, for overlapping search.
    all: Phrases,
    /// Strong and keep patterns only, for the cheap detection pass (leftmost-longest).
    evidence: Phrases,
    evidence_rows: Vec<Vec<usize>>,
}

/// How much spin evidence a text carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpinEvidence {
    pub hits: usize,
    pub kinds: usize,
    /// Approximate length in Han characters (UTF-8 bytes / 3).
    pub han: usize,
}

impl SpinEvidence {
    pub fn is_spun(&self) -> bool {
        self.kinds >= 2 && (self.hits >= MIN_STRONG_HITS || self.han < SHORT_DOCUMENT)
    }
}

impl Table {
    pub fn new(config: &Config) -> Table {
        let mut rows: Vec<Row> = config
            .clean
            .despin
            .iter()
            .filter(|[from, to]| !from.is_empty() && !to.is_empty())
            .map(|[from, to]| Row {
                spun: from.clone(),
                original: to.clone(),
                class: Class::Normal,
                conds: Vec::new(),
            })
            .collect();
        rows.extend(builtin_rows());
        Table {
            inner: Arc::new(Inner::build(rows)),
        }
    }

    /// All rows (config pairs first, then `data/despin.tsv`).
    pub fn rows(&self) -> &[Row] {
        &self.inner.rows
    }

    /// Detect spin and, only in a spun document, undo it.
    pub fn apply(&self, page: &mut Page) {
        let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        if !self.inner.evidence(&texts).is_spun() {
            return;
        }
        let all = self.inner.all.searcher(texts);
        page.report.spun = true;
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        for line in &mut page.lines {
            if let Some(text) = self.inner.despin(&all, &line.text, &mut counts) {
                line.text = text;
            }
        }
        page.report.despun = counts
            .into_iter()
            .map(|((from, to), count)| Replacement { from, to, count })
            .collect();
    }

    /// Spin evidence in a text.
    pub fn evidence(&self, text: &str) -> SpinEvidence {
        self.inner.evidence(&[text])
    }

    /// Undo spin in a text unconditionally (the caller has judged it spun).
    pub fn despin_text(&self, text: &str) -> String {
        let mut counts = BTreeMap::new();
        let all = self.inner.all.searcher([text]);
        self.inner
            .despin(&all, text, &mut counts)
            .unwrap_or_else(|| text.to_string())
    }

    /// Apply the spinner's habits forwards (original → spun), for unconditional rows. Used to
    /// teach the fiction detector what spun news looks like, since spam is removed before
    /// the spin is undone.
    pub fn spin_forward(&self, text: &str) -> String {
        let mut seen = std::collections::HashSet::new();
        let pairs: Vec<(&str, &str)> = self
            .inner
            .rows
            .iter()
            .filter(|r| r.class != Class::Keep && r.conds.is_empty() && r.original.chars().count() <= 4)
            .filter(|r| seen.insert(r.original.clone()))
            .map(|r| (r.original.as_str(), r.spun.as_str()))
            .collect();
        let Ok(ac) = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|p| p.0))
        else {
            return text.to_string();
        };
        let mut out = String::with_capacity(text.len() * 2);
        ac.replace_all_with(text, &mut out, |m, _, dst| {
            dst.push_str(pairs[m.pattern().as_usize()].1);
            true
        });
        out
    }
}

/// The rows of `data/despin.tsv`. The table is compiled in; a malformed row is a bug the
/// unit tests catch, so it is skipped rather than failing a build.
fn builtin_rows() -> Vec<Row> {
    TABLE.lines().filter_map(|l| parse_row(l).ok().flatten()).collect()
}

/// Parse one table line: `None` for comments and blank lines.
fn parse_row(line: &str) -> Result<Option<Row>, String> {
    let line = line.trim_end();
    if line.trim().is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let fields: Vec<&str> = line.split('\t').collect();
    if !(3..=4).contains(&fields.len()) {
        return Err(format!("expected 3 or 4 tab-separated fields: {line:?}"));
    }
    let class = match fields[2] {
        "strong" => Class::Strong,
        "normal" => Class::Normal,
        "keep" => Class::Keep,
        other => return Err(format!("unknown class {other:?}: {line:?}")),
    };
    let conds = match fields.get(3) {
        Some(spec) => spec
            .split("||")
            .map(|group| group.split(';').map(parse_cond).collect::<Result<Vec<_>, _>>())
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    if fields[0].is_empty() || fields[1].is_empty() {
        return Err(format!("empty field: {line:?}"));
    }
    Ok(Some(Row {
        spun: fields[0].to_string(),
        original: fields[1].to_string(),
        class,
        conds,
    }))
}

fn parse_cond(spec: &str) -> Result<Cond, String> {
    let (negate, rest) = match spec.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, spec),
    };
    let (right, list) = if let Some(list) = rest.strip_prefix("R:") {
        (true, list)
    } else if let Some(list) = rest.strip_prefix("L:") {
        (false, list)
    } else {
        return Err(format!("condition must start with R:, L:, !R: or !L: {spec:?}"));
    };
    let alts = list
        .split('|')
        .filter(|a| !a.is_empty())
        .map(|a| match a {
            "@han" => Alt::Han,
            "@num" => Alt::Num,
            text => Alt::Text(text.to_string()),
        })
        .collect::<Vec<_>>();
    if alts.is_empty() {
        return Err(format!("empty condition {spec:?}"));
    }
    Ok(Cond { right, negate, alts })
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "〇零一二三四五六七八九十百千万两".contains(c)
}

impl Cond {
    fn holds(&self, before: &str, after: &str) -> bool {
        let found = self.alts.iter().any(|alt| match (alt, self.right) {
            (Alt::Text(t), true) => after.starts_with(t.as_str()),
            (Alt::Text(t), false) => before.ends_with(t.as_str()),
            (Alt::Han, true) => after.chars().next().is_some_and(is_han),
            (Alt::Han, false) => before.chars().next_back().is_some_and(is_han),
            (Alt::Num, true) => after.chars().next().is_some_and(is_numeral),
            (Alt::Num, false) => before.chars().next_back().is_some_and(is_numeral),
        });
        found != self.negate
    }
}

impl Row {
    fn applies(&self, before: &str, after: &str) -> bool {
        self.conds.is_empty()
            || self
                .conds
                .iter()
                .any(|group| group.iter().all(|c| c.holds(before, after)))
    }
}

impl Inner {
    fn build(rows: Vec<Row>) -> Inner {
        let mut patterns: Vec<String> = Vec::new();
        let mut rows_of: Vec<Vec<usize>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            let p = *index.entry(row.spun.clone()).or_insert_with(|| {
                patterns.push(row.spun.clone());
                rows_of.push(Vec::new());
                patterns.len() - 1
            });
            rows_of[p].push(i);
        }
        let evidence_patterns: Vec<usize> = (0..patterns.len())
            .filter(|&p| rows_of[p].iter().any(|&r| rows[r].class != Class::Normal))
            .collect();
        let evidence = Phrases::new(
            evidence_patterns.iter().map(|&p| patterns[p].clone()).collect(),
            MatchKind::LeftmostLongest,
        )
        .with_kind(AhoCorasickKind::DFA);
        let evidence_rows = evidence_patterns.iter().map(|&p| rows_of[p].clone()).collect();
        Inner {
            rows,
            rows_of,
            all: Phrases::new(patterns, MatchKind::Standard).with_kind(AhoCorasickKind::DFA),
            evidence,
            evidence_rows,
        }
    }

    /// Strong artefacts over some texts; kinds are distinct strong rows.
    fn evidence(&self, texts: &[&str]) -> SpinEvidence {
        let mut evidence = SpinEvidence::default();
        let mut kinds: Vec<usize> = Vec::new();
        let mut han = 0;
        let searcher = self.evidence.searcher(texts.iter().copied());
        for text in texts {
            // Length only matters for a short document with few artefacts; count it cheaply.
            han += text.len() / 3;
            for m in searcher.find_iter(text) {
                let rows = &self.evidence_rows[m.pattern().as_usize()];
                let (before, after) = (&text[..m.start()], &text[m.end()..]);
                let Some(&row) = rows.iter().find(|&&r| self.rows[r].applies(before, after)) else {
                    continue;
                };
                if self.rows[row].class == Class::Strong {
                    evidence.hits += 1;
                    if !kinds.contains(&row) {
                        kinds.push(row);
                    }
                }
            }
        }
        evidence.kinds = kinds.len();
        evidence.han = han;
        evidence
    }

    /// The despun text, or `None` when nothing changed. Counts each replacement.
    /// `all`: a searcher of `self.all` for the text.
    fn despin(&self, all: &Searcher, text: &str, counts: &mut BTreeMap<(String, String), usize>) -> Option<String> {
        // Candidate patterns by start offset, longest first.
        let mut starts: Vec<(usize, usize, usize)> = all
            .find_overlapping_iter(text)
            .map(|m| (m.start(), usize::MAX - m.len(), m.pattern().as_usize()))
            .collect();
        if starts.is_empty() {
            return None;
        }
        starts.sort_unstable();
        let mut out = String::with_capacity(text.len() + 16);
        let mut copied = 0;
        let mut changed = false;
        let mut i = 0;
        while i < starts.len() {
            let start = starts[i].0;
            if start < copied {
                i += 1;
                continue;
            }
            let mut chosen: Option<(usize, usize)> = None;
            while i < starts.len() && starts[i].0 == start {
                let (_, neg_len, pattern) = starts[i];
                let end = start + (usize::MAX - neg_len);
                if chosen.is_none() {
                    let (before, after) = (&text[..start], &text[end..]);
                    if let Some(&row) = self.rows_of[pattern]
                        .iter()
                        .find(|&&r| self.rows[r].applies(before, after))
                    {
                        chosen = Some((row, end));
                    }
                }
                i += 1;
            }
            let Some((row, end)) = chosen else { continue };
            let row = &self.rows[row];
            out.push_str(&text[copied..start]);
            out.push_str(&row.original);
            copied = end;
            if row.class != Class::Keep && row.original != row.spun {
                changed = true;
                *counts.entry((row.spun.clone(), row.original.clone())).or_insert(0) += 1;
            }
        }
        if !changed {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::new(&Config::default())
    }

    fn page(text: &str) -> Page {
        Page::from_text("t.txt", text)
    }

    #[test]
    fn every_table_row_parses() {
        for (no, line) in TABLE.lines().enumerate() {
            if let Err(e) = parse_row(line) {
                panic!("data/despin.tsv:{}: {e}", no + 1);
            }
        }
        assert!(builtin_rows().len() > 400);
    }

    #[test]
    fn exceptions_are_not_defeated_by_a_later_fallback_row() {
        // A row whose only conditions are exceptions (!R/!L) followed by an unconditional row
        // for the same spun form would undo the exceptions.
        let rows = builtin_rows();
        for (i, row) in rows.iter().enumerate() {
            let only_negative = !row.conds.is_empty() && row.conds.iter().flatten().all(|c| c.negate);
            if only_negative {
                let fallback = rows[i + 1..].iter().any(|r| r.spun == row.spun && r.conds.is_empty());
                assert!(!fallback, "{} has exceptions and a later unconditional row", row.spun);
            }
        }
    }

    #[test]
    fn unseen_spun_sentences_are_restored() {
        let t = table();
        let cases = [
            (
                "全市平易近营企业周全推进平易近主治理。",
                "全市民营企业全面推进民主管理。",
            ),
            (
                "经由过程进一个步骤加大力度职工思惟政治引领",
                "通过进一步加强职工思想政治引领",
            ),
            ("组织宽大职工餐与加入休息和技巧比赛", "组织广大职工参加劳动和技能竞赛"),
            (
                "客岁以来,该公司担任人先容,新失业形状休息者所有人全体进会",
                "去年以来,该公司负责人介绍,新就业形态劳动者集体入会",
            ),
            ("树立健全协调休息关系长效机制", "建立健全和谐劳动关系长效机制"),
            (
                "果断不移走中国特点社会主义工会成长途径",
                "坚定不移走中国特色社会主义工会发展道路",
            ),
            ("停止了深刻交通", "进行了深入交流"),
            ("进步职工生涯品德", "提高职工生活品质"),
            ("白色根脉班前非常钟运动", "红色根脉班前十分钟活动"),
            ("省总工会结合省人社厅出台看法", "省总工会联合省人社厅出台看法"),
        ];
        for (spun, original) in cases {
            assert_eq!(t.despin_text(spun), original, "{spun}");
        }
    }

    #[test]
    fn an_unseen_spun_report_reads_as_written() {
        let t = table();
        let spun = "克日，市总工会召开全市工会任务会议。会议请求，各级工会要深刻进修贯彻党的二十年夜精力，\
                    连合发动宽大职工积极餐与加入休息和技巧比赛，推动高东西的品质成长。\
                    会上，市总工会担任人先容了客岁的任务情形。";
        assert!(t.evidence(spun).is_spun());
        assert_eq!(
            t.despin_text(spun),
            "近日，市总工会召开全市工会工作会议。会议要求，各级工会要深入学习贯彻党的二十大精神，\
             团结动员广大职工积极参加劳动和技能竞赛，推动高质量发展。\
             会上，市总工会负责人介绍了去年的工作情况。"
        );
    }

    #[test]
    fn genuine_phrases_stay_even_in_spun_text() {
        let t = table();
        for genuine in [
            "为我们提供了舒适的休息场所",
            "年夜饭",
            "他平易近人",
            "提质改造",
            "安康杯竞赛",
            "志同道合",
            "开学典礼",
        ] {
            assert_eq!(t.despin_text(genuine), genuine);
        }
        // Context decides: 任务 after 担 is 使命, elsewhere 工作.
        assert_eq!(t.despin_text("牢牢记住嘱托担任务"), "牢记嘱托担使命");
        assert_eq!(t.despin_text("浙江工会五年任务回眸"), "浙江工会五年工作回眸");
        assert_eq!(t.despin_text("工会界他人年夜代表"), "工会界别人大代表");
    }

    #[test]
    fn detection_needs_several_strong_artefacts() {
        let t = table();
        assert!(t
            .evidence("平易近营企业高东西的品质成长,经由过程进一个步骤餐与加入")
            .is_spun());
        // One artefact-like phrase in a genuine text is not enough.
        assert!(!t.evidence("他为人平易近人,把休息时间用来学习。").is_spun());
        assert!(!t.evidence("今朝有酒今朝醉").is_spun());
    }

    #[test]
    fn only_spun_documents_are_changed_and_the_report_counts() {
        let t = table();
        let genuine = "全省职工积极参加劳动和技能竞赛,休息时间也在学习。\n主要负责人表示,要推进改造提升。";
        let mut p = page(genuine);
        t.apply(&mut p);
        assert_eq!(
            p.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n"),
            genuine
        );
        assert!(!p.report.spun);

        let mut p = page("平易近主治理和平易近营经济\n经由过程所有人全体协商,进一个步骤成长");
        t.apply(&mut p);
        assert!(p.report.spun);
        assert_eq!(p.lines[0].text, "民主管理和民营经济");
        assert_eq!(p.lines[1].text, "通过集体协商,进一步发展");
        let pairs: Vec<(&str, &str, usize)> = p
            .report
            .despun
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str(), r.count))
            .collect();
        assert_eq!(
            pairs,
            [
                ("平易近", "民", 2),
                ("成长", "发展", 1),
                ("所有人全体", "集体", 1),
                ("治理", "管理", 1),
                ("经由过程", "通过", 1),
                ("进一个步骤", "进一步", 1)
            ]
        );
    }

    #[test]
    fn genuine_news_text_has_no_strong_artefact() {
        let t = table();
        let news = include_str!("../../data/lm-news.txt");
        let text: String = news
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(t.evidence(&text).hits, 0);
    }

    #[test]
    fn config_pairs_extend_and_win() {
        let mut config = Config::default();
        config.clean.despin.push(["伙伴公司".into(), "合作企业".into()]);
        config.clean.despin.push(["成长".into(), "进展".into()]);
        let t = Table::new(&config);
        assert_eq!(t.despin_text("伙伴公司成长"), "合作企业进展");
    }

    #[test]
    fn forward_spin_is_the_inverse_habit() {
        let t = table();
        let spun = t.spin_forward("人民群众参加劳动竞赛");
        assert!(spun.contains("平易近"), "{spun}");
        assert!(spun.contains("餐与加入"), "{spun}");
    }
}
