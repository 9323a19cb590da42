//! A bilateral flow table as the indicators read it: which columns hold the year, the
//! exporter, the importer, the product and the value, checked once so that the
//! computation can trust every row it uses.

use crate::perspective::Reported;
use crate::MeasureError;
use hallyu_data::dataset::Flow;
use hallyu_data::{
    nearest, Column, ColumnView, DataError, Table, TextColumn, TextColumnBuilder, MISSING_CODE,
};
use std::collections::HashMap;

/// Names of the flow columns in a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowColumns {
    /// Year (numeric, whole numbers).
    pub year: String,
    /// Exporter ISO3 code (text; `WLD` for the world or an unspecified origin).
    pub exporter: String,
    /// Importer ISO3 code (text; `WLD` for the world or an unspecified destination).
    pub importer: String,
    /// Product code (text, or numeric HS codes); `None` when the table has one product
    /// (aggregate data), which is then called `all`.
    pub product: Option<String>,
    /// Flow value (numeric, non-negative; missing values are skipped and counted).
    pub value: String,
    /// Who reported each row (`export`, `import`, `reconciled`; see
    /// [`crate::perspective`]); `None` when the table does not say, and every row then
    /// counts on both sides.
    pub flow: Option<String>,
    /// Classification of each row's product code (text: `HS17`, `UNCTAD-CG`...), which
    /// says what a code means; `None` when the table has none. The constructors leave it
    /// out; set it for a table that has one (a dataset's `classification`).
    pub classification: Option<String>,
}

impl FlowColumns {
    /// The canonical columns of an ingested data set: `year, exporter, importer, product,
    /// value`.
    pub fn canonical() -> FlowColumns {
        FlowColumns {
            year: "year".into(),
            exporter: "exporter".into(),
            importer: "importer".into(),
            product: Some("product".into()),
            value: "value".into(),
            flow: Some("flow".into()),
            classification: None,
        }
    }

    /// The embedded Advanced Guide panel: `exporter, importer, year, trade` (aggregate
    /// manufacturing, million USD), no product column.
    pub fn agtpa() -> FlowColumns {
        FlowColumns {
            product: None,
            value: "trade".into(),
            flow: None,
            ..FlowColumns::canonical()
        }
    }
}

/// Product codes of the rows: a text column, numeric codes turned into text, or one
/// product for aggregate data.
#[derive(Debug)]
pub(crate) enum ProductCodes<'t> {
    /// One product, `all`.
    Single,
    /// Text codes, as in the table.
    Text(TextColumn<'t>),
    /// Numeric codes written as integers (HS codes read from CSV), as a text column.
    Numeric(Column),
}

impl ProductCodes<'_> {
    /// The codes as text, `None` for one product. (`numeric_codes` builds a text column,
    /// so a `Numeric` one always has a text view; the indicator tests on numeric HS codes
    /// would fail otherwise.)
    fn text(&self) -> Option<TextColumn<'_>> {
        match self {
            ProductCodes::Single => None,
            ProductCodes::Text(s) => Some(*s),
            ProductCodes::Numeric(c) => c.as_text(),
        }
    }
}

/// The classification of the product codes.
#[derive(Debug)]
pub(crate) enum ProductClasses {
    /// The table has no classification column.
    Unknown,
    /// One classification for every row (`None`: missing in every row).
    One(Option<String>),
    /// Several: the product levels are (code, classification) pairs, since the same code
    /// can mean different products in different HS editions.
    Many {
        /// Per row: index into `levels`; `MISSING_CODE` when the product is missing.
        codes: Vec<u32>,
        /// Product code of each pair.
        levels: Vec<String>,
        /// Classification of each pair.
        classes: Vec<Option<String>>,
    },
}

/// A checked view of a flow table.
#[derive(Debug)]
pub struct Flows<'t> {
    pub(crate) columns: FlowColumns,
    pub(crate) year: &'t [f64],
    pub(crate) exporter: TextColumn<'t>,
    pub(crate) importer: TextColumn<'t>,
    pub(crate) value: &'t [f64],
    pub(crate) product: ProductCodes<'t>,
    /// Who reported each row: the codes of the flow column and what each level means;
    /// `None` when every row counts on both sides.
    pub(crate) reported: Option<(&'t [u32], Vec<Reported>)>,
    pub(crate) classes: ProductClasses,
    /// Every country code of either side, exporters' first.
    pub(crate) countries: Vec<String>,
    /// Exporter level → index in `countries`.
    pub(crate) exporter_country: Vec<u32>,
    /// Importer level → index in `countries`.
    pub(crate) importer_country: Vec<u32>,
    /// First and last year with a usable row.
    pub(crate) year_span: Option<(i32, i32)>,
}

