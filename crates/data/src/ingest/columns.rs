//! Header handling shared by the CSV layouts with named columns (UNCTADstat, series).

use crate::{nearest, DataError, Result};

/// A file's header, looked up case-insensitively.
pub(crate) struct Header {
    pub(crate) names: Vec<String>,
    file: String,
}

impl Header {
    pub(crate) fn new(record: &csv::ByteRecord, file: &str) -> Header {
        let names = record
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        Header {
            names,
            file: file.to_string(),
        }
    }

    /// The position of the first of `names` the header has.
    pub(crate) fn find(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|want| self.names.iter().position(|n| n.eq_ignore_ascii_case(want)))
    }

    /// As `find`, or an error naming the file, the column and the closest header name.
    pub(crate) fn require(&self, names: &[&str], layout: &str) -> Result<usize> {
        self.find(names).ok_or_else(|| {
            let hint = nearest(names[0], self.names.iter().map(String::as_str))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            DataError::Csv {
                path: self.file.clone().into(),
                line: 1,
                message: format!(
                    "no `{}` column, which the {layout} layout needs{hint}; the header is: {}",
                    names[0],
                    self.names.join(", ")
                ),
            }
        })
    }
}

/// Field `i` of a record as trimmed text (empty when absent or not UTF-8).
pub(crate) fn field(record: &csv::ByteRecord, i: usize) -> &str {
    record
        .get(i)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
        .trim()
}

/// A record as one line of CSV text, for the malformed-row file: fields that hold a comma,
/// a quote or a line break are quoted again (quotes doubled), so the line reads back as the
/// same fields, and a line written with quotes only where needed comes back verbatim.
pub(crate) fn record_text(record: &csv::ByteRecord) -> String {
    record
        .iter()
        .map(|f| {
            let text = String::from_utf8_lossy(f);
            if text.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A year between 1900 and 2100.
pub(crate) fn year(s: &str) -> std::result::Result<i32, String> {
    s.parse::<i32>()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .ok_or_else(|| format!("year `{s}` is not a year between 1900 and 2100"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_as_written() {
        let line = "2013,410,\"Korea, Republic of\",\"say \"\"hi\"\"\",-4.5";
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let mut record = csv::ByteRecord::new();
        assert!(reader.read_byte_record(&mut record).unwrap());
        assert_eq!(record.len(), 5);
        assert_eq!(record_text(&record), line);
    }
}
