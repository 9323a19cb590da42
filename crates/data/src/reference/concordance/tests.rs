use super::*;
use crate::reference::in_hs2022;

fn codes(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn builtin_tables_are_the_six_adjacent_unsd_tables() {
    let c = Concordance::builtin();
    let found: Vec<(String, String, usize)> = c
        .tables()
        .map(|t| (t.from.clone(), t.to.clone(), t.links.len()))
        .collect();
    // Link counts of the correlation sheets, as make_concordance.py writes them.
    let want = [
        ("HS1996", "HS1992", 5426),
        ("HS2002", "HS1996", 5611),
        ("HS2007", "HS2002", 5664),
        ("HS2012", "HS2007", 5364),
        ("HS2017", "HS2012", 6140),
        ("HS2022", "HS2017", 15656),
    ];
    let want: Vec<(String, String, usize)> = want
        .iter()
        .map(|(a, b, n)| (a.to_string(), b.to_string(), *n))
        .collect();
    assert_eq!(found, want);
    assert!(c
        .tables()
        .all(|t| t.source.starts_with("UNSD correlation table HS")));
}

#[test]
fn every_hs2022_code_of_the_tables_is_an_hs2022_subheading() {
    let c = Concordance::builtin();
    let hs22 = c.codes_of("HS2022");
    let bad: Vec<&String> = hs22.iter().filter(|k| !in_hs2022(k)).collect();
    assert!(bad.is_empty(), "not in HS 2022: {bad:?}");
    // And the table covers the whole nomenclature.
    assert_eq!(hs22.len(), crate::reference::hs2022_len());
}

#[test]
fn every_code_is_six_digits_and_adjacent_tables_agree_on_their_edition() {
    let c = Concordance::builtin();
    for t in c.tables() {
        for (a, b) in &t.links {
            for k in [a, b] {
                assert!(
                    k.len() == 6 && k.bytes().all(|b| b.is_ascii_digit()) && k != "999999",
                    "{}: {k}",
                    t.source
                );
            }
        }
    }
    // An edition between two tables has one code list in both, but for two codes the
    // UNSD tables leave out (documented in the README).
    let tables: Vec<&LinkTable> = c.tables().collect();
    let mut gaps = Vec::new();
    for pair in tables.windows(2) {
        let (older, newer) = (pair[0], pair[1]);
        let edition = &older.from;
        assert_eq!(edition, &newer.to);
        let a: BTreeSet<&String> = older.codes(edition).collect();
        let b: BTreeSet<&String> = newer.codes(edition).collect();
        gaps.extend(a.symmetric_difference(&b).map(|k| format!("{edition} {k}")));
    }
    assert_eq!(gaps, ["HS2007 291636", "HS2017 300219"]);
}

#[test]
fn paintings_between_hs2017_and_hs2022() {
    let c = Concordance::builtin();
    let m = c
        .map(&codes(&["970121", "970191"]), "HS2022", "HS17")
        .unwrap();
    assert_eq!((m.from.as_str(), m.to.as_str()), ("HS2022", "HS2017"));
    assert_eq!(m.path, ["HS2022", "HS2017"]);
    assert_eq!(m.tables, ["UNSD correlation table HS2022–HS2017"]);
    assert_eq!(m.targets["970121"], set(&["970110"]));
    assert_eq!(m.targets["970191"], set(&["970110"]));
    assert_eq!(m.sources["970110"], set(&["970121", "970191"]));
    // The other way, one code splits in two.
    let m = c.map(&codes(&["970110"]), "H5", "HS22").unwrap();
    assert_eq!(m.targets["970110"], set(&["970121", "970191"]));
}

#[test]
fn chains_adjacent_tables() {
    let c = Concordance::builtin();
    let m = c.map(&codes(&["970110"]), "HS2002", "HS2017").unwrap();
    assert_eq!(m.path, ["HS2002", "HS2007", "HS2012", "HS2017"]);
    assert_eq!(m.tables.len(), 3);
    assert_eq!(m.targets["970110"], set(&["970110"]));
    let m = c.map(&codes(&["970110"]), "HS2002", "HS2022").unwrap();
    assert_eq!(m.targets["970110"], set(&["970121", "970191"]));
    assert_eq!(c.distance("HS92", "HS22"), Some(6));
    assert_eq!(c.distance("HS17", "HS2017"), Some(0));
    // The same edition maps every code to itself, without a table.
    let m = Concordance::empty()
        .map(&codes(&["123456"]), "HS17", "HS2017")
        .unwrap();
    assert!(m.tables.is_empty());
    assert_eq!(m.targets["123456"], set(&["123456"]));
    assert_eq!(m.sources["123456"], set(&["123456"]));
}

#[test]
fn no_table_no_mapping() {
    let c = Concordance::builtin();
    assert!(c.map(&codes(&["970110"]), "HS2017", "SITC3").is_none());
    assert!(c.map(&codes(&["970110"]), "HS", "HS2017").is_none());
    assert!(!Concordance::empty().links("HS2022", "HS2017"));
    assert!(c.links("HS2022", "HS92"));
}

#[test]
fn a_user_table_replaces_the_builtin_pair_and_shortens_chains() {
    let p = Path::new("mine.csv");
    let t = parse_table("HS17,HS22\n970110,970121\n10121,010121\n", p, "mine".into()).unwrap();
    assert_eq!((t.from.as_str(), t.to.as_str()), ("HS2017", "HS2022"));
    assert_eq!(
        t.links,
        [
            ("010121".to_string(), "010121".to_string()),
            ("970110".to_string(), "970121".to_string())
        ]
    );
    let c = Concordance::builtin().with_table(t);
    assert_eq!(c.tables().count(), 6, "replaced, not added");
    let m = c.map(&codes(&["970191"]), "HS2022", "HS2017").unwrap();
    assert_eq!(m.tables, ["mine"]);
    assert!(
        m.targets["970191"].is_empty(),
        "the user's table has no link"
    );
    // A direct table between HS 2022 and HS 2002 beats the chain of four.
    let direct = parse_table("HS2022,HS2002\n970121,970110\n", p, "direct".into()).unwrap();
    let c = Concordance::builtin().with_table(direct);
    assert_eq!(c.distance("HS2022", "HS2002"), Some(1));
    // Other classifications are names as the data writes them.
    let sitc = parse_table("SITC3,HS2002\n89631,970110\n", p, "sitc".into()).unwrap();
    let c = Concordance::builtin().with_table(sitc);
    let m = c.map(&codes(&["970121"]), "HS2022", "SITC3").unwrap();
    assert_eq!(m.path.len(), 6);
    assert_eq!(m.targets["970121"], set(&["89631"]));
}

#[test]
fn user_table_errors_name_file_line_and_value() {
    let p = Path::new("mine.csv");
    let cases = [
        (
            "HS2022\n970121\n",
            "mine.csv, line 1: a concordance table has two columns",
        ),
        (
            "HS2022,HS2017,Relationship\n970121,970110,1:1\n",
            "found 3 column(s): HS2022,HS2017,Relationship",
        ),
        (
            "HS2022,HS22\n970121,970121\n",
            "both columns name the classification HS2022",
        ),
        ("HS2022,\n970121,970110\n", "line 1: name both columns"),
        (
            "HS2022,HS2017\n970121,970110\n9701.91,970110\n",
            "mine.csv, line 3: column HS2022: `9701.91` is not a six-digit HS code",
        ),
        ("HS2022,HS2017\n970121\n", "mine.csv, line 2"),
        ("HS2022,HS2017\n", "the table has no links"),
        (
            "SITC3,HS2017\n,970110\n",
            "line 2: column SITC3: empty code",
        ),
    ];
    for (text, want) in cases {
        let e = parse_table(text, p, "mine".into())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains(want), "{text:?}: got {e:?}, want {want:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.csv");
    let e = Concordance::builtin().add_file(&missing).unwrap_err();
    assert!(e.to_string().contains("none.csv"), "{e}");
}

#[test]
fn the_tables_readme_names_every_file_its_link_count_and_licence() {
    let readme = include_str!("../../../reference/hs_concordance/README.md");
    for t in Concordance::builtin().tables() {
        let file = format!("`{}_{}.csv.gz`", t.from, t.to);
        let line = readme
            .lines()
            .find(|l| l.contains(&file))
            .unwrap_or_else(|| panic!("README does not list {file}"));
        // Counts are written with thousands separators: 15,656.
        let n = t.links.len();
        let count = format!("{},{:03}", n / 1000, n % 1000);
        assert!(line.contains(&count), "{file}: {count} not in `{line}`");
    }
    for needle in ["## Source", "## Licence", "MIT", "291636", "300219"] {
        assert!(readme.contains(needle), "{needle}");
    }
}
