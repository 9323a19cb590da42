//! `hallyu indicators`: trade indicators of a country or bloc.

use crate::args::{IndicatorsArgs, OutputFormat};
use crate::exit::usage;
use crate::output::emit;
use crate::progress::Spinner;
use anyhow::Result;
use hallyu_data::read::{column_names, read_path, ReadOptions};
use hallyu_data::reference::Reference;
use hallyu_data::{dataset, embedded, nearest, Table};
use hallyu_measure::group::{concordance, resolve_group, ResolvedGroup};
use hallyu_measure::indicators::{compute, Request};
use hallyu_measure::scope::{select_rows, Scope, SOURCE_COLUMN};
use hallyu_measure::{Countries, FlowColumns, Flows, Products};
use std::path::Path;

/// The column of a dataset (or a canonical file) that says which classification, e.g.
/// which HS edition, each row's product code is in.
const CLASSIFICATION_COLUMN: &str = "classification";

/// Runs the command.
pub fn run(a: IndicatorsArgs) -> Result<u8> {
    let text = indicators(&a)?;
    emit(&text, a.output.out.as_deref())?;
    Ok(0)
}

/// The years the computation reads: the reported ones, the year before the first (for
/// its growth rate) and the CAGR window.
fn years_needed(a: &IndicatorsArgs) -> Option<(i32, i32)> {
    let (first, last) = a.years?;
    let (first, last) = (first.saturating_sub(1), last);
    Some(match a.cagr_window {
        Some((w0, w1)) => (first.min(w0), last.max(w1)),
        None => (first, last),
    })
}

/// Loads the flows: the table and which of its columns are which, and the unit.
fn load(a: &IndicatorsArgs) -> Result<(Table, FlowColumns, String)> {
    let Some(path) = &a.data else {
        let mut cols = FlowColumns::agtpa();
        if let Some(v) = &a.value {
            cols.value = v.clone();
        }
        let options = ReadOptions {
            columns: Some(vec![
                cols.year.clone(),
                cols.exporter.clone(),
                cols.importer.clone(),
                cols.value.clone(),
            ]),
            ..ReadOptions::default()
        };
        return Ok((embedded::agtpa_with(&options)?, cols, "million USD".into()));
    };
    let mut cols = FlowColumns::canonical();
    if let Some(v) = &a.value {
        cols.value = v.clone();
    }
    if path.is_dir() {
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
        let table = dataset::read_dataset_columns(path, years_needed(a), &wanted)?;
        if !table.has("product") {
            cols.product = None;
        }
        if table.has(CLASSIFICATION_COLUMN) {
            cols.classification = Some(CLASSIFICATION_COLUMN.into());
        }
        return Ok((table, cols, "USD".into()));
    }
    if !table_has(path, "product")? {
        cols.product = None;
    }
    if !table_has(path, "flow")? {
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
    if cols.product.is_some() && table_has(path, CLASSIFICATION_COLUMN)? {
        cols.classification = Some(CLASSIFICATION_COLUMN.into());
        wanted.push(CLASSIFICATION_COLUMN.into());
    }
    if table_has(path, SOURCE_COLUMN)? {
        wanted.push(SOURCE_COLUMN.to_string());
    }
    let options = ReadOptions {
        columns: Some(wanted),
        ..ReadOptions::default()
    };
    Ok((read_path(path, &options)?, cols, String::new()))
}

fn table_has(path: &Path, column: &str) -> Result<bool> {
    Ok(column_names(path)?.iter().any(|c| c == column))
}

/// A country, a bloc or a comma-separated list, checked against the data's countries.
fn countries<'r>(
    what: &str,
    name: &str,
    reference: &'r Reference,
    flows: &Flows,
) -> Result<Countries<'r>> {
    let in_data = |code: &str| {
        flows
            .countries()
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
    };
    let unknown = |code: &str| {
        let candidates = flows
            .countries()
            .iter()
            .map(String::as_str)
            .chain(reference.blocs().iter().map(|b| b.name.as_str()));
        // Swapped letters (KRO for KOR) first: edit distance rates them no closer than
        // an unrelated code of the same length.
        let sorted = |x: &str| {
            let mut v: Vec<char> = x.to_ascii_uppercase().chars().collect();
            v.sort_unstable();
            v
        };
        let hint = candidates
            .clone()
            .find(|c| sorted(c) == sorted(code))
            .map(str::to_string)
            .or_else(|| nearest(code, candidates))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        usage(format!(
            "{what} `{code}` is neither a bloc nor a country code in the data{hint}"
        ))
    };
    if name.contains(',') {
        let codes: Vec<&str> = name
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(bad) = codes.iter().find(|c| !in_data(c)) {
            return Err(unknown(bad));
        }
        return Ok(Countries::fixed(name, &codes));
    }
    if let Ok(bloc) = reference.bloc(name) {
        return Ok(Countries::bloc(&bloc.name, move |c, y| {
            bloc.is_member(c, y)
        }));
    }
    if in_data(name) {
        return Ok(Countries::country(name));
    }
    Err(unknown(name))
}

