//! Answers to requests that read no file, kept for the next identical request: such an
//! answer depends on the request alone (the embedded data and reference tables are part of
//! the binary), so it can be served again as it was rendered. Bounded in entries and bytes;
//! the oldest go first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// A rendered answer: its text and its `Hallyu-Problem` header, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    /// The body.
    pub text: String,
    /// The problem header's value.
    pub problem: Option<String>,
}

/// The cache.
pub struct ResponseCache {
    max_entries: usize,
    max_bytes: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Cached>,
    order: VecDeque<String>,
    bytes: usize,
}

impl ResponseCache {
    /// Room for `max_entries` answers of `max_bytes` in all.
    pub fn new(max_entries: usize, max_bytes: usize) -> ResponseCache {
        ResponseCache {
            max_entries,
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The answer kept for `key`.
    pub fn get(&self, key: &str) -> Option<Cached> {
        self.lock().map.get(key).cloned()
    }

    /// Keeps `answer` for `key` (an answer larger than the whole cache is not kept).
    pub fn put(&self, key: String, answer: Cached) {
        let size = key.len() + answer.text.len();
        if size > self.max_bytes || self.max_entries == 0 {
            return;
        }
        let mut i = self.lock();
        if i.map.contains_key(&key) {
            return;
        }
        while i.map.len() >= self.max_entries || i.bytes + size > self.max_bytes {
            let Some(old) = i.order.pop_front() else {
                break;
            };
            if let Some(a) = i.map.remove(&old) {
                i.bytes -= old.len() + a.text.len();
            }
        }
        i.bytes += size;
        i.order.push_back(key.clone());
        i.map.insert(key, answer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(n: usize) -> Cached {
        Cached {
            text: "x".repeat(n),
            problem: None,
        }
    }

    #[test]
    fn bounded_in_entries_and_bytes_oldest_first() {
        let c = ResponseCache::new(2, 100);
        c.put("a".into(), answer(10));
        c.put("b".into(), answer(10));
        c.put("c".into(), answer(10));
        assert!(c.get("a").is_none());
        assert!(c.get("b").is_some() && c.get("c").is_some());
        c.put("d".into(), answer(90));
        assert!(c.get("b").is_none() && c.get("c").is_none());
        assert_eq!(c.get("d"), Some(answer(90)));
        c.put("huge".into(), answer(1_000));
        assert!(c.get("huge").is_none());
    }
}
