//! Trade indicators of a country, bloc or list of countries for a product group, year by
//! year: which data is read, how the names resolve, which products count.

use crate::{Context, DataSource, Error, Result, Version};
use hallyu_data::read::{column_names, read_path, ReadOptions};
use hallyu_data::reference::{Reference, Resolved};
use hallyu_data::{dataset, embedded, Table};
use hallyu_measure::group::{concordance, resolve_group, ResolvedGroup};
use hallyu_measure::indicators::{self, Indicators};
use hallyu_measure::scope::{select_rows, Scope, SOURCE_COLUMN};
use hallyu_measure::{Countries, FlowColumns, Flows, Perspective, Products};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The column of a dataset (or a canonical file) that says which classification, e.g.
/// which HS edition, each row's product code is in.
const CLASSIFICATION_COLUMN: &str = "classification";

/// An indicators request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// The flows: the embedded Advanced Guide panel (aggregate manufacturing, million USD,
    /// column `trade`), a file with columns year, exporter, importer, product (optional),
    /// value, or a dataset folder.
    #[serde(default)]
    pub data: DataSource,
    /// Country (ISO3, e.g. `KOR`), bloc (`asean`, `plus3`, `asean+3`, `eu`, ... or one of
    /// `blocs`) or a comma-separated list of ISO3 codes.
    pub subject: String,
    /// Partner country, bloc or list, for bilateral flows and the share of the subject's
    /// trade with it.
    #[serde(default)]
    pub partner: Option<String>,
    /// Product group (`creative`, `creative.audiovisuals`, `cosmetics`, ...) or HS prefixes
    /// separated by commas (`3303,3304`). Default: every product.
    #[serde(default)]
    pub group: Option<String>,
    /// Products by name, matched exactly against the product column (sectors of a series,
    /// UNCTADstat codes such as `CG00`, or `total`). Not with `group`.
    #[serde(default)]
    pub product: Option<Vec<String>>,
    /// The source to read from a dataset holding several: `baci`, `unctadstat`,
    /// `series:<file stem>`, or a prefix before `:` when it names only one.
    #[serde(default)]
    pub source: Option<String>,
    /// Years reported, `[first, last]`. Default: every year of the data.
    #[serde(default)]
    pub years: Option<(i32, i32)>,
    /// Window of the compound annual growth rates, `[first, last]`. Default: the first and
    /// last reported year.
    #[serde(default)]
    pub cagr_window: Option<(i32, i32)>,
    /// How many partners to rank.
    #[serde(default = "default_top")]
    pub top: usize,
    /// Blocs and product groups of the user's own (a TOML file).
    #[serde(default)]
    pub blocs: Option<PathBuf>,
    /// A concordance table between two classifications (CSV whose header names the two),
    /// used with the built-in UNSD tables to apply a group in the data's HS edition.
    #[serde(default)]
    pub concordance: Option<PathBuf>,
    /// Value column. Default: `value`, or `trade` for the embedded panel.
    #[serde(default)]
    pub value: Option<String>,
    /// Whose report of each flow is read when the data holds both the exporter's and the
    /// importer's; the two are never added.
    #[serde(default)]
    pub perspective: Perspective,
}

fn default_top() -> usize {
    10
}

impl IndicatorsRequest {
    /// A request for `subject` on the embedded panel, everything else by default.
    pub fn new(subject: impl Into<String>) -> IndicatorsRequest {
        IndicatorsRequest {
            version: Version,
            data: DataSource::Embedded,
            subject: subject.into(),
            partner: None,
            group: None,
            product: None,
            source: None,
            years: None,
            cagr_window: None,
            top: default_top(),
            blocs: None,
            concordance: None,
            value: None,
            perspective: Perspective::default(),
        }
    }

    /// The years the computation reads: the reported ones, the year before the first (for
    /// its growth rate) and the CAGR window.
    fn years_needed(&self) -> Option<(i32, i32)> {
        let (first, last) = self.years?;
        let (first, last) = (first.saturating_sub(1), last);
        Some(match self.cagr_window {
            Some((w0, w1)) => (first.min(w0), last.max(w1)),
            None => (first, last),
        })
    }
}

