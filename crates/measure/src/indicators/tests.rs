//! Every indicator on a four-country, two-product, two-year table, against sums and ratios
//! worked out by hand in the comments.

use super::*;
use crate::flows::FlowColumns;
use hallyu_data::{Column, Table, TextColumnBuilder};

/// year, exporter, importer, product, value. Product `p1` is the group; `p2` is not.
const ROWS: &[(f64, &str, &str, &str, f64)] = &[
    (2000.0, "A", "B", "p1", 10.0),
    (2000.0, "A", "C", "p1", 30.0),
    (2000.0, "A", "B", "p2", 60.0),
    (2000.0, "B", "A", "p1", 5.0),
    (2000.0, "C", "D", "p1", 50.0),
    (2000.0, "D", "C", "p2", 100.0),
    (2000.0, "A", "A", "p1", 999.0), // intra-national: never counted
    (2001.0, "A", "B", "p1", 20.0),
    (2001.0, "A", "C", "p1", 20.0),
    (2001.0, "A", "B", "p2", 60.0),
    (2001.0, "B", "A", "p1", 10.0),
    (2001.0, "C", "D", "p1", 40.0),
    (2001.0, "D", "C", "p2", 100.0),
];

/// The canonical columns without `flow`: the tables here do not say who reported a row.
fn unreported() -> FlowColumns {
    FlowColumns {
        flow: None,
        ..FlowColumns::canonical()
    }
}

fn table(rows: &[(f64, &str, &str, &str, f64)]) -> Table {
    let mut t = Table::new();
    let text = |pick: usize| {
        let mut b = TextColumnBuilder::default();
        for r in rows {
            b.push(Some([r.1, r.2, r.3][pick]));
        }
        b.finish()
    };
    t.push("year", Column::numbers(rows.iter().map(|r| r.0).collect()))
        .unwrap();
    t.push("exporter", text(0)).unwrap();
    t.push("importer", text(1)).unwrap();
    t.push("product", text(2)).unwrap();
    t.push("value", Column::numbers(rows.iter().map(|r| r.4).collect()))
        .unwrap();
    t
}

