//! What a previous export sent, kept in a state file so that the next one sends only what
//! changed: one line per article with the content hash the index holds for it (the hash
//! `gazette index` tells edits by), sorted by key. Comparing walks that file and the index's
//! keys in the same order, so memory does not grow with the archive.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::columnar::Column;
use tantivy::postings::SegmentPostings;
use tantivy::schema::IndexRecordOption;
use tantivy::termdict::TermStreamer;
use tantivy::{DocId, DocSet, InvertedIndexReader, Searcher, TERMINATED};

use super::Target;
use crate::error::{Error, Result};
use crate::index::schema::{FORMAT, field};

/// The first line of a state file.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    /// The version of this file's layout.
    gazette_export_state: u32,
    target: Target,
    /// The index format the documents were read from: another one may have extracted other
    /// values from the same text, so everything is sent again.
    index_format: u32,
}

const LAYOUT: u32 = 1;

/// One article of a state file: its key and content hash (hex, which any JSON reader keeps
/// exactly).
#[derive(Debug, Serialize, Deserialize)]
struct Line(String, String);

/// Why an article the target holds must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Removal {
    /// Its file is gone from the index.
    Gone,
    /// It changed, and is sent again.
    Replaced,
}

/// A previous export's state file, read line by line.
pub(crate) struct Previous {
    path: PathBuf,
    lines: std::io::Lines<Box<dyn BufRead>>,
    /// False when the state is for another index format: every article is then sent again.
    hashes_hold: bool,
    last: Option<String>,
}

impl Previous {
    /// Reads the header of the state in `reader`, written by an export to `target`.
    pub(crate) fn open(path: &Path, reader: Box<dyn BufRead>, target: Target) -> Result<Previous> {
        let mut lines = reader.lines();
        let not_state = || Error::ExportState {
            path: path.to_path_buf(),
            detail: "not a gazette export state file".into(),
        };
        let first = lines
            .next()
            .ok_or_else(not_state)?
            .map_err(|e| Error::io(path, e))?;
        let header: Header = serde_json::from_str(&first).map_err(|_| not_state())?;
        if header.gazette_export_state != LAYOUT {
            return Err(not_state());
        }
        if header.target != target {
            return Err(Error::ExportState {
                path: path.to_path_buf(),
                detail: format!(
                    "it records an export to {}, not to {}",
                    header.target.name(),
                    target.name()
                ),
            });
        }
        Ok(Previous {
            path: path.to_path_buf(),
            lines,
            hashes_hold: header.index_format == FORMAT,
            last: None,
        })
    }

    fn next(&mut self) -> Result<Option<(String, u64)>> {
        let Some(line) = self.lines.next() else {
            return Ok(None);
        };
        let damaged = |detail: String| Error::ExportState {
            path: self.path.clone(),
            detail,
        };
        let line = line.map_err(|e| Error::io(&self.path, e))?;
        let Line(key, hash) = serde_json::from_str(&line).map_err(|e| damaged(e.to_string()))?;
        let hash = u64::from_str_radix(&hash, 16).map_err(|e| damaged(e.to_string()))?;
        if self.last.as_ref().is_some_and(|last| *last >= key) {
            return Err(damaged("its keys are out of order".into()));
        }
        self.last = Some(key.clone());
        // A hash that cannot match makes the article count as changed.
        Ok(Some((key, if self.hashes_hold { hash } else { !0 })))
    }
}

/// Writes a state file: the header, then one line per article, in key order.
pub(crate) struct NextState<'w> {
    out: &'w mut dyn Write,
}

