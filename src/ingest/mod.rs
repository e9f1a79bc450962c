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
    let decoded = encoding::decode(bytes).map_err(|e| IngestError::Skip(format!("{e}, skipped")))?;
    let (front, text, body_line) = match kind {
        SourceKind::Curated => frontmatter::split(&decoded.text, file)?,
        // Raw scraped text never carries front matter; a `+++` there is just text.
        SourceKind::Raw => (Default::default(), decoded.text, 1),
    };
    Ok(RawDoc {
        file: file.to_string(),
        kind,
        text,
        encoding: decoded.encoding.to_string(),
        front,
        body_line,
        hash: hash_bytes(bytes),
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
    fn broken_front_matter_is_invalid() {
        let err = ingest(b"+++\ntitle = \n+++\n", "a.md", SourceKind::Curated).unwrap_err();
        assert!(matches!(err, IngestError::Invalid(_)));
    }
}
