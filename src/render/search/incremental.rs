//! Patching the search index: a build that changes a few articles rewrites only the files
//! those articles touch (their own document files, the shards of their terms and
//! `search/meta.json`), with exactly the bytes a full build writes.
//!
//! A build leaves a **state** beside the output (see `Output::save_state`): the key space and
//! shard count, the bytes and number of all terms, a hash of each shard file, and for each
//! document key the document's [`fingerprint`](super::fingerprint) (a hash of everything the
//! index takes from it), a *record* hash the caller gives (of a superset of those inputs that
//! it has at hand: when the record is unchanged the fingerprint is not recomputed) and the set
//! of shards its terms fall in. The next build compares documents key by key. A key whose
//! fingerprint differs, appears or disappears is *touched* (a document whose key moved,
//! pushed along a run of colliding keys, is touched at both keys). The shards to patch are
//! those of the touched keys' old terms (from the state) and new terms; each is read back,
//! checked against its hash, and merged: postings of touched keys dropped, the new
//! documents' postings added, terms kept in the full build's order. Everything else is kept.
//!
//! Anything unexpected gives up (the caller then builds in full): a state that is missing,
//! damaged (a checksum covers it) or made by another tool or dictionary, a key space or
//! shard count that would change, a shard that differs from its hash or does not decode,
//! two texts sharing a term key, or too many touched documents for patching to pay.
//!
//! Two words whose 63-bit term keys collide, a one-in-10^10 event on the 10k site, are merged
//! by a full build when their hashes fall in the same range but kept apart by a patch when
//! they fall in different shards: the patch cannot see terms in shards it does not read.

use rayon::prelude::*;

use super::{
    bigram_chars, doc_keys, doc_terms, fingerprint_with, fnv1a, meta_file, push_number, shard_count_for, word_key,
    SearchDoc, SearchIndex, Segmenter, Terms, BIGRAM, DIGITS, MAX_DOCS, MAX_SHARDS, MAX_WEIGHT, MIN_KEY_SPACE, RANGES,
};
use crate::clean::lines::is_han;
use crate::persist::{push_varint, seal, unseal, varint_len, Reader};

/// A hash of everything a document's file and postings are made from, found by the caller
/// (the document's fields are borrowed from the article, whose record it already hashes).
pub type Fingerprint = [u8; 16];

/// First bytes of a state (the last byte numbers the layout).
const MAGIC: &[u8; 8] = b"udsearch";
const LAYOUT: u32 = 2;
/// Bytes of a shard's hash in the state.
const SHARD_HASH: usize = 16;
/// Shard sets are stored in groups of this many shards, each as a bitset or a list of gaps,
/// whichever is shorter (dense on small sites, sparse at the most shards).
const SET_GROUP: usize = 2048;
/// Patch only while at most one document in this many is touched; beyond, a full build
/// costs about the same.
const PATCH_FRACTION: usize = 8;

/// Documents of a patched index, and what to write and keep.
#[derive(Debug, Clone)]
pub struct Patch {
    pub shard_count: usize,
    pub key_space: usize,
    /// The key of each document, in the order given.
    pub keys: Vec<u32>,
    /// Documents (indexes into the input) whose files are new or changed.
    pub changed_docs: Vec<usize>,
    /// Documents whose files are unchanged.
    pub kept_docs: Vec<usize>,
    /// Shards with new bytes, by number.
    pub shards: Vec<(usize, Vec<u8>)>,
    /// The BLAKE3 hash of each of `shards`' bytes, in the same order.
    pub shard_contents: Vec<blake3::Hash>,
    /// Shards whose bytes are unchanged.
    pub kept_shards: Vec<usize>,
    /// `search/meta.json`.
    pub meta: Vec<u8>,
    /// The state for the next build.
    pub state: Vec<u8>,
    /// No document was added, changed or removed: every file stays as it is.
    pub unchanged: bool,
}

/// The state a full build leaves for the next one (see the module comment): `docs` are the
/// documents `index` was built from with their `records`, `global` a hash of what every
/// document's terms depend on besides the document (the tool, the dictionary). None if the
/// index is not one [`super::build`] made of them.
pub fn full_state(
    index: &SearchIndex,
    docs: &[SearchDoc],
    records: &[Fingerprint],
    global: &[u8; 32],
) -> Option<Vec<u8>> {
    let shard_count = index.shard_count;
    let docs = docs.get(..index.keys.len())?;
    if records.len() < docs.len() || shard_count == 0 || shard_count > MAX_SHARDS {
        return None;
    }
    let fingerprints: Vec<Fingerprint> = docs
        .par_iter()
        .map_init(Vec::new, |b, d| fingerprint_with(d, b))
        .collect();
    let mut shards: Vec<&[u8]> = vec![&[]; shard_count];
    for (path, bytes) in &index.files {
        let number = path
            .strip_prefix("search/shards/")
            .and_then(|p| p.strip_suffix(".json"))
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(n) = number {
            *shards.get_mut(n)? = bytes;
        }
    }
    // Each document's place in key order, by key.
    let mut order: Vec<usize> = (0..index.keys.len()).collect();
    order.sort_unstable_by_key(|&n| index.keys[n]);
    let mut slot = vec![u32::MAX; index.key_space];
    for (s, &n) in order.iter().enumerate() {
        *slot.get_mut(index.keys[n] as usize)? = s as u32;
    }
    let mut sets: Vec<Vec<u8>> = vec![Vec::new(); order.len()];
    for group in (0..shard_count).step_by(SET_GROUP) {
        let end = (group + SET_GROUP).min(shard_count);
        // A column of 64 shards as one word per document: each column is filled by one
        // thread, from the postings of its own shards.
        let columns: Vec<Vec<u64>> = (group..end)
            .step_by(64)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|first| {
                let mut column = vec![0u64; order.len()];
                for (bit, shard) in shards[first..(first + 64).min(end)].iter().enumerate() {
                    for (_, postings) in shard_entries(shard)? {
                        let mut known = true;
                        for_each_key(postings, index.key_space, |key| {
                            match column.get_mut(slot[key as usize] as usize) {
                                Some(word) => *word |= 1 << bit,
                                None => known = false,
                            }
                        })?;
                        if !known {
                            return None;
                        }
                    }
                }
                Some(column)
            })
            .collect::<Option<_>>()?;
        sets.par_iter_mut()
            .enumerate()
            .for_each_init(Vec::new, |members, (s, set)| {
                members.clear();
                for (c, column) in columns.iter().enumerate() {
                    let mut bits = column[s];
                    while bits != 0 {
                        members.push((c * 64) as u32 + bits.trailing_zeros());
                        bits &= bits - 1;
                    }
                }
                push_segment(set, members, end - group);
            });
    }
    let hashes: Vec<[u8; 32]> = shards.par_iter().map(|b| *blake3::hash(b).as_bytes()).collect();
    let header = Header {
        key_space: index.key_space,
        shard_count,
        term_bytes: index.term_bytes,
        terms: index.stats.terms,
        docs: order.len(),
    };
    let mut out = header.encode(global);
    for hash in &hashes {
        out.extend_from_slice(&hash[..SHARD_HASH]);
    }
    for (s, &n) in order.iter().enumerate() {
        push_doc(&mut out, index.keys[n], &records[n], &fingerprints[n], &sets[s]);
    }
    Some(seal(out))
}

