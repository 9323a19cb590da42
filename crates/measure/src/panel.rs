//! From product-level flows to the country-pair panel a gravity model reads.
//!
//! [`gravity_panel`] adds up the selected products' flows of each exporter-importer pair and
//! year, reading every flow from one side as the [`Perspective`] says (a pair's flow counts
//! where [`Perspective::counts_as_export`] says so, so the exporter's and the importer's
//! reports of one shipment are never added together). The panel is square: every ordered
//! pair of different countries among those in the selected rows, in every selected year,
//! with 0 where the pair did not trade. Intra-national flows (exporter = importer) are in
//! the panel only where the data supply them. World totals (`WLD`) are not pairs and are
//! left out (counted in the notes).
//!
//! Columns: `exporter`, `importer` (ISO3), `year`, `trade` (the flow; `value` is the same
//! number under the dataset's name), `pair_id` (`EXP-IMP`), then the covariates joined by
//! pair (and year when a covariates table has years), then `distcap`, the great-circle
//! distance between capitals from the embedded table, unless a covariates table has one.

use crate::flows::{FlowColumns, Flows};
use crate::group::{concordance, resolve_group, ResolvedGroup};
use crate::perspective::{Perspective, Reported};
use crate::scope::{select_rows, Scope};
use crate::select::Products;
use crate::MeasureError;
use hallyu_data::dataset::{read_covariates, read_dataset, WORLD};
use hallyu_data::reference::{capital_distance_km, Reference};
use hallyu_data::{Column, Table, TextColumn, TextColumnBuilder, MISSING_CODE};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The columns every panel has, in order (covariates follow).
pub const PANEL_COLUMNS: [&str; 6] = ["exporter", "importer", "year", "trade", "value", "pair_id"];

/// Name of the embedded distance column.
pub const DISTCAP: &str = "distcap";

/// A covariates table to join: its name (for messages) and the table, with text columns
/// `exporter`, `importer`, optionally a numeric `year`, and numeric covariates.
#[derive(Debug, Clone, Copy)]
pub struct Covariates<'t> {
    /// Name of the table (`gravity`).
    pub name: &'t str,
    /// The table.
    pub table: &'t Table,
}

/// What to build.
#[derive(Debug)]
pub struct PanelRequest<'a> {
    /// Whose report of each flow is read.
    pub perspective: Perspective,
    /// The products added up.
    pub products: &'a Products<'a>,
    /// Covariates to join.
    pub covariates: &'a [Covariates<'a>],
}

/// A gravity panel and what the user should know about how it was built.
#[derive(Debug)]
pub struct GravityPanel {
    /// The panel ([`PANEL_COLUMNS`] then the covariates).
    pub table: Table,
    /// Countries, sorted.
    pub countries: Vec<String>,
    /// Years, ascending.
    pub years: Vec<i32>,
    /// How the panel was built: perspective, rows left out and why, zeros filled,
    /// intra-national flows, covariates matched.
    pub notes: Vec<String>,
}

