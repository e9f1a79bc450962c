//! Ingest: bytes of one source file → [`RawDoc`] (encoding detection, front matter, file kind).

pub mod encoding;
pub mod frontmatter;

use crate::error::UserError;
use crate::model::{RawDoc, SourceKind};

/// Why a file produced no document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// Skip the file with a warning (empty, binary, undecodable, too large).
    #[error("{0}")]
    Skip(String),
    /// The editor must fix the file (broken front matter): fails `check` and `build`.
    #[error(transparent)]
    Invalid(#[from] UserError),
}

/// Hex BLAKE3 digest of some bytes.
pub fn hash_bytes(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Decode and split one file. `file` names it in warnings and errors.
pub fn ingest(bytes: &[u8], file: &str, kind: SourceKind) -> Result<RawDoc, IngestError> {
    ingest_with_notes(bytes, file, kind).map(|(doc, _)| doc)
}

/// [`ingest`], plus what the editor should know about a file that was read anyway (damaged
/// bytes replaced, a requested slug that had to be rewritten), one warning text each.
pub fn ingest_with_notes(bytes: &[u8], file: &str, kind: SourceKind) -> Result<(RawDoc, Vec<String>), IngestError> {
    let decoded = encoding::decode(bytes).map_err(|e| IngestError::Skip(format!("{e}, skipped")))?;
    let mut notes = Vec::new();
    if decoded.replaced > 0 {
        notes.push(format!(
            "{} malformed byte sequence(s) in {} replaced by U+FFFD",
            decoded.replaced, decoded.encoding
        ));
    }
    let (front, text, body_line) = match kind {
        SourceKind::Curated => frontmatter::split(&decoded.text, file)?,
        // Raw scraped text never carries front matter; a `+++` there is just text.
        SourceKind::Raw => (Default::default(), decoded.text, 1),
    };
    if let Some(slug) = &front.slug {
        notes.extend(slug_note(slug));
    }
    let doc = RawDoc {
        file: file.to_string(),
        kind,
        text,
        encoding: decoded.encoding.to_string(),
        front,
        body_line,
        hash: hash_bytes(bytes),
    };
    Ok((doc, notes))
}

/// A front-matter slug is only a wish: it may not name a path. Anything but lowercase ASCII
/// letters, digits and inner dashes is rewritten (see [`crate::site::slug::sanitize`]), so
/// `../../etc` can never leave `articles/`; the editor is told what was used instead.
fn slug_note(slug: &str) -> Option<String> {
    use crate::site::slug::{is_ascii_slug, sanitize};
    if is_ascii_slug(slug) {
        return None;
    }
    let safe = sanitize(slug);
    Some(if safe.is_empty() {
        format!("front matter slug {slug:?} has no usable characters; the slug is derived from date and title")
    } else {
        format!("front matter slug {slug:?} is not a plain slug (a-z, 0-9, -); using {safe:?}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_keeps_plus_lines() {
        let doc = ingest("+++\n正文".as_bytes(), "a.txt", SourceKind::Raw).unwrap();
        assert_eq!(doc.text, "+++\n正文");
    }

    #[test]
    fn curated_front_matter_is_split_off() {
        let doc = ingest("+++\ntitle = \"题\"\n+++\n正文".as_bytes(), "a.md", SourceKind::Curated).unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("题"));
        assert_eq!(doc.text, "正文");
        assert_eq!(doc.body_line, 4);
    }

    #[test]
    fn empty_file_is_skipped_not_failed() {
        assert!(matches!(
            ingest(b"", "a.txt", SourceKind::Raw),
            Err(IngestError::Skip(_))
        ));
    }

    #[test]
    fn path_like_slugs_are_noted() {
        let text = "+++\nslug = \"../../etc/passwd\"\n+++\n正文";
        let (doc, notes) = ingest_with_notes(text.as_bytes(), "a.md", SourceKind::Curated).unwrap();
        assert_eq!(doc.front.slug.as_deref(), Some("../../etc/passwd"));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("\"etc-passwd\""), "{}", notes[0]);
        let (_, notes) = ingest_with_notes(
            "+++\nslug = \"ok-slug-2\"\n+++\n正文".as_bytes(),
            "a.md",
            SourceKind::Curated,
        )
        .unwrap();
        assert!(notes.is_empty());
    }

    #[test]
    fn damaged_bytes_are_noted() {
        let mut bytes = "正文".repeat(10).into_bytes();
        bytes.pop();
        let (_, notes) = ingest_with_notes(&bytes, "a.txt", SourceKind::Raw).unwrap();
        assert_eq!(notes, ["1 malformed byte sequence(s) in UTF-8 replaced by U+FFFD"]);
    }

    #[test]
    fn broken_front_matter_is_invalid() {
        let err = ingest(b"+++\ntitle = \n+++\n", "a.md", SourceKind::Curated).unwrap_err();
        assert!(matches!(err, IngestError::Invalid(_)));
    }
}
