use super::*;

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// One error of each variant, with the category it must have.
fn every_variant() -> Vec<(MeasureError, ErrorCategory)> {
    use ErrorCategory::{Data, Input};
    use MeasureError::*;
    let s = |x: &str| x.to_string();
    vec![
        (
            SourceNotChosen {
                present: names(&["baci", "series:kr"]),
            },
            Input,
        ),
        (
            UnknownSource {
                asked: s("bac"),
                present: names(&["baci"]),
                suggestion: Some(s("baci")),
            },
            Input,
        ),
        (
            AmbiguousSource {
                asked: s("series"),
                matches: names(&["series:a", "series:b"]),
            },
            Input,
        ),
        (
            NoSourceColumn {
                asked: s("baci"),
                column: s("source"),
            },
            Input,
        ),
        (
            NoProductColumn {
                option: s("the product group `creative`"),
            },
            Input,
        ),
        (
            ProductNamesOnCodes {
                column: s("product"),
            },
            Input,
        ),
        (
            AggregateWithComponents {
                source_name: Some(s("unctadstat")),
                whole: s("CG00"),
                parts: names(&["CG03", "CG031"]),
                finest: names(&["CG031"]),
            },
            Input,
        ),
        (
            UnknownProduct {
                name: s("Games"),
                source_name: None,
                present: names(&["games"]),
                suggestion: Some(s("games")),
            },
            Input,
        ),
        (NoProductNamed, Input),
        (
            AggregateNamedWithComponents {
                named: names(&["total", "games"]),
                whole: s("total"),
                parts: names(&["games"]),
            },
            Input,
        ),
        (
            UnknownGroup {
                name: s("creativ"),
                suggestion: Some(s("creative")),
            },
            Input,
        ),
        (
            GroupNeedsClassification {
                group: s("g"),
                editions: names(&["HS2002", "HS2022"]),
            },
            Input,
        ),
        (
            RowsWithoutClassification {
                group: s("g"),
                editions: names(&["HS2022"]),
            },
            Data,
        ),
        (
            GroupUnreachable {
                group: s("g"),
                editions: names(&["HS2002", "HS2022"]),
                releases: names(&["HS02", "HS22"]),
                classification: s("HS"),
            },
            Input,
        ),
        (
            GroupOnOtherClassification {
                group: s("g"),
                classifications: names(&["UNCTAD-CG"]),
            },
            Input,
        ),
        (
            GroupOnOtherClassification {
                group: s("g"),
                classifications: names(&["sector"]),
            },
            Input,
        ),
        (NotADecimal { text: s("1e3") }, Input),
        (NotAYearValue { text: s("2021;8") }, Input),
        (
            YearValueNumber {
                text: s("2021:x"),
                value: s("x"),
            },
            Input,
        ),
        (
            EndNotAfterStart {
                start: 2021,
                end: 2020,
            },
            Input,
        ),
        (
            ProjectionSpan {
                start: 2021,
                end: 999_999_999,
                years: 999_997_978,
                max: 1000,
            },
            Input,
        ),
        (
            NotPositive {
                which: "start",
                value: -1.0,
            },
            Input,
        ),
        (RateTooLow { value: -100.0 }, Input),
        (TooFewValues, Input),
        (Unrepresentable { years: 900 }, Input),
        (NoYears { column: s("year") }, Input),
        (
            ReversedYears {
                first: 2022,
                last: 2020,
            },
            Input,
        ),
        (
            YearsOutOfRange {
                asked: (1990, 1991),
                covered: (2019, 2021),
            },
            Input,
        ),
        (
            SubjectWithoutFlows {
                subject: s("ASEAN"),
                years: (2019, 2021),
                bloc: true,
            },
            Input,
        ),
        (
            CagrWindowOrder {
                first: 2021,
                last: 2019,
            },
            Input,
        ),
        (
            CagrWindowYear {
                window: (2010, 2021),
                year: 2010,
                covered: (2019, 2021),
            },
            Input,
        ),
        (
            NoPairFlows {
                products: s("every product"),
                perspective: s("exporter"),
                other_side: 3,
            },
            Input,
        ),
        (
            CovariateCodes {
                covariates: s("gravity"),
                column: s("exporter"),
            },
            Input,
        ),
        (
            CovariateClash {
                covariates: s("gravity"),
                column: s("dist"),
            },
            Input,
        ),
        (
            InvalidValue {
                column: s("value"),
                row: 2,
                value: -1.0,
            },
            Data,
        ),
        (
            NotAYear {
                column: s("year"),
                row: 2,
                value: 2020.5,
            },
            Data,
        ),
        (
            NotAProductCode {
                column: s("product"),
                row: 2,
                value: -3.0,
            },
            Data,
        ),
        (
            NotAFlow {
                column: s("flow"),
                value: s("exprt"),
                valid: names(&["export", "import"]),
                suggestion: Some(s("export")),
            },
            Data,
        ),
    ]
}

#[test]
fn no_message_names_a_command_line_flag() {
    for (e, _) in every_variant() {
        let m = e.to_string();
        assert!(!m.contains("--"), "{e:?} shows {m}");
        assert!(!m.is_empty(), "{e:?}");
    }
}

#[test]
fn each_case_has_its_category() {
    for (e, category) in every_variant() {
        assert_eq!(e.category(), category, "{e:?}");
    }
    let d = hallyu_data::DataError::UnknownColumn {
        name: "x".into(),
        available: vec![],
        suggestion: None,
    };
    assert_eq!(
        MeasureError::from(d).category(),
        ErrorCategory::Input,
        "a data error keeps its own category"
    );
}

#[test]
fn hints_say_what_to_do_in_the_request_terms() {
    let m = MeasureError::SourceNotChosen {
        present: names(&["baci", "series:kr"]),
    }
    .to_string();
    assert!(
        m.contains("choose one as the source (e.g. the source `baci`)"),
        "{m}"
    );
    let m = MeasureError::NoPairFlows {
        products: "every product".into(),
        perspective: "exporter".into(),
        other_side: 3,
    }
    .to_string();
    assert!(
        m.contains("3 row(s) are the other side's reports; try the perspective `mirror`"),
        "{m}"
    );
    let m = MeasureError::NoPairFlows {
        products: "every product".into(),
        perspective: "exporter".into(),
        other_side: 0,
    }
    .to_string();
    assert!(!m.contains("mirror"), "{m}");
}
