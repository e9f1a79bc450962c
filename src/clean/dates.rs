//! Publication dates as pages print them: `2024.03.06 14:04`, `2023-06-07 15:25:47`,
//! `2019年11月25日`, `2019年11月25日 10:20`, `2024/3/6`, `二〇二三年五月六日`, with the
//! precision that was printed (day, month or year).
//!
//! Only the chrome step calls this, and only on publication-info lines and labelled values:
//! a date inside a body sentence (`2月24日，…召开`) is never taken for the publication date,
//! and a date without a year is never completed with a guessed one.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::PubDate;

/// Earliest and latest years accepted as a publication year (web news, with some margin).
const MIN_YEAR: i32 = 1980;
const MAX_YEAR: i32 = 2100;

/// A date found in a string, with the byte range it (and any time after it) occupies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub date: PubDate,
    pub start: usize,
    pub end: usize,
}

impl FoundDate {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Digits in ASCII or full-width form.
const D: &str = "[0-9０-９]";

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    // 14:04, 15:25:47, 14:04:00.000+08:00, 10时20分
    let time = format!(
        r"(?:[\sT]*(?:{D}{{1,2}}[:：]{D}{{2}}(?:[:：]{D}{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?|{D}{{1,2}}[时時](?:{D}{{1,2}}分)?))?"
    );
    let pattern = format!(
        r"(?x)
        (?P<y>{D}{{4}})
        (?:
            \s*年\s*(?P<cm>{D}{{1,2}})\s*月(?:\s*(?P<cd>{D}{{1,2}})\s*[日号號])?
          | \s*(?P<sep>[-/.．])\s*(?P<m>{D}{{1,2}})(?:\s*[-/.．]\s*(?P<d>{D}{{1,2}}))?
          | \s*年
        )
        {time}"
    );
    Regex::new(&pattern).expect("compiled-in date pattern")
});

/// Day first, as sites built on European templates stamp their pages (`23.02.2017 18:39`):
/// dots only, and a four-digit year last, which no year-first date has.
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?")
        .expect("compiled-in date pattern")
});

static HAN_NUMERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<y>[〇零○Ｏ一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?:(?P<d>[一二三四五六七八九十]{1,3})日)?",
    )
    .expect("compiled-in date pattern")
});

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        '〇' | '零' | '○' | 'Ｏ' => Some(0),
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// Positional digits: "2024" → 2024, "２０２３" → 2023, "二〇二三" → 2023.
fn positional(s: &str) -> Option<u32> {
    s.chars()
        .try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(digit(c)?))
}

/// Han numerals below 100 as written in months and days: 五, 十, 十二, 二十, 二十五, 三十一.
fn han_small(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        [u] => digit(*u),
        _ => None,
    }
}

fn make(year: u32, month: Option<u32>, day: Option<u32>) -> Option<PubDate> {
    let year = i32::try_from(year).ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    match (month, day) {
        (Some(m), Some(d)) => PubDate::day(year, m, d),
        (Some(m), None) => PubDate::month(year, m),
        (None, _) => PubDate::year(year),
    }
}