fn run(subject: &Countries, partner: Option<&Countries>, years: Option<(i32, i32)>) -> Indicators {
    let t = table(ROWS);
    let flows = Flows::new(&t, &unreported()).unwrap();
    let group = Products::group("p1 only", |k| k == "p1");
    compute(
        &flows,
        &Request {
            subject,
            partner,
            products: &group,
            years,
            cagr_window: None,
            top: 5,
            unit: "USD".into(),
            perspective: Perspective::Reporter,
        },
    )
    .unwrap()
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("value is undefined");
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

#[test]
fn one_country() {
    let a = Countries::country("A");
    let b = Countries::country("B");
    let r = run(&a, Some(&b), None);
    assert_eq!(r.years.len(), 2);
    let y0 = &r.years[0];
    // 2000: exports 10 + 30 (p1 to B and C), imports 5 (B → A); A → A is domestic.
    assert_eq!(
        (y0.exports, y0.imports, y0.balance, y0.total_trade),
        (40.0, Some(5.0), Some(35.0), Some(45.0))
    );
    assert_eq!(y0.members, ["A"]);
    // World p1 exports: 10 + 30 + 5 + 50 = 95.
    close(y0.world_share_pct, 40.0 / 95.0 * 100.0);
    // RCA: A's p1 share 40/100, the world's 95/255.
    close(y0.rca, (40.0 / 100.0) / (95.0 / 255.0));
    // Partner shares 10/40, 30/40: 0.0625 + 0.5625.
    close(y0.hhi_partners, 0.625);
    close(y0.hhi_partners_points, 6250.0);
    close(y0.hhi_products, 1.0);
    assert_eq!(y0.exports_yoy_pct, None);
    assert_eq!(y0.undefined["exports_yoy_pct"], "no data for 1999");
    let p = y0.partner.as_ref().unwrap();
    assert_eq!(
        (p.exports_to, p.imports_from, p.trade_with),
        (Some(10.0), Some(5.0), Some(15.0))
    );
    close(p.share_of_trade_pct, 15.0 / 45.0 * 100.0);
    let y1 = &r.years[1];
    // 2001: exports 20 + 20 = 40 (0%), imports 10 (+100%).
    close(y1.exports_yoy_pct, 0.0);
    close(y1.imports_yoy_pct, 100.0);
    close(y1.world_share_pct, 40.0 / 90.0 * 100.0);
    close(y1.hhi_partners, 0.5);
    assert!(y1.undefined.is_empty(), "{:?}", y1.undefined);
    // CAGR 2000 → 2001: exports 40 → 40, imports 5 → 10, trade with B 15 → 30.
    let rates: Vec<(&str, Option<f64>)> = r
        .cagr
        .iter()
        .map(|g| (g.series.as_str(), g.cagr_pct))
        .collect();
    assert_eq!(
        rates,
        [
            ("exports", Some(0.0)),
            ("imports", Some(100.0)),
            ("trade_with_partner", Some(100.0))
        ]
    );
    // Top partners in 2001: B and C, 20 each (ties by code).
    assert_eq!(r.top_partners.year, 2001);
    let top: Vec<(&str, f64, f64)> = r
        .top_partners
        .partners
        .iter()
        .map(|p| (p.partner.as_str(), p.exports, p.share_pct))
        .collect();
    assert_eq!(top, [("B", 20.0, 50.0), ("C", 20.0, 50.0)]);
    assert!(
        r.notes.iter().any(|n| n.ends_with("excluded: 1")),
        "{:?}",
        r.notes
    );
}

#[test]
fn bloc_membership_applies_year_by_year() {
    // B joins in 2001; the partner C is a member throughout.
    let bloc = Countries::bloc("ab", |c, y| c == "A" || (c == "B" && y >= 2001));
    let c = Countries::fixed("c", &["C"]);
    let r = run(&bloc, Some(&c), None);
    let (y0, y1) = (&r.years[0], &r.years[1]);
    assert_eq!(y0.members, ["A"]);
    assert_eq!(y1.members, ["A", "B"]);
    // 2000 is A alone.
    assert_eq!((y0.exports, y0.imports), (40.0, Some(5.0)));
    // 2001: exports A→B 20, A→C 20, B→A 10 = 50; imports B→A 10 (into A), A→B 20 (into B)
    // = 30: trade between members counts on both sides.
    assert_eq!(
        (y1.exports, y1.imports, y1.total_trade),
        (50.0, Some(30.0), Some(80.0))
    );
    close(y1.world_share_pct, 50.0 / 90.0 * 100.0);
    // Trade with C: A → C 20; share 20 / 80.
    let p = y1.partner.as_ref().unwrap();
    assert_eq!((p.exports_to, p.imports_from), (Some(20.0), Some(0.0)));
    close(p.share_of_trade_pct, 25.0);
    assert_eq!(p.members, ["C"]);
    // Partners of the bloc's exports in 2001: B 20, C 20, A 10 → 0.16 + 0.16 + 0.04.
    close(y1.hhi_partners, 0.36);
    assert!(r.notes.iter().any(|n| n.contains("ASEAN Secretariat")));
}

#[test]
fn zero_denominators_are_explained() {
    // D exports no p1 at all: shares over its p1 exports are undefined, growth from zero too.
    let d = Countries::country("D");
    let r = run(&d, None, None);
    let (y0, y1) = (&r.years[0], &r.years[1]);
    assert_eq!((y0.exports, y0.imports), (0.0, Some(50.0)));
    close(y0.world_share_pct, 0.0);
    close(y0.rca, 0.0);
    assert_eq!(y0.hhi_partners, None);
    assert_eq!(y0.undefined["hhi_partners"], "no exports of the group");
    assert_eq!(
        y0.undefined["hhi_products_points"],
        "no exports of the group"
    );
    assert_eq!(y1.exports_yoy_pct, None);
    assert_eq!(y1.undefined["exports_yoy_pct"], "zero in the previous year");
    close(y1.imports_yoy_pct, -20.0);
    assert_eq!(r.cagr[0].cagr_pct, None);
    assert_eq!(r.cagr[0].undefined.as_deref(), Some("zero in 2000"));
    assert!(r.top_partners.partners.is_empty());
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        !json.contains("NaN") && json.contains("\"hhi_partners\":null"),
        "{json}"
    );
}