/// Builds the panel (see the module documentation). Errors when no row is selected.
pub fn gravity_panel(flows: &Flows, request: &PanelRequest) -> Result<GravityPanel, MeasureError> {
    let perspective = request.perspective;
    let levels = flows.product_levels();
    // A product level is a code in its classification: a group may hold a code in one HS
    // edition and not in another.
    let in_group: Vec<bool> = levels
        .iter()
        .enumerate()
        .map(|(k, code)| {
            request
                .products
                .contains_in(code, flows.product_classification(k))
        })
        .collect();
    let world = flows.countries.iter().position(|c| c == WORLD);
    let mut sums: HashMap<(i32, u32, u32), f64> = HashMap::new();
    let (mut world_rows, mut other_side, mut no_value, mut no_code) = (0u64, 0u64, 0u64, 0u64);
    for r in 0..flows.len() {
        let Some(p) = flows.product_code(r) else {
            continue;
        };
        if !in_group[p as usize] || flows.year[r].is_nan() {
            continue;
        }
        if !perspective.counts_as_export(flows.reported(r)) {
            other_side += 1;
            continue;
        }
        let (ec, ic) = (flows.exporter.level_ids()[r], flows.importer.level_ids()[r]);
        if ec == MISSING_CODE || ic == MISSING_CODE {
            no_code += 1;
            continue;
        }
        let e = flows.exporter_country[ec as usize];
        let i = flows.importer_country[ic as usize];
        if world.is_some_and(|w| w == e as usize || w == i as usize) {
            world_rows += 1;
            continue;
        }
        let v = flows.value[r];
        if v.is_nan() {
            no_value += 1;
            continue;
        }
        *sums.entry((flows.year[r] as i32, e, i)).or_insert(0.0) += v;
    }
    if sums.is_empty() {
        return Err(MeasureError::NoPairFlows {
            products: request.products.name().to_string(),
            perspective: perspective.to_string(),
            other_side,
        });
    }

    // The countries and years of the selected rows, in order.
    let used: BTreeSet<u32> = sums.keys().flat_map(|&(_, e, i)| [e, i]).collect();
    let mut countries: Vec<(String, u32)> = used
        .into_iter()
        .map(|c| (flows.countries[c as usize].clone(), c))
        .collect();
    countries.sort();
    let years: Vec<i32> = sums
        .keys()
        .map(|k| k.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    let mut ex = TextColumnBuilder::default();
    let mut im = TextColumnBuilder::default();
    let mut pair = TextColumnBuilder::default();
    let (mut year, mut trade) = (Vec::new(), Vec::new());
    let (mut zeros, mut domestic) = (0usize, 0usize);
    for &y in &years {
        for (en, e) in &countries {
            for (iname, i) in &countries {
                let v = sums.get(&(y, *e, *i)).copied();
                if e == i {
                    // Intra-national flows only where the data supply them.
                    let Some(v) = v else { continue };
                    domestic += 1;
                    trade.push(v);
                } else {
                    if v.is_none() {
                        zeros += 1;
                    }
                    trade.push(v.unwrap_or(0.0));
                }
                ex.push(Some(en));
                im.push(Some(iname));
                pair.push(Some(&format!("{en}-{iname}")));
                year.push(f64::from(y));
            }
        }
    }
    let n = countries.len();
    let mut notes = vec![format!(
        "panel: {} pairs of {n} countries in {} year(s) ({}-{}), {} rows; flows of {}, {}",
        n * n.saturating_sub(1),
        years.len(),
        years.first().copied().unwrap_or_default(),
        years.last().copied().unwrap_or_default(),
        trade.len(),
        request.products.name(),
        pair_reader(perspective)
    )];
    if zeros > 0 {
        notes.push(format!(
            "{zeros} pair-year(s) without a reported flow are zeros (the panel is square)"
        ));
    }
    notes.push(match domestic {
        0 => "no intra-national flows in the data: the panel has only pairs of different \
              countries"
            .to_string(),
        d => format!("{d} intra-national flow(s) as supplied by the data"),
    });
    if other_side > 0 {
        notes.push(format!(
            "{other_side} row(s) are the other side's reports of the same flows and are not \
             added (perspective `{perspective}`)"
        ));
    }
    if world_rows > 0 {
        notes.push(format!(
            "{world_rows} row(s) with the world ({WORLD}) as partner are totals, not pairs, \
             and are left out"
        ));
    }
    for (count, what) in [(no_value, "no value"), (no_code, "no country code")] {
        if count > 0 {
            notes.push(format!("{count} row(s) with {what} left out"));
        }
    }

    let mut table = Table::new();
    table.push("exporter", ex.finish())?;
    table.push("importer", im.finish())?;
    table.push("year", Column::numbers(year))?;
    table.push("trade", Column::numbers(trade.clone()))?;
    table.push("value", Column::numbers(trade))?;
    table.push("pair_id", pair.finish())?;
    let mut has_distcap = false;
    for cov in request.covariates {
        has_distcap |= cov.table.has(DISTCAP);
        join(&mut table, cov, &mut notes)?;
    }
    if !has_distcap {
        let mut missing: BTreeSet<&str> = BTreeSet::new();
        let (ex, im) = (table.text("exporter")?, table.text("importer")?);
        let dist: Vec<f64> = (0..ex.len())
            .map(|r| {
                let (e, i) = (ex.get(r).unwrap_or(""), im.get(r).unwrap_or(""));
                if e == i {
                    return f64::NAN;
                }
                capital_distance_km(e, i).unwrap_or_else(|| {
                    for c in [e, i] {
                        if capital_distance_km(c, c).is_none() {
                            missing.insert(c);
                        }
                    }
                    f64::NAN
                })
            })
            .collect();
        let mut note =
            "distcap: great-circle distance between capitals (km), embedded table".to_string();
        if domestic > 0 {
            note.push_str("; missing for intra-national flows (a country's distance to itself is not its internal distance)");
        }
        if !missing.is_empty() {
            let list: Vec<&str> = missing.into_iter().collect();
            note.push_str(&format!(
                "; missing for codes without a capital: {}",
                list.join(", ")
            ));
        }
        notes.push(note);
        table.push(DISTCAP, Column::numbers(dist))?;
    }
    Ok(GravityPanel {
        table,
        countries: countries.into_iter().map(|c| c.0).collect(),
        years,
        notes,
    })
}

/// Whose report a pair's flow is read from, in words.
fn pair_reader(p: Perspective) -> String {
    let side = if p.counts_as_export(Reported::ByExporter) {
        "exporter"
    } else {
        "importer"
    };
    format!(
        "each as its {side} reports it (perspective `{p}`; a source's single reconciled \
         figure, as BACI's, counts under every perspective)"
    )
}

fn text<'t>(table: &'t Table, name: &str, cov: &str) -> Result<TextColumn<'t>, MeasureError> {
    table
        .column(name)?
        .as_text()
        .ok_or_else(|| MeasureError::CovariateCodes {
            covariates: cov.to_string(),
            column: name.to_string(),
        })
}