/// Computes the indicators.
pub fn compute(ctx: &Context, req: &IndicatorsRequest) -> Result<Indicators> {
    let subjects = [(req.subject.clone(), req.partner.clone())];
    compute_each(ctx, req, |_, _| subjects.to_vec())?
        .pop()
        .unwrap_or_else(|| Err(Error::field("subject", "no subject")))
}

/// The indicators of several subjects (each with its partner, if any; `subjects` chooses
/// them knowing the data) on the data, group and years of `req` (whose own subject and
/// partner are not used): the data is read and the group resolved once. An error of one subject is its entry's; one of the data or
/// the group is the whole call's.
pub(crate) fn compute_each(
    ctx: &Context,
    req: &IndicatorsRequest,
    subjects: impl FnOnce(&Flows, &Reference) -> Vec<(String, Option<String>)>,
) -> Result<Vec<Result<Indicators>>> {
    if req.group.is_some() && req.product.is_some() {
        return Err(Error::field(
            "product",
            "products by name and a product group cannot be combined: give one of them",
        ));
    }
    let reference = match &req.blocs {
        Some(path) => Reference::with_user_file(path)?,
        None => Reference::builtin(),
    };
    ctx.stage("reading trade flows");
    let (read, cols, unit) = load(ctx, req)?;
    ctx.check_rows(read.nrows())?;
    let scope = Scope {
        source: req.source.clone(),
        products: req.product.clone(),
    };
    let chosen = select_rows(&read, cols.product.as_deref(), &scope)?;
    let table: std::borrow::Cow<Table> = match &chosen.keep {
        Some(keep) => std::borrow::Cow::Owned(read.select_rows(keep)),
        None => std::borrow::Cow::Borrowed(&read),
    };
    let flows = Flows::new(&table, &cols)?;
    ctx.stage("computing indicators");
    // The rows are already those of the products named, so the group is all of them.
    let (resolved, group_note) = match &chosen.products {
        Some(_) => (ResolvedGroup::All, None),
        None => resolve_group(req.group.as_deref(), &reference, &flows, || {
            concordance(req.concordance.as_deref())
        })?,
    };
    if let (Some(path), false) = (
        &req.concordance,
        matches!(resolved, ResolvedGroup::InEditions(_)),
    ) {
        return Err(Error::field(
            "concordance",
            format!(
                "the concordance table {} is used only with a product group defined in HS \
                 editions (e.g. creative.visual_arts); {}",
                path.display(),
                match &req.group {
                    Some(g) if chosen.products.is_none() => {
                        format!("the group {g} means the same in every edition")
                    }
                    _ => "leave it out".to_string(),
                }
            ),
        ));
    }
    let group = match &chosen.products {
        Some(names) => Products::group(&names.join(", "), |_| true),
        None => resolved.products(),
    };
    let group_editions = match &resolved {
        ResolvedGroup::InEditions(g) => Some(g.coverage(&flows, req.perspective)),
        _ => None,
    };
    let one = |subject: &str, partner: Option<&str>| -> Result<Indicators> {
        let subject = countries("subject", subject, &reference, &flows)?;
        let partner = match partner {
            Some(p) => Some(countries("partner", p, &reference, &flows)?),
            None => None,
        };
        let request = indicators::Request {
            subject: &subject,
            partner: partner.as_ref(),
            products: &group,
            years: req.years,
            cagr_window: req.cagr_window,
            top: req.top,
            unit: unit.clone(),
            perspective: req.perspective,
        };
        let mut result = indicators::compute(&flows, &request)?;
        if let Some(source) = &chosen.source {
            result.notes.insert(0, format!("source: {source}"));
        }
        result.notes.extend(group_note.clone());
        result.group_editions = group_editions.clone();
        Ok(result)
    };
    Ok(subjects(&flows, &reference)
        .iter()
        .map(|(s, p)| one(s, p.as_deref()))
        .collect())
}

