use super::*;
use crate::markup::tests::well_formed;

fn years() -> Positions {
    Positions::Numbers((2010..=2015).map(f64::from).collect())
}

fn numbers(values: &[Option<f64>]) -> Vec<Cell> {
    values
        .iter()
        .map(|v| match v {
            Some(x) => Cell::number(*x, 2),
            None => Cell::null("no report this year"),
        })
        .collect()
}

fn series(name: &str, values: &[Option<f64>]) -> ChartSeries {
    ChartSeries {
        name: name.into(),
        values: numbers(values),
    }
}

pub(crate) fn line() -> Chart {
    Chart {
        kind: ChartKind::Line,
        title: "Trade of <KOR> & peers".into(),
        x_label: "year".into(),
        value_label: "value".into(),
        unit: Some("USD bn".into()),
        x: years(),
        series: vec![
            series(
                "exports",
                &[
                    Some(1.0),
                    Some(2.0),
                    Some(3.5),
                    Some(4.0),
                    Some(5.0),
                    Some(6.0),
                ],
            ),
            // A gap in 2012 and a lone value in 2014.
            series(
                "imports",
                &[Some(1.5), Some(1.0), None, Some(2.0), None, Some(2.5)],
            ),
            series(
                "balance",
                &[
                    Some(-0.5),
                    Some(1.0),
                    None,
                    Some(2.0),
                    Some(f64::NAN),
                    Some(3.5),
                ],
            ),
        ],
        reference: None,
    }
}

fn svg_of(chart: &Chart) -> (String, Vec<String>) {
    match chart.svg() {
        Drawn::Svg { svg, unplotted } => (svg, unplotted),
        Drawn::Nothing { reason } => panic!("nothing drawn: {reason}"),
    }
}

/// The marks of series drawn in `colour`.
fn marks(svg: &str, colour: &str) -> usize {
    let fill = format!("fill=\"{colour}\"");
    svg.split("class=\"mark\"")
        .skip(1)
        .filter(|rest| {
            rest.split('>')
                .next()
                .is_some_and(|attrs| attrs.contains(&fill))
        })
        .count()
}

fn assert_accessible(svg: &str, title: &str) {
    let escaped = crate::markup::escape(title);
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 480 "),
        "{svg}"
    );
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(&format!("aria-label=\"{escaped}\"")));
    assert!(svg.contains(&format!("<title>{escaped}</title><desc>")));
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    well_formed(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
}

#[test]
fn a_line_chart_has_a_mark_per_value_and_gaps_where_values_are_missing() {
    let chart = line();
    let (svg, unplotted) = svg_of(&chart);
    assert_accessible(&svg, &chart.title);
    assert!(unplotted.is_empty());
    assert_eq!(marks(&svg, layout::colour(0)), 6);
    assert_eq!(marks(&svg, layout::colour(1)), 4);
    // NaN is no value: a gap, like a null.
    assert_eq!(marks(&svg, layout::colour(2)), 4);
    // exports: one line; imports: 2010–2011 only (2013 and 2015 stand alone); balance:
    // 2010–2011 only.
    let lines = |colour: &str| {
        svg.matches(&format!("fill=\"none\" stroke=\"{colour}\""))
            .count()
    };
    // The legend's keys are lines with the series' dashes, readable without colour.
    assert!(svg.contains(&format!(
        "stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/><text",
        layout::colour(1)
    )));
    assert_eq!(lines(layout::colour(0)), 1);
    assert_eq!(lines(layout::colour(1)), 1);
    assert_eq!(lines(layout::colour(2)), 1);
    for label in [
        "year",
        "value (USD bn)",
        "2010",
        "2015",
        "exports",
        "imports",
    ] {
        assert!(svg.contains(&format!(">{label}<")), "{label}: {svg}");
    }
    assert!(svg.contains("&lt;KOR&gt; &amp; peers"));
    assert!(
        svg.contains("<title>imports, 2013: 2.00 USD bn</title>"),
        "{svg}"
    );
}