/// The documents an index is patched for: every document's URL (the keys follow from all of
/// them), and any document made on demand: a patch reads only the documents whose record
/// changed, so a rebuild of one article does not build 11,000 documents to compare them.
#[derive(Clone, Copy)]
pub struct Docs<'s, 'a> {
    pub urls: &'s [String],
    pub make: &'s (dyn Fn(usize) -> SearchDoc<'a> + Sync),
}

impl Docs<'_, '_> {
    pub fn len(&self) -> usize {
        self.urls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }
}

/// Patch the index the state `previous` describes into the index of `docs` (with their
/// `records`), reading the previous build's shards with `read_shard`. None when the index
/// must be built in full (see the module comment).
pub fn patch(
    docs: Docs,
    records: &[Fingerprint],
    segmenter: &Segmenter,
    global: &[u8; 32],
    previous: &[u8],
    read_shard: impl Fn(usize) -> Option<Vec<u8>> + Sync,
) -> Option<Patch> {
    let state = State::decode(previous, global)?;
    if docs.len() > MAX_DOCS || records.len() != docs.len() {
        return None;
    }
    let urls: Vec<&str> = docs.urls.iter().map(String::as_str).collect();
    let (key_space, keys) = doc_keys(&urls);
    let shard_count = state.header.shard_count;
    if key_space != state.header.key_space {
        return None;
    }

    // Documents and the previous state's entries, side by side in key order. A document
    // whose record is unchanged has its fingerprint unchanged; others get theirs computed.
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_unstable_by_key(|&n| keys[n]);
    let mut pairs: Vec<(usize, Option<&DocState>)> = Vec::with_capacity(order.len());
    let mut removed = Vec::new();
    let mut old = state.docs.iter().peekable();
    for &n in &order {
        while let Some(d) = old.next_if(|d| d.key < keys[n]) {
            removed.push(d);
        }
        pairs.push((n, old.next_if(|d| d.key == keys[n])));
    }
    removed.extend(old);
    let fingerprints: Vec<Fingerprint> = pairs
        .par_iter()
        .map_init(Vec::new, |buffer, &(n, d)| match d {
            Some(d) if d.record == records[n] => d.fingerprint,
            _ => fingerprint_with(&(docs.make)(n), buffer),
        })
        .collect();
    let mut entries: Vec<Entry> = Vec::with_capacity(order.len());
    let (mut kept_docs, mut changed_docs) = (Vec::new(), Vec::new());
    let mut changed_fingerprints = Vec::new();
    for (&(n, d), fingerprint) in pairs.iter().zip(fingerprints) {
        match d {
            Some(d) if d.fingerprint == fingerprint => {
                kept_docs.push(n);
                entries.push(Entry::Kept(n, d));
            }
            _ => {
                removed.extend(d);
                changed_docs.push(n);
                changed_fingerprints.push(fingerprint);
                entries.push(Entry::New(n, fingerprint));
            }
        }
    }
    if PATCH_FRACTION * (removed.len() + changed_docs.len()) > docs.len().max(16 * PATCH_FRACTION) {
        return None;
    }

    // The new documents' postings, and the shards they fall in.
    let made: Vec<SearchDoc> = changed_docs.par_iter().map(|&n| (docs.make)(n)).collect();
    let added: Vec<(Vec<Posting>, Vec<u32>)> = made
        .par_iter()
        .zip(&changed_docs)
        .map_init(Terms::default, |terms, (doc, &n)| {
            new_postings(doc, keys[n], segmenter, terms, shard_count)
        })
        .collect::<Option<_>>()?;
    let known = known_removals(&removed, &changed_fingerprints, &added);
    let mut touched: Vec<u32> = Vec::new();
    for d in &removed {
        touched.extend(decode_set(d.shards, shard_count)?);
    }
    let mut postings: Vec<Posting> = Vec::new();
    let mut new_sets = Vec::with_capacity(added.len());
    for (list, shards) in added {
        touched.extend_from_slice(&shards);
        postings.extend(list);
        new_sets.push(shards);
    }
    touched.sort_unstable();
    touched.dedup();
    postings.sort_unstable_by_key(Posting::order);

    // Each touched shard read back, checked and merged, on all cores.
    let mut removed_list: Vec<u32> = removed.iter().map(|d| d.key).collect();
    removed_list.sort_unstable();
    let context = ShardContext {
        shard_count,
        key_space,
        removed_keys: &removed_list,
        known: known.as_ref(),
    };
    let patched: Vec<Patched> = touched
        .par_iter()
        .map(|&n| {
            let old = read_shard(n as usize)?;
            if blake3::hash(&old).as_bytes()[..SHARD_HASH] != *state.shard_hash(n as usize) {
                return None;
            }
            let from = postings.partition_point(|p| p.shard < n);
            let to = postings.partition_point(|p| p.shard <= n);
            patch_shard(&old, n as usize, &context, &postings[from..to])
        })
        .collect::<Option<_>>()?;

    let mut term_bytes = state.header.term_bytes;
    let mut terms = state.header.terms;
    for p in &patched {
        term_bytes = (term_bytes + p.term_bytes).checked_sub(p.old_term_bytes)?;
        terms = (terms + p.terms).checked_sub(p.old_terms)?;
    }
    if shard_count_for(term_bytes) != shard_count {
        return None;
    }

    // The next state: kept entries as they were, new ones encoded.
    let header = Header {
        key_space,
        shard_count,
        term_bytes,
        terms,
        docs: docs.len(),
    };
    let mut out = header.encode(global);
    let mut hashes = state.shard_hashes.to_vec();
    let shard_contents: Vec<blake3::Hash> = patched.par_iter().map(|p| blake3::hash(&p.bytes)).collect();
    for (&n, content) in touched.iter().zip(&shard_contents) {
        let at = n as usize * SHARD_HASH;
        hashes[at..at + SHARD_HASH].copy_from_slice(&content.as_bytes()[..SHARD_HASH]);
    }
    out.extend_from_slice(&hashes);
    let mut new_sets = new_sets.into_iter();
    let mut set = Vec::new();
    for entry in &entries {
        match entry {
            Entry::Kept(n, d) => push_doc(&mut out, d.key, &records[*n], &d.fingerprint, d.shards),
            Entry::New(n, fingerprint) => {
                set.clear();
                encode_set(&new_sets.next()?, shard_count, &mut set);
                push_doc(&mut out, keys[*n], &records[*n], fingerprint, &set);
            }
        }
    }
    let kept_shards = {
        let mut is_touched = vec![false; shard_count];
        for &n in &touched {
            is_touched[n as usize] = true;
        }
        (0..shard_count).filter(|&n| !is_touched[n]).collect()
    };
    Some(Patch {
        unchanged: removed.is_empty() && changed_docs.is_empty(),
        shard_count,
        key_space,
        meta: meta_file(docs.len(), shard_count, key_space, terms),
        keys,
        changed_docs,
        kept_docs,
        shards: touched
            .iter()
            .map(|&n| n as usize)
            .zip(patched.into_iter().map(|p| p.bytes))
            .collect(),
        shard_contents,
        kept_shards,
        state: seal(out),
    })
}

