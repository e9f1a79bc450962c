//! People's names: a given name may be a place name (刘玉泉: 玉泉区) or a dictionary word
//! (王新光: 新光). A word right after a common surname, itself right after a title (主席刘…),
//! a list comma or the start of a clause, is read as part of a person's name.

use std::sync::OnceLock;

use super::gazetteer::data_lines;

const SURNAMES: &str = include_str!("../../data/surnames-common.txt");

/// Words after which a surname starts a person's name.
const TITLES: [&str; 17] = [
    "主席",
    "书记",
    "部长",
    "主任",
    "局长",
    "市长",
    "县长",
    "区长",
    "省长",
    "同志",
    "代表",
    "职工",
    "记者",
    "通讯员",
    "员",
    "长",
    "者",
];

fn surnames() -> &'static [char] {
    static SURNAME_TABLE: OnceLock<Vec<char>> = OnceLock::new();
    SURNAME_TABLE.get_or_init(|| {
        let mut chars: Vec<char> = data_lines(SURNAMES)
            .flat_map(str::split_whitespace)
            .filter_map(|s| s.chars().next())
            .collect();
        chars.sort_unstable();
        chars
    })
}

/// True when the text before a word ends with a surname that starts a person's name.
pub fn is_given_name(before: &str) -> bool {
    let Some(surname) = before.chars().next_back() else {
        return false;
    };
    if surnames().binary_search(&surname).is_err() {
        return false;
    }
    let rest = &before[..before.len() - surname.len_utf8()];
    match rest.chars().next_back() {
        None => true,
        Some(c) if !crate::clean::lines::is_han(c) => true,
        Some(_) => TITLES.iter().any(|t| rest.ends_with(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_after_titles_commas_and_starts_begin_names() {
        assert!(is_given_name("市总工会主席刘"));
        assert!(is_given_name("王东明、周"));
        assert!(is_given_name("王"));
        assert!(is_given_name("劳动奖章获得者周"));
        assert!(!is_given_name("在"));
        // 嘉兴 is not a surname; 在黄 is not after a title.
        assert!(!is_given_name("嘉兴"));
        assert!(!is_given_name("位于黄"));
    }
}