/// Joins one covariates table onto the panel by pair (and year when it has years); panel
/// rows without a match get missing values, counted in a note.
fn join(table: &mut Table, cov: &Covariates, notes: &mut Vec<String>) -> Result<(), MeasureError> {
    let t = cov.table;
    let ce = text(t, "exporter", cov.name)?;
    let ci = text(t, "importer", cov.name)?;
    let cy = t.column("year").ok().and_then(Column::as_num);
    let mut index: HashMap<(&str, &str, i64), usize> = HashMap::new();
    for r in 0..t.nrows() {
        if let (Some(e), Some(i)) = (ce.get(r), ci.get(r)) {
            let y = cy.map_or(0, |v| v[r] as i64);
            index.insert((e, i, y), r);
        }
    }
    let (ex, im, year) = (
        table.text("exporter")?,
        table.text("importer")?,
        table.num("year")?,
    );
    let rows: Vec<Option<usize>> = (0..ex.len())
        .map(|r| {
            let (e, i) = (ex.get(r).unwrap_or(""), im.get(r).unwrap_or(""));
            let y = cy.map_or(0, |_| year[r] as i64);
            index.get(&(e, i, y)).copied()
        })
        .collect();
    let unmatched = rows.iter().filter(|r| r.is_none()).count();
    let first_unmatched = rows.iter().position(Option::is_none).map(|r| {
        format!(
            "{}-{} {}",
            ex.get(r).unwrap_or(""),
            im.get(r).unwrap_or(""),
            year[r]
        )
    });
    for (name, column) in t.iter() {
        if ["exporter", "importer", "year"].contains(&name) {
            continue;
        }
        let Some(v) = column.as_num() else { continue };
        if table.has(name) {
            return Err(MeasureError::CovariateClash {
                covariates: cov.name.to_string(),
                column: name.to_string(),
            });
        }
        let joined = rows.iter().map(|r| r.map_or(f64::NAN, |r| v[r])).collect();
        table.push(name, Column::numbers(joined))?;
    }
    let mut note = format!(
        "covariates `{}` joined by pair{}: {} of {} panel rows matched",
        cov.name,
        if cy.is_some() { " and year" } else { "" },
        rows.len() - unmatched,
        rows.len()
    );
    if let Some(first) = first_unmatched {
        note.push_str(&format!(
            "; the others have missing covariates (first: {first})"
        ));
    }
    notes.push(note);
    Ok(())
}

