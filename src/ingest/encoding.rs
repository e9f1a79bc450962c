//! Decode file bytes to text. Scraped files arrive as UTF-8 (with or without BOM), UTF-16 with
//! BOM, GB18030/GBK or Big5. GBK is decoded as its superset GB18030.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_8};

/// Why a file could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error(
        "binary file (contains NUL bytes or control characters), not text; \
         if it is UTF-16 text, save it with a byte-order mark"
    )]
    Binary,
    #[error("cannot be decoded as {encoding} ({bad} malformed sequences in {chars} characters)")]
    Undecodable {
        encoding: &'static str,
        bad: usize,
        chars: usize,
    },
}

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Malformed byte sequences replaced by U+FFFD (a little damage is tolerated: scraped
    /// files are often cut mid-character or carry a stray byte).
    pub replaced: usize,
}

/// One malformed sequence, plus one per this many characters, is tolerated as damage; more
/// means the guess was wrong or the file is not text.
const CHARS_PER_TOLERATED_DAMAGE: usize = 200;

/// Detect the encoding of `bytes` and decode them.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), encoding, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return finish(text.to_string(), UTF_8, false);
    }
    if is_damaged_utf8(bytes) {
        return finish(String::from_utf8_lossy(bytes).into_owned(), UTF_8, true);
    }
    if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    let encoding = guess_legacy(bytes);
    let (text, _, had_errors) = encoding.decode(bytes);
    finish(text.into_owned(), encoding, had_errors)
}

/// UTF-8 with a few malformed sequences (a file cut mid-character, a stray byte) rather than
/// a legacy encoding. GB18030 would decode such a file "successfully" into nonsense, so it
/// has to be recognised first. Text in GBK or Big5 is almost never valid UTF-8 for long: its
/// double-byte pairs rarely form UTF-8 sequences, so it yields mostly malformed ones.
fn is_damaged_utf8(bytes: &[u8]) -> bool {
    let mut multibyte = 0usize;
    let mut malformed = 0usize;
    let mut truncated_at_end = false;
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            malformed += 1;
            truncated_at_end = chunks.peek().is_none() && chunk.invalid().len() < 4;
        }
    }
    let only_cut_at_end = malformed == 1 && truncated_at_end && multibyte > 0;
    only_cut_at_end || (multibyte > 0 && malformed * 50 <= multibyte)
}

/// Pick GB18030 or Big5 (the encodings Chinese pages use besides UTF). chardetng proposes;
/// because GB18030 decodes almost any byte string without error, the proposal is checked by
/// decoding with both and preferring the one that yields fewer private-use and replacement
/// characters (the tell-tale of a wrong guess).
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
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

/// Decoded text full of control characters is binary data that happened to decode (a BOM
/// at the start of a binary file, for instance).
fn mostly_controls(text: &str) -> bool {
    let (mut chars, mut controls) = (0usize, 0usize);
    for c in text.chars().take(8192) {
        chars += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0c}') {
            controls += 1;
        }
    }
    controls * 50 > chars
}

/// Check the decoded text (damage, NULs), then normalise line endings. When the decoder
/// reported malformed input, the U+FFFD it put in their place measure the damage (text that
/// decoded cleanly may hold U+FFFD of its own: scraped mojibake, repaired by the cleaner).
fn finish(text: String, encoding: &'static Encoding, had_errors: bool) -> Result<Decoded, DecodeError> {
    if text.contains('\0') || mostly_controls(&text) {
        return Err(DecodeError::Binary);
    }
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count().max(1)
    } else {
        0
    };
    let chars = text.chars().count();
    if replaced > 1 + chars / CHARS_PER_TOLERATED_DAMAGE {
        return Err(DecodeError::Undecodable {
            encoding: encoding.name(),
            bad: replaced,
            chars,
        });
    }
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        replaced,
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
    fn utf8_cut_mid_character_stays_utf8() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.truncate(bytes.len() - 1);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.replaced, 1);
        assert!(decoded.text.starts_with("湖南省总工会"));
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let long = SAMPLE.repeat(3);
        let mut bytes = long.as_bytes().to_vec();
        bytes.insert(9, 0xFF);
        let decoded = decode(&bytes).unwrap();
        assert_eq!((decoded.encoding, decoded.replaced), ("UTF-8", 1));
        assert_eq!(decoded.text.replace('\u{FFFD}', ""), long);
    }

    #[test]
    fn clean_text_keeps_its_own_replacement_marks() {
        let decoded = decode("坏字��".as_bytes()).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.replaced), ("坏字��", 0));
    }

    #[test]
    fn utf16_big_endian_with_bom() {
        let mut be = vec![0xFE, 0xFF];
        for unit in SAMPLE.encode_utf16() {
            be.extend_from_slice(&unit.to_be_bytes());
        }
        let decoded = decode(&be).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.encoding), (SAMPLE, "UTF-16BE"));
    }

    #[test]
    fn binary_behind_a_bom_is_still_binary() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend((1u8..30).flat_map(|b| [b, 0]));
        assert_eq!(decode(&bytes), Err(DecodeError::Binary));
    }

    #[test]
    fn heavy_damage_is_undecodable() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(SAMPLE.as_bytes());
        bytes.extend_from_slice(&[0xFF; 40]);
        assert!(matches!(decode(&bytes), Err(DecodeError::Undecodable { .. })));
    }

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(decode(b"a\r\nb\rc").unwrap().text, "a\nb\nc");
    }
}
