//! Denomination: an indicator divided by the unit's value of its denominator (GDP,
//! population, area), with no scale factor.

use crate::dataset::DataSet;
use crate::framework::Framework;
use crate::units::Units;
use crate::Result;

/// Divides each indicator that has a denominator; others are kept. A missing denominator
/// makes the value missing.
pub fn denominate(raw: &DataSet, fw: &Framework, units: &Units) -> Result<(DataSet, Vec<String>)> {
    let mut out = raw.renamed("Denominated");
    let mut log = Vec::new();
    for (col, node) in out.values.iter_mut().zip(&fw.indicators) {
        let Some(d) = &node.denominator else { continue };
        let denominator = units.numbers(d)?;
        for (v, den) in col.iter_mut().zip(&denominator) {
            *v /= den;
            if !v.is_finite() {
                *v = f64::NAN;
            }
        }
        log.push(format!("{} ÷ {d}", node.code));
    }
    Ok((out, log))
}