#[test]
fn year_range_and_window() {
    let a = Countries::country("A");
    let r = run(&a, None, Some((2001, 2005)));
    assert_eq!(r.years.len(), 1);
    // The previous year is outside the range but in the data: growth is still defined.
    close(r.years[0].exports_yoy_pct, 0.0);
    assert!(r.cagr.is_empty());
    assert!(
        r.notes.iter().any(|n| n.contains("covers 2000–2001")),
        "{:?}",
        r.notes
    );
}

fn error(subject: &Countries, years: Option<(i32, i32)>, window: Option<(i32, i32)>) -> String {
    let t = table(ROWS);
    let flows = Flows::new(&t, &unreported()).unwrap();
    let all = Products::all();
    compute(
        &flows,
        &Request {
            subject,
            partner: None,
            products: &all,
            years,
            cagr_window: window,
            top: 5,
            unit: "USD".into(),
            perspective: Perspective::Reporter,
        },
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn refuses_what_it_cannot_answer() {
    let a = Countries::country("A");
    assert!(error(&a, Some((1990, 1995)), None)
        .contains("no data in 1990–1995: the data covers 2000–2001"));
    assert!(error(&a, Some((2001, 2000)), None).contains("reversed"));
    assert!(error(&a, None, Some((2001, 2000))).contains("earlier to a later"));
    assert!(error(&a, None, Some((1999, 2001))).contains("needs data for 1999"));
    let z = Countries::country("ZZZ");
    assert!(error(&z, None, None).contains("`ZZZ` has no flows"));
}

#[test]
fn checks_the_table() {
    let mut rows = ROWS.to_vec();
    rows[3].4 = -5.0;
    let t = table(&rows);
    let e = Flows::new(&t, &unreported()).unwrap_err().to_string();
    assert!(
        e.contains("column `value`, data row 4") && e.contains("non-negative"),
        "{e}"
    );
    let mut rows = ROWS.to_vec();
    rows[1].0 = 2000.5;
    let e = Flows::new(&table(&rows), &unreported())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("column `year`, data row 2: 2000.5 is not a year"),
        "{e}"
    );
    let e = Flows::new(&table(ROWS), &FlowColumns::agtpa())
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown column `trade`"), "{e}");
}

#[test]
fn missing_values_are_skipped_and_counted() {
    let mut rows = ROWS.to_vec();
    rows[0].4 = f64::NAN; // A → B p1 in 2000
    let t = table(&rows);
    let flows = Flows::new(&t, &unreported()).unwrap();
    let a = Countries::country("A");
    let group = Products::group("p1", |k| k == "p1");
    let r = compute(
        &flows,
        &Request {
            subject: &a,
            partner: None,
            products: &group,
            years: None,
            cagr_window: None,
            top: 1,
            unit: String::new(),
            perspective: Perspective::Reporter,
        },
    )
    .unwrap();
    assert_eq!(r.years[0].exports, 30.0);
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("rows skipped for a missing") && n.ends_with(": 1")),
        "{:?}",
        r.notes
    );
    assert_eq!(r.top_partners.partners.len(), 1);
}

