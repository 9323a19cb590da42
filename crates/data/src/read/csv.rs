//! CSV with a header row. Types are inferred: a column is numeric when every non-missing
//! field parses as a number, text otherwise.

use super::{io_error, is_missing_text, resolve_columns, ReadOptions};
use crate::table::StrColumnBuilder;
use crate::{Column, DataError, Result, Table};
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Reads a CSV file.
pub fn read_csv(path: &Path, options: &ReadOptions) -> Result<Table> {
    let delimiter = match options.delimiter {
        Some(d) => d,
        None => sniff_delimiter(path)?,
    };
    // One pass assuming every selected column is numeric; a column that turns out to hold
    // text is re-read as text in a second pass, so numbers are never re-formatted.
    let mut text_cols: Vec<Option<TextReason>> = Vec::new();
    loop {
        match read_pass(path, options, delimiter, &text_cols)? {
            Pass::Done(t) => return Ok(t),
            Pass::Retry(found) => text_cols = found,
        }
    }
}

/// What made a column text: its first field that is not a number, and how many such
/// fields there are. A numeric column with one stray `n/a` in row 20,001 is then an
/// error that says where to look, not just "column `x` is text".
#[derive(Debug, Clone, PartialEq)]
struct TextReason {
    line: u64,
    row: u64,
    field: String,
    count: u64,
}

impl TextReason {
    fn text(&self, path: &Path) -> String {
        // A long field is cut at a character boundary: the message is one line.
        let mut field: String = self.field.chars().take(40).collect();
        if field.len() < self.field.len() {
            field.push('…');
        }
        let others = match self.count {
            1 => "the only such value".to_string(),
            n => format!("the first of {n} such values"),
        };
        format!(
            "{}, line {} (data row {}): `{field}` is not a number, {others}",
            path.display(),
            self.line,
            self.row
        )
    }
}

/// The header row.
pub(crate) fn header(path: &Path) -> Result<Vec<String>> {
    let mut reader = open(path, sniff_delimiter(path)?)?;
    Ok(reader
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect())
}

enum Pass {
    Done(Table),
    /// Columns to read as text, with what made them text.
    Retry(Vec<Option<TextReason>>),
}

fn open(path: &Path, delimiter: u8) -> Result<::csv::Reader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    Ok(::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(file))
}

fn csv_error(path: &Path, e: ::csv::Error) -> DataError {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        ::csv::ErrorKind::Io(io) => io.to_string(),
        ::csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        _ => e.to_string(),
    };
    DataError::Csv {
        path: path.to_path_buf(),
        line,
        message,
    }
}

fn read_pass(
    path: &Path,
    options: &ReadOptions,
    delimiter: u8,
    text: &[Option<TextReason>],
) -> Result<Pass> {
    let mut reader = open(path, delimiter)?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(DataError::Csv {
            path: path.to_path_buf(),
            line: 1,
            message: "the file is empty (no header row)".into(),
        });
    }
    let selected = resolve_columns(path, &headers, &options.selection(&headers))?;
    let reasons: Vec<Option<TextReason>> = if text.is_empty() {
        vec![None; selected.len()]
    } else {
        text.to_vec()
    };
    let is_text: Vec<bool> = reasons.iter().map(Option::is_some).collect();
    let mut nums: Vec<Vec<f64>> = vec![Vec::new(); selected.len()];
    let mut strs: Vec<StrColumnBuilder> = (0..selected.len())
        .map(|_| StrColumnBuilder::default())
        .collect();
    let mut became_text = reasons.clone();
    let mut record = ::csv::StringRecord::new();
    let mut row: u64 = 0;
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        row += 1;
        for (slot, &col) in selected.iter().enumerate() {
            let field = record.get(col).unwrap_or("").trim();
            let missing = is_missing_text(field);
            if is_text[slot] {
                strs[slot].push(if missing { None } else { Some(field) });
            } else if missing {
                nums[slot].push(f64::NAN);
            } else {
                match field.parse::<f64>() {
                    Ok(v) => nums[slot].push(v),
                    Err(_) => {
                        if let Some(b) = parse_bool(field) {
                            nums[slot].push(b);
                        } else {
                            match &mut became_text[slot] {
                                Some(reason) => reason.count += 1,
                                None => {
                                    became_text[slot] = Some(TextReason {
                                        line: record.position().map_or(row + 1, |p| p.line()),
                                        row,
                                        field: field.to_string(),
                                        count: 1,
                                    })
                                }
                            }
                            nums[slot].push(f64::NAN);
                        }
                    }
                }
            }
        }
    }
    if became_text
        .iter()
        .zip(&is_text)
        .any(|(now, before)| now.is_some() != *before)
    {
        return Ok(Pass::Retry(became_text));
    }
    let mut table = Table::new();
    for (slot, (&col, builder)) in selected.iter().zip(strs).enumerate() {
        let column = match &reasons[slot] {
            Some(_) => Column::Str(builder.finish()),
            None => Column::numbers(std::mem::take(&mut nums[slot])),
        };
        table.push(headers[col].clone(), column)?;
        if let Some(reason) = &reasons[slot] {
            table.set_text_reason(&headers[col], reason.text(path));
        }
    }
    Ok(Pass::Done(table))
}

