//! Typed errors of the library. The binary adds `anyhow` context at the edges.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A problem in a file the user controls, located precisely enough to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}:{}: {}", printable(&.file.to_string_lossy()), .line, .column, printable(.message))]
pub struct UserError {
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl UserError {
    pub fn new(file: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Text from files (names, field values quoted in messages) made safe to print on a terminal
/// or in a CI log: control characters, which could move the cursor, fake log lines or start
/// a CI workflow command on a new line, and bidirectional overrides, which could reorder
/// what is shown, are written as escapes (`\n`, `\u{1b}`).
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Convert a byte offset in `text` into a 1-based (line, column) pair, counting columns in chars.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    User(#[from] UserError),
    #[error("{}", format_many(.0))]
    Many(Vec<UserError>),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template {template}: {message}")]
    Template { template: String, message: String },
    #[error("output directory {path} refused: {reason}")]
    OutputRefused { path: PathBuf, reason: String },
}

fn format_many(errors: &[UserError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    format!("{} error(s):\n{}", errors.len(), lines.join("\n"))
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A template error that tera reported without a line (an undefined variable found while
    /// rendering) gets the template, line and column where the variable is written, looked
    /// up in the template sources. Other errors are returned unchanged.
    pub fn with_template_location(self, sources: &BTreeMap<String, String>) -> Self {
        let Error::Template { template, message } = self else {
            return self;
        };
        match locate_undefined_variable(&message, sources) {
            Some((name, line, column, variable)) => Error::Template {
                template,
                message: format!("{name}:{line}:{column}: variable `{variable}` is not defined; {message}"),
            },
            None => Error::Template { template, message },
        }
    }
}

/// Find where the variable of tera's "Variable `x.y` not found in context while rendering
/// 'name'" message is written: (template, line, column, variable). tera names the template
/// being rendered; when the variable sits in a parent it says "(error happened in 'base.html')"
/// first, so that one is searched first, then the rendered one, then every other template.
pub fn locate_undefined_variable(
    message: &str,
    sources: &BTreeMap<String, String>,
) -> Option<(String, usize, usize, String)> {
    let quoted_after = |marker: &str| {
        message
            .split_once(marker)
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(name, _)| name)
    };
    let variable = message.split_once("Variable `")?.1.split_once('`')?.0;
    let named = [quoted_after("error happened in '"), quoted_after("while rendering '")];
    let candidates = named.into_iter().flatten().chain(sources.keys().map(String::as_str));
    for template in candidates {
        if let Some(offset) = sources.get(template).and_then(|source| find_variable(source, variable)) {
            let (line, column) = line_col(&sources[template], offset);
            return Some((template.to_string(), line, column, variable.to_string()));
        }
    }
    None
}

/// Byte offset of `variable` written as a whole expression path in a template source.
fn find_variable(source: &str, variable: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    source.match_indices(variable).map(|(i, _)| i).find(|&i| {
        let before = source[..i].chars().next_back();
        let after = source[i + variable.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let text = "甲乙\n丙丁戊\nx";
        let offset = text.find('戊').unwrap();
        assert_eq!(line_col(text, offset), (2, 3));
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, text.len()), (3, 2));
    }

    #[test]
    fn line_col_survives_offsets_inside_a_char() {
        assert_eq!(line_col("甲", 1), (1, 1));
    }

    #[test]
    fn printable_escapes_controls_and_bidi_overrides() {
        assert_eq!(printable("普通.txt"), "普通.txt");
        assert_eq!(
            printable("a\n::error::x\u{1b}[2J\u{202E}b"),
            "a\\n::error::x\\u{1b}[2J\\u{202e}b"
        );
        let e = UserError::new("c/a\nb.md", 2, 3, "bad \r value");
        assert_eq!(e.to_string(), "c/a\\nb.md:2:3: bad \\r value");
        assert_eq!(Warning::new("x\ty", "m\n").to_string(), "warning: x\\ty: m\\n");
    }

    #[test]
    fn undefined_variable_is_located_in_its_template() {
        let mut sources = BTreeMap::new();
        sources.insert(
            "base.html".to_string(),
            "<p>\n  {{ page.titles }} {{ page.title }}</p>".to_string(),
        );
        let message =
            "Failed to render 'a.html': Variable `page.title` not found in context while rendering 'base.html'";
        assert_eq!(
            locate_undefined_variable(message, &sources),
            Some(("base.html".into(), 2, 24, "page.title".into()))
        );
        let located = Error::Template {
            template: "a.html".into(),
            message: message.into(),
        }
        .with_template_location(&sources);
        assert!(located
            .to_string()
            .starts_with("template a.html: base.html:2:24: variable `page.title`"));
        assert_eq!(locate_undefined_variable("Filter `x` not found", &sources), None);
        // A variable in a parent template: tera names the child it was rendering.
        sources.insert("index.html".to_string(), "{% extends \"base.html\" %}".to_string());
        let message = "Failed to render 'index.html' (error happened in 'base.html').: \
                       Variable `page.title` not found in context while rendering 'index.html'";
        assert_eq!(
            locate_undefined_variable(message, &sources),
            Some(("base.html".into(), 2, 24, "page.title".into()))
        );
    }
}

/// A problem that costs one file or one feature, not the build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    /// The file concerned (empty for site-wide warnings).
    pub file: String,
    pub message: String,
}

impl Warning {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.file.is_empty() {
            write!(f, "warning: {}", printable(&self.message))
        } else {
            write!(f, "warning: {}: {}", printable(&self.file), printable(&self.message))
        }
    }
}