#[test]
fn numeric_product_codes() {
    let mut t = table(ROWS);
    let codes: Vec<f64> = ROWS
        .iter()
        .map(|r| if r.3 == "p1" { 10121.0 } else { 330499.0 })
        .collect();
    t.push("product", Column::numbers(codes)).unwrap();
    let flows = Flows::new(&t, &unreported()).unwrap();
    let a = Countries::country("A");
    // HS 0101 (horses) is `p1` here; the code lost its leading zero as a number.
    let g = Products::hs_prefixes(&["0101"]);
    let r = compute(
        &flows,
        &Request {
            subject: &a,
            partner: None,
            products: &g,
            years: None,
            cagr_window: None,
            top: 1,
            unit: String::new(),
            perspective: Perspective::Reporter,
        },
    )
    .unwrap();
    assert_eq!(r.years[0].exports, 40.0);
}

/// The notes of `compute` on [`ROWS`] for subject `A` and `group`.
fn notes_for(group: &Products) -> (Indicators, Vec<String>) {
    let t = table(ROWS);
    let flows = Flows::new(&t, &unreported()).unwrap();
    let a = Countries::country("A");
    let r = compute(
        &flows,
        &Request {
            subject: &a,
            partner: None,
            products: group,
            years: None,
            cagr_window: None,
            top: 5,
            unit: String::new(),
            perspective: Perspective::Reporter,
        },
    )
    .unwrap();
    let notes = r
        .notes
        .iter()
        .filter(|n| n.contains("by construction"))
        .cloned()
        .collect();
    (r, notes)
}

#[test]
fn by_construction_notes_say_only_what_holds() {
    // Every product, two of them: RCA is 1, but A's product HHI is not 10,000.
    // 2000: A exports p1 10 + 30 = 40, p2 60 of 100: HHI 0.4² + 0.6² = 0.52.
    let (r, notes) = notes_for(&Products::all());
    assert_eq!(
        notes,
        ["the group is every product traded in the data (2 products): RCA is 1 by construction"]
    );
    close(r.years[0].rca, 1.0);
    close(r.years[0].hhi_products_points, 5_200.0);
    // One product of two: HHI is 10,000, RCA is not 1.
    // 2000: (40 / 100) / (95 / 255) = 1.0736…
    let (r, notes) = notes_for(&Products::group("p1 only", |k| k == "p1"));
    assert_eq!(
        notes,
        ["the group holds one product traded in the data: HHI over products is 10,000 by construction"]
    );
    close(r.years[0].hhi_products_points, 10_000.0);
    close(r.years[0].rca, (40.0 / 100.0) / (95.0 / 255.0));
    // The only traded product: both hold.
    let only_p1: Vec<_> = ROWS.iter().copied().filter(|r| r.3 == "p1").collect();
    let t = table(&only_p1);
    let flows = Flows::new(&t, &unreported()).unwrap();
    let a = Countries::country("A");
    let all = Products::all();
    let r = compute(
        &flows,
        &Request {
            subject: &a,
            partner: None,
            products: &all,
            years: None,
            cagr_window: None,
            top: 5,
            unit: String::new(),
            perspective: Perspective::Reporter,
        },
    )
    .unwrap();
    assert!(r.notes.contains(
        &"the group is the only product traded in the data: RCA is 1 and HHI over products 10,000 by construction"
            .to_string()
    ));
    close(r.years[0].rca, 1.0);
    close(r.years[0].hhi_products_points, 10_000.0);
    // A group that trades nothing makes no claim.
    let (_, notes) = notes_for(&Products::group("none", |k| k == "p3"));
    assert!(notes.is_empty(), "{notes:?}");
}

/// year, exporter, importer, product, value, flow (who reported it).
type Reported6<'a> = (f64, &'a str, &'a str, &'a str, f64, &'a str);

fn reported_table(rows: &[Reported6]) -> Table {
    let mut t = table(
        &rows
            .iter()
            .map(|r| (r.0, r.1, r.2, r.3, r.4))
            .collect::<Vec<_>>(),
    );
    let mut b = TextColumnBuilder::default();
    for r in rows {
        b.push(Some(r.5));
    }
    t.push("flow", b.finish()).unwrap();
    t
}