/// What to read from a dataset folder for a gravity panel: the rows of one source and
/// products (as `--source`, `--product`), a product group (`--group`), and whose reports.
#[derive(Debug, Clone, Default)]
pub struct DatasetQuery {
    /// Source and products, as for the indicators.
    pub scope: Scope,
    /// Product group or HS prefixes (`--group`).
    pub group: Option<String>,
    /// Whose report of each flow is read.
    pub perspective: Perspective,
    /// A user's HS concordance table next to the built-in ones (`--concordance`), for a
    /// group defined in other HS editions than the data's.
    pub concordance: Option<std::path::PathBuf>,
}

/// Reads the dataset in `dir` (flows and the covariates tables its manifest lists) and
/// builds the gravity panel of `query`: the same row selection as the indicators (one
/// source; never an aggregate product with its components), then [`gravity_panel`].
pub fn panel_from_dataset(
    dir: &Path,
    query: &DatasetQuery,
    reference: &Reference,
) -> Result<GravityPanel, MeasureError> {
    let table = read_dataset(dir, None)?;
    let mut cols = FlowColumns::canonical();
    if !table.has("product") {
        cols.product = None;
    }
    if !table.has("flow") {
        cols.flow = None;
    }
    // Which HS edition each product code is in: a group is applied in the data's editions.
    if cols.product.is_some() && table.has("classification") {
        cols.classification = Some("classification".into());
    }
    let chosen = select_rows(&table, cols.product.as_deref(), &query.scope)?;
    let table = match &chosen.keep {
        Some(keep) => table.select_rows(keep),
        None => table,
    };
    let flows = Flows::new(&table, &cols)?;
    // Products chosen by name are already the rows kept: the group is all of them. A group
    // defined in HS editions is applied in the data's editions, as in the indicators.
    let (resolved, group_note) = match &chosen.products {
        Some(_) => (ResolvedGroup::All, None),
        None => resolve_group(query.group.as_deref(), reference, &flows, || {
            concordance(query.concordance.as_deref())
        })?,
    };
    let products = match &chosen.products {
        Some(names) => Products::group(&names.join(", "), |_| true),
        None => resolved.products(),
    };
    let tables = read_covariates(dir)?;
    let covariates: Vec<Covariates> = tables
        .iter()
        .map(|(entry, table)| Covariates {
            name: &entry.name,
            table,
        })
        .collect();
    let mut panel = gravity_panel(
        &flows,
        &PanelRequest {
            perspective: query.perspective,
            products: &products,
            covariates: &covariates,
        },
    )?;
    if let Some(source) = &chosen.source {
        panel.notes.insert(0, format!("source: {source}"));
    }
    panel.notes.extend(group_note);
    if let ResolvedGroup::InEditions(g) = &resolved {
        panel
            .notes
            .extend(g.coverage(&flows, query.perspective).notes());
    }
    Ok(panel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &[&str]) -> Column {
        let mut b = TextColumnBuilder::default();
        for s in v {
            b.push(Some(s));
        }
        b.finish()
    }

    /// Flows `(year, exporter, importer, product, flow, value)`.
    fn flows_table(rows: &[(f64, &str, &str, &str, &str, f64)]) -> Table {
        let mut t = Table::new();
        t.push("year", Column::numbers(rows.iter().map(|r| r.0).collect()))
            .unwrap();
        t.push(
            "exporter",
            text(&rows.iter().map(|r| r.1).collect::<Vec<_>>()),
        )
        .unwrap();
        t.push(
            "importer",
            text(&rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        )
        .unwrap();
        t.push(
            "product",
            text(&rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        )
        .unwrap();
        t.push("flow", text(&rows.iter().map(|r| r.4).collect::<Vec<_>>()))
            .unwrap();
        t.push("value", Column::numbers(rows.iter().map(|r| r.5).collect()))
            .unwrap();
        t
    }

    fn build(t: &Table, p: Perspective, products: &Products, cov: &[Covariates]) -> GravityPanel {
        let flows = Flows::new(t, &FlowColumns::canonical()).unwrap();
        gravity_panel(
            &flows,
            &PanelRequest {
                perspective: p,
                products,
                covariates: cov,
            },
        )
        .unwrap()
    }

    /// `exporter-importer year` -> trade.
    fn cells(p: &GravityPanel) -> Vec<(String, f64)> {
        let t = &p.table;
        let (e, i) = (t.text("exporter").unwrap(), t.text("importer").unwrap());
        let y = t.num("year").unwrap();
        let v = t.num("trade").unwrap();
        (0..t.nrows())
            .map(|r| {
                (
                    format!("{}-{} {}", e.get(r).unwrap(), i.get(r).unwrap(), y[r]),
                    v[r],
                )
            })
            .collect()
    }

    fn get(p: &GravityPanel, key: &str) -> Option<f64> {
        cells(p).into_iter().find(|c| c.0 == key).map(|c| c.1)
    }

    /// Two reports of KOR -> JPN (10 by KOR, 12 by JPN), JPN -> KOR only reported by KOR as
    /// imports (7), a world total, two products, and two years.
    fn reports() -> Table {
        flows_table(&[
            (2020.0, "KOR", "JPN", "490199", "export", 10.0),
            (2020.0, "KOR", "JPN", "490199", "import", 12.0),
            (2020.0, "KOR", "JPN", "490110", "export", 1.0),
            (2020.0, "KOR", "JPN", "010121", "export", 100.0),
            (2020.0, "JPN", "KOR", "490199", "import", 7.0),
            (2020.0, "KOR", "WLD", "490199", "export", 50.0),
            (2021.0, "KOR", "USA", "490199", "export", 3.0),
        ])
    }

    #[test]
    fn one_report_per_flow_summed_over_the_group_with_zeros_and_no_world() {
        let t = reports();
        let books = Products::hs_prefixes(&["4901"]);
        let p = build(&t, Perspective::Reporter, &books, &[]);
        assert_eq!(p.countries, ["JPN", "KOR", "USA"]);
        assert_eq!(p.years, [2020, 2021]);
        // 3 countries, 6 ordered pairs, 2 years; no intra-national flow in the data.
        assert_eq!(p.table.nrows(), 12);
        // The exporter's reports of the two book codes, never the importer's 12 added.
        assert_eq!(get(&p, "KOR-JPN 2020"), Some(11.0));
        // Only the importer reported JPN -> KOR: not read under the reporter perspective.
        assert_eq!(get(&p, "JPN-KOR 2020"), Some(0.0));
        assert_eq!(get(&p, "KOR-USA 2021"), Some(3.0));
        assert_eq!(get(&p, "USA-KOR 2020"), Some(0.0));
        assert_eq!(get(&p, "KOR-KOR 2020"), None);
        let notes = p.notes.join("\n");
        assert!(notes.contains("1 row(s) with the world (WLD)"), "{notes}");
        assert!(
            notes.contains("2 row(s) are the other side's reports"),
            "{notes}"
        );
        assert!(notes.contains("no intra-national flows"), "{notes}");
        assert!(
            notes.contains("10 pair-year(s) without a reported flow"),
            "{notes}"
        );
        let trade = p.table.num("trade").unwrap();
        assert_eq!(trade, p.table.num("value").unwrap());
    }

    #[test]
    fn mirror_reads_the_importers_reports() {
        let t = reports();
        let books = Products::hs_prefixes(&["4901"]);
        let p = build(&t, Perspective::Mirror, &books, &[]);
        assert_eq!(get(&p, "KOR-JPN 2020"), Some(12.0));
        assert_eq!(get(&p, "JPN-KOR 2020"), Some(7.0));
        // KOR -> USA was only reported by KOR: USA is not in the mirror panel at all.
        assert_eq!(p.countries, ["JPN", "KOR"]);
        assert_eq!(p.years, [2020]);
    }

    #[test]
    fn intra_national_flows_only_where_supplied_and_reconciled_rows_count_once() {
        let t = flows_table(&[
            (2020.0, "KOR", "KOR", "p", "reconciled", 90.0),
            (2020.0, "KOR", "JPN", "p", "reconciled", 4.0),
            (2020.0, "JPN", "KOR", "p", "reconciled", 5.0),
        ]);
        for persp in Perspective::ALL {
            let p = build(&t, persp, &Products::all(), &[]);
            assert_eq!(get(&p, "KOR-KOR 2020"), Some(90.0));
            assert_eq!(get(&p, "JPN-JPN 2020"), None, "not supplied, not invented");
            assert_eq!(get(&p, "KOR-JPN 2020"), Some(4.0));
            assert_eq!(p.table.nrows(), 3);
            // No distance from a country to itself: it is not an internal distance.
            let d = p.table.num(DISTCAP).unwrap();
            assert_eq!(d.iter().filter(|x| x.is_nan()).count(), 1);
        }
    }

    #[test]
    fn covariates_join_by_pair_and_year_and_unmatched_rows_are_counted() {
        let t = reports();
        let mut cov = Table::new();
        cov.push("exporter", text(&["KOR", "KOR", "JPN"])).unwrap();
        cov.push("importer", text(&["JPN", "JPN", "KOR"])).unwrap();
        cov.push("year", Column::numbers(vec![2020.0, 2021.0, 2020.0]))
            .unwrap();
        cov.push("rta", Column::numbers(vec![0.0, 1.0, 0.0]))
            .unwrap();
        cov.push("distcap", Column::numbers(vec![1.0, 1.0, 1.0]))
            .unwrap();
        let books = Products::hs_prefixes(&["4901"]);
        let covs = [Covariates {
            name: "gravity",
            table: &cov,
        }];
        let p = build(&t, Perspective::Reporter, &books, &covs);
        let rta = p.table.num("rta").unwrap();
        let keys: Vec<String> = cells(&p).into_iter().map(|c| c.0).collect();
        let at = |k: &str| rta[keys.iter().position(|x| x == k).unwrap()];
        assert_eq!(at("KOR-JPN 2020"), 0.0);
        assert_eq!(at("KOR-JPN 2021"), 1.0);
        assert!(at("KOR-USA 2021").is_nan());
        let notes = p.notes.join("\n");
        assert!(notes.contains("3 of 12 panel rows matched"), "{notes}");
        let first = keys.iter().zip(rta).find(|(_, r)| r.is_nan()).unwrap().0;
        assert!(notes.contains(&format!("(first: {first})")), "{notes}");
        // The covariates' own distcap replaces the embedded one.
        assert!(!notes.contains("embedded table"), "{notes}");
        assert_eq!(
            p.table.num(DISTCAP).unwrap()[keys.iter().position(|x| x == "KOR-JPN 2020").unwrap()],
            1.0
        );

        // A covariate named like a panel column is an error, not a silent overwrite.
        let mut clash = cov.clone();
        clash.push("trade", Column::numbers(vec![0.0; 3])).unwrap();
        let flows = Flows::new(&t, &FlowColumns::canonical()).unwrap();
        let e = gravity_panel(
            &flows,
            &PanelRequest {
                perspective: Perspective::Reporter,
                products: &books,
                covariates: &[Covariates {
                    name: "gravity",
                    table: &clash,
                }],
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`trade` is already a column"), "{e}");
    }

    #[test]
    fn embedded_distance_between_capitals() {
        let t = reports();
        let p = build(&t, Perspective::Reporter, &Products::all(), &[]);
        let keys: Vec<String> = cells(&p).into_iter().map(|c| c.0).collect();
        let d = p.table.num(DISTCAP).unwrap();
        let kj = d[keys.iter().position(|x| x == "KOR-JPN 2020").unwrap()];
        assert_eq!(Some(kj), capital_distance_km("KOR", "JPN"));
    }

    #[test]
    fn nothing_selected_is_an_error_that_suggests_mirror() {
        let t = flows_table(&[(2020.0, "JPN", "KOR", "p", "import", 7.0)]);
        let flows = Flows::new(&t, &FlowColumns::canonical()).unwrap();
        let all = Products::all();
        let e = gravity_panel(
            &flows,
            &PanelRequest {
                perspective: Perspective::Reporter,
                products: &all,
                covariates: &[],
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("try the perspective `mirror`"), "{e}");
    }
}
