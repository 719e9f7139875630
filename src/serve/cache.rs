//! A cache of whole JSON responses for the commit being served, bounded by bytes and emptied
//! whenever the reader moves to another commit or the alias rules change: the idea of
//! Elasticsearch's shard request cache and Solr's queryResultCache, for a read-only server.

use std::sync::Mutex;

use axum::body::Bytes;
use lru::LruCache;

/// What a response was computed from: the reader's generation (one per commit loaded) and
/// the version of the alias rules. A response is served again only for the same stamp.
pub(crate) type Stamp = (u64, u64);

/// Bytes counted for an entry beyond its key and body: the list links and the map slot.
const ENTRY_OVERHEAD: usize = 96;
/// No single response may take more than this share of the budget, so that one large page
/// does not push out many small ones.
const LARGEST_SHARE: usize = 8;

pub(crate) struct Responses {
    budget: usize,
    kept: Mutex<Kept>,
}

struct Kept {
    at: Stamp,
    bytes: usize,
    entries: LruCache<String, Bytes>,
}

impl Responses {
    /// A cache holding at most `budget` bytes of keys and responses; 0 keeps nothing.
    pub fn new(budget: usize) -> Responses {
        Responses {
            budget,
            kept: Mutex::new(Kept {
                at: (0, 0),
                bytes: 0,
                entries: LruCache::unbounded(),
            }),
        }
    }

    /// The response to `key` computed at `at`, if it is still kept.
    pub fn get(&self, at: Stamp, key: &str) -> Option<Bytes> {
        if self.budget == 0 {
            return None;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        match kept.at == at {
            true => kept.entries.get(key).cloned(),
            false => None,
        }
    }

    /// Keeps the response to `key` computed at `at`, dropping the least recently used ones as
    /// needed. A response from a later stamp than the kept ones replaces them all; one from
    /// an earlier stamp (a request that started before a reload) is not kept.
    pub fn put(&self, at: Stamp, key: String, body: Bytes) {
        let cost = key.len() + body.len() + ENTRY_OVERHEAD;
        if cost > self.budget / LARGEST_SHARE {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if at < kept.at {
            return;
        }
        if at > kept.at {
            kept.entries.clear();
            kept.bytes = 0;
            kept.at = at;
        }
        if let Some(old) = kept.entries.pop(&key) {
            kept.bytes -= key.len() + old.len() + ENTRY_OVERHEAD;
        }
        while kept.bytes + cost > self.budget {
            match kept.entries.pop_lru() {
                Some((k, b)) => kept.bytes -= k.len() + b.len() + ENTRY_OVERHEAD,
                None => break,
            }
        }
        kept.bytes += cost;
        kept.entries.put(key, body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn a_response_is_served_again_only_for_its_own_stamp() {
        let cache = Responses::new(1 << 20);
        cache.put((1, 0), "q".into(), body(10));
        assert_eq!(cache.get((1, 0), "q"), Some(body(10)));
        assert_eq!(cache.get((2, 0), "q"), None);
        assert_eq!(cache.get((1, 1), "q"), None);
        // A later commit empties the cache; a late answer for the earlier one is not kept.
        cache.put((2, 0), "r".into(), body(10));
        cache.put((1, 0), "s".into(), body(10));
        assert_eq!(cache.get((1, 0), "q"), None);
        assert_eq!(cache.get((2, 0), "r"), Some(body(10)));
        assert_eq!(cache.get((2, 0), "s"), None);
    }

    #[test]
    fn the_budget_bounds_the_bytes_kept_dropping_the_least_recently_used() {
        let entry = 1000 + 1 + ENTRY_OVERHEAD;
        let cache = Responses::new(8 * entry + 10);
        for key in ["a", "b", "c", "d", "e", "f", "g", "h"] {
            cache.put((1, 0), key.into(), body(1000));
        }
        assert!(cache.get((1, 0), "a").is_some());
        cache.put((1, 0), "i".into(), body(1000));
        // "a" was used since "b" was added, so "b" went.
        assert!(cache.get((1, 0), "b").is_none());
        assert!(cache.get((1, 0), "a").is_some());
        assert!(cache.get((1, 0), "i").is_some());
        assert!(cache.kept.lock().unwrap().bytes <= 8 * entry + 10);
        // Too large a share of the budget is never kept; a budget of 0 keeps nothing.
        cache.put((1, 0), "big".into(), body(2 * entry));
        assert!(cache.get((1, 0), "big").is_none());
        let off = Responses::new(0);
        off.put((1, 0), "a".into(), body(1));
        assert!(off.get((1, 0), "a").is_none());
    }
}