fn run_reported(
    rows: &[Reported6],
    subject: &Countries,
    partner: Option<&Countries>,
    perspective: Perspective,
) -> Indicators {
    let t = reported_table(rows);
    let flows = Flows::new(&t, &FlowColumns::canonical()).unwrap();
    let all = Products::all();
    compute(
        &flows,
        &Request {
            subject,
            partner,
            products: &all,
            years: None,
            cagr_window: None,
            top: 5,
            unit: "USD bn".into(),
            perspective,
        },
    )
    .unwrap()
}

/// China's 2013 exports to the Netherlands as both report them (UNCTADstat, creative
/// goods, USD bn): each is read once, never added.
const TWO_REPORTS: &[Reported6] = &[
    (2013.0, "CHN", "NLD", "cg", 1.763, "export"),
    (2013.0, "CHN", "NLD", "cg", 0.939, "import"),
    (2013.0, "NLD", "CHN", "cg", 0.120, "export"),
    (2013.0, "NLD", "CHN", "cg", 0.100, "import"),
];

#[test]
fn each_flow_is_read_from_one_report() {
    let chn = Countries::country("CHN");
    let nld = Countries::country("NLD");
    let exports = |p: Perspective| {
        let r = run_reported(TWO_REPORTS, &chn, Some(&nld), p);
        let y = &r.years[0];
        (y.exports, y.imports, y.partner.as_ref().unwrap().exports_to)
    };
    // Reporter: China's own report of its exports, China's own report of its imports.
    assert_eq!(
        exports(Perspective::Reporter),
        (1.763, Some(0.100), Some(1.763))
    );
    // Mirror: the Netherlands' reports.
    assert_eq!(
        exports(Perspective::Mirror),
        (0.939, Some(0.120), Some(0.939))
    );
    assert_eq!(
        exports(Perspective::Exporter),
        (1.763, Some(0.120), Some(1.763))
    );
    assert_eq!(
        exports(Perspective::Importer),
        (0.939, Some(0.100), Some(0.939))
    );
    let r = run_reported(TWO_REPORTS, &chn, None, Perspective::Reporter);
    assert_eq!(r.perspective, Perspective::Reporter);
    assert!(
        r.notes[0].starts_with("perspective `reporter`"),
        "{:?}",
        r.notes
    );
    assert!(!r.notes.iter().any(|n| n.contains("other side's report")));
    // Reading every flow as its exporter reports it leaves the importers' reports out.
    let r = run_reported(TWO_REPORTS, &chn, None, Perspective::Exporter);
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("other side's report, not read under this perspective: 2")),
        "{:?}",
        r.notes
    );
}

/// UNCTADstat-like services file: every economy's exports to the world, plus the
/// source's own World row (Korea 2019: 1.32% of the sum, 1.30% of the World row).
const WORLD_ROWS: &[Reported6] = &[
    (2019.0, "KOR", "WLD", "s", 1.32, "export"),
    (2019.0, "USA", "WLD", "s", 60.0, "export"),
    (2019.0, "GBR", "WLD", "s", 38.68, "export"),
    (2019.0, "WLD", "WLD", "s", 101.5, "export"),
    (2019.0, "WLD", "KOR", "s", 2.0, "import"),
    (2019.0, "WLD", "USA", "s", 40.0, "import"),
];

#[test]
fn the_world_total_is_the_sources_world_row_where_it_has_one() {
    let kor = Countries::country("KOR");
    let r = run_reported(WORLD_ROWS, &kor, None, Perspective::Reporter);
    let y = &r.years[0];
    assert_eq!((y.exports, y.imports), (1.32, Some(2.0)));
    assert_eq!(y.world_exports, 101.5);
    assert_eq!(y.world_exports_basis, WorldBasis::SourceWorldRow);
    close(y.world_share_pct, 1.32 / 101.5 * 100.0);
    // Without the World row: the sum of every economy's reported exports.
    let no_row: Vec<Reported6> = WORLD_ROWS
        .iter()
        .copied()
        .filter(|r| !(r.1 == "WLD" && r.2 == "WLD"))
        .collect();
    let r = run_reported(&no_row, &kor, None, Perspective::Reporter);
    let y = &r.years[0];
    assert_eq!(
        y.world_exports_basis,
        WorldBasis::SumOfExporters { exporters: 3 }
    );
    close(y.world_share_pct, 1.32);
}