/// A document of the new state in key order (by its index in the input): kept from the
/// previous state, or new with its fingerprint.
enum Entry<'s> {
    Kept(usize, &'s DocState<'s>),
    New(usize, Fingerprint),
}

/// One posting of a new document.
struct Posting {
    shard: u32,
    fnv: u32,
    key: u64,
    /// Document key << 7 | weight, as the full build packs it.
    packed: u32,
    /// The term's text.
    text: Box<str>,
}

impl Posting {
    /// Shards hold their terms in this order (see [`term_order`]); postings by document.
    fn order(&self) -> (u32, (u32, u32, u64), u32) {
        (self.shard, term_order(self.fnv, self.key), self.packed)
    }
}

/// The order of terms in a shard: the full build collects them range by range, each range
/// in (hash, key) order, and deals them into shards by hash.
fn term_order(fnv: u32, key: u64) -> (u32, u32, u64) {
    (fnv % RANGES as u32, fnv, key)
}

/// The postings of one document with key `doc_key`, and the shards they fall in (ascending).
fn new_postings<'d>(
    doc: &'d SearchDoc<'_>,
    doc_key: u32,
    segmenter: &Segmenter,
    terms: &mut Terms<'d>,
    shard_count: usize,
) -> Option<(Vec<Posting>, Vec<u32>)> {
    let mut found: Vec<(u64, u32, u32)> = Vec::new();
    doc_terms(doc, segmenter, terms, |key, fnv, weight| found.push((key, fnv, weight)));
    let mut postings = Vec::with_capacity(found.len());
    let mut shards = Vec::with_capacity(found.len());
    for (key, fnv, weight) in found {
        let text: Box<str> = match bigram_chars(key) {
            Some((a, b)) => format!("{a}{b}").into(),
            None => {
                let i = terms.names.binary_search_by_key(&key, |(k, _)| *k).ok()?;
                terms.names[i].1.as_ref().into()
            }
        };
        let shard = (fnv as usize % shard_count) as u32;
        shards.push(shard);
        postings.push(Posting {
            shard,
            fnv,
            key,
            packed: (doc_key << 7) | weight.min(MAX_WEIGHT),
            text,
        });
    }
    shards.sort_unstable();
    shards.dedup();
    Some((postings, shards))
}

/// The term key the full build gives a term's text: a bigram packs its two characters.
fn term_key(text: &str) -> u64 {
    let mut chars = text.chars();
    if let (Some(a), Some(b), None) = (chars.next(), chars.next(), chars.next()) {
        if is_han(a) && is_han(b) {
            return BIGRAM | (u64::from(a) << 21) | u64::from(b);
        }
    }
    word_key(text)
}

/// What every shard's patch needs to know.
struct ShardContext<'a> {
    shard_count: usize,
    key_space: usize,
    /// The keys whose previous postings go, ascending.
    removed_keys: &'a [u32],
    /// When the previous terms of every removed key are known: which terms hold which.
    known: Option<&'a KnownRemovals>,
}

impl ShardContext<'_> {
    /// The keys to remove from the postings of the term with key `term`, and whether each
    /// must be there (the state says so): every removed key unless their terms are known.
    fn removals(&self, term: u64) -> (&[u32], bool) {
        match self.known {
            Some(known) => {
                let from = known.terms.partition_point(|&t| t < term);
                let to = from + known.terms[from..].partition_point(|&t| t == term);
                (&known.keys[from..to], true)
            }
            None => (self.removed_keys, false),
        }
    }
}

/// The previous postings of removed keys, term by term, when each removed key belongs to a
/// document that moved to another key unchanged (pushed along a run of colliding keys by a
/// new document): its terms then are its new terms. A patch then splices only the postings
/// of those terms instead of reading every postings list of every touched shard for them.
struct KnownRemovals {
    /// Term keys, ascending, beside the removed document key each holds.
    terms: Vec<u64>,
    keys: Vec<u32>,
}

/// [`KnownRemovals`] of `removed`, given the fingerprints of the changed documents and their
/// postings (in the same order); None if some removed key's terms are not known.
fn known_removals(
    removed: &[&DocState],
    changed_fingerprints: &[Fingerprint],
    added: &[(Vec<Posting>, Vec<u32>)],
) -> Option<KnownRemovals> {
    let mut by_fingerprint: Vec<(Fingerprint, usize)> =
        changed_fingerprints.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    by_fingerprint.sort_unstable();
    let mut pairs: Vec<(u64, u32)> = Vec::new();
    for d in removed {
        let at = by_fingerprint.binary_search_by(|(f, _)| f.cmp(&d.fingerprint)).ok()?;
        let (postings, _) = added.get(by_fingerprint[at].1)?;
        pairs.extend(postings.iter().map(|p| (p.key, d.key)));
    }
    pairs.sort_unstable();
    Some(KnownRemovals {
        terms: pairs.iter().map(|p| p.0).collect(),
        keys: pairs.iter().map(|p| p.1).collect(),
    })
}

/// A patched shard.
struct Patched {
    bytes: Vec<u8>,
    old_term_bytes: usize,
    old_terms: usize,
    term_bytes: usize,
    terms: usize,
}

/// Writes a shard term by term, as `shard_json` does, counting what it writes.
struct ShardWriter {
    bytes: Vec<u8>,
    term_bytes: usize,
    terms: usize,
}

impl ShardWriter {
    /// A term whose encoded postings `fill` appends; a term left without postings is not
    /// written (None from `fill` is passed on).
    fn term(&mut self, text: &str, fill: impl FnOnce(&mut Vec<u8>) -> Option<()>) -> Option<()> {
        let mark = self.bytes.len();
        if self.terms > 0 {
            self.bytes.push(b',');
        }
        self.bytes.push(b'"');
        self.bytes.extend_from_slice(text.as_bytes());
        self.bytes.extend_from_slice(b"\":\"");
        let start = self.bytes.len();
        fill(&mut self.bytes)?;
        let postings = self.bytes.len() - start;
        if postings == 0 {
            self.bytes.truncate(mark);
            return Some(());
        }
        self.bytes.push(b'"');
        self.terms += 1;
        self.term_bytes += text.len() + postings + 6;
        Some(())
    }
}