/// Loads the flows: the table and which of its columns are which, and the unit. A dataset
/// folder is read once per context for the same years and columns.
fn load(ctx: &Context, req: &IndicatorsRequest) -> Result<(Arc<Table>, FlowColumns, String)> {
    let path = match &req.data {
        DataSource::Embedded => {
            let mut cols = FlowColumns::agtpa();
            if let Some(v) = &req.value {
                cols.value = v.clone();
            }
            // The panel is small and immutable: decoded once per process.
            let table = embedded::agtpa_shared()?;
            if !table.has(&cols.value) {
                return Err(table.unknown(&cols.value).into());
            }
            return Ok((table, cols, "million USD".into()));
        }
        DataSource::Table(table) => {
            let (cols, wanted) = file_columns(req, table.names());
            for c in &wanted {
                if !table.has(c) {
                    return Err(table.unknown(c).into());
                }
            }
            return Ok((table.clone(), cols, String::new()));
        }
        DataSource::File { path } => path,
        DataSource::Dataset { dir } => {
            let mut cols = canonical(req);
            // Who reported a row is in `flow`; the reporter's code and quantities are not read.
            let wanted = [
                "year",
                "exporter",
                "importer",
                "flow",
                "product",
                "classification",
                "value",
                SOURCE_COLUMN,
            ];
            let years = req.years_needed();
            let key = format!("dataset {} {years:?} {wanted:?}", dir.display());
            let table = ctx.table(key, || {
                Ok(dataset::read_dataset_columns(dir, years, &wanted)?)
            })?;
            if !table.has("product") {
                cols.product = None;
            }
            if table.has(CLASSIFICATION_COLUMN) {
                cols.classification = Some(CLASSIFICATION_COLUMN.into());
            }
            return Ok((table, cols, "USD".into()));
        }
    };
    let (cols, wanted) = file_columns(req, &column_names(path)?);
    let options = ReadOptions {
        columns: Some(wanted),
        ..ReadOptions::default()
    };
    Ok((Arc::new(read_file(path, &options)?), cols, String::new()))
}

/// The flow columns of a file or a table in memory with these column names (the canonical
/// names, or those the request gives), and the columns to read.
fn file_columns(req: &IndicatorsRequest, names: &[String]) -> (FlowColumns, Vec<String>) {
    let mut cols = canonical(req);
    let has = |c: &str| names.iter().any(|n| n == c);
    if !has("product") {
        cols.product = None;
    }
    if !has("flow") {
        cols.flow = None;
    }
    let mut wanted = vec![
        cols.year.clone(),
        cols.exporter.clone(),
        cols.importer.clone(),
        cols.value.clone(),
    ];
    wanted.extend(cols.product.clone());
    wanted.extend(cols.flow.clone());
    if cols.product.is_some() && has(CLASSIFICATION_COLUMN) {
        cols.classification = Some(CLASSIFICATION_COLUMN.into());
        wanted.push(CLASSIFICATION_COLUMN.into());
    }
    if has(SOURCE_COLUMN) {
        wanted.push(SOURCE_COLUMN.to_string());
    }
    (cols, wanted)
}

fn canonical(req: &IndicatorsRequest) -> FlowColumns {
    let mut cols = FlowColumns::canonical();
    if let Some(v) = &req.value {
        cols.value = v.clone();
    }
    cols
}

fn read_file(path: &Path, options: &ReadOptions) -> Result<Table> {
    Ok(read_path(path, options)?)
}

/// A country, a bloc or a comma-separated list, checked against the data's countries
/// (membership of a bloc applies year by year).
fn countries<'r>(
    role: &str,
    name: &str,
    reference: &'r Reference,
    flows: &Flows,
) -> Result<Countries<'r>> {
    Ok(
        match reference.resolve(role, name, flows.countries(), None, false)? {
            Resolved::Country(code) => Countries::country(&code),
            Resolved::Bloc(bloc) => Countries::bloc(&bloc.name, move |c, y| bloc.is_member(c, y)),
            Resolved::List(codes) => {
                let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
                Countries::fixed(name, &codes)
            }
            // Not allowed above: every country is not a subject.
            Resolved::All => {
                return Err(Error::field(
                    role,
                    format!("{role} `all` is not a country or bloc"),
                ))
            }
        },
    )
}
