//! Which rows of a flow table an indicator may add up.
//!
//! A dataset written by `hallyu ingest` can hold several sources (BACI, UNCTADstat, tidy
//! series) that measure the same trade differently, and products that are sums of other
//! products next to them: a tidy series' `total` and its sectors, UNCTADstat's `CG00` (all
//! creative goods) and its groups `CG01`… (and a group and its subgroups, `CG03` and
//! `CG031`). Summing either counts the same dollars two or more times, so [`select_rows`]
//! refuses to guess: several sources need a choice of one, and an aggregate next to its
//! components needs a choice of products. The result is a row mask the caller applies
//! before building [`crate::Flows`].

mod aggregates;

use crate::MeasureError;
use hallyu_data::{nearest, ColumnView, DataError, Table, TextColumn, MISSING_CODE};

/// The column of an ingested dataset that names where a row came from (`baci`,
/// `unctadstat`, `series:<file stem>`).
pub const SOURCE_COLUMN: &str = "source";

/// The product name that marks an aggregate of the other products (compared
/// case-insensitively).
pub const TOTAL_PRODUCT: &str = "total";

/// What the user asked to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// A source: its exact name, or a prefix before `:` (`series` for `series:*`).
    pub source: Option<String>,
    /// Product names, matched exactly against the product column.
    pub products: Option<Vec<String>>,
}

/// The rows to read and what they turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Rows kept; `None` when every row is kept.
    pub keep: Option<Vec<bool>>,
    /// The source of the kept rows, when the table has a source column.
    pub source: Option<String>,
    /// The products asked for, as spelled in the data.
    pub products: Option<Vec<String>>,
}

/// What was chosen (`None`: nothing to choose) and the rows kept (`None`: every row).
type Chosen<T> = Result<(Option<T>, Option<Vec<bool>>), MeasureError>;

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn text_column<'t>(table: &'t Table, name: &str) -> Result<TextColumn<'t>, MeasureError> {
    let other = table.column(name)?;
    match other.as_text() {
        Some(s) => Ok(s),
        None => Err(DataError::ColumnType {
            name: name.to_string(),
            found: other.type_name().into(),
            expected: "text".into(),
        }
        .into()),
    }
}

/// Levels of `column` used by at least one kept row, in level order.
fn used_levels(column: TextColumn, keep: Option<&[bool]>) -> Vec<bool> {
    let mut used = vec![false; column.levels().len()];
    for (r, &c) in column.level_ids().iter().enumerate() {
        if c != MISSING_CODE && keep.is_none_or(|k| k[r]) {
            used[c as usize] = true;
        }
    }
    used
}

fn names<'a>(levels: &'a [String], used: &[bool]) -> Vec<&'a str> {
    let mut v: Vec<&str> = levels
        .iter()
        .zip(used)
        .filter(|(_, &u)| u)
        .map(|(l, _)| l.as_str())
        .collect();
    v.sort_unstable();
    v
}

/// Whether source `name` is what `asked` names: the same (ignoring ASCII case), or
/// `asked:…`.
fn source_matches(name: &str, asked: &str) -> bool {
    name.eq_ignore_ascii_case(asked)
        || (name
            .get(..asked.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(asked))
            && name[asked.len()..].starts_with(':'))
}

/// The rows of one source: its name and the mask.
fn choose_source(column: TextColumn, asked: Option<&str>) -> Chosen<String> {
    let used = used_levels(column, None);
    let present = names(column.levels(), &used);
    let Some(asked) = asked else {
        return match present.as_slice() {
            [] => Ok((None, None)),
            [one] => Ok((Some(one.to_string()), None)),
            many => Err(MeasureError::SourceNotChosen {
                present: owned(many),
            }),
        };
    };
    let asked = asked.trim();
    let matched: Vec<&str> = present
        .iter()
        .copied()
        .filter(|s| source_matches(s, asked))
        .collect();
    match matched.as_slice() {
        [] => {
            let prefixes = present
                .iter()
                .filter_map(|s| s.split_once(':').map(|p| p.0));
            Err(MeasureError::UnknownSource {
                asked: asked.to_string(),
                suggestion: nearest(asked, present.iter().copied().chain(prefixes)),
                present: owned(&present),
            })
        }
        [one] => {
            let level = column.levels().iter().position(|l| l == one);
            let keep = column
                .level_ids()
                .iter()
                .map(|&c| c != MISSING_CODE && Some(c as usize) == level)
                .collect();
            Ok((Some(one.to_string()), Some(keep)))
        }
        many => Err(MeasureError::AmbiguousSource {
            asked: asked.to_string(),
            matches: owned(many),
        }),
    }
}

