//! What can go wrong while writing a result: a format it has no rendering in (the
//! caller's choice), or a CSV or JSON writer's error (a defect).

use crate::Format;
use hallyu_data::ErrorCategory;

/// A result could not be written out. Asking for a format a result has no rendering in
/// is the caller's choice ([`RenderError::Unsupported`]); anything else is a defect (a
/// record that does not fit the header, a value JSON cannot hold), never the user's
/// input, since results are written to memory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The result has no rendering in the format asked for.
    #[error("{what} written as {}, not {format:?}", format_list(supported))]
    Unsupported {
        /// What was to be written, as the subject of the sentence with its verb
        /// (`a report is`, `dataset reports are`).
        what: &'static str,
        /// The formats it can be written in.
        supported: &'static [Format],
        /// The format asked for.
        format: Format,
    },
    /// A CSV record could not be written.
    #[error("cannot write the {what} as CSV: {source}")]
    Csv {
        /// What was being written (`fits`, `indicators`...).
        what: &'static str,
        /// The writer's error.
        source: csv::Error,
    },
    /// A result could not be serialised to JSON.
    #[error("cannot write the {what} as JSON: {source}")]
    Json {
        /// What was being written.
        what: &'static str,
        /// The serialiser's error.
        source: serde_json::Error,
    },
}

impl RenderError {
    /// The error's category: a format the result lacks is the caller's input; a writer's
    /// error is internal, a defect of the program.
    pub fn category(&self) -> ErrorCategory {
        match self {
            RenderError::Unsupported { .. } => ErrorCategory::Input,
            RenderError::Csv { .. } | RenderError::Json { .. } => ErrorCategory::Internal,
        }
    }
}

/// Format names as a list in words: `table or json`, `html, json or markdown`.
fn format_list(formats: &[Format]) -> String {
    let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// Pretty JSON of `value` with a final newline.
pub(crate) fn json<T: serde::Serialize + ?Sized>(
    what: &'static str,
    value: &T,
) -> Result<String, RenderError> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|source| RenderError::Json { what, source })
}

/// A CSV writer into memory that names what it writes in its errors.
pub(crate) struct CsvOut {
    what: &'static str,
    writer: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    /// A writer for `what`.
    pub(crate) fn new(what: &'static str) -> CsvOut {
        CsvOut {
            what,
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Writes one record; a record whose length differs from the first is an error.
    pub(crate) fn record<I, T>(&mut self, record: I) -> Result<(), RenderError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(record)
            .map_err(|source| RenderError::Csv {
                what: self.what,
                source,
            })
    }

    /// The text written.
    pub(crate) fn finish(self) -> Result<String, RenderError> {
        let what = self.what;
        let bytes = self.writer.into_inner().map_err(|e| RenderError::Csv {
            what,
            source: csv::Error::from(e.into_error()),
        })?;
        // Every field came from a Rust string, so the bytes are UTF-8.
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_that_does_not_fit_the_header_is_an_error() {
        let mut w = CsvOut::new("rows");
        w.record(["a", "b"]).expect("header");
        let e = w.record(["1"]).expect_err("one field short");
        assert_eq!(e.category(), ErrorCategory::Internal);
        assert!(
            e.to_string().starts_with("cannot write the rows as CSV"),
            "{e}"
        );
    }

    #[test]
    fn a_format_a_result_lacks_is_the_callers_input_and_lists_the_others() {
        let e = RenderError::Unsupported {
            what: "a report is",
            supported: &[Format::Html, Format::Json, Format::Markdown],
            format: Format::Csv,
        };
        assert_eq!(e.category(), ErrorCategory::Input);
        assert_eq!(
            e.to_string(),
            "a report is written as html, json or markdown, not Csv"
        );
        let e = RenderError::Unsupported {
            what: "dataset reports are",
            supported: &[Format::Table, Format::Json],
            format: Format::Latex,
        };
        assert_eq!(
            e.to_string(),
            "dataset reports are written as table or json, not Latex"
        );
        assert_eq!(format_list(&[Format::Json]), "json");
    }

    #[test]
    fn json_errors_are_returned_not_written_as_output() {
        // A map with keys JSON cannot hold.
        let mut m = std::collections::BTreeMap::new();
        m.insert((1, 2), 3);
        let e = json("map", &m).expect_err("tuple keys");
        assert!(matches!(e, RenderError::Json { what: "map", .. }));
        assert_eq!(json("n", &1.5).expect("a number"), "1.5\n");
    }
}
