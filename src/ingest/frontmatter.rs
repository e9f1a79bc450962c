//! TOML front matter of curated Markdown, between `+++` lines at the top of the file.

use serde::Deserialize;

use crate::error::{line_col, UserError};
use crate::model::{FrontMatter, PubDate};

/// The front matter as written; converted to [`FrontMatter`] after validation.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Written {
    title: Option<String>,
    subtitle: Option<String>,
    kicker: Option<String>,
    date: Option<toml::Spanned<toml::Value>>,
    source: Option<String>,
    authors: Option<OneOrMany>,
    region: Option<String>,
    themes: Option<OneOrMany>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        let items = match self {
            OneOrMany::One(s) => s.split(['、', ',', '，']).map(str::to_string).collect(),
            OneOrMany::Many(v) => v,
        };
        items.into_iter().filter_map(|s| non_empty(Some(s))).collect()
    }
}

/// Split `text` into front matter and body. Returns the parsed front matter, the body and the
/// 1-based line where the body starts. Text without a leading `+++` line has no front matter.
pub fn split(text: &str, file: &str) -> Result<(FrontMatter, String, usize), UserError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        if let Some(error) = yaml_front_matter(text, file) {
            return Err(error);
        }
        return Ok((FrontMatter::default(), text.to_string(), 1));
    }
    let mut offset = first.len();
    let toml_start = offset;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if line.trim_end() == "+++" {
            let toml_text = &text[toml_start..offset];
            let front = parse(toml_text, file)?;
            let body = text[offset + line.len()..].to_string();
            return Ok((front, body, line_no + 1));
        }
        offset += line.len();
    }
    Err(UserError::new(
        file,
        1,
        1,
        "front matter opened with +++ is never closed: add a line with +++ after the last field",
    ))
}

/// Front matter in YAML between `---` lines (Hugo, Jekyll) is not read; published as it is,
/// its fields would become a paragraph of the article, so it is an error to fix.
fn yaml_front_matter(text: &str, file: &str) -> Option<UserError> {
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let first_field = lines.next()?;
    let looks_like_field = first_field
        .split_once(':')
        .is_some_and(|(key, _)| !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'));
    let closed = lines.any(|l| l.trim_end() == "---");
    (looks_like_field && closed).then(|| {
        UserError::new(
            file,
            1,
            1,
            "front matter must be TOML between +++ lines (title = \"…\"); YAML between --- lines is not supported",
        )
    })
}

/// Parse the TOML between the `+++` lines; line numbers in errors count the opening `+++`.
fn parse(toml_text: &str, file: &str) -> Result<FrontMatter, UserError> {
    let written: Written = toml::from_str(toml_text).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_col(toml_text, s.start));
        UserError::new(file, line + 1, column, format!("front matter: {}", e.message().trim()))
    })?;
    let date = match written.date {
        None => None,
        Some(spanned) => Some(parse_date(spanned.get_ref()).ok_or_else(|| {
            let (line, column) = line_col(toml_text, spanned.span().start);
            UserError::new(
                file,
                line + 1,
                column,
                format!(
                    "front matter `date`: {} is not a date; write 2024-03-06, \"2024-03\" or \"2024\"",
                    spanned.get_ref()
                ),
            )
        })?),
    };
    Ok(FrontMatter {
        title: non_empty(written.title),
        subtitle: non_empty(written.subtitle),
        kicker: non_empty(written.kicker),
        date,
        source: non_empty(written.source),
        authors: written.authors.map(OneOrMany::into_vec).unwrap_or_default(),
        region: non_empty(written.region),
        themes: written.themes.map(OneOrMany::into_vec).unwrap_or_default(),
        draft: written.draft,
        slug: non_empty(written.slug),
    })
}

/// A one-line field: line breaks and tabs become spaces, other control characters (which
/// TOML escapes like `\u0000` can smuggle in) are dropped, and blank means absent.
fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| {
        s.chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect::<String>()
            .trim()
            .to_string()
    })
    .filter(|s| !s.is_empty())
}

fn parse_date(value: &toml::Value) -> Option<PubDate> {
    match value {
        toml::Value::Datetime(dt) => {
            let d = dt.date?;
            PubDate::day(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        toml::Value::String(s) => PubDate::parse_iso(s),
        toml::Value::Integer(y) if (1900..=2200).contains(y) => PubDate::year(*y as i32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DatePrecision;

    #[test]
    fn no_front_matter_means_whole_text_is_body() {
        let (front, body, line) = split("正文\n第二段", "a.md").unwrap();
        assert_eq!(front, FrontMatter::default());
        assert_eq!((body.as_str(), line), ("正文\n第二段", 1));
    }

    #[test]
    fn fields_are_parsed() {
        let text =
            "+++\ntitle = \"标题\"\ndate = 2024-03-06\nauthors = \"王钰哲、李凡\"\nthemes = [\"rights\"]\n+++\n正文\n";
        let (front, body, line) = split(text, "a.md").unwrap();
        assert_eq!(front.title.as_deref(), Some("标题"));
        assert_eq!(front.date, PubDate::day(2024, 3, 6));
        assert_eq!(front.authors, ["王钰哲", "李凡"]);
        assert_eq!(front.themes, ["rights"]);
        assert_eq!((body.as_str(), line), ("正文\n", 7));
    }

    #[test]
    fn month_precision_date_from_string() {
        let (front, _, _) = split("+++\ndate = \"2023-05\"\n+++\n", "a.md").unwrap();
        assert_eq!(front.date.unwrap().precision, DatePrecision::Month);
    }

    #[test]
    fn unknown_field_names_file_line_and_field() {
        let err = split("+++\ntitle = \"x\"\ntitel = \"y\"\n+++\nbody", "c/a.md").unwrap_err();
        assert_eq!(err.file.to_str(), Some("c/a.md"));
        assert_eq!(err.line, 3);
        assert!(err.message.contains("titel"), "{}", err.message);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = split("+++\ntitle = \"x\"\ndate = = 3\n+++\n", "a.md").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.column > 0);
    }

    #[test]
    fn bad_date_is_an_error() {
        let err = split("+++\ndate = \"昨天\"\n+++\n", "a.md").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("date"));
    }

    #[test]
    fn bad_date_names_the_value_column() {
        let err = split("+++\ntitle = \"x\"\ndate =   \"2024-02-30\"\n+++\n", "a.md").unwrap_err();
        assert_eq!((err.line, err.column), (3, 10));
        let err = split("+++\ndate = 1800\n+++\n", "a.md").unwrap_err();
        assert_eq!((err.line, err.column), (2, 8));
    }

    #[test]
    fn control_characters_cannot_hide_in_fields() {
        let (front, _, _) = split(
            "+++\ntitle = \"a\\u0000b\\nc\"\nauthors = [\"x\\u001b[2J\"]\n+++\n",
            "a.md",
        )
        .unwrap();
        assert_eq!(front.title.as_deref(), Some("ab c"));
        assert_eq!(front.authors, ["x[2J"]);
    }

    #[test]
    fn yaml_front_matter_is_an_error() {
        let err = split("---\ntitle: 标题\n---\n正文", "a.md").unwrap_err();
        assert_eq!((err.line, err.column), (1, 1));
        assert!(err.message.contains("TOML"), "{}", err.message);
        // A thematic break at the top of a Markdown body is not front matter.
        assert!(split("---\n正文\n", "a.md").is_ok());
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split("+++\ntitle = \"x\"\n", "a.md").unwrap_err();
        assert!(err.message.contains("never closed"));
    }
}