/// Keeps the rows of the products asked for, or checks that the products present may be
/// summed.
fn choose_products(
    table: &Table,
    product_column: Option<&str>,
    asked: Option<&[String]>,
    keep: Option<Vec<bool>>,
    source: Option<&str>,
) -> Chosen<Vec<String>> {
    let Some(pc) = product_column else {
        return match asked {
            Some(_) => Err(MeasureError::NoProductColumn {
                option: "products by name (product)".into(),
            }),
            None => Ok((None, keep)),
        };
    };
    let column = match (table.column(pc)?.view(), asked) {
        (ColumnView::Text(s), _) => s,
        // Numeric codes are HS codes: no total or sector names among them.
        (ColumnView::Numbers(_), None) => return Ok((None, keep)),
        (ColumnView::Numbers(_), Some(_)) => {
            return Err(MeasureError::ProductNamesOnCodes {
                column: pc.to_string(),
            })
        }
    };
    let used = used_levels(column, keep.as_deref());
    let present = names(column.levels(), &used);
    let Some(asked) = asked else {
        if let Some((whole, parts)) = aggregates::first_aggregate(&present) {
            return Err(MeasureError::AggregateWithComponents {
                source_name: source.map(str::to_string),
                whole: whole.to_string(),
                finest: aggregates::finest(&parts)
                    .iter()
                    .take(3)
                    .map(|s| s.to_string())
                    .collect(),
                parts: owned(&parts),
            });
        }
        return Ok((None, keep));
    };
    let mut wanted = vec![false; column.levels().len()];
    let mut spelled = Vec::new();
    for name in asked.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let level = column
            .levels()
            .iter()
            .enumerate()
            .position(|(i, l)| used[i] && l == name);
        let Some(level) = level else {
            return Err(MeasureError::UnknownProduct {
                name: name.to_string(),
                source_name: source.map(str::to_string),
                suggestion: nearest(name, present.iter().copied()),
                present: owned(&present),
            });
        };
        if !wanted[level] {
            wanted[level] = true;
            spelled.push(name.to_string());
        }
    }
    if spelled.is_empty() {
        return Err(MeasureError::NoProductNamed);
    }
    let named: Vec<&str> = spelled.iter().map(String::as_str).collect();
    if let Some((whole, parts)) = aggregates::first_aggregate(&named) {
        return Err(MeasureError::AggregateNamedWithComponents {
            named: spelled.clone(),
            whole: whole.to_string(),
            parts: owned(&parts),
        });
    }
    let mask = column
        .level_ids()
        .iter()
        .enumerate()
        .map(|(r, &c)| {
            c != MISSING_CODE && wanted[c as usize] && keep.as_ref().is_none_or(|k| k[r])
        })
        .collect();
    Ok((Some(spelled), Some(mask)))
}

