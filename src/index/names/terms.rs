//! A segment column's values in ordinal order, read from its dictionary once per commit: a
//! server names the counted values of every facet search without decoding the dictionary again.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;

/// Every value of one column of one segment, by ordinal.
pub(crate) struct ColumnTerms {
    text: String,
    /// Where each value ends in `text`: value `ord` is `text[ends[ord - 1]..ends[ord]]`.
    ends: Vec<usize>,
}

impl ColumnTerms {
    fn read(column: &StrColumn) -> std::io::Result<ColumnTerms> {
        let mut terms = ColumnTerms {
            text: String::new(),
            ends: Vec::with_capacity(column.num_terms()),
        };
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            // A dictionary streams its terms in ordinal order, so the ends line up with them.
            terms.text.push_str(&String::from_utf8_lossy(stream.key()));
            terms.ends.push(terms.text.len());
        }
        Ok(terms)
    }

    /// The value of ordinal `ord`, if the column has it.
    pub(crate) fn get(&self, ord: u64) -> Option<&str> {
        let ord = usize::try_from(ord).ok()?;
        let end = *self.ends.get(ord)?;
        let start = ord.checked_sub(1).map_or(0, |before| self.ends[before]);
        self.text.get(start..end)
    }
}

/// The columns read so far, by segment and column name; kept with a commit's name book.
#[derive(Default)]
pub(crate) struct KeptTerms(Mutex<FxHashMap<(SegmentId, &'static str), Arc<ColumnTerms>>>);

impl KeptTerms {
    /// The values of `column` of `segment`, when they were read for this commit: a server reads
    /// them ([`KeptTerms::read`]) since it answers many searches with one book, while a single
    /// search names its few counted values more cheaply from the dictionary itself.
    pub(crate) fn of(&self, segment: SegmentId, name: &'static str) -> Option<Arc<ColumnTerms>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(segment, name)).cloned()
    }

    /// Whether some column of `segment` was read.
    pub(crate) fn has_segment(&self, segment: SegmentId) -> bool {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.keys().any(|(read, _)| *read == segment)
    }

    /// Reads the values of `column` (named `name`) of `segment`, unless they were before.
    pub(crate) fn read(
        &self,
        segment: SegmentId,
        name: &'static str,
        column: &StrColumn,
    ) -> std::io::Result<()> {
        if self.of(segment, name).is_some() {
            return Ok(());
        }
        let terms = Arc::new(ColumnTerms::read(column)?);
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry((segment, name)).or_insert(terms);
        Ok(())
    }
}
