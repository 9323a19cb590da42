//! Screening of units by data availability.

use crate::dataset::DataSet;

/// Units whose share of non-missing indicator values is below `threshold` are removed;
/// returns the data set and the removed units with their availability.
pub fn screen(data: &DataSet, threshold: f64) -> (DataSet, Vec<(String, f64)>) {
    let n = data.columns.len() as f64;
    let mut keep = Vec::with_capacity(data.units.len());
    let mut removed = Vec::new();
    for (u, code) in data.units.iter().enumerate() {
        let missing = data.values.iter().filter(|c| c[u].is_nan()).count() as f64;
        let availability = 1.0 - missing / n;
        let k = availability >= threshold;
        if !k {
            removed.push((code.clone(), availability));
        }
        keep.push(k);
    }
    (data.keep_units(&keep).renamed("Screened"), removed)
}
