//! Files a build keeps for the next one (the build cache's snapshot and memos, the output's
//! manifest and states): written whole or not at all, sealed by a checksum, and read back
//! through a reader that checks every field. They are untrusted input: whatever does not
//! unseal or read is simply not used.

use std::path::Path;

/// Bytes of the BLAKE3 hash that closes a sealed file.
pub const CHECKSUM_BYTES: usize = 32;

/// `bytes` followed by their BLAKE3 hash.
pub fn seal(mut bytes: Vec<u8>) -> Vec<u8> {
    let checksum = blake3::hash(&bytes);
    bytes.extend_from_slice(checksum.as_bytes());
    bytes
}

/// The bytes a [`seal`] closed, if the hash after them is theirs.
pub fn unseal(bytes: &[u8]) -> Option<&[u8]> {
    let (body, checksum) = bytes.split_last_chunk::<CHECKSUM_BYTES>()?;
    (blake3::hash(body) == blake3::Hash::from_bytes(*checksum)).then_some(body)
}

/// Write `bytes` to `path` through a temporary file renamed into place (creating the
/// directory), so that a reader never sees half a file; the temporary file is removed if
/// anything fails. Its name is unique to the process and the call (a preview server may build
/// while a build runs): `<path without extension>.tmp<pid>-<serial>`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{serial}", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Reads fields off the front of a byte slice; every read is checked (None past the end).
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    pub fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }

    /// LEB128 (see [`push_varint`]), at most 64 bits.
    pub fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7F).checked_shl(shift)?;
            if b < 0x80 {
                return Some(value);
            }
        }
        None
    }
}

/// Append `value` as LEB128: seven bits per byte, low first, the high bit set on all but the
/// last.
pub fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Bytes [`push_varint`] writes for `value`.
pub fn varint_len(value: u64) -> usize {
    (64 - value.leading_zeros() as usize).max(1).div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_unseal_and_any_change_is_refused() {
        let sealed = seal(b"state".to_vec());
        assert_eq!(unseal(&sealed), Some(&b"state"[..]));
        for at in 0..sealed.len() {
            let mut damaged = sealed.clone();
            damaged[at] ^= 0x01;
            assert_eq!(unseal(&damaged), None, "byte {at} changed");
        }
        assert_eq!(unseal(&sealed[1..]), None);
        assert_eq!(unseal(&[0; CHECKSUM_BYTES - 1]), None);
    }

    #[test]
    fn fields_read_back_as_written_and_never_past_the_end() {
        let mut bytes = vec![7];
        bytes.extend_from_slice(&0x0102_0304u32.to_le_bytes());
        bytes.extend_from_slice(&u64::MAX.to_le_bytes());
        for value in [0, 127, 128, 1998, u64::MAX] {
            let before = bytes.len();
            push_varint(&mut bytes, value);
            assert_eq!(bytes.len() - before, varint_len(value), "{value}");
        }
        let mut r = Reader(&bytes);
        assert_eq!(
            (r.byte(), r.u32(), r.u64()),
            (Some(7), Some(0x0102_0304), Some(u64::MAX))
        );
        let varints: Vec<Option<u64>> = (0..5).map(|_| r.varint()).collect();
        assert_eq!(varints, [Some(0), Some(127), Some(128), Some(1998), Some(u64::MAX)]);
        assert_eq!((r.byte(), r.take(1), r.array::<2>()), (None, None, None));
        // Eleven continuation bytes are more than 64 bits.
        assert_eq!(Reader(&[0x80; 11]).varint(), None);
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.bin");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }
}
