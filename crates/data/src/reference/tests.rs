//! Checks of the built-in tables against their sources and of the user additions.

use super::*;
use std::collections::{BTreeSet, HashSet};
use std::io::Write;

fn r() -> Reference {
    Reference::builtin()
}

#[test]
fn asean_membership_at_its_accession_boundaries() {
    let r = r();
    let a = r.bloc("asean").unwrap();
    assert_eq!(a.members_in(1966), Vec::<&str>::new());
    assert_eq!(a.members_in(1967), ["IDN", "MYS", "PHL", "SGP", "THA"]);
    assert!(!a.is_member("BRN", 1983) && a.is_member("BRN", 1984));
    assert!(!a.is_member("VNM", 1994) && a.is_member("VNM", 1995));
    assert!(!a.is_member("LAO", 1996) && a.is_member("LAO", 1997));
    assert!(!a.is_member("MMR", 1996) && a.is_member("MMR", 1997));
    assert!(!a.is_member("KHM", 1998) && a.is_member("KHM", 1999));
    // Five members until 1983, ten from 1999 until Timor-Leste's admission in 2025.
    assert_eq!(a.members_in(1983).len(), 5);
    assert_eq!(a.members_in(1999).len(), 10);
    assert_eq!(a.members_in(2024).len(), 10);
    assert_eq!(a.members_in(2025).len(), 11);
}

#[test]
fn asean_plus_three_is_the_union_of_its_parts_every_year() {
    let r = r();
    let (a, p, ap) = (
        r.bloc("asean").unwrap(),
        r.bloc("plus3").unwrap(),
        r.bloc("ASEAN+3").unwrap(),
    );
    for year in 1960..=2030 {
        let mut union: Vec<&str> = a.members_in(year);
        union.extend(p.members_in(year));
        union.sort_unstable();
        assert_eq!(ap.members_in(year), union, "{year}");
    }
    assert_eq!(ap.members_in(2019).len(), 13);
    assert_eq!(p.ever_members(), ["CHN", "JPN", "KOR"]);
}

#[test]
fn eu_enlargements_and_brexit() {
    let r = r();
    let eu = r.bloc("eu").unwrap();
    let sizes = [
        (1957, 0),
        (1958, 6),
        (1972, 6),
        (1973, 9),
        (1981, 10),
        (1986, 12),
        (1995, 15),
        (2004, 25),
        (2007, 27),
        (2013, 28),
        (2019, 28),
        (2020, 27),
        (2024, 27),
    ];
    for (year, n) in sizes {
        assert_eq!(eu.members_in(year).len(), n, "{year}");
    }
    assert!(eu.is_member("GBR", 2019));
    assert!(!eu.is_member("GBR", 2020));
    assert!(!eu.is_member("GBR", 2021));
    assert!(eu.is_member("HRV", 2013) && !eu.is_member("HRV", 2012));
}

#[test]
fn rcep_nafta_usmca_and_the_rest() {
    let r = r();
    let rcep = r.bloc("rcep").unwrap();
    assert!(rcep.members_in(2021).is_empty());
    assert_eq!(rcep.members_in(2022).len(), 13);
    assert_eq!(rcep.members_in(2023).len(), 15);
    assert!(!rcep.is_member("IDN", 2022) && rcep.is_member("IDN", 2023));
    let nafta = r.bloc("nafta").unwrap();
    let usmca = r.bloc("usmca").unwrap();
    assert_eq!(nafta.members_in(1994), ["CAN", "MEX", "USA"]);
    assert!(nafta.members_in(1993).is_empty() && nafta.members_in(2020).is_empty());
    assert!(usmca.members_in(2019).is_empty());
    assert_eq!(usmca.members_in(2020), ["CAN", "MEX", "USA"]);
    let m = r.bloc("mercosur").unwrap();
    assert_eq!(m.members_in(2014), ["ARG", "BRA", "PRY", "URY", "VEN"]);
    assert_eq!(m.members_in(2017), ["ARG", "BRA", "PRY", "URY"]);
    assert_eq!(r.bloc("eaeu").unwrap().members_in(2015).len(), 5);
    assert_eq!(r.bloc("cptpp").unwrap().members_in(2024).len(), 12);
    assert_eq!(r.bloc("apec").unwrap().members_in(1998).len(), 21);
}

