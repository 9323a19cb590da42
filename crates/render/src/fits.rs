//! Layouts of estimation results.

use crate::error::{json, CsvOut, RenderError};
use crate::format::num;
use crate::model::{Cell, ColumnSpec, Row, Section, Table};
use hallyu_estimate::{Estimator, Fit};

fn stat_names(fit: &Fit) -> (&'static str, &'static str) {
    match fit.estimator {
        Estimator::Poisson => ("z value", "Pr(>|z|)"),
        Estimator::Ols => ("t value", "Pr(>|t|)"),
    }
}

/// The variance estimator's and the small-sample correction's labels: the only places
/// that read them, through their text form.
fn vcov_label(fit: &Fit) -> String {
    fit.vcov.to_string()
}

fn ssc_label(fit: &Fit) -> String {
    fit.ssc.to_string()
}

fn dropped_text(fit: &Fit) -> String {
    let d = &fit.dropped;
    let mut parts = Vec::new();
    if d.missing > 0 {
        parts.push(format!("{} missing or non-finite", d.missing));
    }
    if d.zero_weight > 0 {
        parts.push(format!("{} with zero weight", d.zero_weight));
    }
    if d.singletons > 0 {
        parts.push(format!("{} singletons", d.singletons));
    }
    if d.separated > 0 {
        parts.push(format!("{} separated", d.separated));
    }
    if parts.is_empty() {
        "none dropped".into()
    } else {
        format!("dropped: {}", parts.join(", "))
    }
}

fn vcov_text(fit: &Fit) -> String {
    let clusters = if fit.clusters.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            fit.clusters
                .iter()
                .map(|c| format!("{} clusters", c.levels))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{}{clusters}, small-sample correction: {}",
        vcov_label(fit),
        ssc_label(fit)
    )
}

fn fit_lines(fit: &Fit) -> Vec<String> {
    let mut lines = Vec::new();
    match fit.estimator {
        Estimator::Poisson => lines.push(format!(
            "Deviance: {}   Pseudo R2: {}   Log-likelihood: {}",
            num(fit.fit.deviance, 4),
            num(fit.fit.pseudo_r2.unwrap_or(f64::NAN), 5),
            num(fit.fit.log_likelihood.unwrap_or(f64::NAN), 3)
        )),
        Estimator::Ols => {
            let mut s = format!("R2: {}", num(fit.fit.r2.unwrap_or(f64::NAN), 5));
            if let Some(w) = fit.fit.r2_within {
                s.push_str(&format!("   Within R2: {}", num(w, 5)));
            }
            s.push_str(&format!("   RSS: {}", num(fit.fit.deviance, 4)));
            lines.push(s);
        }
    }
    let what = match fit.estimator {
        Estimator::Poisson => "IRLS iterations",
        Estimator::Ols => "demeaning sweeps",
    };
    lines.push(format!(
        "{}: {} {what}",
        if fit.converged {
            "Converged"
        } else {
            "NOT CONVERGED"
        },
        fit.iterations
    ));
    lines
}

