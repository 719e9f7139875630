//! What the index holds for each article file (size, modification time, content hash), read
//! from fast columns only, so that telling changed files from unchanged ones reads no document.

use std::collections::HashMap;

use tantivy::columnar::Column;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, IndexReader, Searcher, SegmentReader, TERMINATED, TantivyError};

use super::opened::GazetteIndex;
use super::schema::field;
use crate::error::{Error, Result};

/// What the index holds for one article, enough to tell whether its file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Known {
    pub(crate) size: u64,
    pub(crate) mtime: i64,
    pub(crate) hash: u64,
}

/// The columns of one segment that [`Known`] values are read from.
struct KnownColumns {
    size: Column<u64>,
    mtime: Column<i64>,
    hash: Column<u64>,
}

impl KnownColumns {
    fn open(segment: &SegmentReader) -> Result<KnownColumns> {
        let fast = segment.fast_fields();
        Ok(KnownColumns {
            size: fast.u64(field::SIZE)?,
            mtime: fast.i64(field::MTIME)?,
            hash: fast.u64(field::HASH)?,
        })
    }

    fn get(&self, doc: DocId) -> Known {
        Known {
            size: self.size.first(doc).unwrap_or_default(),
            mtime: self.mtime.first(doc).unwrap_or_default(),
            hash: self.hash.first(doc).unwrap_or_default(),
        }
    }
}

impl GazetteIndex {
    /// What the index holds for each article, by key.
    pub(crate) fn known(&self, reader: &IndexReader) -> Result<HashMap<String, Known>> {
        let searcher = reader.searcher();
        let mut known = HashMap::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let paths = segment
                .fast_fields()
                .str(field::PATH)?
                .ok_or_else(|| TantivyError::FieldNotFound(field::PATH.into()))?;
            let columns = KnownColumns::open(segment)?;
            // The dictionary is read once, in order: looking each ord up on its own would
            // decompress a block per document (most of a million-file no-op run).
            let mut keys = Vec::with_capacity(paths.num_terms());
            let mut terms = paths
                .dictionary()
                .stream()
                .map_err(|e| Error::io(&self.dir, e))?;
            while let Some((key, _)) = terms.next() {
                keys.push(String::from_utf8_lossy(key).into_owned());
            }
            for doc in segment.doc_ids_alive() {
                let Some(key) = paths
                    .term_ords(doc)
                    .next()
                    .and_then(|o| keys.get(o as usize))
                else {
                    continue;
                };
                known.insert(key.clone(), columns.get(doc));
            }
        }
        Ok(known)
    }

    /// What the index holds for the article of `key` and for every article under it, as under
    /// a folder of that name (`key/...`), by key: read from the term dictionary, whose keys are
    /// in order, so the cost is that of the articles found, not of the index.
    pub(crate) fn known_under(
        &self,
        searcher: &Searcher,
        key: &str,
    ) -> Result<HashMap<String, Known>> {
        let folder = format!("{key}/");
        // Every key at or under `key` sorts from `key` to before `key0` ('0' follows '/'); so do
        // a few others, such as `key.txt` beside a folder `key`, which are passed over.
        let end = format!("{key}0");
        let mut known = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.path)?;
            let io = |e| Error::io(&self.dir, e);
            let mut terms = inverted
                .terms()
                .range()
                .ge(key)
                .lt(&end)
                .into_stream()
                .map_err(io)?;
            let mut found = Vec::new();
            while terms.advance() {
                let Ok(term) = std::str::from_utf8(terms.key()) else {
                    continue;
                };
                if term != key && !term.starts_with(&folder) {
                    continue;
                }
                let mut docs = inverted
                    .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                    .map_err(io)?;
                while docs.doc() != TERMINATED {
                    if !segment.is_deleted(docs.doc()) {
                        found.push((term.to_string(), docs.doc()));
                    }
                    docs.advance();
                }
            }
            if !found.is_empty() {
                let columns = KnownColumns::open(segment)?;
                known.extend(found.into_iter().map(|(k, doc)| (k, columns.get(doc))));
            }
        }
        Ok(known)
    }
}