fn indicators(a: &IndicatorsArgs) -> Result<String> {
    let reference = match &a.blocs {
        Some(path) => Reference::with_user_file(path)?,
        None => Reference::builtin(),
    };
    let spinner = Spinner::new("reading trade flows", a.output.quiet);
    let (table, cols, unit) = load(a)?;
    drop(spinner);
    let scope = Scope {
        source: a.source.clone(),
        products: a.product.clone(),
    };
    let chosen = select_rows(&table, cols.product.as_deref(), &scope)?;
    let table = match &chosen.keep {
        Some(keep) => table.select_rows(keep),
        None => table,
    };
    let flows = Flows::new(&table, &cols)?;
    let subject = countries("subject", &a.subject, &reference, &flows)?;
    let partner = match &a.partner {
        Some(p) => Some(countries("partner", p, &reference, &flows)?),
        None => None,
    };
    // The rows are already those of the products named, so the group is all of them.
    let (resolved, group_note) = match &chosen.products {
        Some(_) => (ResolvedGroup::All, None),
        None => resolve_group(a.group.as_deref(), &reference, &flows, || {
            concordance(a.concordance.as_deref())
        })?,
    };
    if let (Some(path), false) = (
        &a.concordance,
        matches!(resolved, ResolvedGroup::InEditions(_)),
    ) {
        return Err(usage(format!(
            "--concordance {}: a concordance table is used only with a --group defined in HS \
             editions (e.g. creative.visual_arts); {}",
            path.display(),
            match &a.group {
                Some(g) if chosen.products.is_none() => {
                    format!("--group {g} means the same in every edition")
                }
                _ => "leave it out".to_string(),
            }
        )));
    }
    let group = match &chosen.products {
        Some(names) => Products::group(&names.join(", "), |_| true),
        None => resolved.products(),
    };
    let request = Request {
        subject: &subject,
        partner: partner.as_ref(),
        products: &group,
        years: a.years,
        cagr_window: a.cagr_window,
        top: a.top,
        unit,
        perspective: a.perspective.unwrap_or_default(),
    };
    let mut result = compute(&flows, &request)?;
    if let Some(source) = &chosen.source {
        result.notes.insert(0, format!("source: {source}"));
    }
    result.notes.extend(group_note);
    if let ResolvedGroup::InEditions(g) = &resolved {
        result.group_editions = Some(g.coverage(&flows, a.perspective.unwrap_or_default()));
    }
    Ok(match a.output.format {
        OutputFormat::Json => hallyu_report::indicators_json(&result)?,
        OutputFormat::Csv => hallyu_report::indicators_csv(&result)?,
        OutputFormat::Table => hallyu_report::indicators_section(&result).terminal(),
        OutputFormat::Markdown => hallyu_report::indicators_section(&result).markdown(),
        OutputFormat::Latex => hallyu_report::indicators_section(&result).latex(),
    })
}
