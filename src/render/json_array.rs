//! A large pretty JSON array (the data export: every article's record, tens of MB) updated
//! by patching the previous file rather than serialising every record again.
//!
//! The array is written exactly as [`super::feeds::to_json_pretty`] writes it: `[\n  `, the
//! records (each nested one level deeper) separated by `,\n  `, then `\n]`; an empty array is
//! `[]`. Each record has a key naming everything its bytes depend on ([`record_key`]), and a
//! build keeps the [`Layout`] of the file it wrote: every record's key and length, in order.
//! The next build copies the bytes of every record whose key it still has from the previous
//! file, serialises only new and changed records, and writes the separators exactly as a full
//! serialisation does, so the file is byte for byte what a full build writes.
//!
//! The layout and the previous file are untrusted: the layout must parse exactly, the file
//! must have exactly the length the layout gives, and every record copied must sit between
//! the separators and braces the layout predicts. Anything else means "serialise in full".

use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::persist::{seal, unseal, CHECKSUM_BYTES};

/// What a record's bytes depend on, hashed (128 bits: collisions are out of reach).
pub type RecordKey = [u8; 16];

const SEPARATOR: &[u8] = b",\n  ";
const OPEN: &[u8] = b"[\n  ";
const CLOSE: &[u8] = b"\n]";
const EMPTY: &[u8] = b"[]";
/// Both `OPEN` and `SEPARATOR` are this long, so a record's offset follows from the lengths
/// of the records before it.
const SEPARATOR_LEN: usize = 4;

const LAYOUT_HEADER: &[u8] = b"json array layout v1\n";
/// Bytes of one record in a saved layout: its key and its length (u64, little-endian).
const LAYOUT_ENTRY: usize = 16 + 8;

/// The key of a record made from `parts` (each fed with its length, so the split between
/// parts is part of the key).
pub fn record_key(parts: &[&[u8]]) -> RecordKey {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let mut key = [0; 16];
    key.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    key
}

/// The key of a whole array: its name and its records' keys in order.
pub fn array_key(name: &str, keys: &[RecordKey]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(name.as_bytes());
    hasher.update(b"\0");
    for key in keys {
        hasher.update(key);
    }
    hasher.finalize()
}

/// Where each record of a written array lies: its key and its length (without separator).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    records: Vec<(RecordKey, usize)>,
}

impl Layout {
    /// The keys of the records, in order.
    pub fn keys(&self) -> impl Iterator<Item = &RecordKey> {
        self.records.iter().map(|(key, _)| key)
    }

    /// The length of the file this layout describes.
    fn file_len(&self) -> Option<usize> {
        if self.records.is_empty() {
            return Some(EMPTY.len());
        }
        self.records.iter().try_fold(CLOSE.len(), |total, (_, len)| {
            total.checked_add(len.checked_add(SEPARATOR_LEN)?)
        })
    }

    /// The byte range of every record in the file (the layout's length checked first).
    fn ranges(&self) -> Vec<Range<usize>> {
        let mut start = SEPARATOR_LEN;
        self.records
            .iter()
            .map(|(_, len)| {
                let range = start..start + len;
                start = range.end + SEPARATOR_LEN;
                range
            })
            .collect()
    }

    /// The compact binary form kept between builds: a header, the number of records, each
    /// record's key and length, and a checksum of all that (a damaged layout is refused).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes =
            Vec::with_capacity(LAYOUT_HEADER.len() + 8 + self.records.len() * LAYOUT_ENTRY + CHECKSUM_BYTES);
        bytes.extend_from_slice(LAYOUT_HEADER);
        bytes.extend_from_slice(&(self.records.len() as u64).to_le_bytes());
        for (key, len) in &self.records {
            bytes.extend_from_slice(key);
            bytes.extend_from_slice(&(*len as u64).to_le_bytes());
        }
        seal(bytes)
    }

    /// Parse a saved layout; None if anything in it is off.
    pub fn parse(bytes: &[u8]) -> Option<Layout> {
        let rest = unseal(bytes)?.strip_prefix(LAYOUT_HEADER)?;
        let (count, entries) = rest.split_first_chunk::<8>()?;
        let count = usize::try_from(u64::from_le_bytes(*count)).ok()?;
        if entries.len() != count.checked_mul(LAYOUT_ENTRY)? {
            return None;
        }
        let records = entries
            .chunks_exact(LAYOUT_ENTRY)
            .map(|entry| {
                let (key, len) = entry.split_first_chunk::<16>()?;
                let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
                // Every record of the data export is a JSON object: at least `{}`.
                (len >= 2).then_some((*key, len))
            })
            .collect::<Option<_>>()?;
        let layout = Layout { records };
        layout.file_len()?;
        Some(layout)
    }
}