fn text<'t>(table: &'t Table, name: &str, what: &str) -> Result<TextColumn<'t>, MeasureError> {
    let other = table.column(name)?;
    match other.as_text() {
        Some(s) => Ok(s),
        None => Err(DataError::ColumnType {
            name: name.to_string(),
            found: other.type_name().into(),
            expected: format!("text ({what})"),
        }
        .into()),
    }
}

impl<'t> Flows<'t> {
    /// Checks the columns of `table`: types, whole-number years, non-negative values.
    /// Errors name the column and the 1-based data row.
    pub fn new(table: &'t Table, columns: &FlowColumns) -> Result<Flows<'t>, MeasureError> {
        let year = table.num(&columns.year)?;
        let exporter = text(table, &columns.exporter, "ISO3 codes")?;
        let importer = text(table, &columns.importer, "ISO3 codes")?;
        let value = table.num(&columns.value)?;
        let product = match &columns.product {
            None => ProductCodes::Single,
            Some(p) => match table.column(p)?.view() {
                ColumnView::Text(s) => ProductCodes::Text(s),
                ColumnView::Numbers(v) => ProductCodes::Numeric(numeric_codes(v, p)?),
            },
        };
        let reported = match &columns.flow {
            None => None,
            Some(name) => Some(reported_levels(
                text(table, name, "who reported the row")?,
                name,
            )?),
        };
        let classes = match &columns.classification {
            None => ProductClasses::Unknown,
            Some(c) => classify(&product, text(table, c, "classification names")?),
        };
        let mut span: Option<(i32, i32)> = None;
        for (r, (&y, &v)) in year.iter().zip(value).enumerate() {
            if v < 0.0 || v.is_infinite() {
                return Err(MeasureError::InvalidValue {
                    column: columns.value.clone(),
                    row: r + 1,
                    value: v,
                });
            }
            if y.is_nan() {
                continue;
            }
            if y.fract() != 0.0 || y.abs() > 1e5 {
                return Err(MeasureError::NotAYear {
                    column: columns.year.clone(),
                    row: r + 1,
                    value: y,
                });
            }
            let y = y as i32;
            span = Some(span.map_or((y, y), |(a, b)| (a.min(y), b.max(y))));
        }
        let mut countries: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut map = |levels: &[String]| -> Vec<u32> {
            levels
                .iter()
                .map(|l| {
                    let key = l.trim().to_ascii_uppercase();
                    *index.entry(key.clone()).or_insert_with(|| {
                        countries.push(key);
                        (countries.len() - 1) as u32
                    })
                })
                .collect()
        };
        let exporter_country = map(exporter.levels());
        let importer_country = map(importer.levels());
        Ok(Flows {
            columns: columns.clone(),
            year,
            exporter,
            importer,
            value,
            product,
            reported,
            classes,
            countries,
            exporter_country,
            importer_country,
            year_span: span,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.year.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.year.is_empty()
    }

    /// First and last year in the data, `None` when no row has a year.
    pub fn years(&self) -> Option<(i32, i32)> {
        self.year_span
    }

    /// Every country code on either side of a flow (upper case).
    pub fn countries(&self) -> &[String] {
        &self.countries
    }

    /// The column names this view reads.
    pub fn columns(&self) -> &FlowColumns {
        &self.columns
    }

    /// Product level of row `r`, or `None` when missing.
    pub(crate) fn product_code(&self, r: usize) -> Option<u32> {
        if let ProductClasses::Many { codes, .. } = &self.classes {
            return (codes[r] != MISSING_CODE).then_some(codes[r]);
        }
        let code = match self.product.text() {
            None => return Some(0),
            Some(s) => s.level_ids()[r],
        };
        (code != MISSING_CODE).then_some(code)
    }

    /// Who reported row `r` (a missing flow counts on both sides, like a table without a
    /// flow column).
    pub fn reported(&self, r: usize) -> Reported {
        match &self.reported {
            Some((codes, levels)) => levels
                .get(codes[r] as usize)
                .copied()
                .unwrap_or(Reported::Both),
            None => Reported::Both,
        }
    }

    /// Distinct product codes, indexed by [`Flows::product_code`].
    pub(crate) fn product_levels(&self) -> &[String] {
        static ALL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        if let ProductClasses::Many { levels, .. } = &self.classes {
            return levels;
        }
        match self.product.text() {
            None => ALL.get_or_init(|| vec!["all".to_string()]),
            Some(s) => s.levels(),
        }
    }
}

impl Flows<'_> {
    /// Whether the table has a classification column.
    pub fn has_classification(&self) -> bool {
        !matches!(self.classes, ProductClasses::Unknown)
    }

    /// The classification of product level `k` ([`Flows::product_code`]), `None` when
    /// missing or when the table has no classification column.
    pub(crate) fn product_classification(&self, k: usize) -> Option<&str> {
        match &self.classes {
            ProductClasses::Unknown => None,
            ProductClasses::One(c) => c.as_deref(),
            ProductClasses::Many { classes, .. } => classes.get(k).and_then(|c| c.as_deref()),
        }
    }
}

/// Reads the classification column: one classification for all rows, or product levels
/// that pair a code with its classification.
fn classify(product: &ProductCodes, class: TextColumn) -> ProductClasses {
    let mut seen = vec![false; class.levels().len()];
    let mut missing = false;
    for &c in class.level_ids() {
        match seen.get_mut(c as usize) {
            Some(s) => *s = true,
            None => missing = true,
        }
    }
    let used: Vec<u32> = (0..seen.len() as u32)
        .filter(|&c| seen[c as usize])
        .chain(missing.then_some(MISSING_CODE))
        .collect();
    let name = |c: u32| class.level(c).map(str::to_string);
    if let [one] = used.as_slice() {
        return ProductClasses::One(name(*one));
    }
    if used.is_empty() {
        return ProductClasses::One(None);
    }
    let product_text = product.text();
    let (product_codes, product_levels): (Option<&[u32]>, &[String]) = match &product_text {
        None => (None, &[]),
        Some(s) => (Some(s.level_ids()), s.levels()),
    };
    let mut index: HashMap<(u32, u32), u32> = HashMap::new();
    let (mut levels, mut classes) = (Vec::new(), Vec::new());
    let codes = class
        .level_ids()
        .iter()
        .enumerate()
        .map(|(r, &c)| {
            let p = product_codes.map_or(0, |p| p[r]);
            if p == MISSING_CODE {
                return MISSING_CODE;
            }
            *index.entry((p, c)).or_insert_with(|| {
                levels.push(
                    product_levels
                        .get(p as usize)
                        .cloned()
                        .unwrap_or_else(|| "all".to_string()),
                );
                classes.push(name(c));
                (levels.len() - 1) as u32
            })
        })
        .collect();
    ProductClasses::Many {
        codes,
        levels,
        classes,
    }
}

/// Numeric product codes as text: whole numbers only (HS codes), written without decimals.
fn numeric_codes(v: &[f64], name: &str) -> Result<Column, MeasureError> {
    let mut b = TextColumnBuilder::default();
    for (r, x) in v.iter().enumerate() {
        if x.is_nan() {
            b.push(None);
        } else if x.fract() != 0.0 || *x < 0.0 || *x > 1e15 {
            return Err(MeasureError::NotAProductCode {
                column: name.to_string(),
                row: r + 1,
                value: *x,
            });
        } else {
            b.push(Some(&format!("{}", *x as u64)));
        }
    }
    Ok(b.finish())
}

/// The flow column's codes and what each of its levels means.
fn reported_levels<'t>(
    column: TextColumn<'t>,
    name: &str,
) -> Result<(&'t [u32], Vec<Reported>), MeasureError> {
    let levels = column
        .levels()
        .iter()
        .map(|l| {
            Flow::parse(l).map(Reported::from).ok_or_else(|| {
                let names = Flow::ALL.map(Flow::as_str);
                MeasureError::NotAFlow {
                    column: name.to_string(),
                    value: l.clone(),
                    valid: names.iter().map(|n| n.to_string()).collect(),
                    suggestion: nearest(l, names.iter().copied()),
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((column.level_ids(), levels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(flows: &[&str]) -> Table {
        let text = |v: &[&str]| {
            let mut b = TextColumnBuilder::default();
            for s in v {
                b.push(Some(s));
            }
            b.finish()
        };
        let n = flows.len();
        let mut t = Table::new();
        t.push("year", Column::numbers(vec![2020.0; n])).unwrap();
        t.push("exporter", text(&vec!["KOR"; n])).unwrap();
        t.push("importer", text(&vec!["JPN"; n])).unwrap();
        t.push("product", text(&vec!["p"; n])).unwrap();
        t.push("value", Column::numbers(vec![1.0; n])).unwrap();
        t.push("flow", text(flows)).unwrap();
        t
    }

    #[test]
    fn who_reported_each_row() {
        let t = table(&["export", "import", "reconciled", "Export"]);
        let f = Flows::new(&t, &FlowColumns::canonical()).unwrap();
        let got: Vec<Reported> = (0..4).map(|r| f.reported(r)).collect();
        use Reported::*;
        assert_eq!(got, [ByExporter, ByImporter, Both, ByExporter]);
        // Without a flow column every row counts on both sides.
        let f = Flows::new(&t, &FlowColumns::agtpa_like()).unwrap();
        assert_eq!(f.reported(1), Both);
    }

    #[test]
    fn an_unknown_flow_is_an_error_with_the_nearest_name() {
        let t = table(&["export", "imprt"]);
        let e = Flows::new(&t, &FlowColumns::canonical())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`imprt`") && e.contains("`import`"), "{e}");
    }

    impl FlowColumns {
        fn agtpa_like() -> FlowColumns {
            FlowColumns {
                flow: None,
                ..FlowColumns::canonical()
            }
        }
    }
}
