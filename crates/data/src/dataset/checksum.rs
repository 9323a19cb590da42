//! Content checksums of partition files: XXH3-64 of the file's bytes, written in the
//! manifest as `xxh3-64:<16 hex digits>`.
//!
//! XXH3 is not cryptographic: it detects a file that was changed, truncated, corrupted or
//! swapped for another, not a deliberate forgery, and it hashes at memory speed, so that
//! every read can afford to check it.

use std::hash::Hasher as _;
use std::io::Write;
use twox_hash::XxHash3_64;

/// The prefix naming the algorithm in a manifest checksum.
const PREFIX: &str = "xxh3-64:";

/// The manifest form of a hash.
fn format(hash: u64) -> String {
    format!("{PREFIX}{hash:016x}")
}

/// The checksum of bytes held in memory.
pub(crate) fn of_bytes(bytes: &[u8]) -> String {
    format(XxHash3_64::oneshot(bytes))
}

/// The hex digits of a checksum (for file names), or the whole text when it has no known
/// prefix.
pub(crate) fn digits(checksum: &str) -> &str {
    checksum.strip_prefix(PREFIX).unwrap_or(checksum)
}

/// Passes writes through to `inner` while hashing them, so a partition's checksum costs
/// no second pass over the file.
pub(crate) struct HashingWriter<W: Write> {
    inner: W,
    hasher: XxHash3_64,
    len: u64,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: XxHash3_64::new(),
            len: 0,
        }
    }

    /// The wrapped writer, the checksum of everything written and its length.
    pub(crate) fn finish(self) -> (W, String, u64) {
        let hash = self.hasher.finish();
        (self.inner, format(hash), self.len)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.write(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_and_one_shot_agree() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut w = HashingWriter::new(Vec::new());
        // Uneven pieces, as a buffered Parquet writer produces them.
        for piece in data.chunks(65_537) {
            w.write_all(piece).unwrap();
        }
        let (inner, streamed, len) = w.finish();
        assert_eq!(inner, data);
        assert_eq!(len, data.len() as u64);
        assert_eq!(streamed, of_bytes(&data));
        assert!(streamed.starts_with("xxh3-64:") && digits(&streamed).len() == 16);
    }

    #[test]
    fn one_changed_byte_changes_the_checksum() {
        let mut data = vec![0u8; 10_000];
        let a = of_bytes(&data);
        data[5_000] = 1;
        assert_ne!(a, of_bytes(&data));
    }
}
