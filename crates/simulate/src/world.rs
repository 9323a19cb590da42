//! From a table of bilateral flows to the square world general equilibrium needs: every
//! exporter-importer pair of one period, domestic flows included, once.

use crate::error::{Result, SimulateError};
use hallyu_data::{Table, TextColumn};

/// Column names of a flow table.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FlowColumns {
    /// Exporter code column.
    pub exporter: String,
    /// Importer code column.
    pub importer: String,
    /// Trade value column.
    pub value: String,
}

impl Default for FlowColumns {
    fn default() -> Self {
        FlowColumns {
            exporter: "exporter".into(),
            importer: "importer".into(),
            value: "trade".into(),
        }
    }
}

/// A square world: `n` countries (sorted codes), the `n x n` observed flows (exporter rows)
/// and, for every table row, its cell `i * n + j`.
#[derive(Debug, Clone)]
pub struct SquareWorld {
    /// Country codes, sorted.
    pub countries: Vec<String>,
    /// Observed flows, row-major.
    pub flows: Vec<f64>,
    /// Cell of each table row.
    pub cell_of_row: Vec<usize>,
}

impl SquareWorld {
    /// Number of countries.
    pub fn n(&self) -> usize {
        self.countries.len()
    }

    /// Index of a country code.
    pub fn index(&self, code: &str) -> Option<usize> {
        self.countries.iter().position(|c| c == code)
    }
}

fn text_column<'a>(table: &'a Table, name: &str) -> Result<TextColumn<'a>> {
    table
        .column(name)?
        .as_text()
        .ok_or_else(|| SimulateError::CodesNotText {
            column: name.to_string(),
        })
}

/// The values of a column of country codes, as text (missing codes as empty strings).
pub(crate) fn codes(table: &Table, name: &str) -> Result<Vec<String>> {
    let col = text_column(table, name)?;
    Ok(col.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

/// Arranges the rows of `table` (one period) as a square world. Missing pairs, repeated
/// pairs, missing codes and invalid values are errors naming the first offender.
pub fn square_world(table: &Table, cols: &FlowColumns) -> Result<SquareWorld> {
    let ex = text_column(table, &cols.exporter)?;
    let im = text_column(table, &cols.importer)?;
    let value = table.num(&cols.value)?;
    let mut countries: Vec<String> = Vec::new();
    for r in 0..table.nrows() {
        for (col, name) in [(ex, &cols.exporter), (im, &cols.importer)] {
            match col.get(r) {
                Some(c) => countries.push(c.to_string()),
                None => {
                    return Err(SimulateError::MissingCode {
                        row: r + 1,
                        column: name.to_string(),
                    })
                }
            }
        }
    }
    countries.sort();
    countries.dedup();
    let n = countries.len();
    if n < 2 {
        return Err(SimulateError::TooFewCountries { countries: n });
    }
    let pos = |c: &str| {
        countries
            .binary_search_by(|x| x.as_str().cmp(c))
            .unwrap_or(0)
    };
    let mut flows = vec![f64::NAN; n * n];
    let mut cell_of_row = Vec::with_capacity(table.nrows());
    for r in 0..table.nrows() {
        let (e, i) = (ex.get(r).unwrap_or(""), im.get(r).unwrap_or(""));
        let cell = pos(e) * n + pos(i);
        if !flows[cell].is_nan() {
            return Err(SimulateError::DuplicatePair {
                exporter: e.to_string(),
                importer: i.to_string(),
                row: r + 1,
            });
        }
        let v = value[r];
        if !v.is_finite() || v < 0.0 {
            return Err(SimulateError::InvalidFlow {
                row: Some(r + 1),
                exporter: e.to_string(),
                importer: i.to_string(),
                value: v,
            });
        }
        flows[cell] = v;
        cell_of_row.push(cell);
    }
    let missing: Vec<String> = (0..n * n)
        .filter(|k| flows[*k].is_nan())
        .map(|k| format!("{} -> {}", countries[k / n], countries[k % n]))
        .collect();
    if !missing.is_empty() {
        return Err(SimulateError::MissingPairs {
            missing: missing.len(),
            pairs: n * n,
            countries: n,
            examples: missing.into_iter().take(5).collect(),
        });
    }
    Ok(SquareWorld {
        countries,
        flows,
        cell_of_row,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallyu_data::{Column, TextColumnBuilder};

    fn table(rows: &[(&str, &str, f64)]) -> Table {
        let mut e = TextColumnBuilder::default();
        let mut i = TextColumnBuilder::default();
        for (a, b, _) in rows {
            e.push(Some(a));
            i.push(Some(b));
        }
        let mut t = Table::new();
        t.push("exporter", e.finish()).unwrap();
        t.push("importer", i.finish()).unwrap();
        t.push("trade", Column::numbers(rows.iter().map(|r| r.2).collect()))
            .unwrap();
        t
    }

    #[test]
    fn arranges_rows_in_any_order() {
        let t = table(&[
            ("B", "A", 3.0),
            ("A", "A", 1.0),
            ("B", "B", 4.0),
            ("A", "B", 2.0),
        ]);
        let w = square_world(&t, &FlowColumns::default()).unwrap();
        assert_eq!(w.countries, ["A", "B"]);
        assert_eq!(w.flows, [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(w.cell_of_row, [2, 0, 3, 1]);
    }

    #[test]
    fn names_missing_and_repeated_pairs() {
        let t = table(&[("A", "A", 1.0), ("A", "B", 2.0), ("B", "B", 4.0)]);
        let e = square_world(&t, &FlowColumns::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("B -> A") && e.contains("1 of the 4"), "{e}");
        let t = table(&[("A", "A", 1.0), ("B", "B", 1.0), ("A", "A", 2.0)]);
        let e = square_world(&t, &FlowColumns::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than once"), "{e}");
    }
}
