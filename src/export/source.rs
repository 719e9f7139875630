//! Reading articles back from the index a segment at a time, in document order and in chunks,
//! so that an export holds one chunk of documents however large the index.

use tantivy::columnar::{Column, StrColumn};
use tantivy::schema::Value as _;
use tantivy::store::StoreReader;
use tantivy::{DocId, SegmentReader, TantivyDocument};

use super::document::{Document, NAMES};
use crate::error::Result;
use crate::index::Fields;
use crate::index::schema::{Span, day_from_number, field};
use crate::query::column_values;

/// Documents read together: their names are looked up in one ordered pass over each dictionary.
const CHUNK: usize = 512;

/// The columns and document store of one segment.
pub(crate) struct SegmentSource<'a> {
    fields: &'a Fields,
    store: StoreReader,
    paths: Option<StrColumn>,
    names: Vec<Option<StrColumn>>,
    published: Column<i64>,
    spans: Column<i64>,
}

impl<'a> SegmentSource<'a> {
    pub(crate) fn open(segment: &SegmentReader, fields: &'a Fields) -> Result<Self> {
        let fast = segment.fast_fields();
        Ok(SegmentSource {
            fields,
            // Documents are read in order: one decompressed block serves all of its documents.
            store: segment
                .get_store_reader(1)
                .map_err(tantivy::TantivyError::from)?,
            paths: fast.str(field::PATH)?,
            names: NAMES
                .iter()
                .map(|name| fast.str(name))
                .collect::<tantivy::Result<_>>()?,
            published: fast.i64(field::PUBLISHED)?,
            spans: fast.i64(field::DATE_SPANS)?,
        })
    }

    /// Hands each of `docs` (in increasing order) to `each` as a [`Document`].
    pub(crate) fn for_each(
        &self,
        docs: impl Iterator<Item = DocId>,
        each: &mut dyn FnMut(&Document) -> Result<()>,
    ) -> Result<()> {
        let mut docs = docs.peekable();
        let mut chunk = Vec::with_capacity(CHUNK);
        while docs.peek().is_some() {
            chunk.clear();
            chunk.extend(docs.by_ref().take(CHUNK));
            self.chunk(&chunk, each)?;
        }
        Ok(())
    }

    fn chunk(&self, docs: &[DocId], each: &mut dyn FnMut(&Document) -> Result<()>) -> Result<()> {
        let values = |column: &Option<StrColumn>| -> Result<Vec<Vec<String>>> {
            match column {
                Some(column) => column_values(column, docs),
                // A segment in which no article had a value may lack the column.
                None => Ok(vec![Vec::new(); docs.len()]),
            }
        };
        let mut paths = values(&self.paths)?.into_iter();
        let mut names: Vec<_> = self
            .names
            .iter()
            .map(|c| values(c).map(Vec::into_iter))
            .collect::<Result<_>>()?;
        let mut document = Document::default();
        for &doc in docs {
            let stored: TantivyDocument = self.store.get(doc)?;
            let text = |field| crate::query::first_str(&stored, field).to_string();
            document.path = paths.next().unwrap_or_default().pop().unwrap_or_default();
            document.title = text(self.fields.title);
            document.body = text(self.fields.body);
            for (values, column) in document.names.iter_mut().zip(&mut names) {
                *values = column.next().unwrap_or_default();
            }
            document.published = self.published.first(doc).and_then(day_from_number);
            document.dates = self
                .spans
                .values_for_doc(doc)
                .filter_map(Span::from_code)
                .collect();
            document.meta = meta(&stored, self.fields);
            each(&document)?;
        }
        Ok(())
    }
}

/// The front matter kept with an article, as a JSON object of strings.
fn meta(stored: &TantivyDocument, fields: &Fields) -> serde_json::Map<String, serde_json::Value> {
    let Some(object) = stored.get_first(fields.meta).and_then(|v| v.as_object()) else {
        return serde_json::Map::new();
    };
    object
        .filter_map(|(key, value)| {
            let value = value.as_str()?;
            Some((
                key.to_string(),
                serde_json::Value::String(value.to_string()),
            ))
        })
        .collect()
}

/// Drops the pages of a segment's files from the process's resident set once the segment is
/// exported. The index is memory-mapped, and pages read stay counted in the process until it
/// unmaps them, so without this an export would hold as much memory as the index is large; the
/// pages stay in the page cache, and would simply be read again if touched.
#[cfg(unix)]
pub(crate) fn release(index: &tantivy::Index, segment: &SegmentReader) {
    use tantivy::index::SegmentComponent;
    let Ok(segments) = index.searchable_segments() else {
        return;
    };
    let Some(found) = segments.iter().find(|s| s.id() == segment.segment_id()) else {
        return;
    };
    // SAFETY: sysconf only reads a system constant.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
    for component in [
        SegmentComponent::Store,
        SegmentComponent::FastFields,
        SegmentComponent::Terms,
        SegmentComponent::Postings,
    ] {
        let Some(bytes) = found
            .open_read(component)
            .ok()
            .and_then(|file| file.read_bytes().ok())
        else {
            continue;
        };
        let (start, len) = (bytes.as_slice().as_ptr() as usize, bytes.len());
        let first = start.next_multiple_of(page);
        let end = (start + len) / page * page;
        if end > first {
            // SAFETY: the range lies inside a read-only mapping of an index file that `bytes`
            // keeps mapped; MADV_DONTNEED on it only drops pages, which are read back from
            // the unchanged file if touched again, so no byte anyone sees changes.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_DONTNEED);
            }
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn release(_: &tantivy::Index, _: &SegmentReader) {}