/// Shard `n` (its previous bytes `old`) without the postings of removed keys and with the
/// new postings `added` (sorted by [`Posting::order`]).
fn patch_shard(old: &[u8], n: usize, context: &ShardContext, added: &[Posting]) -> Option<Patched> {
    let mut out = ShardWriter {
        bytes: Vec::with_capacity(old.len() + added.len() * 4 + 64),
        term_bytes: 0,
        terms: 0,
    };
    out.bytes.push(b'{');
    let (mut old_term_bytes, mut old_terms) = (0, 0);
    let mut previous = None;
    let mut rest = added;
    for (text, postings) in shard_entries(old)? {
        let fnv = fnv1a(text);
        let key = term_key(text);
        let order = term_order(fnv, key);
        let (removals, must_find) = context.removals(key);
        if fnv as usize % context.shard_count != n || previous.is_some_and(|p| p >= order) {
            return None;
        }
        previous = Some(order);
        old_term_bytes += text.len() + postings.len() + 6;
        old_terms += 1;
        while rest.first().is_some_and(|p| term_order(p.fnv, p.key) < order) {
            let (new_text, new_list) = take_group(&mut rest)?;
            out.term(new_text, |bytes| {
                splice(b"", context.key_space, (&[], false), &new_list, bytes)
            })?;
        }
        if rest.first().is_some_and(|p| term_order(p.fnv, p.key) == order) {
            let (new_text, new_list) = take_group(&mut rest)?;
            if new_text != text {
                return None;
            }
            out.term(text, |bytes| {
                splice(postings, context.key_space, (removals, must_find), &new_list, bytes)
            })?;
        } else if removals.is_empty() {
            out.term(text, |bytes| {
                bytes.extend_from_slice(postings);
                Some(())
            })?;
        } else {
            out.term(text, |bytes| {
                splice(postings, context.key_space, (removals, must_find), &[], bytes)
            })?;
        }
    }
    while !rest.is_empty() {
        let (new_text, new_list) = take_group(&mut rest)?;
        out.term(new_text, |bytes| {
            splice(b"", context.key_space, (&[], false), &new_list, bytes)
        })?;
    }
    out.bytes.push(b'}');
    Some(Patched {
        bytes: out.bytes,
        old_term_bytes,
        old_terms,
        term_bytes: out.term_bytes,
        terms: out.terms,
    })
}

/// Encoded postings `old` without the entries of the keys `removed` (ascending; with its
/// flag set, each must be there) and with `added` (packed, ascending keys) merged in,
/// appended to `out`, as [`super::encode_packed`] would write the result: each entry holds
/// the gap from the previous key, so only an entry whose previous key changed is encoded
/// again; runs of the others are copied whole, and once no change is left the rest is. None
/// if `old` does not decode (up to the last change), names an added key it keeps, or lacks
/// a key it must hold.
fn splice(
    old: &[u8],
    key_space: usize,
    (removed, must_find): (&[u32], bool),
    added: &[u32],
    out: &mut Vec<u8>,
) -> Option<()> {
    let mut removed = removed.iter().map(|&k| u64::from(k)).peekable();
    let mut adds = added.iter().copied().peekable();
    // Keys of the last entry read and of the last entry written ("−1", u64::MAX, before any).
    let (mut old_doc, mut out_doc) = (u64::MAX, u64::MAX);
    let mut rest = old;
    // Where the entries read but not yet written start: all of them are written as they are.
    let mut run = 0;
    while !rest.is_empty() {
        if old_doc == out_doc {
            // In step: the entries before the next change stay as they are, only read.
            let removal = removed.peek().copied().unwrap_or(u64::MAX);
            let next = removal.min(adds.peek().map_or(u64::MAX, |&p| u64::from(p >> 7)));
            if next == u64::MAX {
                break;
            }
            skip_before(&mut rest, &mut old_doc, next, key_space)?;
            out_doc = old_doc;
            if rest.is_empty() {
                break;
            }
        }
        let start = old.len() - rest.len();
        let value = next_number(&mut rest)?;
        let doc = old_doc.wrapping_add((value >> 1) + 1);
        let weight = if value & 1 == 1 {
            let extra = next_number(&mut rest)?;
            if extra > u64::from(MAX_WEIGHT - 2) {
                return None;
            }
            extra as u32 + 2
        } else {
            1
        };
        if doc >= key_space as u64 {
            return None;
        }
        let end = old.len() - rest.len();
        // A key to remove that the list passed is not in it.
        while removed.next_if(|&k| k < doc).is_some() {
            if must_find {
                return None;
            }
        }
        while let Some(p) = adds.next_if(|&p| u64::from(p >> 7) < doc) {
            out.extend_from_slice(&old[run..start]);
            run = start;
            push_entry(out, out_doc, p);
            out_doc = u64::from(p >> 7);
        }
        let previous = std::mem::replace(&mut old_doc, doc);
        if removed.next_if(|&k| k == doc).is_some() {
            out.extend_from_slice(&old[run..start]);
            run = end;
            continue;
        }
        if adds.peek().is_some_and(|&p| u64::from(p >> 7) == doc) {
            return None;
        }
        if out_doc != previous {
            // The previous key written differs from the previous key read: a new gap.
            out.extend_from_slice(&old[run..start]);
            push_entry(out, out_doc, ((doc as u32) << 7) | weight);
            run = end;
        }
        out_doc = doc;
    }
    if must_find && removed.peek().is_some() {
        return None;
    }
    out.extend_from_slice(&old[run..]);
    for p in adds {
        push_entry(out, out_doc, p);
        out_doc = u64::from(p >> 7);
    }
    Some(())
}

/// Read the entries of encoded postings `rest` (after the key `doc`) whose keys lie below
/// `limit`, leaving `rest` at the first other entry and `doc` at the last key read. None if
/// an entry read does not decode, or names a key beyond the key space or a weight the build
/// never writes.
#[inline]
fn skip_before(rest: &mut &[u8], doc: &mut u64, limit: u64, key_space: usize) -> Option<()> {
    let bytes = *rest;
    let mut pos = 0;
    let mut current = *doc;
    while pos < bytes.len() {
        let (value, next) = number_at(bytes, pos)?;
        let key = current.wrapping_add((value >> 1) + 1);
        if key >= limit {
            break;
        }
        if key >= key_space as u64 {
            return None;
        }
        pos = next;
        if value & 1 == 1 {
            let (extra, next) = number_at(bytes, pos)?;
            if extra > u64::from(MAX_WEIGHT - 2) {
                return None;
            }
            pos = next;
        }
        current = key;
    }
    *rest = &bytes[pos..];
    *doc = current;
    Some(())
}

/// The number at `pos` of encoded postings, and where the next one starts.
#[inline]
fn number_at(bytes: &[u8], pos: usize) -> Option<(u64, usize)> {
    let digit = DIGIT_VALUES[*bytes.get(pos)? as usize];
    if digit < 32 {
        return Some((u64::from(digit), pos + 1));
    }
    let mut rest = &bytes[pos..];
    let value = next_number(&mut rest)?;
    Some((value, bytes.len() - rest.len()))
}

/// One entry of [`super::encode_packed`]: the posting `packed` after the key `previous` (u64::MAX
/// before the first).
fn push_entry(out: &mut Vec<u8>, previous: u64, packed: u32) {
    let (doc, weight) = (u64::from(packed >> 7), packed & 0x7F);
    let gap = doc.wrapping_sub(previous.wrapping_add(1)) as u32;
    if weight == 1 {
        push_number(out, gap << 1);
    } else {
        push_number(out, (gap << 1) | 1);
        push_number(out, weight.max(2) - 2);
    }
}

