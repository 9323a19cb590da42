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
    let mut text_cols: Vec<bool> = Vec::new();
    loop {
        match read_pass(path, options, delimiter, &text_cols)? {
            Pass::Done(t) => return Ok(t),
            Pass::Retry(found) => text_cols = found,
        }
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
    Retry(Vec<bool>),
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

fn read_pass(path: &Path, options: &ReadOptions, delimiter: u8, text: &[bool]) -> Result<Pass> {
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
    let selected = resolve_columns(&headers, &options.selection(&headers))?;
    let is_text: Vec<bool> = if text.is_empty() {
        vec![false; selected.len()]
    } else {
        text.to_vec()
    };
    let mut nums: Vec<Vec<f64>> = vec![Vec::new(); selected.len()];
    let mut strs: Vec<StrColumnBuilder> = (0..selected.len())
        .map(|_| StrColumnBuilder::default())
        .collect();
    let mut became_text = is_text.clone();
    let mut record = ::csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
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
                            became_text[slot] = true;
                            nums[slot].push(f64::NAN);
                        }
                    }
                }
            }
        }
    }
    if became_text != is_text {
        return Ok(Pass::Retry(became_text));
    }
    let mut table = Table::new();
    for (slot, (&col, builder)) in selected.iter().zip(strs).enumerate() {
        let column = if is_text[slot] {
            Column::Str(builder.finish())
        } else {
            Column::Num(std::mem::take(&mut nums[slot]))
        };
        table.push(headers[col].clone(), column)?;
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
}
