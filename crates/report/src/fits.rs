//! Layouts of estimation results.

use crate::grid::{Grid, Row};
use crate::{num, stars};
use hallyu_estimate::{Estimator, Fit};

fn stat_names(fit: &Fit) -> (&'static str, &'static str) {
    match fit.estimator {
        Estimator::Poisson => ("z value", "Pr(>|z|)"),
        Estimator::Ols => ("t value", "Pr(>|t|)"),
    }
}

fn p_text(p: f64) -> String {
    if !p.is_finite() {
        "undefined".into()
    } else if p < 1e-16 {
        "< 1e-16".into()
    } else if p < 1e-4 {
        format!("{p:.2e}")
    } else {
        format!("{p:.4}")
    }
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
        fit.vcov, fit.ssc
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
pub fn coefficient_grid(fit: &Fit) -> Grid {
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
    let rows = fit
        .coefficients
        .iter()
        .map(|c| {
            Row::Cells(vec![
                c.term.clone(),
                num(c.estimate, 6),
                num(c.std_error, 6),
                num(c.statistic, 3),
                p_text(c.p_value),
                num(c.conf_low, 6),
                num(c.conf_high, 6),
                stars(c.p_value).to_string(),
            ])
        })
        .collect();
    let mut notes = fit_lines(fit);
    notes.extend(fit.notes.iter().cloned());
    notes.push("Signif. codes: *** 0.001, ** 0.01, * 0.05, . 0.1".into());
    Grid {
        title,
        header: [
            "term",
            "Estimate",
            "Std. Error",
            stat,
            p,
            "2.5 %",
            "97.5 %",
            "",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        notes,
    }
}

/// Several models side by side (as fixest's `etable`): estimates with stars, SEs in
/// parentheses below, then fixed effects and fit statistics.
pub fn comparison_grid(fits: &[Fit]) -> Grid {
    let mut terms: Vec<String> = Vec::new();
    for f in fits {
        for c in &f.coefficients {
            if !terms.contains(&c.term) {
                terms.push(c.term.clone());
            }
        }
    }
    let mut header = vec![String::new()];
    header.extend((1..=fits.len()).map(|i| format!("({i})")));
    let mut rows = vec![Row::Cells(
        std::iter::once("Estimator".to_string())
            .chain(fits.iter().map(|f| f.estimator.name().to_string()))
            .collect(),
    )];
    rows.push(Row::Rule);
    for t in &terms {
        let mut est = vec![t.clone()];
        let mut se = vec![String::new()];
        for f in fits {
            match f.coef(t) {
                Some(c) => {
                    est.push(format!("{}{}", num(c.estimate, 4), stars(c.p_value)));
                    se.push(format!("({})", num(c.std_error, 4)));
                }
                None => {
                    est.push(String::new());
                    se.push(String::new());
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
            let mut r = vec![name.clone()];
            for f in fits {
                r.push(if f.fixed_effects.iter().any(|x| &x.name == name) {
                    "Yes".into()
                } else {
                    "No".into()
                });
            }
            rows.push(Row::Cells(r));
        }
    }
    rows.push(Row::Rule);
    let stat_row = |label: &str, get: &dyn Fn(&Fit) -> String| {
        Row::Cells(
            std::iter::once(label.to_string())
                .chain(fits.iter().map(get))
                .collect(),
        )
    };
    rows.push(stat_row("Observations", &|f| f.nobs.to_string()));
    rows.push(stat_row("Dropped (missing/singleton/separated)", &|f| {
        format!(
            "{}/{}/{}",
            f.dropped.missing, f.dropped.singletons, f.dropped.separated
        )
    }));
    if fits.iter().any(|f| f.dropped.zero_weight > 0) {
        rows.push(stat_row("Dropped (zero weight)", &|f| {
            f.dropped.zero_weight.to_string()
        }));
    }
    rows.push(stat_row("Standard errors", &|f| f.vcov.to_string()));
    rows.push(stat_row("Small-sample correction", &|f| f.ssc.to_string()));
    if fits.iter().any(|f| f.estimator == Estimator::Poisson) {
        rows.push(stat_row("Pseudo R2", &|f| {
            f.fit.pseudo_r2.map_or(String::new(), |v| num(v, 5))
        }));
    }
    if fits.iter().any(|f| f.estimator == Estimator::Ols) {
        rows.push(stat_row("R2", &|f| {
            f.fit.r2.map_or(String::new(), |v| num(v, 5))
        }));
        rows.push(stat_row("Within R2", &|f| {
            f.fit.r2_within.map_or(String::new(), |v| num(v, 5))
        }));
    }
    rows.push(stat_row("Converged (iterations)", &|f| {
        format!(
            "{} ({})",
            if f.converged { "yes" } else { "NO" },
            f.iterations
        )
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
    Grid {
        title: vec![],
        header,
        rows,
        notes,
    }
}

/// The JSON contract: one object per fit, an array when there are several.
pub fn fits_json(fits: &[Fit]) -> String {
    let text = if fits.len() == 1 {
        serde_json::to_string_pretty(&fits[0])
    } else {
        serde_json::to_string_pretty(fits)
    };
    text.map(|s| s + "\n")
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
}

/// One CSV row per coefficient, with the model's index and formula.
pub fn fits_csv(fits: &[Fit]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
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
    ]);
    let f64s = |x: f64| {
        if x.is_finite() {
            format!("{x}")
        } else {
            String::new()
        }
    };
    for (i, f) in fits.iter().enumerate() {
        for c in &f.coefficients {
            let _ = w.write_record([
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
                f.vcov.to_string(),
                f.ssc.to_string(),
            ]);
        }
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