#[test]
fn world_partner_totals_are_never_added_to_their_breakdown() {
    // Korea reports its exports to the world and to two partners; the total is its world
    // row, the partners are its breakdown.
    let rows: &[Reported6] = &[
        (2019.0, "KOR", "WLD", "s", 10.0, "export"),
        (2019.0, "KOR", "JPN", "s", 4.0, "export"),
        (2019.0, "KOR", "USA", "s", 3.0, "export"),
        (2019.0, "JPN", "KOR", "s", 5.0, "export"),
        (2019.0, "JPN", "KOR", "s", 5.5, "import"),
    ];
    let kor = Countries::country("KOR");
    let jpn = Countries::country("JPN");
    let r = run_reported(rows, &kor, Some(&jpn), Perspective::Reporter);
    let y = &r.years[0];
    assert_eq!((y.exports, y.imports), (10.0, Some(5.5)));
    let p = y.partner.as_ref().unwrap();
    assert_eq!((p.exports_to, p.imports_from), (Some(4.0), Some(5.5)));
    // World: Korea's world row (10) plus Japan's bilateral exports (5).
    assert_eq!(y.world_exports, 15.0);
    let top: Vec<(&str, f64)> = r
        .top_partners
        .partners
        .iter()
        .map(|p| (p.partner.as_str(), p.share_pct))
        .collect();
    assert_eq!(top, [("JPN", 40.0), ("USA", 30.0)]);
}

#[test]
fn a_series_of_exports_only_has_no_imports_world_share_or_rca() {
    let rows: &[Reported6] = &[
        (2019.0, "KOR", "WLD", "games", 10.0, "export"),
        (2020.0, "KOR", "WLD", "games", 12.0, "export"),
    ];
    let kor = Countries::country("KOR");
    let r = run_reported(rows, &kor, None, Perspective::Reporter);
    let y = &r.years[1];
    assert_eq!(y.exports, 12.0);
    assert_eq!((y.imports, y.balance, y.total_trade), (None, None, None));
    assert!(y.undefined["imports"].contains("no import reports in 2020"));
    assert_eq!((y.world_share_pct, y.rca), (None, None));
    assert!(y.undefined["world_share_pct"].contains("no exporter of the group other than"));
    // Totals with the world only: no partner to measure concentration over.
    assert_eq!(y.hhi_partners, None);
    assert!(y.undefined["hhi_partners"].contains("only as totals with the world"));
    close(y.exports_yoy_pct, 20.0);
    let imports = r.cagr.iter().find(|g| g.series == "imports").unwrap();
    assert_eq!((imports.cagr_pct, imports.start_value), (None, None));
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"imports\":null"), "{json}");
}

#[test]
fn trade_with_a_partner_that_means_nothing_is_null() {
    // The partner bloc has no member before 2001; a country is not its own partner.
    let late = Countries::bloc("late", |c, y| c == "C" && y >= 2001);
    let a = Countries::country("A");
    let r = run(&a, Some(&late), None);
    let p0 = r.years[0].partner.as_ref().unwrap();
    assert_eq!((p0.exports_to, p0.trade_with), (None, None));
    assert!(
        r.years[0].undefined["partner.exports_to"].contains("`late` has no member"),
        "{:?}",
        r.years[0].undefined
    );
    let p1 = r.years[1].partner.as_ref().unwrap();
    assert_eq!(p1.exports_to, Some(20.0));
    let itself = Countries::country("A");
    let r = run(&a, Some(&itself), None);
    let y = &r.years[0];
    assert_eq!(y.partner.as_ref().unwrap().trade_with, None);
    assert!(y.undefined["partner.trade_with"].contains("is the subject"));
}
