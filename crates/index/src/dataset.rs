//! A data set: units (rows, sorted by code) by columns (indicator or aggregate codes).

use serde::Serialize;

/// Units by columns, numbers with `NaN` for a missing value.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct DataSet {
    /// The data set's name (`Raw`, `Denominated`, ... as COINr names them).
    pub name: String,
    /// Unit codes, one per row.
    pub units: Vec<String>,
    /// Column codes.
    pub columns: Vec<String>,
    /// `values[c][u]`: column `c` of unit `u`; `null` in JSON when missing.
    #[schemars(with = "Vec<Vec<Option<f64>>>")]
    #[serde(
        serialize_with = "nullable_matrix",
        deserialize_with = "read_nullable_matrix"
    )]
    pub values: Vec<Vec<f64>>,
}

fn nullable_matrix<S: serde::Serializer>(m: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
    let rows: Vec<Vec<Option<f64>>> = m
        .iter()
        .map(|c| c.iter().map(|v| v.is_finite().then_some(*v)).collect())
        .collect();
    rows.serialize(s)
}

fn read_nullable_matrix<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
    let m: Vec<Vec<Option<f64>>> = serde::Deserialize::deserialize(d)?;
    Ok(m.into_iter()
        .map(|c| c.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
        .collect())
}

impl DataSet {
    /// The column of a code.
    pub fn column(&self, code: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .position(|c| c == code)
            .map(|i| self.values[i].as_slice())
    }

    /// The same data set under another name.
    pub fn renamed(&self, name: &str) -> DataSet {
        DataSet {
            name: name.to_string(),
            ..self.clone()
        }
    }

    /// The rows whose `keep` is true.
    pub fn keep_units(&self, keep: &[bool]) -> DataSet {
        DataSet {
            name: self.name.clone(),
            units: self
                .units
                .iter()
                .zip(keep)
                .filter(|(_, &k)| k)
                .map(|(u, _)| u.clone())
                .collect(),
            columns: self.columns.clone(),
            values: self
                .values
                .iter()
                .map(|c| {
                    c.iter()
                        .zip(keep)
                        .filter(|(_, &k)| k)
                        .map(|(v, _)| *v)
                        .collect()
                })
                .collect(),
        }
    }

    /// Number of missing values.
    pub fn missing(&self) -> usize {
        self.values.iter().flatten().filter(|v| v.is_nan()).count()
    }
}