/// The first term of `rest` (sorted by [`Posting::order`]): its text and postings, taken off
/// `rest`. None if its postings name two texts (a full build merges terms sharing a key).
fn take_group<'p>(rest: &mut &'p [Posting]) -> Option<(&'p str, Vec<u32>)> {
    let postings: &'p [Posting] = rest;
    let first = postings.first()?;
    let order = term_order(first.fnv, first.key);
    let end = postings
        .iter()
        .position(|p| term_order(p.fnv, p.key) != order)
        .unwrap_or(postings.len());
    let (group, tail) = postings.split_at(end);
    *rest = tail;
    if group.iter().any(|p| p.text != first.text) {
        return None;
    }
    Some((&first.text, group.iter().map(|p| p.packed).collect()))
}

/// The terms of a shard as `shard_json` writes them: (text, encoded postings). None if the
/// bytes are not in that form.
fn shard_entries(bytes: &[u8]) -> Option<Vec<(&str, &[u8])>> {
    let mut rest = bytes.strip_prefix(b"{")?.strip_suffix(b"}")?;
    let mut entries = Vec::new();
    while !rest.is_empty() {
        if !entries.is_empty() {
            rest = rest.strip_prefix(b",")?;
        }
        rest = rest.strip_prefix(b"\"")?;
        let end = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
        let text = std::str::from_utf8(&rest[..end]).ok().filter(|t| !t.is_empty())?;
        rest = rest[end..].strip_prefix(b"\":\"")?;
        let end = rest.iter().position(|&b| b == b'"')?;
        entries.push((text, &rest[..end]));
        rest = &rest[end + 1..];
    }
    Some(entries)
}

/// The value of each byte as a digit of the postings encoding (255: not a digit).
const DIGIT_VALUES: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < DIGITS.len() {
        table[DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Calls `f` with each key of encoded postings; None unless every number is complete, every
/// key below `key_space` and every weight one the build writes.
fn for_each_key(text: &[u8], key_space: usize, mut f: impl FnMut(u32)) -> Option<()> {
    let mut doc = u64::MAX;
    let mut weight_follows = false;
    let (mut value, mut shift) = (0u64, 0u32);
    for &byte in text {
        let digit = DIGIT_VALUES[byte as usize];
        if digit >= 32 {
            if digit >= 64 || shift >= 35 {
                return None;
            }
            value |= u64::from(digit & 31) << shift;
            shift += 5;
            continue;
        }
        let number = value | (u64::from(digit) << shift);
        (value, shift) = (0, 0);
        if weight_follows {
            if number > u64::from(MAX_WEIGHT - 2) {
                return None;
            }
            weight_follows = false;
            continue;
        }
        doc = doc.wrapping_add((number >> 1) + 1);
        if doc >= key_space as u64 {
            return None;
        }
        f(doc as u32);
        weight_follows = number & 1 == 1;
    }
    (shift == 0 && !weight_follows).then_some(())
}

/// The number `rest` starts with (see [`super::encode_postings`]), taken off `rest`.
#[inline]
fn next_number(rest: &mut &[u8]) -> Option<u64> {
    let (mut value, mut shift) = (0u64, 0u32);
    loop {
        let (&byte, tail) = rest.split_first()?;
        *rest = tail;
        let digit = DIGIT_VALUES[byte as usize];
        if digit < 32 {
            return Some(value | (u64::from(digit) << shift));
        }
        if digit >= 64 || shift >= 35 {
            return None;
        }
        value |= u64::from(digit & 31) << shift;
        shift += 5;
    }
}

/// The fixed part of a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    key_space: usize,
    shard_count: usize,
    term_bytes: usize,
    terms: usize,
    docs: usize,
}

impl Header {
    fn encode(&self, global: &[u8; 32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.docs * 300 + self.shard_count * SHARD_HASH + 128);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&LAYOUT.to_le_bytes());
        out.extend_from_slice(&super::FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(global);
        for value in [self.key_space, self.shard_count, self.term_bytes, self.terms, self.docs] {
            out.extend_from_slice(&(value as u64).to_le_bytes());
        }
        out
    }
}

/// One document of a state.
#[derive(Debug)]
struct DocState<'a> {
    key: u32,
    record: Fingerprint,
    fingerprint: Fingerprint,
    /// Its shard set, encoded (see [`encode_set`]).
    shards: &'a [u8],
}

/// A previous build's state, read.
struct State<'a> {
    header: Header,
    /// A hash of each shard file, [`SHARD_HASH`] bytes each.
    shard_hashes: &'a [u8],
    /// By key, ascending.
    docs: Vec<DocState<'a>>,
}

impl<'a> State<'a> {
    /// Read a state; None unless it is whole, made for `global` and consistent.
    fn decode(bytes: &'a [u8], global: &[u8; 32]) -> Option<State<'a>> {
        let mut r = Reader(unseal(bytes)?);
        if r.take(MAGIC.len())? != MAGIC
            || r.u32()? != LAYOUT
            || r.u32()? != super::FORMAT_VERSION
            || r.take(32)? != global
        {
            return None;
        }
        let mut field = || usize::try_from(r.u64()?).ok();
        let header = Header {
            key_space: field()?,
            shard_count: field()?,
            term_bytes: field()?,
            terms: field()?,
            docs: field()?,
        };
        let consistent = header.key_space.is_power_of_two()
            && header.key_space >= MIN_KEY_SPACE
            && header.key_space <= 2 * MAX_DOCS
            && header.docs <= header.key_space
            && shard_count_for(header.term_bytes) == header.shard_count;
        if !consistent {
            return None;
        }
        let shard_hashes = r.take(header.shard_count * SHARD_HASH)?;
        let mut docs: Vec<DocState> = Vec::with_capacity(header.docs);
        for _ in 0..header.docs {
            let key = r.u32()?;
            let record = r.take(16)?.try_into().ok()?;
            let fingerprint = r.take(16)?.try_into().ok()?;
            let len = usize::try_from(r.varint()?).ok()?;
            let shards = r.take(len)?;
            if key as usize >= header.key_space || docs.last().is_some_and(|d| d.key >= key) {
                return None;
            }
            docs.push(DocState {
                key,
                record,
                fingerprint,
                shards,
            });
        }
        r.0.is_empty().then_some(State {
            header,
            shard_hashes,
            docs,
        })
    }

    fn shard_hash(&self, n: usize) -> &[u8] {
        &self.shard_hashes[n * SHARD_HASH..(n + 1) * SHARD_HASH]
    }
}

fn push_doc(out: &mut Vec<u8>, key: u32, record: &Fingerprint, fingerprint: &Fingerprint, shards: &[u8]) {
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(record);
    out.extend_from_slice(fingerprint);
    push_varint(out, shards.len() as u64);
    out.extend_from_slice(shards);
}

/// A set of shards (ascending, below `shard_count`) as one segment per group of
/// [`SET_GROUP`] shards.
fn encode_set(shards: &[u32], shard_count: usize, out: &mut Vec<u8>) {
    let mut members = Vec::new();
    for group in (0..shard_count).step_by(SET_GROUP) {
        let end = (group + SET_GROUP).min(shard_count);
        members.clear();
        members.extend(
            shards
                .iter()
                .filter(|&&s| (group..end).contains(&(s as usize)))
                .map(|&s| s - group as u32),
        );
        push_segment(out, &members, end - group);
    }
}

/// One group of a shard set: `members` (ascending, below `bits`) as a bitset (0) or as a
/// count and the gaps between members (1), whichever is shorter.
fn push_segment(out: &mut Vec<u8>, members: &[u32], bits: usize) {
    let bitset_len = bits.div_ceil(8);
    let gaps = members.iter().scan(None, |previous: &mut Option<u32>, &m| {
        let gap = previous.map_or(m, |p| m - p - 1);
        *previous = Some(m);
        Some(u64::from(gap))
    });
    let list_len = varint_len(members.len() as u64) + gaps.clone().map(varint_len).sum::<usize>();
    if bitset_len <= list_len {
        out.push(0);
        let start = out.len();
        out.resize(start + bitset_len, 0);
        for &m in members {
            out[start + m as usize / 8] |= 1 << (m % 8);
        }
    } else {
        out.push(1);
        push_varint(out, members.len() as u64);
        for gap in gaps {
            push_varint(out, gap);
        }
    }
}

/// The inverse of [`encode_set`]; None unless `raw` is exactly such a set.
fn decode_set(raw: &[u8], shard_count: usize) -> Option<Vec<u32>> {
    let mut r = Reader(raw);
    let mut shards = Vec::new();
    for group in (0..shard_count).step_by(SET_GROUP) {
        let bits = (group + SET_GROUP).min(shard_count) - group;
        match r.byte()? {
            0 => {
                for (i, &byte) in r.take(bits.div_ceil(8))?.iter().enumerate() {
                    for bit in 0..8 {
                        if byte & (1 << bit) != 0 {
                            let m = i * 8 + bit;
                            if m >= bits {
                                return None;
                            }
                            shards.push((group + m) as u32);
                        }
                    }
                }
            }
            1 => {
                let count = r.varint()?;
                let mut next = 0u64;
                for _ in 0..count {
                    let m = next.checked_add(r.varint()?)?;
                    if m >= bits as u64 {
                        return None;
                    }
                    shards.push((group as u64 + m) as u32);
                    next = m + 1;
                }
            }
            _ => return None,
        }
    }
    r.0.is_empty().then_some(shards)
}

#[cfg(test)]
mod tests {
    use super::super::{build, decode_postings, doc_file, doc_path, encode_packed, shard_path, META_PATH};
    use super::*;
    use std::collections::BTreeMap;