#[test]
fn every_builtin_member_is_a_known_country_and_spells_are_sane() {
    for b in r().blocs() {
        assert!(
            !b.description.is_empty() && !b.source.is_empty(),
            "{}",
            b.name
        );
        for m in &b.members {
            let c = country_by_iso3(&m.iso3);
            assert!(c.is_some(), "{}: {}", b.name, m.iso3);
            assert!(m.to.is_none_or(|to| to >= m.from));
        }
    }
}

#[test]
fn unknown_bloc_or_group_suggests_the_nearest_name() {
    let r = r();
    let e = r.bloc("aseann").unwrap_err().to_string();
    assert_eq!(e, "unknown bloc `aseann` (did you mean `asean`?)");
    let e = r.product_group("cosmetic").unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown product group `cosmetic` (did you mean `cosmetics`?)"
    );
    let e = r.bloc("zzzzzzzz").unwrap_err().to_string();
    assert_eq!(e, "unknown bloc `zzzzzzzz`");
}

#[test]
fn cosmetics_and_consumer_electronics() {
    let r = r();
    let c = r.product_group("cosmetics").unwrap();
    assert!(c.contains("330499"));
    assert!(c.contains("330300") && c.contains("330790"));
    assert!(!c.contains("330190"), "essential oils are not cosmetics");
    assert!(!c.contains("340111"), "soap is heading 3401");
    let e = r.product_group("consumer_electronics").unwrap();
    assert!(e.contains("852872") && e.contains("851830") && e.contains("852580"));
    assert!(!e.contains("851713"), "phones are not in the definition");
    for g in [c, e] {
        for code in &g.codes {
            // 852580 is the HS 2007-2017 code of cameras (split in HS 2022).
            assert!(in_hs2022(code) || code == "852580", "{}: {code}", g.name);
        }
    }
}

#[test]
fn creative_codes_are_six_digits_in_hs2022_or_flagged_with_their_edition() {
    let r = r();
    let codes = r.creative_codes();
    assert_eq!(codes.len(), 186);
    let mut seen = HashSet::new();
    for c in codes {
        assert!(
            c.hs6.len() == 6 && c.hs6.bytes().all(|b| b.is_ascii_digit()),
            "{c:?}"
        );
        assert!(seen.insert(&c.hs6), "{} listed twice", c.hs6);
        assert!(CREATIVE_GROUPS.iter().any(|(g, _)| *g == c.group), "{c:?}");
        assert!(c.subgroup.is_some(), "{c:?}");
        assert!(!c.editions.is_empty(), "{c:?}");
        let hs2022 = c.editions.iter().any(|e| e == "HS2022");
        // In HS 2022 exactly when flagged so; 852499 exists in HS 2022 with another
        // meaning (flat panel display modules), hence the one exception.
        if c.hs6 == "852499" {
            assert!(!hs2022 && in_hs2022(&c.hs6));
        } else {
            assert_eq!(hs2022, in_hs2022(&c.hs6), "{c:?}");
        }
        for e in &c.editions {
            assert!(e == "HS2002" || e == "HS2022", "{c:?}");
        }
        match c.basis.as_str() {
            "compiled" => assert!(c.editions.contains(&"HS2002".to_string()), "{c:?}"),
            "successor" => assert_eq!(c.editions, ["HS2022"], "{c:?}"),
            other => panic!("basis {other}"),
        }
    }
    let flagged = codes
        .iter()
        .filter(|c| !c.editions.contains(&"HS2022".into()))
        .count();
    assert_eq!(flagged, 45);
}