/// The previous file mapped into memory, to copy records from without reading it into
/// fresh memory (tens of MB). None if it cannot be mapped.
pub fn map(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: the file is one of the previous build's outputs. A build writes into such a
    // file only when it publishes (`Output::write_patched` rewrites it in place then), after
    // the mapping is gone, so its bytes stay as they are while mapped. Only another program
    // writing into the output directory meanwhile could change them; copied records are
    // still checked against the layout, and truncating the file would stop the build
    // (SIGBUS) before anything is published.
    unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()
}

/// One record as it stands in the array: pretty JSON nested one level deeper, after
/// `separator` (kept in the same buffer: one write per record).
pub fn element<T: Serialize + ?Sized>(item: &T, separator: &[u8]) -> serde_json::Result<Vec<u8>> {
    let part = super::feeds::to_json_pretty(item)?;
    let mut piece = Vec::with_capacity(separator.len() + part.len() + part.len() / 16);
    piece.extend_from_slice(separator);
    // JSON strings hold no raw newline, so every newline in a part is the formatter's.
    for line in part.split_inclusive(|&b| b == b'\n') {
        piece.extend_from_slice(line);
        if line.ends_with(b"\n") {
            piece.extend_from_slice(b"  ");
        }
    }
    Ok(piece)
}

fn separator(index: usize) -> &'static [u8] {
    if index == 0 {
        OPEN
    } else {
        SEPARATOR
    }
}

/// A piece of the new file: bytes of the previous file, or bytes made now.
#[derive(Debug)]
pub enum Piece {
    Previous(Range<usize>),
    Fresh(Vec<u8>),
    Fixed(&'static [u8]),
}

/// A new array file in pieces, and its layout (to keep for the next build).
#[derive(Debug)]
pub struct Pieces {
    pub pieces: Vec<Piece>,
    pub layout: Layout,
}

impl Pieces {
    /// The pieces as byte slices, `previous` being the previous file they were planned on.
    pub fn slices<'a>(&'a self, previous: &'a [u8]) -> Vec<&'a [u8]> {
        slices(&self.pieces, previous)
    }
}

/// `pieces` as byte slices, `previous` being the previous file they were planned on.
pub fn slices<'a>(pieces: &'a [Piece], previous: &'a [u8]) -> Vec<&'a [u8]> {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Previous(range) => &previous[range.clone()],
            Piece::Fresh(bytes) => bytes.as_slice(),
            Piece::Fixed(bytes) => bytes,
        })
        .collect()
}

/// Records [`stream`] serialises at once: enough for both cores to share, few enough that
/// only a sliver of the export (about 6 KB a record) is in memory at any time.
const STREAM_BATCH: usize = 1024;