#[test]
fn a_series_without_any_value_is_said_in_words() {
    let mut chart = line();
    chart.series[1] = series("imports", &[None; 6]);
    let (svg, unplotted) = svg_of(&chart);
    assert_eq!(
        unplotted,
        ["imports: no value to draw (no report this year)"]
    );
    assert!(!svg.contains(">imports<"), "not in the legend");
    assert!(
        svg.contains("imports: no value to draw"),
        "in the description"
    );
    chart
        .series
        .iter_mut()
        .for_each(|s| s.values = numbers(&[None; 6]));
    match chart.svg() {
        Drawn::Nothing { reason } => {
            assert!(reason.contains("nothing to draw"), "{reason}");
            assert!(reason.contains("exports: no value to draw"), "{reason}");
        }
        Drawn::Svg { svg, .. } => panic!("an empty chart was drawn: {svg}"),
    }
}

#[test]
fn stacked_bars_stack_positives_up_and_negatives_down() {
    let chart = Chart {
        kind: ChartKind::StackedBars,
        title: "Composition".into(),
        x_label: "year".into(),
        value_label: "exports".into(),
        unit: Some("USD".into()),
        x: Positions::Labels(vec!["2019".into(), "2020".into()]),
        series: vec![
            series("games", &[Some(60.0), Some(70.0)]),
            series("music", &[Some(40.0), None]),
            series("returns", &[Some(-10.0), Some(-5.0)]),
        ],
        reference: None,
    };
    let (svg, _) = svg_of(&chart);
    assert_accessible(&svg, "Composition");
    assert_eq!(marks(&svg, layout::colour(0)), 2);
    assert_eq!(marks(&svg, layout::colour(1)), 1);
    assert_eq!(marks(&svg, layout::colour(2)), 2);
    // The axis reaches the stacked total (100) and the negative part.
    assert!(svg.contains(">100<") && svg.contains(">-20<"), "{svg}");
}

#[test]
fn bars_with_intervals_draw_error_bars_and_include_zero() {
    let effect = |v: f64, l: f64, h: f64| Cell::Interval {
        value: v,
        low: l,
        high: h,
        decimals: 2,
    };
    let chart = Chart {
        kind: ChartKind::Bars,
        title: "Change in real GDP".into(),
        x_label: "country".into(),
        value_label: "change".into(),
        unit: Some("%".into()),
        x: Positions::Labels(vec![
            "KOR".into(),
            "JPN".into(),
            "Côte d'Ivoire <CIV>".into(),
        ]),
        series: vec![ChartSeries {
            name: "real GDP".into(),
            values: vec![
                effect(1.5, 1.0, 2.0),
                effect(-0.5, -0.8, -0.1),
                Cell::null("not in the scenario"),
            ],
        }],
        reference: None,
    };
    let (svg, _) = svg_of(&chart);
    assert_accessible(&svg, "Change in real GDP");
    assert_eq!(marks(&svg, layout::colour(0)), 2);
    assert_eq!(svg.matches("class=\"interval\"").count(), 2);
    assert!(svg.contains(">change (%)<"));
    assert!(svg.contains("Côte d&#39;Ivoire &lt;CIV&gt;"));
    assert!(svg.contains(">0.0<"), "zero is on the axis: {svg}");
}

#[test]
fn a_dot_plot_has_its_reference_line() {
    let chart = Chart {
        kind: ChartKind::Dots,
        title: "RCA against peers".into(),
        x_label: "group".into(),
        value_label: "RCA".into(),
        unit: None,
        x: Positions::Labels(vec!["games".into(), "music".into()]),
        series: vec![
            series("KOR", &[Some(3.2), Some(0.4)]),
            series("JPN", &[Some(1.1), Some(0.9)]),
            series("CHN", &[Some(0.7), None]),
        ],
        reference: Some(Reference {
            value: 1.0,
            label: "RCA = 1".into(),
        }),
    };
    let (svg, _) = svg_of(&chart);
    assert_accessible(&svg, "RCA against peers");
    assert_eq!(marks(&svg, layout::colour(0)), 2);
    assert_eq!(marks(&svg, layout::colour(1)), 2);
    assert_eq!(marks(&svg, layout::colour(2)), 1);
    assert_eq!(svg.matches("class=\"reference\"").count(), 1);
    assert!(svg.contains(">RCA = 1<") && svg.contains(">RCA<"));
    // Three shapes, so that series differ in grey print too.
    assert!(svg.contains("<circle class=\"mark\"") && svg.contains("<rect class=\"mark\""));
    assert!(svg.contains("<path class=\"mark\""));
}

