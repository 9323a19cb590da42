//! A group applied through a small hand-made concordance, every number worked out in the
//! comments.

use super::*;
use crate::flows::FlowColumns;
use hallyu_data::reference::parse_table;
use hallyu_data::{Column, Table, TextColumnBuilder};
use std::path::Path;

/// year, exporter, importer, product, classification, value.
type Row<'a> = (f64, &'a str, &'a str, &'a str, Option<&'a str>, f64);

fn text_column<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Column {
    let mut b = TextColumnBuilder::default();
    for v in values {
        b.push(v);
    }
    b.finish()
}

fn table(rows: &[Row]) -> Table {
    let mut t = Table::new();
    t.push("year", Column::numbers(rows.iter().map(|r| r.0).collect()))
        .unwrap();
    t.push("exporter", text_column(rows.iter().map(|r| Some(r.1))))
        .unwrap();
    t.push("importer", text_column(rows.iter().map(|r| Some(r.2))))
        .unwrap();
    t.push("product", text_column(rows.iter().map(|r| Some(r.3))))
        .unwrap();
    t.push("classification", text_column(rows.iter().map(|r| r.4)))
        .unwrap();
    t.push("value", Column::numbers(rows.iter().map(|r| r.5).collect()))
        .unwrap();
    t
}

/// The test tables say nothing of who reported a row: every row counts on both sides.
fn columns() -> FlowColumns {
    FlowColumns {
        classification: Some("classification".into()),
        flow: None,
        ..FlowColumns::canonical()
    }
}

/// HS2022 → HS2017 links: 111111 one to one; 222222 split over 222220 and 222229;
/// 333333 (not in the group) merged into 222229 too; 444444 outside the group.
fn concordance() -> Concordance {
    let t = parse_table(
        "HS2022,HS2017\n111111,111110\n222222,222220\n222222,222229\n333333,222229\n444444,444440\n",
        Path::new("small.csv"),
        "small.csv".into(),
    )
    .unwrap();
    Concordance::empty().with_table(t)
}

/// The group: two linked HS 2022 codes and one the table does not have.
fn group() -> Vec<Definition> {
    vec![Definition {
        edition: HsEdition::Hs2022,
        codes: ["111111", "222222", "555555"].map(String::from).to_vec(),
    }]
}

const ROWS: &[Row] = &[
    (2020.0, "A", "B", "111110", Some("HS17"), 10.0),
    (2020.0, "A", "B", "222220", Some("HS17"), 5.0),
    (2020.0, "B", "A", "222229", Some("HS17"), 7.0),
    (2020.0, "A", "B", "444440", Some("HS17"), 100.0),
    (2020.0, "A", "A", "111110", Some("HS17"), 1000.0), // intra-national: not counted
    (2021.0, "A", "B", "111110", Some("HS17"), 20.0),
    (2021.0, "B", "C", "222229", Some("HS17"), 3.0),
    // HS 2022 rows next to HS 2017 ones (a source whose reporters use both editions):
    // 111111 is in the group as it is; 111110 is no HS 2022 code of the group.
    (2021.0, "A", "B", "111111", Some("HS22"), 4.0),
    (2021.0, "A", "B", "111110", Some("HS22"), 50.0),
];

