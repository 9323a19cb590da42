//! The Chapter 1 estimation panel: the embedded data for 1986, 1990, ..., 2006 with every
//! derived column of `data/DERIVED.md`, computed on all 28,566 rows before any sample
//! restriction (output, expenditure and remoteness include intra-national flows).

use crate::Result;
use hallyu_data::{embedded, filter, Column, ColumnView, Table};
use std::collections::HashMap;

/// The book's years.
pub const YEARS: [i32; 6] = [1986, 1990, 1994, 1998, 2002, 2006];

pub(crate) fn text_column(values: impl Iterator<Item = String>) -> Column {
    Column::text_from(values.map(Some))
}

pub(crate) fn strings(t: &Table, name: &str) -> Result<Vec<String>> {
    match t.column(name)?.view() {
        ColumnView::Text(s) => Ok(s.iter().map(|v| v.unwrap_or("").to_string()).collect()),
        ColumnView::Numbers(v) => Ok(v.iter().map(|x| x.to_string()).collect()),
    }
}

/// Sums of `v` by key, broadcast back to rows.
fn group_sum(keys: &[String], v: &[f64]) -> Vec<f64> {
    let mut s: HashMap<&str, f64> = HashMap::new();
    for (k, x) in keys.iter().zip(v) {
        *s.entry(k).or_default() += x;
    }
    keys.iter().map(|k| s[k.as_str()]).collect()
}

/// Builds the panel.
pub fn chapter1_panel() -> Result<Table> {
    let all = embedded::agtpa()?;
    let keep = filter::select(&all, "year in (1986, 1990, 1994, 1998, 2002, 2006)")?;
    let mut t = all.select_rows(&keep);
    let exporter = strings(&t, "exporter")?;
    let importer = strings(&t, "importer")?;
    let year: Vec<f64> = t.num("year")?.to_vec();
    let trade: Vec<f64> = t.num("trade")?.to_vec();
    let dist: Vec<f64> = t.num("dist")?.to_vec();
    let pair_id: Vec<f64> = t.num("pair_id")?.to_vec();
    let n = t.nrows();
    let smctry: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from(exporter[i] == importer[i])))
        .collect();
    let log_dist: Vec<f64> = dist.iter().map(|d| d.ln()).collect();
    let exp_year: Vec<String> = (0..n)
        .map(|i| format!("{}_{}", exporter[i], year[i]))
        .collect();
    let imp_year: Vec<String> = (0..n)
        .map(|i| format!("{}_{}", importer[i], year[i]))
        .collect();
    let y = group_sum(&exp_year, &trade);
    let e = group_sum(&imp_year, &trade);
    let years_key: Vec<String> = year.iter().map(|v| v.to_string()).collect();
    // World output and expenditure per year: each country-year counted once.
    let mut total_e: HashMap<String, f64> = HashMap::new();
    let mut total_y: HashMap<String, f64> = HashMap::new();
    let mut seen_e = std::collections::HashSet::new();
    let mut seen_y = std::collections::HashSet::new();
    for i in 0..n {
        if seen_e.insert(imp_year[i].clone()) {
            *total_e.entry(years_key[i].clone()).or_default() += e[i];
        }
        if seen_y.insert(exp_year[i].clone()) {
            *total_y.entry(years_key[i].clone()).or_default() += y[i];
        }
    }
    // REM_EXP_it = Σ_j dist_ij / (e_jt / E_t); REM_IMP_jt = Σ_i dist_ij / (y_it / Y_t).
    let rem_exp_terms: Vec<f64> = (0..n)
        .map(|i| dist[i] / (e[i] / total_e[&years_key[i]]))
        .collect();
    let rem_imp_terms: Vec<f64> = (0..n)
        .map(|i| dist[i] / (y[i] / total_y[&years_key[i]]))
        .collect();
    let rem_exp = group_sum(&exp_year, &rem_exp_terms);
    let rem_imp = group_sum(&imp_year, &rem_imp_terms);

    let num = |v: Vec<f64>| Column::numbers(v);
    t.push(
        "log_trade",
        num(trade
            .iter()
            .map(|x| if *x > 0.0 { x.ln() } else { f64::NAN })
            .collect()),
    )?;
    t.push("log_dist", num(log_dist.clone()))?;
    t.push("exp_year", text_column(exp_year.iter().cloned()))?;
    t.push("imp_year", text_column(imp_year.iter().cloned()))?;
    t.push("smctry", num(smctry.clone()))?;
    t.push("intl_brdr", num(smctry.iter().map(|s| 1.0 - s).collect()))?;
    for yr in YEARS {
        let yr_f = f64::from(yr);
        t.push(
            format!("intl_brdr_{yr}"),
            num((0..n)
                .map(|i| (1.0 - smctry[i]) * f64::from(u8::from(year[i] == yr_f)))
                .collect()),
        )?;
        t.push(
            format!("log_dist_{yr}"),
            num((0..n)
                .map(|i| log_dist[i] * (1.0 - smctry[i]) * f64::from(u8::from(year[i] == yr_f)))
                .collect()),
        )?;
    }
    t.push(
        "log_dist_intra",
        num((0..n).map(|i| log_dist[i] * smctry[i]).collect()),
    )?;
    t.push(
        "intra_pair",
        text_column((0..n).map(|i| {
            if smctry[i] == 1.0 {
                exporter[i].clone()
            } else {
                "inter".to_string()
            }
        })),
    )?;
    t.push(
        "pair_id_2",
        num((0..n)
            .map(|i| if smctry[i] == 1.0 { 0.0 } else { pair_id[i] })
            .collect()),
    )?;
    t.push("log_y", num(y.iter().map(|v| v.ln()).collect()))?;
    t.push("log_e", num(e.iter().map(|v| v.ln()).collect()))?;
    t.push("log_rem_exp", num(rem_exp.iter().map(|v| v.ln()).collect()))?;
    t.push("log_rem_imp", num(rem_imp.iter().map(|v| v.ln()).collect()))?;
    Ok(t)
}