impl<'w> NextState<'w> {
    pub(crate) fn start(out: &'w mut dyn Write, target: Target) -> Result<NextState<'w>> {
        let header = Header {
            gazette_export_state: LAYOUT,
            target,
            index_format: FORMAT,
        };
        serde_json::to_writer(&mut *out, &header)?;
        out.write_all(b"\n").map_err(Error::Output)?;
        Ok(NextState { out })
    }

    fn add(&mut self, key: &str, hash: u64) -> Result<()> {
        serde_json::to_writer(
            &mut *self.out,
            &Line(key.to_string(), format!("{hash:016x}")),
        )?;
        self.out.write_all(b"\n").map_err(Error::Output)
    }
}

/// The articles of each segment to send, by document id.
pub(crate) type Chosen = Vec<Vec<bool>>;

/// Compares the index with `previous` (None: nothing was sent before): writes every article
/// of the index to `next`, hands each article to remove to `remove`, and returns the articles
/// to send.
pub(crate) fn compare(
    searcher: &Searcher,
    path_field: tantivy::schema::Field,
    mut previous: Option<Previous>,
    next: &mut NextState,
    remove: &mut dyn FnMut(&str, Removal) -> Result<()>,
) -> Result<Chosen> {
    let mut chosen: Chosen = searcher
        .segment_readers()
        .iter()
        .map(|s| vec![false; s.max_doc() as usize])
        .collect();
    let inverted = searcher
        .segment_readers()
        .iter()
        .map(|s| s.inverted_index(path_field))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut keys = IndexKeys::open(searcher, &inverted)?;
    let mut old = match &mut previous {
        Some(p) => p.next()?,
        None => None,
    };
    let mut new = keys.next()?;
    loop {
        let order = match (&old, &new) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((o, _)), Some(n)) => o.as_str().cmp(&n.key),
        };
        if order != Ordering::Greater {
            let (key, hash) = old.take().expect("an old key is compared");
            match &new {
                Some(n) if order == Ordering::Equal => {
                    if n.hash != hash {
                        remove(&key, Removal::Replaced)?;
                        chosen[n.segment][n.doc as usize] = true;
                    }
                }
                _ => remove(&key, Removal::Gone)?,
            }
            old = match &mut previous {
                Some(p) => p.next()?,
                None => None,
            };
        } else if let Some(n) = &new {
            chosen[n.segment][n.doc as usize] = true;
        }
        if order != Ordering::Less {
            let n = new.take().expect("a new key is compared");
            next.add(&n.key, n.hash)?;
            new = keys.next()?;
        }
    }
    Ok(chosen)
}

/// An article of the index, as met in key order.
struct Keyed {
    key: String,
    segment: usize,
    doc: DocId,
    hash: u64,
}

/// The keys of all live articles of the index in order: the sorted key dictionaries of the
/// segments merged, one key of each segment held at a time.
struct IndexKeys<'a> {
    segments: Vec<SegmentKeys<'a>>,
    heads: BinaryHeap<Reverse<(Vec<u8>, usize, DocId)>>,
}

struct SegmentKeys<'a> {
    inverted: &'a InvertedIndexReader,
    terms: TermStreamer<'a>,
    hashes: Column<u64>,
    alive: Box<dyn Fn(DocId) -> bool>,
}

impl<'a> IndexKeys<'a> {
    /// The keys of the segments of `searcher`, whose key fields are `inverted`.
    fn open(searcher: &Searcher, inverted: &'a [Arc<InvertedIndexReader>]) -> Result<Self> {
        let mut keys = IndexKeys {
            segments: Vec::new(),
            heads: BinaryHeap::new(),
        };
        for (segment, inverted) in searcher.segment_readers().iter().zip(inverted) {
            let terms = inverted
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            let alive = segment.alive_bitset().cloned();
            keys.segments.push(SegmentKeys {
                inverted,
                terms,
                hashes: segment.fast_fields().u64(field::HASH)?,
                alive: Box::new(move |doc| alive.as_ref().is_none_or(|a| a.is_alive(doc))),
            });
        }
        for at in 0..keys.segments.len() {
            keys.advance(at)?;
        }
        Ok(keys)
    }

    /// Moves segment `at` to its next key with a live article.
    fn advance(&mut self, at: usize) -> Result<()> {
        let segment = &mut self.segments[at];
        while segment.terms.advance() {
            let info = segment.terms.value().clone();
            let mut docs: SegmentPostings = segment
                .inverted
                .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            while docs.doc() != TERMINATED {
                if (segment.alive)(docs.doc()) {
                    let key = segment.terms.key().to_vec();
                    self.heads.push(Reverse((key, at, docs.doc())));
                    return Ok(());
                }
                docs.advance();
            }
        }
        Ok(())
    }

    fn next(&mut self) -> Result<Option<Keyed>> {
        let Some(Reverse((key, segment, doc))) = self.heads.pop() else {
            return Ok(None);
        };
        self.advance(segment)?;
        // One live article per key is what indexing keeps; should two segments both hold one,
        // the first is taken and the other passed over rather than sent twice.
        while self
            .heads
            .peek()
            .is_some_and(|Reverse((k, _, _))| *k == key)
        {
            let Some(Reverse((_, other, _))) = self.heads.pop() else {
                break;
            };
            self.advance(other)?;
        }
        Ok(Some(Keyed {
            key: String::from_utf8_lossy(&key).into_owned(),
            segment,
            doc,
            hash: self.segments[segment].hashes.first(doc).unwrap_or_default(),
        }))
    }
}