    const GLOBAL: [u8; 32] = [7; 32];

    /// An index's files: bytes by path.
    type Files = BTreeMap<String, Vec<u8>>;

    fn segmenter() -> &'static Segmenter {
        static S: std::sync::OnceLock<Segmenter> = std::sync::OnceLock::new();
        S.get_or_init(|| Segmenter::new(&["工会驿站".to_string()]))
    }

    /// The documents of a test corpus: (url, title, body, tags).
    type Spec = (String, String, crate::model::Body, Vec<String>);

    fn spec(n: usize) -> Spec {
        let body: String = (0..120)
            .map(|k| char::from_u32(0x4E00 + ((n * 7919 + k * 104_729) % 2000) as u32).unwrap())
            .collect();
        (
            format!("/articles/{n}/"),
            format!("第{n}篇工会驿站"),
            vec![body, format!("APP{} 5G", n % 7)].into(),
            vec!["浙江省".to_string(), format!("第{}区", n % 5)],
        )
    }

    fn docs(specs: &[Spec]) -> Vec<SearchDoc<'_>> {
        specs
            .iter()
            .map(|(url, title, body, tags)| SearchDoc {
                url: url.clone(),
                title,
                date: "2024年3月6日".into(),
                region: "浙江省".into(),
                body,
                tags: tags.clone(),
                ..SearchDoc::default()
            })
            .collect()
    }

    /// [`patch`] of documents all made beforehand.
    fn patch_made(
        docs: &[SearchDoc],
        records: &[Fingerprint],
        global: &[u8; 32],
        state: &[u8],
        read: impl Fn(usize) -> Option<Vec<u8>> + Sync,
    ) -> Option<Patch> {
        let urls: Vec<String> = docs.iter().map(|d| d.url.clone()).collect();
        let make = |n: usize| docs[n].clone();
        patch(
            Docs {
                urls: &urls,
                make: &make,
            },
            records,
            segmenter(),
            global,
            state,
            read,
        )
    }

    /// Records as the renderer makes them: here a hash of the document's debug form (so
    /// equal records mean equal documents, as the article's record hash means there).
    fn records(docs: &[SearchDoc]) -> Vec<Fingerprint> {
        docs.iter()
            .map(|d| {
                blake3::hash(format!("{d:?}").as_bytes()).as_bytes()[..16]
                    .try_into()
                    .unwrap()
            })
            .collect()
    }

    /// A full build: its files by path, and its state.
    fn full(specs: &[Spec]) -> (Files, Vec<u8>) {
        let docs = docs(specs);
        let index = build(&docs, segmenter());
        let state = full_state(&index, &docs, &records(&docs), &GLOBAL).unwrap();
        (index.files.into_iter().collect(), state)
    }

    /// A patch of the output `files` (with `state`) into the index of `specs`: the files it
    /// leaves and the state it saves.
    fn patched(files: &Files, state: &[u8], specs: &[Spec]) -> Option<(Files, Vec<u8>, Patch)> {
        let docs = docs(specs);
        let patch = patch_made(&docs, &records(&docs), &GLOBAL, state, |n| {
            files.get(&shard_path(n)).cloned()
        })?;
        let mut out = BTreeMap::new();
        for &n in &patch.kept_docs {
            let path = doc_path(patch.keys[n]);
            out.insert(path.clone(), files[&path].clone());
        }
        for &n in &patch.changed_docs {
            out.insert(doc_path(patch.keys[n]), doc_file(&docs[n]));
        }
        for &n in &patch.kept_shards {
            out.insert(shard_path(n), files[&shard_path(n)].clone());
        }
        for (n, bytes) in &patch.shards {
            assert!(out.insert(shard_path(*n), bytes.clone()).is_none());
        }
        out.insert(META_PATH.to_string(), patch.meta.clone());
        Some((out, patch.state.clone(), patch))
    }

    /// Patching `before` into `after` gives a full build's files and state.
    fn assert_patch_is_full_build(before: &[Spec], after: &[Spec]) -> Patch {
        let (files, state) = full(before);
        let (expected, expected_state) = full(after);
        let (got, got_state, patch) = patched(&files, &state, after).expect("patched");
        assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
        for (path, bytes) in &expected {
            assert!(got[path] == *bytes, "{path} differs");
        }
        assert!(got_state == expected_state, "states differ");
        patch
    }

    fn corpus(n: usize) -> Vec<Spec> {
        (0..n).map(spec).collect()
    }

    #[test]
    fn adding_editing_and_removing_a_document_patch_to_a_full_build() {
        let before = corpus(300);
        let mut after = corpus(301);
        let patch = assert_patch_is_full_build(&before, &after);
        assert!(!patch.unchanged);
        assert!(patch.shard_count > 1, "{}", patch.shard_count);
        assert!(patch.changed_docs.contains(&300));
        assert!(patch.kept_docs.len() >= 290);
        assert!(!patch.shards.is_empty() && !patch.kept_shards.is_empty());

        after[17].2[0].push_str("新增一句工会驿站。");
        after[17].1 = "改过的标题".into();
        let patch = assert_patch_is_full_build(&before, &after);
        assert!(patch.changed_docs.contains(&17));
        assert_patch_is_full_build(&corpus(301), &after);

        let mut removed = corpus(300);
        removed.remove(42);
        let patch = assert_patch_is_full_build(&before, &removed);
        assert!(!patch.unchanged);
        assert!(patch.changed_docs.is_empty() || patch.kept_docs.len() == 299 - patch.changed_docs.len());
        // Order does not matter, and several changes at once patch too.
        let mut shuffled = removed.clone();
        shuffled.reverse();
        shuffled.push(spec(1000));
        shuffled[3].3.push("新标签".into());
        assert_patch_is_full_build(&before, &shuffled);
    }

    #[test]
    fn an_unchanged_corpus_keeps_every_file() {
        let specs = corpus(50);
        let patch = assert_patch_is_full_build(&specs, &specs);
        assert!(patch.unchanged);
        assert!(patch.changed_docs.is_empty() && patch.shards.is_empty());
        assert_eq!(patch.kept_docs.len(), 50);
        assert_eq!(patch.kept_shards.len(), patch.shard_count);
    }

    #[test]
    fn records_spare_fingerprints_and_a_new_record_alone_changes_no_file() {
        let specs = corpus(40);
        let (files, state) = full(&specs);
        let same = docs(&specs);
        let read = |n| files.get(&shard_path(n)).cloned();
        // Records that all changed (as when every article's keywords moved): fingerprints
        // are computed, found equal, and only the state learns the new records.
        let other: Vec<Fingerprint> = records(&same)
            .iter()
            .map(|r| {
                let mut r = *r;
                r[0] ^= 1;
                r
            })
            .collect();
        let patched = patch_made(&same, &other, &GLOBAL, &state, read).unwrap();
        assert!(patched.changed_docs.is_empty() && patched.shards.is_empty());
        let index = build(&same, segmenter());
        assert!(patched.state == full_state(&index, &same, &other, &GLOBAL).unwrap());
        // An unchanged record is trusted: the document is not looked at again.
        let mut edited = specs.clone();
        edited[3].1.push('改');
        let edited_docs = docs(&edited);
        let trusted = patch_made(&edited_docs, &records(&same), &GLOBAL, &state, read).unwrap();
        assert!(trusted.changed_docs.is_empty());
        let noticed = patch_made(&edited_docs, &records(&edited_docs), &GLOBAL, &state, read).unwrap();
        assert_eq!(noticed.changed_docs, [3]);
    }

    #[test]
    fn a_document_pushed_along_colliding_keys_patches_too() {
        let key = |url: &str| doc_keys(&[url]).1[0];
        let before = corpus(20);
        let urls = |specs: &[Spec]| -> Vec<String> { specs.iter().map(|s| s.0.clone()).collect() };
        let keys_of = |urls: &[String]| doc_keys(&urls.iter().map(String::as_str).collect::<Vec<_>>()).1;
        let taken = keys_of(&urls(&before));
        // A new URL that takes an existing document's key, pushing it to the next one.
        let url = (0..10_000)
            .map(|n| format!("/articles/c{n}/"))
            .find(|u| {
                let mut all = urls(&before);
                all.push(u.clone());
                keys_of(&all)[..20] != taken[..]
            })
            .unwrap();
        let mut after = before.clone();
        after.push((
            url,
            "撞键的文章".into(),
            vec!["撞键正文内容".to_string()].into(),
            vec![],
        ));
        let patch = assert_patch_is_full_build(&before, &after);
        assert!(patch.changed_docs.contains(&20));
        // And removing the first of the run moves the other back.
        let home = before.iter().position(|s| key(&s.0) == key(&after[20].0)).unwrap();
        let mut removed = after.clone();
        removed.remove(home);
        assert_patch_is_full_build(&after, &removed);
    }

    #[test]
    fn removed_keys_have_known_terms_only_when_their_document_moved_unchanged() {
        let posting = |key: u64| Posting {
            shard: 0,
            fnv: 0,
            key,
            packed: 0,
            text: "x".into(),
        };
        let added = vec![(vec![posting(7), posting(3)], vec![0]), (vec![posting(5)], vec![0])];
        let fingerprints = [[1; 16], [2; 16]];
        let state = |key: u32, fingerprint: Fingerprint| DocState {
            key,
            record: [0; 16],
            fingerprint,
            shards: &[],
        };
        let (moved, other_moved, edited) = (state(40, [2; 16]), state(41, [1; 16]), state(42, [9; 16]));
        let known = known_removals(&[&moved, &other_moved], &fingerprints, &added).unwrap();
        assert_eq!(known.terms, [3, 5, 7]);
        assert_eq!(known.keys, [41, 40, 41]);
        let context = ShardContext {
            shard_count: 1,
            key_space: 64,
            removed_keys: &[40, 41],
            known: Some(&known),
        };
        assert_eq!(context.removals(5), (&[40][..], true));
        assert_eq!(context.removals(6), (&[][..], true));
        // An edited or deleted document's previous terms are not known: every list is read.
        assert!(known_removals(&[&moved, &edited], &fingerprints, &added).is_none());
        let context = ShardContext { known: None, ..context };
        assert_eq!(context.removals(6), (&[40, 41][..], false));
    }

    #[test]
    fn crossing_the_key_space_or_the_shard_count_builds_in_full() {
        // 32 documents fit 64 keys, 33 need 128.
        let (files, state) = full(&corpus(32));
        assert!(patched(&files, &state, &corpus(31)).is_some());
        assert!(patched(&files, &state, &corpus(33)).is_none());
        // Documents of many distinct words: the second shard comes with the third document.
        let wordy = |n: usize| -> Spec {
            let words: Vec<String> = (0..250).map(|k| format!("w{n}x{k}")).collect();
            (
                format!("/w/{n}/"),
                format!("第{n}"),
                vec![words.join(" ")].into(),
                vec![],
            )
        };
        let two: Vec<Spec> = (0..2).map(wordy).collect();
        let three: Vec<Spec> = (0..3).map(wordy).collect();
        let (files, state) = full(&two);
        assert_eq!(
            full(&three)
                .0
                .keys()
                .filter(|p| p.starts_with("search/shards/"))
                .count(),
            2
        );
        assert_eq!(files.keys().filter(|p| p.starts_with("search/shards/")).count(), 1);
        assert!(patched(&files, &state, &three).is_none());
        assert!(patched(&files, &state, &two[..1]).is_some());
    }

    #[test]
    fn too_many_changes_build_in_full() {
        let before = corpus(200);
        let (files, state) = full(&before);
        let mut after = before.clone();
        for s in after.iter_mut().take(30) {
            s.1.push('改');
        }
        assert!(patched(&files, &state, &after).is_none());
        assert!(patched(&files, &state, &after[10..]).is_none());
        after.truncate(190);
        assert!(patched(&files, &state, &before[..190]).is_some());
    }

    #[test]
    fn a_damaged_or_foreign_state_or_shard_builds_in_full() {
        let before = corpus(60);
        let after = corpus(61);
        let (files, state) = full(&before);
        let docs = docs(&after);
        let records = records(&docs);
        let try_patch = |state: &[u8], global: &[u8; 32], files: &Files| {
            patch_made(&docs, &records, global, state, |n| files.get(&shard_path(n)).cloned())
        };
        assert!(try_patch(&state, &GLOBAL, &files).is_some());
        assert!(
            try_patch(&state, &[8; 32], &files).is_none(),
            "another tool or dictionary"
        );
        for at in [0, 9, 60, state.len() / 2, state.len() - 1] {
            let mut damaged = state.clone();
            damaged[at] ^= 1;
            assert!(try_patch(&damaged, &GLOBAL, &files).is_none(), "byte {at}");
        }
        for len in [0, 10, state.len() - 33, state.len() - 1] {
            assert!(try_patch(&state[..len], &GLOBAL, &files).is_none(), "{len} bytes");
        }
        // The state's checksum is fine but the shards it describes are not what it says.
        let touched = try_patch(&state, &GLOBAL, &files).unwrap().shards[0].0;
        let mut edited = files.clone();
        edited.get_mut(&shard_path(touched)).unwrap().push(b' ');
        assert!(try_patch(&state, &GLOBAL, &edited).is_none());
        edited.remove(&shard_path(touched));
        assert!(try_patch(&state, &GLOBAL, &edited).is_none());
    }

    #[test]
    fn shards_that_do_not_decode_are_refused() {
        assert_eq!(shard_entries(b"{}"), Some(vec![]));
        assert_eq!(
            shard_entries(br#"{"ab":"AB","5g":"C"}"#),
            Some(vec![("ab", &b"AB"[..]), ("5g", &b"C"[..])])
        );
        for bad in [
            &b""[..],
            b"{",
            br#"{"a":"B",}"#,
            br#"{"":"B"}"#,
            br#"{"a\"":"B"}"#,
            br#"{"a""B"}"#,
        ] {
            assert_eq!(shard_entries(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        let packed = [1, (5 << 7) | 3, (40 << 7) | 99];
        let encoded = encode_packed(&packed);
        let keys = |text: &[u8], key_space| {
            let mut keys = Vec::new();
            for_each_key(text, key_space, |k| keys.push(k)).map(|_| keys)
        };
        assert_eq!(keys(&encoded, 64), Some(vec![0, 5, 40]));
        assert_eq!(keys(b"BhD", 64), Some(vec![0]), "weight 99");
        // What every reader refuses (splice reads to the end while a key to remove lies past it).
        let splice_of = |text: &[u8], key_space| {
            let mut out = Vec::new();
            splice(text, key_space, (&[63], false), &[], &mut out).map(|_| out)
        };
        assert_eq!(splice_of(&encoded, 64), Some(encoded.clone()));
        for (bad, why) in [
            (&encoded[..], "key beyond the key space"),
            (b"B", "weight missing"),
            (b"g", "number not finished"),
            (b"A!", "not a digit"),
            (b"BiD", "weight too big"),
        ] {
            let key_space = if why.starts_with("key") { 40 } else { 64 };
            assert_eq!(keys(bad, key_space), None, "{why}");
            assert_eq!(splice_of(bad, key_space), None, "{why}");
        }
        // A key added that the list keeps is refused (a full build would not hold it twice).
        let mut out = Vec::new();
        assert_eq!(splice(&encoded, 64, (&[], false), &[(5 << 7) | 1], &mut out), None);
        // A key the state says a list holds must be there.
        assert_eq!(splice(&encoded, 64, (&[5], true), &[], &mut out), Some(()));
        assert_eq!(decode_postings(std::str::from_utf8(&out).unwrap()), [(0, 1), (40, 99)]);
        for missing in [[4], [6], [63]] {
            assert_eq!(
                splice(&encoded, 64, (&missing, true), &[], &mut Vec::new()),
                None,
                "{missing:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn splicing_equals_encoding_the_edited_list(
            old in proptest::collection::btree_map(0u32..300, 0u32..=99, 0..60),
            removed in proptest::collection::btree_set(0u32..300, 0..5),
            added in proptest::collection::btree_map(0u32..300, 0u32..=99, 0..5),
        ) {
            let pack = |(k, w): (&u32, &u32)| (k << 7) | w;
            let kept: BTreeMap<u32, u32> =
                old.iter().filter(|(k, _)| !removed.contains(k)).map(|(k, w)| (*k, *w)).collect();
            let added: BTreeMap<u32, u32> =
                added.into_iter().filter(|(k, _)| !kept.contains_key(k)).collect();
            let mut expected = kept.clone();
            expected.extend(&added);
            let removed_keys: Vec<u32> = removed.iter().copied().collect();
            let all_there = removed.iter().all(|k| old.contains_key(k));
            let old: Vec<u32> = old.iter().map(pack).collect();
            let added: Vec<u32> = added.iter().map(pack).collect();
            let expected = encode_packed(&expected.iter().map(pack).collect::<Vec<_>>());
            let mut out = Vec::new();
            proptest::prop_assert!(splice(&encode_packed(&old), 512, (&removed_keys, false), &added, &mut out).is_some());
            proptest::prop_assert_eq!(&out, &expected);
            // Keys that must be there: the same bytes, or None when one is not.
            out.clear();
            let strict = splice(&encode_packed(&old), 512, (&removed_keys, true), &added, &mut out);
            proptest::prop_assert_eq!(strict.is_some(), all_there);
            if all_there {
                proptest::prop_assert_eq!(&out, &expected);
            }
        }
    }

    #[test]
    fn shard_sets_round_trip_as_bitsets_or_gap_lists() {
        for (shards, count) in [
            (vec![], 1),
            (vec![0], 1),
            (vec![0, 3, 4, 5, 6, 7], 8),
            (vec![1, 2000, 2047], 2048),
            ((0..2048).step_by(3).collect(), 2048),
            (vec![5, 2047, 2048, 9000, 16_383], 16_384),
        ] {
            let mut raw = Vec::new();
            encode_set(&shards, count, &mut raw);
            assert_eq!(decode_set(&raw, count), Some(shards.clone()), "{count}");
            assert!(raw.len() <= count.div_ceil(SET_GROUP) * (SET_GROUP / 8 + 1));
        }
        // Dense: a bitset; sparse: gaps.
        let mut raw = Vec::new();
        encode_set(&(0..2048).step_by(3).collect::<Vec<_>>(), 2048, &mut raw);
        assert_eq!((raw[0], raw.len()), (0, 257));
        raw.clear();
        encode_set(&[1, 2000], 2048, &mut raw);
        assert_eq!(raw, [1, 2, 1, 0x80 | (1998 & 0x7F) as u8, (1998 >> 7) as u8]);
        assert_eq!(decode_set(&[1, 1, 8], 8), None, "beyond the shard count");
        assert_eq!(decode_set(&[0, 1, 0], 8), None, "trailing bytes");
        assert_eq!(decode_set(&[2], 8), None);
    }
}
