//! Data sets compiled into the binary.

use crate::read::{read_parquet_bytes, ReadOptions};
use crate::Result;

static AGTPA: &[u8] = include_bytes!("../embedded/agtpa/agtpa_applications.parquet");

/// Source and licence of the embedded Advanced Guide panel.
pub const AGTPA_README: &str = include_str!("../embedded/agtpa/README.md");

/// The Advanced Guide panel (Yotov et al. 2016): 69 countries, 1986-2006, international and
/// intra-national manufacturing trade, 99,981 rows. Licence CC BY 4.0, see [`AGTPA_README`].
pub fn agtpa() -> Result<crate::Table> {
    agtpa_with(&ReadOptions::default())
}

/// The Advanced Guide panel, reading only the selected columns.
pub fn agtpa_with(options: &ReadOptions) -> Result<crate::Table> {
    read_parquet_bytes(bytes::Bytes::from_static(AGTPA), options)
}

/// The whole Advanced Guide panel, decoded once per process and shared: a server answering
/// many requests on the embedded data decodes it once (about 15 MB in memory), not per
/// request.
pub fn agtpa_shared() -> Result<std::sync::Arc<crate::Table>> {
    static PANEL: std::sync::OnceLock<std::sync::Arc<crate::Table>> = std::sync::OnceLock::new();
    if let Some(t) = PANEL.get() {
        return Ok(std::sync::Arc::clone(t));
    }
    let t = std::sync::Arc::new(agtpa()?);
    // Two threads may both decode on the first calls; one result is kept.
    Ok(std::sync::Arc::clone(PANEL.get_or_init(|| t)))
}

/// Column names of the Advanced Guide panel.
pub fn agtpa_columns() -> Result<Vec<String>> {
    crate::read::parquet_bytes_names(bytes::Bytes::from_static(AGTPA))
}

/// Source and licence of the embedded series (CC0 compilation, primary publishers named).
pub const SERIES_README: &str = include_str!("../embedded/series/README.md");

/// One small real series compiled into the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedSeries {
    /// Name, as `hallyu data` takes it (the file's stem).
    pub name: &'static str,
    /// What it holds.
    pub description: &'static str,
    /// Who first published the numbers (cite them when showing one).
    pub publisher: &'static str,
    /// The CSV text, each row with its `source_url`.
    pub csv: &'static str,
}

/// The series behind the figures the project checks: Korea's content-industry exports (a
/// survey, not customs data), KOFICE's Hallyu-related exports, ASEAN–Plus Three trade, and
/// Korea's soft-power ranks. See [`SERIES_README`].
pub const SERIES: [EmbeddedSeries; 4] = [
    EmbeddedSeries {
        name: "kr_content_industry_exports",
        description: "Korea's content-industry exports, USD bn: totals 2010-2021, sectors 2017 and 2020 (a survey, not customs data)",
        publisher: "Ministry of Culture, Sports and Tourism / KOCCA, Content Industry Survey",
        csv: include_str!("../embedded/series/kr_content_industry_exports.csv"),
    },
    EmbeddedSeries {
        name: "kr_hallyu_exports_kofice_2019",
        description: "Hallyu-related exports 2019, USD bn: cultural content and consumer goods (another concept than the content-industry survey)",
        publisher: "KOFICE",
        csv: include_str!("../embedded/series/kr_hallyu_exports_kofice_2019.csv"),
    },
    EmbeddedSeries {
        name: "asean_plus3_trade",
        description: "ASEAN-Plus Three trade, USD bn, and its share of ASEAN's total trade, % (2010, 2019, 2023, 2024)",
        publisher: "ASEAN Secretariat (AEM+3 statements)",
        csv: include_str!("../embedded/series/asean_plus3_trade.csv"),
    },
    EmbeddedSeries {
        name: "soft_power_korea",
        description: "Korea's rank in Brand Finance's Global Soft Power Index (2024, 2025) and Portland's Soft Power 30 (2019)",
        publisher: "Brand Finance; Portland / USC CPD",
        csv: include_str!("../embedded/series/soft_power_korea.csv"),
    },
];

/// The embedded series called `name`, or an error naming the nearest one.
pub fn series(name: &str) -> Result<&'static EmbeddedSeries> {
    SERIES
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| crate::DataError::UnknownReference {
            kind: "embedded series".into(),
            name: name.to_string(),
            suggestion: crate::nearest(name, SERIES.iter().map(|s| s.name)),
        })
}

impl EmbeddedSeries {
    /// The series as a table: a column is numeric when every non-empty field is a number
    /// (an empty field is then missing), text otherwise.
    pub fn table(&self) -> Result<crate::Table> {
        let mut reader = csv::ReaderBuilder::new().from_reader(self.csv.as_bytes());
        let bad = |e: csv::Error| crate::DataError::Csv {
            path: format!("<embedded {}.csv>", self.name).into(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        };
        let header: Vec<String> = reader
            .headers()
            .map_err(bad)?
            .iter()
            .map(str::to_string)
            .collect();
        let mut fields: Vec<Vec<String>> = vec![Vec::new(); header.len()];
        for record in reader.records() {
            let record = record.map_err(bad)?;
            for (column, field) in fields.iter_mut().zip(record.iter()) {
                column.push(field.to_string());
            }
        }
        let mut table = crate::Table::new();
        for (name, values) in header.into_iter().zip(fields) {
            let numbers: Option<Vec<f64>> = values
                .iter()
                .map(|v| match v.trim() {
                    "" => Some(f64::NAN),
                    t => t.parse::<f64>().ok(),
                })
                .collect();
            let column = match numbers {
                Some(v) => crate::Column::numbers(v),
                None => crate::Column::text_from(
                    values
                        .iter()
                        .map(|v| (!v.trim().is_empty()).then_some(v.as_str())),
                ),
            };
            table.push(name, column)?;
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_reads_with_its_numbers_and_sources() {
        for s in &SERIES {
            let t = s.table().expect("embedded series");
            assert!(t.nrows() > 0, "{}", s.name);
            assert!(t.has("source_url"), "{}", s.name);
            assert!(
                SERIES_README.contains(&format!("`{}.csv`", s.name)),
                "{}",
                s.name
            );
        }
        // The figures the blueprint press pieces quote.
        let kr = series("kr_content_industry_exports")
            .expect("series")
            .table()
            .expect("table");
        let (years, values) = (
            kr.num("year").expect("year"),
            kr.num("exports_usd_bn").expect("v"),
        );
        let sectors = kr.text("sector").expect("sector");
        let total_2021 = (0..kr.nrows())
            .find(|&i| years[i] == 2021.0 && sectors.get(i) == Some("total"))
            .map(|i| values[i]);
        assert_eq!(total_2021, Some(12.45));
        let a3 = series("asean_plus3_trade")
            .expect("series")
            .table()
            .expect("table");
        let y = a3.num("year").expect("year");
        let i = y.iter().position(|&v| v == 2019.0).expect("2019");
        assert_eq!(a3.num("asean_plus3_trade_usd_bn").expect("trade")[i], 890.2);
        assert_eq!(
            a3.num("share_of_asean_total_trade_pct").expect("share")[i],
            31.6
        );
        // An empty field in a numeric column is missing, not zero.
        assert!(a3
            .num("yoy_growth_pct")
            .expect("growth")
            .iter()
            .any(|v| v.is_nan()));
    }

    #[test]
    fn an_unknown_series_names_the_nearest() {
        let e = series("asean_plus3_trad").expect_err("unknown").to_string();
        assert!(e.contains("did you mean `asean_plus3_trade`?"), "{e}");
    }
}