/// One model in full: estimate, SE, statistic, p-value, 95% interval, stars.
pub fn coefficient_section(fit: &Fit) -> Section {
    let (stat, p) = stat_names(fit);
    let mut title = vec![
        format!("{}: {}", fit.estimator.name(), fit.formula),
        format!("Observations: {} ({})", fit.nobs, dropped_text(fit)),
    ];
    if !fit.fixed_effects.is_empty() {
        title.push(format!(
            "Fixed effects: {}",
            fit.fixed_effects
                .iter()
                .map(|f| format!("{} ({})", f.name, f.levels))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    title.push(format!("Standard errors: {}", vcov_text(fit)));
    let mut table = Table::new(vec![
        ColumnSpec::label("term"),
        ColumnSpec::value("Estimate"),
        ColumnSpec::value("Std. Error"),
        ColumnSpec::value(stat),
        ColumnSpec::value(p),
        ColumnSpec::value("2.5 %"),
        ColumnSpec::value("97.5 %"),
        ColumnSpec::value(""),
    ]);
    table.rows = fit
        .coefficients
        .iter()
        .map(|c| {
            Row::Cells(vec![
                Cell::text(&c.term),
                Cell::number(c.estimate, 6),
                Cell::number(c.std_error, 6),
                Cell::number(c.statistic, 3),
                Cell::PValue { value: c.p_value },
                Cell::number(c.conf_low, 6),
                Cell::number(c.conf_high, 6),
                Cell::Stars { p_value: c.p_value },
            ])
        })
        .collect();
    let mut notes = fit_lines(fit);
    notes.extend(fit.notes.iter().cloned());
    notes.push("Signif. codes: *** 0.001, ** 0.01, * 0.05, . 0.1".into());
    Section::of_table(title, table, notes)
}

/// Several models side by side (as fixest's `etable`): estimates with stars, SEs in
/// parentheses below, then fixed effects and fit statistics. A term a model does not have
/// is blank, as is a statistic its estimator does not define.
pub fn comparison_section(fits: &[Fit]) -> Section {
    let mut terms: Vec<String> = Vec::new();
    for f in fits {
        for c in &f.coefficients {
            if !terms.contains(&c.term) {
                terms.push(c.term.clone());
            }
        }
    }
    let mut columns = vec![ColumnSpec::label("")];
    columns.extend((1..=fits.len()).map(|i| ColumnSpec::value(format!("({i})"))));
    let mut rows = vec![Row::Cells(
        std::iter::once(Cell::text("Estimator"))
            .chain(fits.iter().map(|f| Cell::text(f.estimator.name())))
            .collect(),
    )];
    rows.push(Row::Rule);
    for t in &terms {
        let mut est = vec![Cell::text(t)];
        let mut se = vec![Cell::text("")];
        for f in fits {
            match f.coef(t) {
                Some(c) => {
                    est.push(Cell::Estimate {
                        value: c.estimate,
                        decimals: 4,
                        p_value: c.p_value,
                    });
                    se.push(Cell::StdError {
                        value: c.std_error,
                        decimals: 4,
                    });
                }
                None => {
                    est.push(Cell::null("not a term of this model"));
                    se.push(Cell::null("not a term of this model"));
                }
            }
        }
        rows.push(Row::Cells(est));
        rows.push(Row::Cells(se));
    }
    let mut fe_names: Vec<String> = Vec::new();
    for f in fits {
        for fe in &f.fixed_effects {
            if !fe_names.contains(&fe.name) {
                fe_names.push(fe.name.clone());
            }
        }
    }
    if !fe_names.is_empty() {
        rows.push(Row::Rule);
        for name in &fe_names {
            let mut r = vec![Cell::text(name)];
            for f in fits {
                r.push(Cell::text(
                    if f.fixed_effects.iter().any(|x| &x.name == name) {
                        "Yes"
                    } else {
                        "No"
                    },
                ));
            }
            rows.push(Row::Cells(r));
        }
    }
    rows.push(Row::Rule);
    let stat_row = |label: &str, get: &dyn Fn(&Fit) -> Cell| {
        Row::Cells(
            std::iter::once(Cell::text(label))
                .chain(fits.iter().map(get))
                .collect(),
        )
    };
    let statistic = |x: Option<f64>, estimator: &str| {
        Cell::or_null(
            x,
            |v| Cell::number(v, 5),
            || format!("not defined for {estimator}"),
        )
    };
    rows.push(stat_row("Observations", &|f| Cell::integer(f.nobs)));
    rows.push(stat_row("Dropped (missing/singleton/separated)", &|f| {
        Cell::counts([f.dropped.missing, f.dropped.singletons, f.dropped.separated])
    }));
    if fits.iter().any(|f| f.dropped.zero_weight > 0) {
        rows.push(stat_row("Dropped (zero weight)", &|f| {
            Cell::integer(f.dropped.zero_weight)
        }));
    }
    rows.push(stat_row("Standard errors", &|f| Cell::text(vcov_label(f))));
    rows.push(stat_row("Small-sample correction", &|f| {
        Cell::text(ssc_label(f))
    }));
    if fits.iter().any(|f| f.estimator == Estimator::Poisson) {
        rows.push(stat_row("Pseudo R2", &|f| {
            statistic(f.fit.pseudo_r2, f.estimator.name())
        }));
    }
    if fits.iter().any(|f| f.estimator == Estimator::Ols) {
        rows.push(stat_row("R2", &|f| statistic(f.fit.r2, f.estimator.name())));
        rows.push(stat_row("Within R2", &|f| {
            statistic(f.fit.r2_within, f.estimator.name())
        }));
    }
    rows.push(stat_row("Converged (iterations)", &|f| {
        Cell::text(format!(
            "{} ({})",
            if f.converged { "yes" } else { "NO" },
            f.iterations
        ))
    }));
    let mut notes: Vec<String> = fits
        .iter()
        .enumerate()
        .map(|(i, f)| format!("({}) {}", i + 1, f.formula))
        .collect();
    for (i, f) in fits.iter().enumerate() {
        for n in &f.notes {
            notes.push(format!("({}) {n}", i + 1));
        }
    }
    notes.push("Signif. codes: *** 0.001, ** 0.01, * 0.05, . 0.1".into());
    let mut table = Table::new(columns).null_text("");
    table.rows = rows;
    Section::of_table(Vec::new(), table, notes)
}

/// The JSON contract: one object per fit, an array when there are several.
pub fn fits_json(fits: &[Fit]) -> Result<String, RenderError> {
    if fits.len() == 1 {
        json("fits", &fits[0])
    } else {
        json("fits", fits)
    }
}

/// One CSV row per coefficient, with the model's index and formula.
pub fn fits_csv(fits: &[Fit]) -> Result<String, RenderError> {
    let mut w = CsvOut::new("fits");
    w.record([
        "model",
        "estimator",
        "formula",
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "conf_low",
        "conf_high",
        "nobs",
        "vcov",
        "ssc",
    ])?;
    let f64s = |x: f64| {
        if x.is_finite() {
            format!("{x}")
        } else {
            String::new()
        }
    };
    for (i, f) in fits.iter().enumerate() {
        for c in &f.coefficients {
            w.record([
                (i + 1).to_string(),
                f.estimator.name().to_string(),
                f.formula.clone(),
                c.term.clone(),
                f64s(c.estimate),
                f64s(c.std_error),
                f64s(c.statistic),
                f64s(c.p_value),
                f64s(c.conf_low),
                f64s(c.conf_high),
                f.nobs.to_string(),
                vcov_label(f),
                ssc_label(f),
            ])?;
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::cell;

    /// A fit as its JSON contract reads.
    fn fit(estimator: &str, terms: &[(&str, f64, f64)], fit: serde_json::Value) -> Fit {
        let coefficients: Vec<serde_json::Value> = terms
            .iter()
            .map(|(term, estimate, p)| {
                serde_json::json!({
                    "term": term, "estimate": estimate, "std_error": 0.05,
                    "statistic": estimate / 0.05, "p_value": p,
                    "conf_low": estimate - 0.1, "conf_high": estimate + 0.1
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "estimator": estimator, "formula": "y ~ x", "nobs": 100,
            "dropped": {"missing": 1, "singletons": 2, "separated": 3},
            "converged": true, "iterations": 4, "vcov": "hetero", "ssc": "none",
            "coefficients": coefficients, "collinear": [], "fixed_effects": [],
            "fit": fit, "distribution": "normal", "vcov_matrix": []
        }))
        .expect("a fit")
    }

    fn poisson() -> Fit {
        fit(
            "fepois",
            &[("a", -0.8, 0.0004), ("b", 0.2, 0.2)],
            serde_json::json!({"deviance": 1.0, "pseudo_r2": 0.5}),
        )
    }

    fn ols() -> Fit {
        fit(
            "feols",
            &[("a", -0.7, 0.03)],
            serde_json::json!({"deviance": 1.0, "r2": 0.25}),
        )
    }

    fn row<'a>(s: &'a Section, label: &str) -> &'a [Cell] {
        s.tables()
            .flat_map(|t| &t.rows)
            .find_map(|r| match r {
                Row::Cells(c) if c.first() == Some(&Cell::text(label)) => Some(c.as_slice()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no row {label}"))
    }

    #[test]
    fn side_by_side_a_missing_term_or_statistic_is_a_null_shown_blank() {
        let s = comparison_section(&[poisson(), ols()]);
        let b = row(&s, "b");
        assert_eq!(cell(&b[1], ""), "0.2000");
        assert!(matches!(&b[2], Cell::Null { reason } if reason.contains("not a term")));
        let r2 = row(&s, "Pseudo R2");
        assert_eq!(r2[2], Cell::null("not defined for feols"));
        assert_eq!(
            row(&s, "Dropped (missing/singleton/separated)")[1],
            Cell::counts([1, 2, 3])
        );
        // Blank where a model has no such term or statistic, never a zero.
        let text = s.terminal();
        for line in [
            "\nb                                          0.2000\n",
            "\nPseudo R2                                 0.50000\n",
            "\nWithin R2\n",
            "\nStandard errors                            hetero    hetero\n",
        ] {
            assert!(text.contains(line), "{line}\n{text}");
        }
    }

    #[test]
    fn one_model_keeps_p_values_and_stars_as_numbers() {
        let s = coefficient_section(&poisson());
        let a = row(&s, "a");
        assert_eq!(a[4], Cell::PValue { value: 0.0004 });
        assert_eq!(cell(&a[4], ""), "0.0004");
        assert_eq!(cell(&a[7], ""), "***");
        assert_eq!(cell(&row(&s, "b")[7], ""), "");
        assert_eq!(s.tables().next().map(|t| t.columns.len()), Some(8));
    }

    #[test]
    fn csv_writes_undefined_numbers_as_empty_fields() {
        let mut f = ols();
        f.coefficients[0].std_error = f64::NAN;
        let csv = fits_csv(&[f]).expect("written");
        let fields: Vec<&str> = csv
            .lines()
            .nth(1)
            .map_or(Vec::new(), |l| l.split(',').collect());
        assert_eq!(fields.len(), 13, "{csv}");
        assert_eq!(
            fields[..6],
            ["1", "feols", "y ~ x", "a", "-0.7", ""],
            "{csv}"
        );
        assert_eq!(fields[7], "0.03");
    }
}