/// True when the byte before `start` or at `end` is a digit, i.e. the match is a piece of a
/// longer number (a phone number, an ID) rather than a date.
fn inside_number(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    before.is_some_and(|c| digit(c).is_some() && !('一'..='九').contains(&c))
        || after.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

/// Every date printed in `s` with a year, in order.
pub fn find_dates(s: &str) -> Vec<FoundDate> {
    let mut found = Vec::new();
    for caps in NUMERIC.captures_iter(s) {
        let Some(whole) = caps.get(0) else { continue };
        if inside_number(s, whole.start(), whole.end()) {
            continue;
        }
        let num = |name: &str| caps.name(name).and_then(|m| positional(m.as_str()));
        let Some(year) = num("y") else { continue };
        let (month, day) = if caps.name("cm").is_some() {
            (num("cm"), num("cd"))
        } else if caps.name("m").is_some() {
            (num("m"), num("d"))
        } else {
            (None, None)
        };
        // "2023.5" alone is as likely a version or a decimal as a date: a month-only form
        // needs 年 or an ISO-like dash.
        let sep = caps.name("sep").map(|m| m.as_str());
        if caps.name("m").is_some() && day.is_none() && sep != Some("-") {
            continue;
        }
        if let Some(date) = make(year, month, day) {
            found.push(FoundDate {
                date,
                start: whole.start(),
                end: whole.end(),
            });
        }
    }
    // A day-first stamp only where no year-first date was printed: a year-first date's
    // digits must not be read a second time.
    if found.is_empty() && s.contains('.') {
        for caps in DAY_FIRST.captures_iter(s) {
            let Some(whole) = caps.get(0) else { continue };
            if inside_number(s, whole.start(), whole.end()) {
                continue;
            }
            let num = |name: &str| caps.name(name).and_then(|m| positional(m.as_str()));
            if let (Some(year), Some(month), Some(day)) = (num("y"), num("m"), num("d")) {
                if let Some(date) = make(year, Some(month), Some(day)) {
                    found.push(FoundDate {
                        date,
                        start: whole.start(),
                        end: whole.end(),
                    });
                }
            }
        }
    }
    for caps in HAN_NUMERAL.captures_iter(s) {
        let Some(whole) = caps.get(0) else { continue };
        let year = caps.name("y").and_then(|m| positional(m.as_str()));
        let month = caps.name("m").and_then(|m| han_small(m.as_str()));
        let day = caps.name("d").and_then(|m| han_small(m.as_str()));
        if let (Some(year), Some(month)) = (year, month) {
            if let Some(date) = make(year, Some(month), day) {
                found.push(FoundDate {
                    date,
                    start: whole.start(),
                    end: whole.end(),
                });
            }
        }
    }
    found.sort_by_key(|f| f.start);
    found
}

/// The first date printed in `s`, if any.
pub fn first_date(s: &str) -> Option<FoundDate> {
    find_dates(s).into_iter().next()
}

/// Text left when the dates (and their times) are cut out of `s`, trimmed of spaces.
pub fn without_dates(s: &str, dates: &[FoundDate]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for d in dates {
        if d.start >= at {
            out.push_str(&s[at..d.start]);
            out.push(' ');
            at = d.end;
        }
    }
    out.push_str(&s[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line opening with a full date (2023-06-07 15:25:47 中工网, 2023年7月1日): a
/// publication-info or signature line, never a headline.
pub fn opens_with_day(s: &str) -> bool {
    first_date(s).is_some_and(|d| d.start == 0 && d.date.precision == crate::model::DatePrecision::Day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DatePrecision;

    fn one(s: &str) -> Option<(String, DatePrecision)> {
        first_date(s).map(|f| (f.date.iso(), f.date.precision))
    }

    #[test]
    fn forms_seen_in_the_wild() {
        let day = DatePrecision::Day;
        assert_eq!(one("2024.03.06 14:04"), Some(("2024-03-06".into(), day)));
        assert_eq!(one("2023-06-07 15:25:47 中工网"), Some(("2023-06-07".into(), day)));
        assert_eq!(one("发布时间:2019年11月25日"), Some(("2019-11-25".into(), day)));
        assert_eq!(one("2019年11月25日 10:20"), Some(("2019-11-25".into(), day)));
        assert_eq!(one("2024/3/6"), Some(("2024-03-06".into(), day)));
        assert_eq!(one("２０２４年３月６日"), Some(("2024-03-06".into(), day)));
        assert_eq!(one("2024-03-06T14:04:00+08:00"), Some(("2024-03-06".into(), day)));
        let iso = "2024-03-06T14:04:00+08:00 新华网";
        assert_eq!(without_dates(iso, &find_dates(iso)), "新华网");
        assert_eq!(one("二〇二三年五月二十六日"), Some(("2023-05-26".into(), day)));
        assert_eq!(one("23.02.2017 18:39"), Some(("2017-02-23".into(), day)));
        let stamp = "27.04.2015 16:54";
        assert_eq!(without_dates(stamp, &find_dates(stamp)), "");
        assert_eq!(one("31.02.2017"), None);
    }

    #[test]
    fn precision_follows_what_is_printed() {
        assert_eq!(one("2023年6月"), Some(("2023-06-01".into(), DatePrecision::Month)));
        assert_eq!(one("2023-06"), Some(("2023-06-01".into(), DatePrecision::Month)));
        assert_eq!(one("2023年"), Some(("2023-01-01".into(), DatePrecision::Year)));
    }

    #[test]
    fn no_year_no_date() {
        assert_eq!(one("2月24日，省总工会召开全委会"), None);
        assert_eq!(one("11月21日"), None);
    }

    #[test]
    fn impossible_or_embedded_numbers_are_not_dates() {
        assert_eq!(one("2023-02-30"), None);
        assert_eq!(one("电话13820231106"), None);
        assert_eq!(one("版本2023.5"), None);
        assert_eq!(one("1850年"), None);
    }

    #[test]
    fn lines_opening_with_a_day() {
        assert!(opens_with_day("2023年7月1日"));
        assert!(opens_with_day("2023-06-07 15:25:47 中工网"));
        assert!(!opens_with_day("2023年全市职工运动会"));
        assert!(!opens_with_day("关于2023年7月1日起施行新规的通知"));
    }

    #[test]
    fn time_is_part_of_the_match() {
        let s = "2023-06-07 15:25:47 中工网";
        let found = find_dates(s);
        assert_eq!(found.len(), 1);
        assert_eq!(without_dates(s, &found), "中工网");
        assert_eq!(
            without_dates(
                "2019年11月25日 10时20分 来源",
                &find_dates("2019年11月25日 10时20分 来源")
            ),
            "来源"
        );
    }
}