#[test]
fn creative_groups_by_edition_with_published_coverage() {
    let r = r();
    let all = r.product_group("creative").unwrap();
    assert_eq!(all.hs_version.as_deref(), Some("HS2022"));
    assert!(all.codes.iter().all(|c| in_hs2022(c)));
    assert_eq!(all.codes.len(), 186 - 45);
    let old = r.product_group("creative_hs2002").unwrap();
    assert_eq!(old.codes.len(), 186 - 40);
    // Every HS 2022 creative code is in exactly one group and one subgroup.
    let mut by_group = 0;
    for (g, _) in CREATIVE_GROUPS {
        let grp = r.product_group(&format!("creative.{g}")).unwrap();
        by_group += grp.codes.len();
        let subs: usize = r
            .product_groups()
            .iter()
            .filter(|x| x.name.starts_with(&format!("creative.{g}.")))
            .map(|x| x.codes.len())
            .sum();
        assert_eq!(subs, grp.codes.len(), "{g}");
    }
    assert_eq!(by_group, all.codes.len());
    // Published counts: carpets, celebration, paperware, wickerware, sculpture, books and
    // other printed matter are complete; the rest are stated as partial.
    let d = |n: &str| r.product_group(n).unwrap().description.clone();
    assert!(d("creative_hs2002.art_crafts.carpets").ends_with("17 of the 17 codes UNCTAD counts"));
    assert!(d("creative_hs2002.art_crafts.yarn").ends_with("18 of the 30 codes UNCTAD counts"));
    assert!(d("creative_hs2002.visual_arts.sculpture").ends_with("7 of the 7 codes UNCTAD counts"));
    assert!(d("creative_hs2002.publishing").ends_with("14 of the 15 codes UNCTAD counts"));
    assert!(d("creative_hs2002.design").ends_with("UNCTAD's code count not checked"));
    let design = r.product_group("creative.design.fashion").unwrap();
    assert!(design.contains("420221") && !design.contains("420211"));
    assert!(r
        .product_group("creative.visual_arts.painting")
        .unwrap()
        .contains("970121"));
    assert!(!r.product_group("creative").unwrap().contains("970110"));
    assert!(r
        .product_group("creative_hs2002")
        .unwrap()
        .contains("970110"));
    assert_eq!(
        r.classify("950300", "HS2022").unwrap().subgroup.as_deref(),
        Some("toys")
    );
    assert!(r.classify("950300", "HS2002").is_none());
}

#[test]
fn published_counts_match_the_compiled_list_where_complete() {
    let r = r();
    let count = |g: &str, s: &str| {
        r.creative_codes()
            .iter()
            .filter(|c| {
                c.basis == "compiled"
                    && c.group == g
                    && (s.is_empty() || c.subgroup.as_deref() == Some(s))
            })
            .count()
    };
    for (g, s, n) in PUBLISHED_COUNTS {
        assert!(count(g, s) <= n, "{g}.{s}: more codes than UNCTAD counts");
    }
    for (g, s) in [
        ("art_crafts", "carpets"),
        ("art_crafts", "celebration"),
        ("art_crafts", "paperware"),
        ("art_crafts", "wickerware"),
        ("visual_arts", "painting"),
        ("visual_arts", "sculpture"),
        ("publishing", "books"),
        ("publishing", "other_printed_matter"),
    ] {
        let n = PUBLISHED_COUNTS
            .iter()
            .find(|x| x.0 == g && x.1 == s)
            .unwrap()
            .2;
        assert_eq!(count(g, s), n, "{g}.{s}");
    }
}

fn temp(contents: &str, suffix: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    f.write_all(contents.as_bytes()).unwrap();
    f
}