#[test]
fn the_table_of_plotted_numbers_keeps_reasons_and_units() {
    let t = line().table();
    assert_eq!(t.columns[0].heading(), "year");
    assert_eq!(t.columns[1].heading(), "exports USD bn");
    assert_eq!(t.rows.len(), 6);
    let Row::Cells(cells) = &t.rows[2] else {
        panic!("cells")
    };
    assert_eq!(cells[0], Cell::text("2012"));
    assert_eq!(cells[2], Cell::null("no report this year"));
}

#[test]
fn a_chart_round_trips_through_json() {
    let block = crate::model::Block::Chart(line());
    let json = serde_json::to_string(&block).expect("serialises");
    assert!(json.starts_with(r#"{"kind":"chart","#), "{json}");
    let back: crate::model::Block = serde_json::from_str(&json).expect("reads back");
    assert_eq!(serde_json::to_string(&back).expect("serialises"), json);
}

#[test]
fn a_long_title_is_shortened_where_drawn_and_whole_in_the_text_alternative() {
    let mut chart = line();
    chart.title = "x".repeat(100);
    let (svg, _) = svg_of(&chart);
    assert!(
        svg.contains(&format!(">{}…</text>", "x".repeat(47))),
        "{svg}"
    );
    assert!(svg.contains(&format!("<title>{}</title>", "x".repeat(100))));
    // Words wrap over two lines, the rest cut.
    let words = "Korea's exports of creative goods to the members of ASEAN plus three, \
                 by year, in current US dollars, as reported by the importers";
    chart.title = words.into();
    let (svg, _) = svg_of(&chart);
    assert!(
        svg.contains(">Korea&#39;s exports of creative goods to the members<"),
        "{svg}"
    );
    assert!(
        svg.contains(">of ASEAN plus three, by year, in current US dol…<"),
        "{svg}"
    );
    assert!(svg.contains(&format!("aria-label=\"{}\"", crate::markup::escape(words))));
    chart.x = Positions::Labels(Vec::new());
    match chart.svg() {
        Drawn::Nothing { reason } => {
            assert!(reason.ends_with("there are no positions"), "{reason}")
        }
        Drawn::Svg { svg, .. } => panic!("drawn without positions: {svg}"),
    }
}

#[test]
fn values_beyond_f64_draw_no_nan() {
    let mut chart = line();
    chart.series = vec![series(
        "huge",
        &[Some(-1e308), Some(1e308), Some(0.0), None, None, None],
    )];
    let (svg, _) = svg_of(&chart);
    assert_accessible(&svg, &chart.title);
}

#[test]
fn a_line_ignores_intervals_on_its_axis_and_dots_draw_them() {
    let mut chart = line();
    chart.series = vec![ChartSeries {
        name: "effect".into(),
        values: vec![
            Cell::Interval {
                value: 1.0,
                low: -100.0,
                high: 100.0,
                decimals: 1,
            };
            6
        ],
    }];
    let (svg, _) = svg_of(&chart);
    assert!(
        !svg.contains(">100<") && !svg.contains("class=\"interval\""),
        "{svg}"
    );
    chart.kind = ChartKind::Dots;
    let (svg, _) = svg_of(&chart);
    assert!(svg.contains(">100<"), "{svg}");
    assert_eq!(svg.matches("class=\"interval\"").count(), 6);
}
