//! Decode file bytes to text. Scraped files arrive as UTF-8 (with or without BOM), UTF-16 with
//! BOM, GB18030/GBK or Big5. GBK is decoded as its superset GB18030.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// Why a file could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("binary file (contains NUL bytes or control characters), not text")]
    Binary,
    #[error("cannot be decoded as UTF-8, UTF-16, GB18030 or Big5 ({0} malformed sequences)")]
    Undecodable(usize),
}

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Detect the encoding of `bytes` and decode them.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors && encoding == UTF_8 {
            return Err(DecodeError::Undecodable(1));
        }
        return finish(text.into_owned(), encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_string(), UTF_8);
    }
    if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    let encoding = guess_legacy(bytes);
    let (text, _, had_errors) = encoding.decode(bytes);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        // A few bad sequences are tolerable damage in a long scraped page; many mean a wrong guess.
        if bad * 200 > text.chars().count().max(1) {
            return Err(DecodeError::Undecodable(bad));
        }
    }
    finish(text.into_owned(), encoding)
}

/// Pick GB18030 or Big5 (the encodings Chinese pages use besides UTF). chardetng proposes;
/// because GB18030 decodes almost any byte string without error, the proposal is checked by
/// decoding with both and preferring the one that yields fewer private-use and replacement
/// characters (the tell-tale of a wrong guess).
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    if guess == UTF_16LE || guess == UTF_16BE {
        return guess;
    }
    let damage = |encoding: &'static Encoding| {
        let (text, _, _) = encoding.decode(bytes);
        text.chars()
            .filter(|&c| c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c))
            .count()
    };
    let (gb, big5) = (damage(GB18030), damage(BIG5));
    if big5 < gb || (big5 == gb && guess == BIG5) {
        BIG5
    } else {
        // GBK, GB2312 and any other guess for CJK bytes: GB18030 is the superset.
        GB18030
    }
}

fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)))
        .count();
    sample.contains(&0) || controls * 50 > sample.len()
}

fn finish(text: String, encoding: &'static Encoding) -> Result<Decoded, DecodeError> {
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    if text.contains('\0') {
        return Err(DecodeError::Binary);
    }
    Ok(Decoded {
        text,
        encoding: encoding.name(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "湖南省总工会推动县级工会加强年专项工作走深走实，实现对口联系全覆盖。";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!((plain.text.as_str(), plain.encoding), (SAMPLE, "UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        assert_eq!(decode(&bom).unwrap().text, SAMPLE);
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        for unit in SAMPLE.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&le).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (SAMPLE, "UTF-16LE"));
    }

    #[test]
    fn gbk_decodes_as_gb18030() {
        let (bytes, _, _) = GB18030.encode(SAMPLE);
        let decoded = decode(&bytes).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (SAMPLE, "gb18030"));
    }

    #[test]
    fn big5_is_detected() {
        let traditional = "湖南省總工會推動縣級工會加強年專項工作走深走實，實現對口聯繫全覆蓋。職工服務陣地建設。";
        let (bytes, _, _) = BIG5.encode(traditional);
        let decoded = decode(&bytes).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (traditional, "Big5"));
    }

    #[test]
    fn empty_and_binary_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(
            decode(&[0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe, 0x00]),
            Err(DecodeError::Binary)
        );
    }

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(decode(b"a\r\nb\rc").unwrap().text, "a\nb\nc");
    }
}