fn parse_bool(s: &str) -> Option<f64> {
    match s {
        "TRUE" | "true" | "True" => Some(1.0),
        "FALSE" | "false" | "False" => Some(0.0),
        _ => None,
    }
}

/// The most frequent of `,`, `;`, tab and `|` on the header line (comma when none appears).
fn sniff_delimiter(path: &Path) -> Result<u8> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut line = String::new();
    BufReader::new(file)
        .read_line(&mut line)
        .map_err(|e| io_error(path, e))?;
    let best = [b',', b';', b'\t', b'|']
        .into_iter()
        .map(|d| (line.bytes().filter(|&b| b == d).count(), d))
        .max_by_key(|(n, _)| *n)
        .filter(|(n, _)| *n > 0)
        .map_or(b',', |(_, d)| d);
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(content: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(content.as_bytes()).unwrap();
        f
    }

    #[test]
    fn infers_types_and_missing() {
        let f = write("a,b,c\n1,x,\n2.5,\"y, z\",NA\n,w,3\n");
        let t = read_csv(f.path(), &ReadOptions::default()).unwrap();
        assert_eq!(t.num("a").unwrap()[1], 2.5);
        assert!(t.num("a").unwrap()[2].is_nan());
        match t.column("b").unwrap() {
            Column::Str(s) => assert_eq!(s.get(1), Some("y, z")),
            _ => panic!("b should be text"),
        }
        assert_eq!(t.num("c").unwrap()[2], 3.0);
    }

    #[test]
    fn text_after_numbers_keeps_original_spelling() {
        let f = write("code\n007\n8\nAB\n");
        let t = read_csv(f.path(), &ReadOptions::default()).unwrap();
        match t.column("code").unwrap() {
            Column::Str(s) => assert_eq!(s.get(0), Some("007")),
            _ => panic!("code should be text"),
        }
    }

    #[test]
    fn semicolon_delimiter_is_detected() {
        let f = write("a;b\n1;2\n");
        let t = read_csv(f.path(), &ReadOptions::default()).unwrap();
        assert_eq!(t.num("b").unwrap(), &[2.0]);
    }

    #[test]
    fn ragged_rows_report_the_line() {
        let f = write("a,b\n1,2\n3\n");
        let e = read_csv(f.path(), &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn selection_with_typo_suggests() {
        let f = write("trade,year\n1,2\n");
        let opts = ReadOptions {
            columns: Some(vec!["trde".into()]),
            ..Default::default()
        };
        let e = read_csv(f.path(), &opts).unwrap_err().to_string();
        assert!(e.contains("did you mean `trade`"), "{e}");
    }

    #[test]
    fn a_stray_word_in_a_numeric_column_is_named_with_its_row() {
        let mut text = String::from("x,y\n");
        for i in 0..20_000 {
            text.push_str(&format!("{i},1\n"));
        }
        text.push_str("n/a,1\n7,1\n");
        let f = write(&text);
        let t = read_csv(f.path(), &ReadOptions::default()).unwrap();
        let e = t.num("x").unwrap_err().to_string();
        assert!(
            e.contains(".csv, line 20002 (data row 20001): `n/a` is not a number")
                && e.contains("the only such value"),
            "{e}"
        );
        assert!(t.num("y").is_ok());
        // Kept through a row selection, counted when there are several.
        let f = write("x\n1\nabc\ndef\n");
        let t = read_csv(f.path(), &ReadOptions::default()).unwrap();
        let t = t.select_rows(&[true, false, true]);
        let e = t.num("x").unwrap_err().to_string();
        assert!(
            e.contains("line 3 (data row 2): `abc`") && e.contains("first of 2"),
            "{e}"
        );
    }

    #[test]
    fn duplicate_column_names_are_an_error_naming_both_positions() {
        let f = write("year,value,exporter,value\n2020,1,KOR,2\n");
        let opts = ReadOptions {
            columns: Some(vec!["year".into(), "value".into()]),
            ..Default::default()
        };
        let e = read_csv(f.path(), &opts).unwrap_err().to_string();
        assert!(
            e.contains("column `value` appears twice") && e.contains("columns 2 and 4"),
            "{e}"
        );
        assert!(read_csv(f.path(), &ReadOptions::default()).is_err());
        // A duplicate that is not read does not matter.
        let opts = ReadOptions {
            columns: Some(vec!["year".into(), "exporter".into()]),
            ..Default::default()
        };
        assert_eq!(read_csv(f.path(), &opts).unwrap().nrows(), 1);
    }

    #[test]
    fn an_unknown_column_far_from_any_lists_the_columns() {
        let f = write("trade,year\n1,2\n");
        let opts = ReadOptions {
            columns: Some(vec!["gdp_per_capita".into()]),
            ..Default::default()
        };
        let e = read_csv(f.path(), &opts).unwrap_err().to_string();
        assert!(e.contains("the columns are `trade`, `year`"), "{e}");
    }
}
