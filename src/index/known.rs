//! What the index holds for each article file (size, modification time, content hash), read
//! from fast columns only, so that telling changed files from unchanged ones reads no document.

use std::collections::HashMap;

use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, IndexReader, Searcher, SegmentReader, TantivyError, Term};

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

    /// What the index holds for one article, if anything.
    pub(crate) fn known_one(&self, searcher: &Searcher, key: &str) -> Result<Option<Known>> {
        let term = Term::from_field_text(self.fields.path, key);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let docs = searcher.search(&query, &DocSetCollector)?;
        let Some(address) = docs.into_iter().next() else {
            return Ok(None);
        };
        let columns = KnownColumns::open(searcher.segment_reader(address.segment_ord))?;
        Ok(Some(columns.get(address.doc_id)))
    }
}
