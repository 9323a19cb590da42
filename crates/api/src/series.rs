//! Figures of an embedded series (`hallyu data series`): Korea's content-industry exports
//! (a survey, not customs data), ASEAN–Plus Three trade, ... each with its source.

use crate::{Context, Error, Result, Version};
use hallyu_data::embedded;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A request for the figures of one column of an embedded series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// The series (`kr_content_industry_exports`, `asean_plus3_trade`, ...).
    pub name: String,
    /// Its value column (`exports_usd_bn`).
    pub column: String,
    /// Text columns that select rows (`sector = "total"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// Only this year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// A text column that names each figure (`sector`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// One figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeriesPoint {
    /// The year.
    pub year: i32,
    /// The value of the `by` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The figure; null when the source leaves it empty.
    pub value: Option<f64>,
    /// Where it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// The figures, in the series' order, with who published them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeriesFigures {
    /// The series.
    pub name: String,
    /// What it holds.
    pub description: String,
    /// Who first published the numbers.
    pub publisher: String,
    /// The value column.
    pub column: String,
    /// The figures.
    pub points: Vec<SeriesPoint>,
}

/// Reads the figures.
pub fn compute(_ctx: &Context, req: &SeriesRequest) -> Result<SeriesFigures> {
    let series = embedded::series(&req.name)?;
    let table = series.table()?;
    let years = table.num("year")?;
    let values = table.num(&req.column)?;
    let mut filters = Vec::new();
    for (name, wanted) in &req.filter {
        filters.push((table.text(name)?, wanted.as_str()));
    }
    let labels = match &req.by {
        Some(by) => Some(table.text(by)?),
        None => None,
    };
    let sources = table.has("source_url").then(|| table.text("source_url"));
    let sources = sources.transpose()?;
    let points: Vec<SeriesPoint> = (0..table.nrows())
        .filter(|&i| req.year.is_none_or(|y| years[i] == f64::from(y)))
        .filter(|&i| filters.iter().all(|(c, wanted)| c.get(i) == Some(*wanted)))
        .map(|i| SeriesPoint {
            year: years[i] as i32,
            label: labels.as_ref().and_then(|l| l.get(i)).map(str::to_string),
            value: values[i].is_finite().then_some(values[i]),
            source_url: sources.as_ref().and_then(|s| s.get(i)).map(str::to_string),
        })
        .collect();
    if points.is_empty() {
        return Err(Error::field(
            "filter",
            format!("no row of {} matches the year and filter", req.name),
        ));
    }
    Ok(SeriesFigures {
        name: series.name.to_string(),
        description: series.description.to_string(),
        publisher: series.publisher.to_string(),
        column: req.column.clone(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(filter: &[(&str, &str)], year: Option<i32>, by: Option<&str>) -> SeriesRequest {
        SeriesRequest {
            version: Version,
            name: "kr_content_industry_exports".into(),
            column: "exports_usd_bn".into(),
            filter: filter
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            year,
            by: by.map(str::to_string),
        }
    }

    #[test]
    fn totals_by_year_and_sectors_of_a_year() {
        let ctx = Context::quiet();
        let totals = compute(&ctx, &request(&[("sector", "total")], None, None)).expect("totals");
        assert_eq!(totals.points.first().map(|p| p.year), Some(2010));
        let last = totals.points.last().expect("a figure");
        assert_eq!((last.year, last.value), (2021, Some(12.45)));
        assert!(last.source_url.is_some());
        let sectors = compute(&ctx, &request(&[], Some(2020), Some("sector"))).expect("2020");
        let games = sectors
            .points
            .iter()
            .find(|p| p.label.as_deref() == Some("games"))
            .expect("games");
        assert_eq!(games.value, Some(8.19));
        assert!(sectors.publisher.contains("KOCCA"));
    }

    #[test]
    fn unknown_names_are_errors_naming_the_nearest() {
        let ctx = Context::quiet();
        let mut r = request(&[], None, None);
        r.name = "kr_content_industry_export".into();
        let e = compute(&ctx, &r).expect_err("unknown series").to_string();
        assert!(e.contains("kr_content_industry_exports"), "{e}");
        let mut r = request(&[], None, None);
        r.column = "exports".into();
        assert!(compute(&ctx, &r).is_err());
        assert!(compute(&ctx, &request(&[("sector", "films")], None, None)).is_err());
    }
}