/// Chooses the rows of `table` to measure: the rows of one source (when the table has a
/// [`SOURCE_COLUMN`]), then the products asked for.
///
/// Errors (all of category input, naming what is present): several sources and none
/// chosen ([`MeasureError::SourceNotChosen`]); a source or product not in the data, with
/// the nearest name ([`MeasureError::UnknownSource`], [`MeasureError::UnknownProduct`]); a
/// source prefix that matches several sources ([`MeasureError::AmbiguousSource`]); an
/// aggregate product (a `total`, or an UNCTADstat creative-goods code such as `CG00`) next
/// to its components and no products chosen ([`MeasureError::AggregateWithComponents`]), or
/// chosen together with them ([`MeasureError::AggregateNamedWithComponents`]); products by
/// name on data without a text product column.
///
/// ```
/// use hallyu_data::{Column, Table};
/// use hallyu_measure::scope::{select_rows, Scope};
/// let text = |v: &[&str]| Column::text_from(v.iter().map(|s| Some(*s)));
/// let mut t = Table::new();
/// t.push("product", text(&["total", "games", "music"])).unwrap();
/// t.push("source", text(&["series:kr", "series:kr", "series:kr"])).unwrap();
/// assert!(select_rows(&t, Some("product"), &Scope::default()).is_err());
/// let s = Scope { products: Some(vec!["total".into()]), ..Scope::default() };
/// let chosen = select_rows(&t, Some("product"), &s).unwrap();
/// assert_eq!(chosen.keep, Some(vec![true, false, false]));
/// assert_eq!(chosen.source.as_deref(), Some("series:kr"));
/// ```
pub fn select_rows(
    table: &Table,
    product_column: Option<&str>,
    scope: &Scope,
) -> Result<Selection, MeasureError> {
    let (source, keep) = if table.has(SOURCE_COLUMN) {
        match (table.column(SOURCE_COLUMN)?.view(), scope.source.as_deref()) {
            (ColumnView::Numbers(_), None) => (None, None),
            (_, asked) => choose_source(text_column(table, SOURCE_COLUMN)?, asked)?,
        }
    } else if let Some(asked) = &scope.source {
        return Err(MeasureError::NoSourceColumn {
            asked: asked.clone(),
            column: SOURCE_COLUMN.to_string(),
        });
    } else {
        (None, None)
    };
    let (products, keep) = choose_products(
        table,
        product_column,
        scope.products.as_deref(),
        keep,
        source.as_deref(),
    )?;
    Ok(Selection {
        keep,
        source,
        products,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallyu_data::Column;

    fn text(v: &[Option<&str>]) -> Column {
        Column::text_from(v.iter().copied())
    }

    /// A survey total with two sectors, and BACI rows of HS codes.
    fn mixed() -> Table {
        let mut t = Table::new();
        t.push(
            "product",
            text(&[
                Some("total"),
                Some("games"),
                Some("music"),
                Some("330499"),
                Some("970110"),
            ]),
        )
        .unwrap();
        t.push(
            "source",
            text(&[
                Some("series:kr_content"),
                Some("series:kr_content"),
                Some("series:kr_content"),
                Some("baci"),
                Some("baci"),
            ]),
        )
        .unwrap();
        t
    }

    fn scope(source: Option<&str>, products: Option<&[&str]>) -> Scope {
        Scope {
            source: source.map(str::to_string),
            products: products.map(|p| p.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn message(r: Result<Selection, MeasureError>) -> String {
        match r {
            Err(e) if e.category() == hallyu_data::ErrorCategory::Input => e.to_string(),
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }

    #[test]
    fn several_sources_need_a_choice() {
        let t = mixed();
        let m = message(select_rows(&t, Some("product"), &Scope::default()));
        assert!(m.contains("2 sources (`baci`, `series:kr_content`)"), "{m}");
        assert!(
            m.contains("choose one as the source (e.g. the source `baci`)"),
            "{m}"
        );
    }

    #[test]
    fn a_source_by_name_or_prefix() {
        let t = mixed();
        let baci = select_rows(&t, Some("product"), &scope(Some("baci"), None)).unwrap();
        assert_eq!(baci.keep, Some(vec![false, false, false, true, true]));
        assert_eq!(baci.source.as_deref(), Some("baci"));
        let s = select_rows(
            &t,
            Some("product"),
            &scope(Some("series"), Some(&["total"])),
        );
        let s = s.unwrap();
        assert_eq!(s.keep, Some(vec![true, false, false, false, false]));
        assert_eq!(s.source.as_deref(), Some("series:kr_content"));
        assert_eq!(s.products, Some(vec!["total".to_string()]));
        // A prefix is the part before `:`, not any leading letters.
        let m = message(select_rows(
            &t,
            Some("product"),
            &scope(Some("seri"), Some(&["total"])),
        ));
        assert!(m.contains("did you mean `series`"), "{m}");
        assert!(
            m.contains("sources present: `baci`, `series:kr_content`"),
            "{m}"
        );
    }

    #[test]
    fn a_prefix_matching_several_sources_is_refused() {
        let mut t = Table::new();
        t.push("source", text(&[Some("series:a"), Some("series:b")]))
            .unwrap();
        let m = message(select_rows(&t, None, &scope(Some("series"), None)));
        assert!(
            m.contains("matches 2 sources (`series:a`, `series:b`)"),
            "{m}"
        );
        let one = select_rows(&t, None, &scope(Some("SERIES:B"), None)).unwrap();
        assert_eq!(one.keep, Some(vec![false, true]));
    }

    #[test]
    fn a_total_next_to_its_components_needs_a_choice() {
        let t = mixed();
        let m = message(select_rows(
            &t,
            Some("product"),
            &scope(Some("series"), None),
        ));
        assert!(
            m.contains("`total` and its components (`games`, `music`)"),
            "{m}"
        );
        assert!(m.contains("source `series:kr_content`"), "{m}");
        assert!(m.contains("choose the product `total` (product)"), "{m}");
        // BACI's rows have no total: nothing to choose.
        let b = select_rows(&t, Some("product"), &scope(Some("baci"), None)).unwrap();
        assert_eq!(b.products, None);
        let two = scope(Some("series"), Some(&["games", "music", "games"]));
        let s = select_rows(&t, Some("product"), &two).unwrap();
        assert_eq!(s.keep, Some(vec![false, true, true, false, false]));
        assert_eq!(
            s.products,
            Some(vec!["games".to_string(), "music".to_string()])
        );
    }

    #[test]
    fn a_total_alone_or_without_a_source_column() {
        let mut t = Table::new();
        t.push("product", text(&[Some("TOTAL"), Some("TOTAL")]))
            .unwrap();
        let s = select_rows(&t, Some("product"), &Scope::default()).unwrap();
        assert_eq!(
            s,
            Selection {
                keep: None,
                source: None,
                products: None
            }
        );
        // A plain file with a total and a sector is refused too: the sum is as wrong.
        let mut t = Table::new();
        t.push("product", text(&[Some("Total"), Some("games"), None]))
            .unwrap();
        let m = message(select_rows(&t, Some("product"), &Scope::default()));
        assert!(m.contains("`Total` and its components (`games`)"), "{m}");
        let m = message(select_rows(&t, Some("product"), &scope(Some("baci"), None)));
        assert!(m.contains("no `source` column"), "{m}");
    }

    /// UNCTADstat creative goods as `hallyu ingest unctadstat` writes them: all creative
    /// goods, a group, two of its subgroups and another group.
    fn unctad() -> Table {
        let codes = ["CG00", "CG03", "CG031", "CG032", "CG05", "CG00"];
        let mut t = Table::new();
        t.push("product", text(&codes.map(Some))).unwrap();
        t.push("source", text(&[Some("unctadstat"); 6])).unwrap();
        t
    }

    #[test]
    fn unctadstat_aggregates_need_a_choice() {
        let t = unctad();
        let m = message(select_rows(&t, Some("product"), &Scope::default()));
        assert!(
            m.contains(
                "source `unctadstat` have a product `CG00` and its components (`CG03`, \
                 `CG031`, `CG032`, `CG05`)"
            ),
            "{m}"
        );
        assert!(m.contains("choose the product `CG00` (product), or"), "{m}");
        // The list offered adds up without double counting: subgroups, not their group.
        assert!(m.contains("such as `CG031,CG032,CG05`"), "{m}");
        let all = select_rows(&t, Some("product"), &scope(None, Some(&["CG00"]))).unwrap();
        assert_eq!(all.keep, Some(vec![true, false, false, false, false, true]));
        // Without CG00, a group next to its subgroups is an aggregate too.
        let s = scope(None, Some(&["CG03", "CG031", "CG05"]));
        let m = message(select_rows(&t, Some("product"), &s));
        assert!(
            m.contains("`CG03` already counts the trade of `CG031`"),
            "{m}"
        );
        let s = scope(None, Some(&["CG031", "CG032", "CG05"]));
        let parts = select_rows(&t, Some("product"), &s).unwrap();
        assert_eq!(
            parts.keep,
            Some(vec![false, false, true, true, true, false])
        );
        // Groups alone, or one group's subgroups alone, add up: nothing to choose.
        let mut t = Table::new();
        t.push(
            "product",
            text(&[Some("CG03"), Some("CG05"), Some("CG061")]),
        )
        .unwrap();
        let s = select_rows(&t, Some("product"), &Scope::default()).unwrap();
        assert_eq!(s.keep, None);
        // A total named in a list with its sectors is refused as well.
        let m = message(select_rows(
            &mixed(),
            Some("product"),
            &scope(Some("series"), Some(&["games", "total"])),
        ));
        assert!(
            m.contains("`total` already counts the trade of `games`"),
            "{m}"
        );
    }

    #[test]
    fn unknown_products_and_no_product_column() {
        let t = mixed();
        let m = message(select_rows(
            &t,
            Some("product"),
            &scope(Some("series"), Some(&["Games"])),
        ));
        assert!(m.contains("the product `Games`: no such product"), "{m}");
        assert!(m.contains("did you mean `games`"), "{m}");
        // Products of another source are not offered.
        let m = message(select_rows(
            &t,
            Some("product"),
            &scope(Some("series"), Some(&["330499"])),
        ));
        assert!(
            m.contains("products present: `games`, `music`, `total`"),
            "{m}"
        );
        let m = message(select_rows(
            &t,
            None,
            &scope(Some("baci"), Some(&["games"])),
        ));
        assert!(m.contains("no product column"), "{m}");
        let mut n = Table::new();
        n.push("product", Column::numbers(vec![330499.0])).unwrap();
        let m = message(select_rows(&n, Some("product"), &scope(None, Some(&["x"]))));
        assert!(
            m.contains("with a product group instead (group, e.g. `3304`)"),
            "{m}"
        );
    }
}
