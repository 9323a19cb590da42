//! The unit data: COINr's `iData` layout (`uCode`, `uName`, group columns, denominator
//! columns, indicators), read from CSV, Parquet or Stata.

use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::{IndexError, Result};
use hallyu_data::read::{read_path, ReadOptions};
use hallyu_data::{ColumnView, Table};
use std::path::Path;

/// The units and their columns, rows sorted by unit code.
#[derive(Debug, Clone)]
pub struct Units {
    /// Unit codes, sorted.
    pub codes: Vec<String>,
    /// Unit names (the code when the data has none).
    pub names: Vec<String>,
    /// The table, rows in the order of `codes`.
    table: Table,
}

impl Units {
    /// Reads unit data with a `uCode` column.
    pub fn read(path: &Path) -> Result<Units> {
        let t = read_path(path, &ReadOptions::default())?;
        Units::from_table(t, &path.display().to_string())
    }

    /// Unit data from a table with a `uCode` column; `source` names it in messages.
    pub fn from_table(t: Table, source: &str) -> Result<Units> {
        let codes: Vec<Option<String>> = match t.column("uCode")?.view() {
            ColumnView::Text(v) => v.iter().map(|s| s.map(str::to_string)).collect(),
            ColumnView::Numbers(_) => {
                return Err(IndexError::MissingData(format!(
                    "{source}: `uCode` holds numbers; unit codes are text (ISO3)"
                )))
            }
        };
        let mut order: Vec<usize> = (0..t.nrows()).collect();
        for (i, c) in codes.iter().enumerate() {
            if c.is_none() {
                return Err(IndexError::MissingData(format!(
                    "{source}, row {}: no uCode",
                    i + 2
                )));
            }
        }
        order.sort_by(|&a, &b| codes[a].cmp(&codes[b]));
        for w in order.windows(2) {
            if codes[w[0]] == codes[w[1]] {
                return Err(IndexError::MissingData(format!(
                    "{source}: the unit `{}` appears twice (rows {} and {})",
                    codes[w[0]].as_deref().unwrap_or(""),
                    w[0].min(w[1]) + 2,
                    w[0].max(w[1]) + 2
                )));
            }
        }
        let names: Vec<String> = match t.has("uName") {
            true => match t.column("uName")?.view() {
                ColumnView::Text(v) => order
                    .iter()
                    .map(|&i| v.get(i).unwrap_or("").to_string())
                    .collect(),
                ColumnView::Numbers(_) => order
                    .iter()
                    .map(|&i| codes[i].clone().unwrap_or_default())
                    .collect(),
            },
            false => order
                .iter()
                .map(|&i| codes[i].clone().unwrap_or_default())
                .collect(),
        };
        // Rows reordered by code (a permutation, done once).
        let mut keep_order = Table::new();
        for (name, col) in t.iter() {
            let col = match col.view() {
                ColumnView::Numbers(v) => {
                    hallyu_data::Column::numbers(order.iter().map(|&i| v[i]).collect())
                }
                ColumnView::Text(v) => {
                    hallyu_data::Column::text_from(order.iter().map(|&i| v.get(i)))
                }
            };
            keep_order.push(name.to_string(), col)?;
        }
        Ok(Units {
            codes: order
                .iter()
                .map(|&i| codes[i].clone().unwrap_or_default())
                .collect(),
            names,
            table: keep_order,
        })
    }

    /// The numbers of a column (a denominator or an indicator).
    pub fn numbers(&self, name: &str) -> Result<Vec<f64>> {
        if !self.table.has(name) {
            return Err(self.unknown(name));
        }
        match self.table.column(name)?.view() {
            ColumnView::Numbers(v) => Ok(v.to_vec()),
            ColumnView::Text(_) => Err(IndexError::MissingData(format!(
                "column `{name}` holds text, not numbers: {}",
                self.table.type_description(name)
            ))),
        }
    }

    /// The values of a group column as text (numbers written out).
    pub fn groups(&self, name: &str) -> Result<Vec<Option<String>>> {
        if !self.table.has(name) {
            return Err(self.unknown(name));
        }
        Ok(match self.table.column(name)?.view() {
            ColumnView::Text(v) => v.iter().map(|s| s.map(str::to_string)).collect(),
            ColumnView::Numbers(v) => v
                .iter()
                .map(|x| (!x.is_nan()).then(|| format!("{x}")))
                .collect(),
        })
    }

    fn unknown(&self, name: &str) -> IndexError {
        IndexError::MissingData(self.table.unknown(name).to_string())
    }

    /// The `Raw` data set: the framework's indicators, in its order.
    pub fn raw(&self, fw: &Framework) -> Result<DataSet> {
        let mut values = Vec::with_capacity(fw.indicators.len());
        for n in &fw.indicators {
            values.push(self.numbers(&n.code).map_err(|e| match e {
                IndexError::MissingData(m) => {
                    IndexError::MissingData(format!("indicator `{}` of the framework: {m}", n.code))
                }
                other => other,
            })?);
        }
        Ok(DataSet {
            name: "Raw".into(),
            units: self.codes.clone(),
            columns: fw.indicators.iter().map(|n| n.code.clone()).collect(),
            values,
        })
    }
}