#[test]
fn user_toml_adds_and_replaces() {
    let f = temp(
        r#"
[[bloc]]
name = "my_bloc"
description = "..."
members = [{ iso3 = "KOR", from = 2006 }, { iso3 = "AGO", from = 2010, to = 2020 }]

[[bloc]]
name = "NAFTA"
members = [{ iso3 = "USA", from = 1994 }]

[[product_group]]
name = "kbeauty"
codes = ["3304", "330510"]
"#,
        ".toml",
    );
    let builtin = r();
    let r = Reference::with_user_file(f.path()).unwrap();
    assert_eq!(r.blocs().len(), builtin.blocs().len() + 1);
    let b = r.bloc("My_Bloc").unwrap();
    assert_eq!(b.members_in(2009), ["KOR"]);
    assert_eq!(b.members_in(2020), ["AGO", "KOR"]);
    assert_eq!(b.members_in(2021), ["KOR"]);
    assert!(b.source.contains("user file"));
    assert_eq!(r.bloc("nafta").unwrap().members_in(2030), ["USA"]);
    let k = r.product_group("kbeauty").unwrap();
    assert!(k.contains("330499") && !k.contains("330520"));
    assert_eq!(r.product_groups().len(), builtin.product_groups().len() + 1);

    let bad = temp(
        "[[bloc]]\nname = \"b\"\nmembers = [{ iso3 = \"KRO\", from = 2000 }]\n",
        ".toml",
    );
    let e = Reference::with_user_file(bad.path())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with(&bad.path().display().to_string()), "{e}");
    assert!(
        e.ends_with("line 3: bloc `b`: unknown ISO3 code `KRO` (did you mean `KOR`?)"),
        "{e}"
    );
    let clash = temp(
        "[[product_group]]\nname = \"creative.design\"\ncodes = [\"33\"]\n",
        ".toml",
    );
    let e = Reference::with_user_file(clash.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("is a creative-goods group"), "{e}");
    let e = Reference::with_user_file(Path::new("/no/such/file.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("cannot read /no/such/file.toml"), "{e}");
}

#[test]
fn classification_csv_overrides_and_completes() {
    let f = temp(
        "hs6,group,subgroup\n330499,design,beauty\n420221,visual_arts,\n970121,none,\n",
        ".csv",
    );
    let builtin = r();
    let r = Reference::builtin()
        .with_classification_csv(f.path())
        .unwrap();
    let g = |n: &str| r.product_group(n).unwrap();
    assert!(g("creative").contains("330499"));
    assert!(g("creative.design.beauty").contains("330499"));
    assert!(g("creative.design").contains("330499"));
    // Moved: no longer fashion, now visual arts without a subgroup.
    assert!(!g("creative.design.fashion").contains("420221"));
    assert!(g("creative.visual_arts").contains("420221"));
    // Dropped from HS 2022 only.
    assert!(!g("creative").contains("970121"));
    assert_eq!(
        g("creative").codes.len(),
        builtin.product_group("creative").unwrap().codes.len()
    );
    // The HS 2002 edition keeps its built-in place for 420221.
    assert!(g("creative_hs2002.design.fashion").contains("420221"));
    assert!(g("creative").source.ends_with("with user additions"));
    // A new edition gets its own groups.
    let f = temp(
        "hs6,group,subgroup,hs_version\n970110,visual_arts,painting,HS2017\n",
        ".csv",
    );
    let r = Reference::builtin()
        .with_classification_csv(f.path())
        .unwrap();
    assert_eq!(
        r.product_group("creative_hs2017.visual_arts.painting")
            .unwrap()
            .codes,
        ["970110"]
    );
    assert_eq!(r.classify("970110", "hs2017").unwrap().basis, "user");
    let bad = temp("hs6,group\n330499,desing\n", ".csv");
    let e = Reference::builtin()
        .with_classification_csv(bad.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2: unknown creative-goods group `desing` (did you mean `design`?)"),
        "{e}"
    );
}

#[test]
fn builtin_readme_names_every_source() {
    for needle in [
        "countries.csv",
        "blocs.toml",
        "creative_goods.csv",
        "product_groups.toml",
        "hs2022_codes.txt",
        "Licence",
    ] {
        assert!(README.contains(needle), "{needle}");
    }
    let r = r();
    let names: BTreeSet<&str> = r.blocs().iter().map(|b| b.name.as_str()).collect();
    for n in &names {
        assert!(
            README.contains(&format!("`{n}`")),
            "README does not describe bloc {n}"
        );
    }
}