#[test]
fn coverage_by_year_and_edition_by_hand() {
    let t = table(ROWS);
    let flows = Flows::new(&t, &columns()).unwrap();
    let g = apply_group("g", &group(), &flows, &concordance()).unwrap();
    let products = g.products();
    assert!(products.contains_in("111110", Some("HS17")));
    assert!(products.contains_in("222229", Some("HS17")));
    assert!(!products.contains_in("444440", Some("HS17")));
    assert!(!products.contains_in("111110", Some("HS22")));
    assert!(products.contains_in("111111", Some("HS22")));
    assert!(!products.contains_in("111111", None));
    let c = g.coverage(&flows, Perspective::Reporter);
    assert_eq!(c.group, "g");
    assert_eq!(c.defined_in, ["HS2022"]);
    let got: Vec<(i32, &str, f64, f64, f64)> = c
        .years
        .iter()
        .map(|y| {
            (
                y.year,
                y.classification.as_str(),
                y.value,
                y.value_one_to_many,
                y.value_with_other_products,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // 10 + 5 + 7; one to many: 222220 (its source split) 5 + 222229 (split, and
            // holding 333333) 7; with other products: 222229, 7.
            (2020, "HS17", 22.0, 12.0, 7.0),
            // 20 + 3; 222229: 3.
            (2021, "HS17", 23.0, 3.0, 3.0),
            (2021, "HS22", 4.0, 0.0, 0.0),
        ]
    );
    let hs17 = &c.years[0];
    assert_eq!(
        (hs17.edition.as_str(), hs17.group_edition.as_str()),
        ("HS2017", "HS2022")
    );
    assert_eq!(hs17.path, ["HS2022", "HS2017"]);
    assert_eq!(hs17.tables, ["small.csv"]);
    assert_eq!((hs17.group_codes, hs17.codes_mapped), (3, 2));
    assert_eq!(hs17.unmapped_codes, ["555555"]);
    assert_eq!(
        (
            hs17.data_codes,
            hs17.codes_one_to_many,
            hs17.codes_with_other_products
        ),
        (3, 2, 1)
    );
    let hs22 = &c.years[2];
    assert_eq!(hs22.path, ["HS2022"]);
    assert!(hs22.tables.is_empty());
    assert_eq!(
        (hs22.group_codes, hs22.data_codes, hs22.codes_one_to_many),
        (3, 3, 0)
    );
    let notes = c.notes();
    assert_eq!(notes.len(), 3, "{notes:#?}");
    assert!(notes[0].starts_with("g is defined in HS2022; the data is HS2017 (2020–2021): mapped from HS2022 through small.csv (2 of the 3 codes linked, to 3 HS2017 codes; 2 of them one to many, 1 holding products outside the group); not linked: 555555"), "{}", notes[0]);
    assert_eq!(
        notes[1],
        "g in HS2017: share of the group's value in one-to-many codes: 2020 54.5% (31.8% with other products); 2021 13.0% (13.0% with other products)"
    );
    assert_eq!(
        notes[2],
        "g is defined in HS2022; the data is HS2022 (2021): its HS2022 codes applied as they are"
    );
}

fn creative_like() -> Vec<Definition> {
    vec![
        Definition {
            edition: HsEdition::Hs2022,
            codes: vec!["970121".into(), "970191".into()],
        },
        Definition {
            edition: HsEdition::Hs2002,
            codes: vec!["970110".into()],
        },
    ]
}

fn one_row(class: &str, code: &str) -> Table {
    table(&[(2020.0, "A", "B", code, Some(class), 1.0)])
}

#[test]
fn the_nearest_definition_is_used() {
    let c = Concordance::builtin();
    for (class, code, edition, steps) in [
        ("HS17", "970110", "HS2022", 2),
        ("HS07", "970110", "HS2002", 2),
        // Two tables from either: the earlier edition, where UNCTAD defined the list.
        ("HS12", "970110", "HS2002", 3),
        ("HS22", "970121", "HS2022", 1),
        ("H2", "970110", "HS2002", 1),
    ] {
        let t = one_row(class, code);
        let flows = Flows::new(&t, &columns()).unwrap();
        let g = apply_group("paint", &creative_like(), &flows, &c).unwrap();
        assert!(g.products().contains_in(code, Some(class)), "{class}");
        let y = &g.coverage(&flows, Perspective::Reporter).years[0];
        assert_eq!(
            (y.group_edition.as_str(), y.path.len()),
            (edition, steps),
            "{class}"
        );
        assert_eq!((y.value, y.value_one_to_many), (1.0, 0.0), "{class}");
    }
}

fn error(t: &Table, cols: &FlowColumns, c: &Concordance) -> String {
    let flows = Flows::new(t, cols).unwrap();
    match apply_group("creative.visual_arts", &creative_like(), &flows, c) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn no_table_names_the_editions_that_would_work() {
    // The data say `HS` without an edition: no table links it.
    let e = error(
        &one_row("HS", "970110"),
        &columns(),
        &Concordance::builtin(),
    );
    assert!(
        e.starts_with("the product group `creative.visual_arts` is defined in HS2002 and HS2022; the data is classified `HS`"),
        "{e}"
    );
    assert!(
        e.contains("use data in HS2002 or HS2022 (e.g. BACI's HS02 or HS22 release)"),
        "{e}"
    );
    assert!(
        e.contains("give a concordance table (concordance: a CSV file with the header `HS,HS2002`"),
        "{e}"
    );
    // Without tables, HS 2017 data is as unreachable.
    let e = error(
        &one_row("HS17", "970110"),
        &columns(),
        &Concordance::empty(),
    );
    assert!(
        e.contains(
            "the data is classified `HS17`, which no concordance table links to any of them"
        ),
        "{e}"
    );
    // With a user table that links it, it maps.
    let t = one_row("HS", "970110");
    let flows = Flows::new(&t, &columns()).unwrap();
    let user = parse_table(
        "HS,HS2002\n970110,970110\n",
        Path::new("u.csv"),
        "u.csv".into(),
    )
    .unwrap();
    let g = apply_group(
        "x",
        &creative_like(),
        &flows,
        &Concordance::builtin().with_table(user),
    )
    .unwrap();
    assert!(g.products().contains_in("970110", Some("HS")));
}

#[test]
fn data_without_hs_codes_or_classification() {
    let e = error(
        &one_row("UNCTAD-CG", "CG07"),
        &columns(),
        &Concordance::builtin(),
    );
    assert!(
        e.contains("the data is classified UNCTAD-CG, not by HS code"),
        "{e}"
    );
    assert!(
        e.contains("choose them as products by name (product)"),
        "{e}"
    );
    let e = error(
        &one_row("HS17", "970110"),
        &FlowColumns {
            classification: None,
            ..columns()
        },
        &Concordance::builtin(),
    );
    assert!(e.contains("no `classification` column"), "{e}");
    let t = table(&[
        (2020.0, "A", "B", "970110", Some("HS17"), 1.0),
        (2020.0, "A", "B", "970110", None, 1.0),
    ]);
    let e = error(&t, &columns(), &Concordance::builtin());
    assert!(
        e.contains("some rows with a product have no classification"),
        "{e}"
    );
    // Series rows next to HS rows: in no group, and said so.
    let t = table(&[
        (2020.0, "A", "B", "970110", Some("HS17"), 1.0),
        (2020.0, "A", "B", "games", Some("series"), 5.0),
    ]);
    let flows = Flows::new(&t, &columns()).unwrap();
    let g = apply_group("v", &creative_like(), &flows, &Concordance::builtin()).unwrap();
    assert!(!g.products().contains_in("games", Some("series")));
    let c = g.coverage(&flows, Perspective::Reporter);
    assert_eq!(c.not_hs, ["series"]);
    assert_eq!(c.years.len(), 1);
    assert!(c
        .notes()
        .last()
        .unwrap()
        .contains("rows classified series are not HS codes"));
}

#[test]
fn prefix_groups_name_the_data_editions() {
    let t = table(&[
        (2020.0, "A", "B", "970110", Some("HS17"), 1.0),
        (2021.0, "A", "B", "970110", Some("HS17"), 1.0),
        (2022.0, "A", "B", "970121", Some("HS22"), 1.0),
    ]);
    let flows = Flows::new(&t, &columns()).unwrap();
    assert_eq!(
        prefixes_note("9701", &flows).unwrap().unwrap(),
        "the product group `9701`: HS prefixes matched as text, the same in every edition; the data is HS2017 in 2020–2021, HS2022 in 2022"
    );
    let e = prefixes_note(
        "9701",
        &Flows::new(&one_row("UNCTAD-CG", "CG00"), &columns()).unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("selects HS codes, and the data is classified UNCTAD-CG"),
        "{e}"
    );
    let plain = prefixes_note(
        "9701",
        &Flows::new(
            &t,
            &FlowColumns {
                classification: None,
                ..columns()
            },
        )
        .unwrap(),
    )
    .unwrap();
    assert!(plain.unwrap().contains("no `classification` column"));
}

#[test]
fn each_flow_counts_once_in_the_group_value() {
    // One painting flow A → B of 10, reported by both sides (the importer says 12), and
    // a flow B → A that only its importer reports.
    let mut t = table(&[
        (2020.0, "A", "B", "970110", Some("HS17"), 10.0),
        (2020.0, "A", "B", "970110", Some("HS17"), 12.0),
        (2020.0, "B", "A", "970110", Some("HS17"), 4.0),
    ]);
    t.push(
        "flow",
        text_column(["export", "import", "import"].into_iter().map(Some)),
    )
    .unwrap();
    let cols = FlowColumns {
        flow: Some("flow".into()),
        ..columns()
    };
    let flows = Flows::new(&t, &cols).unwrap();
    let g = apply_group("paint", &creative_like(), &flows, &Concordance::builtin()).unwrap();
    let value = |p: Perspective| g.coverage(&flows, p).years[0].value;
    // As the exporters report them: 10 alone; as the importers report them: 12 + 4.
    assert_eq!(value(Perspective::Reporter), 10.0);
    assert_eq!(value(Perspective::Exporter), 10.0);
    assert_eq!(value(Perspective::Importer), 16.0);
    assert_eq!(value(Perspective::Mirror), 16.0);
}

#[test]
fn a_world_partner_total_is_never_added_to_its_breakdown() {
    // A reports its paintings to the world (30) and to B (10): its total is the world row.
    // C has no world row: its bilateral 5 counts. The world's own row is nobody's exports.
    let t = table(&[
        (2020.0, "A", "WLD", "970110", Some("HS17"), 30.0),
        (2020.0, "A", "B", "970110", Some("HS17"), 10.0),
        (2020.0, "C", "B", "970110", Some("HS17"), 5.0),
        (2020.0, "WLD", "WLD", "970110", Some("HS17"), 100.0),
    ]);
    let flows = Flows::new(&t, &columns()).unwrap();
    let g = apply_group("paint", &creative_like(), &flows, &Concordance::builtin()).unwrap();
    assert_eq!(
        g.coverage(&flows, Perspective::Reporter).years[0].value,
        35.0
    );
}