/// The whole array of the records `keys`, handed to `emit` piece by piece in file order, with
/// its layout. Record `i` is made by `make(i, separator)` (which returns [`element`] of record
/// `i`), a batch of records in parallel at a time: the file is never whole in memory (at
/// 100,000 articles the export is 700 MB). Stops at the first error of `make` or `emit`.
pub fn stream<E: Send>(
    keys: &[RecordKey],
    make: impl Fn(usize, &'static [u8]) -> Result<Vec<u8>, E> + Sync,
    mut emit: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<Layout, E> {
    if keys.is_empty() {
        emit(EMPTY)?;
        return Ok(Layout::default());
    }
    let mut records = Vec::with_capacity(keys.len());
    for start in (0..keys.len()).step_by(STREAM_BATCH) {
        let batch = start..(start + STREAM_BATCH).min(keys.len());
        let made: Vec<Vec<u8>> = batch
            .clone()
            .into_par_iter()
            .map(|i| make(i, separator(i)))
            .collect::<Result<_, E>>()?;
        for (i, bytes) in batch.zip(made) {
            records.push((keys[i], bytes.len().saturating_sub(SEPARATOR_LEN)));
            emit(&bytes)?;
        }
    }
    emit(CLOSE)?;
    Ok(Layout { records })
}

/// The array of records `keys` made from the previous file `previous` (written with
/// `layout`): records whose key it holds are copied, the others made by `make(i, separator)`
/// (which returns [`element`] of record `i`). None when the previous file does not match its
/// layout or holds none of the records: then write the whole array with [`stream`].
pub fn patch<E: Send>(
    previous: &[u8],
    layout: &Layout,
    keys: &[RecordKey],
    make: impl Fn(usize, &'static [u8]) -> Result<Vec<u8>, E> + Sync,
) -> Result<Option<Pieces>, E> {
    if keys.is_empty() || layout.file_len() != Some(previous.len()) {
        return Ok(None);
    }
    let ranges = layout.ranges();
    if !layout.records.is_empty() && !previous.ends_with(CLOSE) {
        return Ok(None);
    }
    // Keys are hashes already: the cheapest map hash will do.
    let mut by_key: rustc_hash::FxHashMap<&RecordKey, usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(layout.records.len(), Default::default());
    for (j, key) in layout.keys().enumerate() {
        by_key.entry(key).or_insert(j);
    }
    // Which previous record each record is, checked to sit where the layout says.
    let sources: Vec<Option<usize>> = keys.iter().map(|key| by_key.get(key).copied()).collect();
    if sources.iter().all(Option::is_none) {
        // Nothing to copy (a new version of the tool, another base URL): serialise in full.
        return Ok(None);
    }
    for j in sources.iter().flatten() {
        let range = &ranges[*j];
        let before = &previous[range.start - SEPARATOR_LEN..range.start];
        let record = &previous[range.clone()];
        if before != separator(*j) || !record.starts_with(b"{") || !record.ends_with(b"}") {
            return Ok(None);
        }
    }
    let fresh: Vec<Option<Vec<u8>>> = sources
        .par_iter()
        .enumerate()
        .map(|(i, source)| match source {
            Some(_) => Ok(None),
            None => make(i, separator(i)).map(Some),
        })
        .collect::<Result<_, E>>()?;
    let mut pieces = Vec::new();
    let mut records = Vec::with_capacity(keys.len());
    for (i, (source, fresh)) in sources.into_iter().zip(fresh).enumerate() {
        match (source, fresh) {
            (Some(j), _) => {
                let range = ranges[j].clone();
                records.push((keys[i], range.len()));
                // The separator before a record is the same in both files unless the record
                // moves to or from the front.
                let with_separator = if separator(i) == separator(j) {
                    range.start - SEPARATOR_LEN..range.end
                } else {
                    pieces.push(Piece::Fixed(separator(i)));
                    range
                };
                match pieces.last_mut() {
                    Some(Piece::Previous(last)) if last.end == with_separator.start => {
                        last.end = with_separator.end;
                    }
                    _ => pieces.push(Piece::Previous(with_separator)),
                }
            }
            (None, Some(bytes)) => {
                records.push((keys[i], bytes.len() - SEPARATOR_LEN));
                pieces.push(Piece::Fresh(bytes));
            }
            (None, None) => unreachable!("a record is either copied or made"),
        }
    }
    pieces.push(Piece::Fixed(CLOSE));
    Ok(Some(Pieces {
        pieces,
        layout: Layout { records },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn key(item: &Value) -> RecordKey {
        record_key(&[item.to_string().as_bytes()])
    }

    fn keys(items: &[Value]) -> Vec<RecordKey> {
        items.iter().map(key).collect()
    }

    fn bytes(pieces: &Pieces, previous: &[u8]) -> Vec<u8> {
        pieces.slices(previous).concat()
    }

    /// The previous file and its layout for `items`, as a full build writes them.
    fn written(items: &[Value]) -> (Vec<u8>, Layout) {
        let mut file = Vec::new();
        let layout = stream(
            &keys(items),
            |i, sep| element(&items[i], sep),
            |piece| {
                file.extend_from_slice(piece);
                Ok(())
            },
        )
        .unwrap();
        (file, layout)
    }

    fn record(n: usize) -> Value {
        json!({ "n": n, "title": format!("标题 {n} </script>"), "tags": ["a", n.to_string()], "empty": {} })
    }

    /// Patch `before`'s file into `after`, counting the records serialised again.
    fn patched(before: &[Value], after: &[Value]) -> Option<(Vec<u8>, usize)> {
        let (file, layout) = written(before);
        let made = std::sync::atomic::AtomicUsize::new(0);
        let pieces = patch(
            &file,
            &Layout::parse(&layout.to_bytes()).unwrap(),
            &keys(after),
            |i, sep| {
                made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                element(&after[i], sep)
            },
        )
        .unwrap()?;
        assert_eq!(pieces.layout, written(after).1, "the layout is the full build's");
        Some((bytes(&pieces, &file), made.into_inner()))
    }

    #[test]
    fn a_full_array_is_the_pretty_json_of_the_records() {
        // Over two batches and into a third, so the batches' seams are checked too.
        let many: Vec<Value> = (0..2 * STREAM_BATCH + 3).map(record).collect();
        for items in [vec![], vec![record(1)], (0..5).map(record).collect(), many] {
            let (file, layout) = written(&items);
            assert_eq!(file, super::super::feeds::to_json_pretty(&items).unwrap());
            assert_eq!(layout.file_len(), Some(file.len()));
            assert_eq!(layout.keys().count(), items.len());
        }
    }

    #[test]
    fn patching_gives_the_full_bytes_and_serialises_only_new_records() {
        let base: Vec<Value> = (0..6).map(record).collect();
        let mut edited = base.clone();
        edited[3]["title"] = json!("改过的标题");
        let cases: Vec<(&str, Vec<Value>, usize)> = vec![
            ("unchanged", base.clone(), 0),
            (
                "added in the middle",
                [&base[..2], &[record(100)], &base[2..]].concat(),
                1,
            ),
            ("added at the front", [&[record(100)], &base[..]].concat(), 1),
            ("added at the end", [&base[..], &[record(100)]].concat(), 1),
            ("edited", edited, 1),
            ("first removed", base[1..].to_vec(), 0),
            ("last removed", base[..5].to_vec(), 0),
            ("middle removed", [&base[..2], &base[3..]].concat(), 0),
            ("reordered", base.iter().rev().cloned().collect(), 0),
            ("one left", vec![base[4].clone()], 0),
        ];
        for (name, after, made) in cases {
            let (file, n) = patched(&base, &after).unwrap();
            assert_eq!(
                String::from_utf8(file).unwrap(),
                String::from_utf8(super::super::feeds::to_json_pretty(&after).unwrap()).unwrap(),
                "{name}"
            );
            assert_eq!(n, made, "{name}: records serialised");
        }
    }

    #[test]
    fn nothing_to_copy_is_no_patch() {
        let before = vec![record(1), record(2)];
        assert!(patched(&before, &[record(3), record(4)]).is_none(), "all new");
        assert!(patched(&[], &before).is_none(), "from an empty array");
        assert!(patched(&before, &[]).is_none(), "to an empty array");
        assert!(patched(&before, &[record(3), record(2)]).is_some());
    }

    #[test]
    fn unchanged_records_are_copied_in_few_pieces() {
        let base: Vec<Value> = (0..100).map(record).collect();
        let after = [&base[..40], &[record(1000)], &base[40..]].concat();
        let (file, layout) = written(&base);
        let pieces = patch(&file, &layout, &keys(&after), |i, sep| element(&after[i], sep))
            .unwrap()
            .unwrap();
        // The records before the new one, the new one, the records after it, the end.
        assert_eq!(pieces.pieces.len(), 4);
        assert!(matches!(pieces.pieces[1], Piece::Fresh(_)));
    }

    #[test]
    fn a_file_that_does_not_match_its_layout_is_not_patched() {
        let base: Vec<Value> = (0..4).map(record).collect();
        let after = [&base[..], &[record(9)]].concat();
        let (file, layout) = written(&base);
        let try_patch = |file: &[u8], layout: &Layout| {
            patch(file, layout, &keys(&after), |i, sep| element(&after[i], sep))
                .unwrap()
                .map(|p| bytes(&p, file))
        };
        assert!(try_patch(&file, &layout).is_some());
        // Another length.
        assert!(try_patch(&file[1..], &layout).is_none());
        assert!(try_patch(&[&file[..], b" "].concat(), &layout).is_none());
        // Same length, a record's end moved: a brace is not where the layout puts it.
        let end = layout.ranges()[1].end;
        let mut shifted = file.clone();
        shifted.swap(end - 1, end);
        assert!(try_patch(&shifted, &layout).is_none());
        // The layout of other records with the same total length.
        let mut swapped = layout.clone();
        swapped.records.swap(0, 1);
        swapped.records[0].1 += 1;
        swapped.records[1].1 -= 1;
        assert!(try_patch(&file, &swapped).is_none());
    }

    #[test]
    fn damaged_layouts_are_refused() {
        let (_, layout) = written(&(0..3).map(record).collect::<Vec<_>>());
        let saved = layout.to_bytes();
        assert_eq!(Layout::parse(&saved), Some(layout));
        assert_eq!(Layout::parse(&saved[..saved.len() - 1]), None);
        assert_eq!(Layout::parse(&[&saved[..], &[0]].concat()), None);
        assert_eq!(Layout::parse(b""), None);
        assert_eq!(Layout::parse(&saved[1..]), None);
        for at in 0..saved.len() {
            let mut damaged = saved.clone();
            damaged[at] ^= 0x55;
            assert_eq!(Layout::parse(&damaged), None, "byte {at} damaged");
        }
        // Well-formed layouts that cannot describe a file: a count that overflows, a length
        // that overflows the file's length, an empty record.
        let sealed = |mut body: Vec<u8>| {
            body.truncate(body.len() - CHECKSUM_BYTES);
            seal(body)
        };
        let count_at = LAYOUT_HEADER.len();
        let len_at = count_at + 8 + 16;
        let mut huge = saved.clone();
        huge[count_at..count_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(Layout::parse(&sealed(huge)), None);
        let mut long = saved.clone();
        long[len_at..len_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(Layout::parse(&sealed(long)), None);
        let mut empty = saved.clone();
        empty[len_at..len_at + 8].copy_from_slice(&0u64.to_le_bytes());
        assert_eq!(Layout::parse(&sealed(empty)), None);
        assert!(Layout::parse(&sealed(saved)).is_some());
    }

    proptest::proptest! {
        /// Any new list of records (some from the previous array, in any order, some new,
        /// some repeated) patched from any previous one is the full serialisation.
        #[test]
        fn any_patch_is_the_full_serialisation(
            before in proptest::collection::vec(0usize..40, 0..12),
            after in proptest::collection::vec(0usize..60, 1..14),
        ) {
            let copied = after.iter().any(|a| before.contains(a));
            let before: Vec<Value> = before.into_iter().map(record).collect();
            let after: Vec<Value> = after.into_iter().map(record).collect();
            match patched(&before, &after) {
                Some((file, _)) => {
                    proptest::prop_assert_eq!(file, super::super::feeds::to_json_pretty(&after).unwrap());
                }
                None => proptest::prop_assert!(!copied, "a patch with records to copy was refused"),
            }
        }
    }
}
