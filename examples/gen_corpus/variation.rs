//! Variation: each article words the recombined seed text its own way (a random half of a
//! table of everyday synonyms) and names its own people, so that distinct articles share about
//! as few character shingles as distinct real articles do. Without it every article draws on
//! the same 40 KB of seed text, and near-duplicate detection sees thousands of false
//! candidate pairs that a real corpus would not produce.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::rng::Rng;
use crate::story::person;

/// Interchangeable wordings of union news (none is in the spinning table of material.rs,
/// so the cleaner's de-spinning has nothing to undo here).
const SYNONYMS: &[(&str, &str)] = &[
    ("推进", "推动"),
    ("推动", "推进"),
    ("加强", "强化"),
    ("强化", "加强"),
    ("提高", "增强"),
    ("积极", "主动"),
    ("主动", "积极"),
    ("不断", "持续"),
    ("持续", "不断"),
    ("全面", "全方位"),
    ("广泛", "普遍"),
    ("扎实", "切实"),
    ("切实", "扎实"),
    ("取得", "获得"),
    ("成效", "效果"),
    ("举措", "措施"),
    ("措施", "举措"),
    ("目前", "当前"),
    ("近日", "日前"),
    ("日前", "近日"),
    ("围绕", "聚焦"),
    ("聚焦", "围绕"),
    ("凝聚", "汇聚"),
    ("引领", "带领"),
    ("广大职工", "全体职工"),
    ("职工群众", "干部职工"),
    ("打造", "建成"),
    ("开展", "组织开展"),
    ("深化", "深入推进"),
    ("助力", "助推"),
    ("助推", "助力"),
    ("据悉", "据了解"),
    ("据了解", "据悉"),
    ("进一步", "更进一步"),
    ("有效", "有力"),
    ("不少于", "至少"),
    ("先后", "陆续"),
    ("相关", "有关"),
    ("有关", "相关"),
    ("良好", "较好"),
    ("鼓励", "引导"),
];

/// People the seed articles name (officials, reporters, workers): each article gets its own.
const SEED_PEOPLE: &[&str] = &[
    "郑荣胜",
    "石玉钢",
    "王树芬",
    "王越剑",
    "闻国平",
    "李忠誉",
    "杜坚强",
    "胡炳桂",
    "刘冬梅",
    "李凡",
    "徐冬云",
    "姚磊",
    "周国花",
    "金敏军",
    "郑涛",
    "魏星",
    "荣荣江",
    "杜斌斌",
    "程雪",
    "张斌",
    "钱富祥",
    "徐富忠",
    "邹伟锋",
    "金钧胤",
    "周鸯鸯",
    "陈爱珠",
    "邱君诺",
    "蒋或森",
    "刘震",
    "罗晓芳",
    "王钰哲",
    "李刚",
    "黄金娟",
    "竺士杰",
    "钱水兵",
];

pub struct Variation {
    matcher: AhoCorasick,
}

impl Variation {
    pub fn new() -> Variation {
        let patterns = SYNONYMS
            .iter()
            .map(|(from, _)| *from)
            .chain(SEED_PEOPLE.iter().copied());
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .expect("synonyms and names build an automaton (tested)");
        Variation { matcher }
    }

    /// One article's choices: each synonym taken or not (even odds), a new name per person.
    pub fn plan(&self, rng: &mut Rng) -> Vec<String> {
        let words = SYNONYMS
            .iter()
            .map(|(from, to)| if rng.chance(0.5) { *to } else { *from }.to_string());
        let mut plan: Vec<String> = words.collect();
        plan.extend(SEED_PEOPLE.iter().map(|_| person(rng)));
        plan
    }

    pub fn apply(&self, text: &str, plan: &[String]) -> String {
        self.matcher.replace_all(text, plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_the_planned_words_and_names() {
        let v = Variation::new();
        let mut plan: Vec<String> = SYNONYMS.iter().map(|(_, to)| to.to_string()).collect();
        plan.extend(SEED_PEOPLE.iter().map(|_| "某某".to_string()));
        assert_eq!(
            v.apply("郑荣胜强调，推进广大职工工作", &plan),
            "某某强调，推动全体职工工作"
        );
    }

    #[test]
    fn no_synonym_undoes_or_feeds_the_spinner() {
        for (from, to) in SYNONYMS {
            for (original, spun) in crate::material::SPIN {
                assert!(from != spun && to != spun, "{from}/{to} vs {original}/{spun}");
            }
        }
    }
}
