//! `hallyu fepois` and `hallyu feols`.

use super::panel::{self, PanelFailure};
use crate::args::{FitArgs, SscArg, VcovArg};
use crate::exit::usage_bail;
use crate::output::emit;
use crate::progress::Spinner;
use crate::EXIT_INVALID_RESULT;
use anyhow::{Context, Result};
use hallyu_data::filter::Predicate;
use hallyu_data::read::{read_path, ReadOptions};
use hallyu_data::reference::Reference;
use hallyu_data::{embedded, Table};
use hallyu_estimate::{estimate, Estimator, FitRequest, Formula, SeparationChecks, Ssc, VcovSpec};

/// Everything the fits need, validated.
struct Plan {
    requests: Vec<FitRequest>,
    columns: Vec<String>,
    optional: Vec<String>,
    selection: Option<(Predicate, String)>,
}

fn plan(a: &FitArgs, estimator: Estimator) -> Result<Plan> {
    let clusters: Vec<Vec<String>> = match &a.cluster {
        Some(c) => c
            .split(',')
            .map(|v| {
                v.trim()
                    .split('^')
                    .map(|s| s.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|v: &Vec<String>| v.iter().all(|s| !s.is_empty()))
            .collect(),
        None => Vec::new(),
    };
    if a.cluster.is_some() && clusters.is_empty() {
        usage_bail!("--cluster needs one or two column names, e.g. --cluster pair_id or --cluster exporter,importer");
    }
    if clusters.len() > 2 {
        usage_bail!("--cluster takes at most two variables (two-way clustering)");
    }
    let vcov = match (a.vcov, clusters.is_empty()) {
        (Some(VcovArg::Iid), true) => Some(VcovSpec::Iid),
        (Some(VcovArg::Hetero), true) => Some(VcovSpec::Hetero),
        (Some(VcovArg::Iid | VcovArg::Hetero), false) => {
            usage_bail!("--cluster given with --vcov iid/hetero; use --vcov cluster")
        }
        (_, false) => Some(VcovSpec::Cluster(clusters.clone())),
        (Some(VcovArg::Cluster), true) | (None, true) => None,
    };
    let separation = match a.separation.replace(' ', "").as_str() {
        "fe,relu" | "relu,fe" => SeparationChecks {
            fixed_effects: true,
            relu: true,
        },
        "fe" => SeparationChecks {
            fixed_effects: true,
            relu: false,
        },
        "relu" => SeparationChecks {
            fixed_effects: false,
            relu: true,
        },
        "none" => SeparationChecks {
            fixed_effects: false,
            relu: false,
        },
        other => usage_bail!("--separation `{other}`: use fe,relu, fe, relu or none"),
    };
    if !(a.tol > 0.0 && a.tol < 1.0) {
        usage_bail!("--tol must be between 0 and 1");
    }
    let ssc = match a.ssc {
        SscArg::Fixest => Ssc::Fixest,
        SscArg::ClusterOnly => Ssc::ClusterOnly,
        SscArg::Stata => Ssc::Stata,
        SscArg::None => Ssc::None,
    };
    let mut requests = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for text in &a.formulas {
        let formula = Formula::parse(text)?;
        // `--vcov cluster` alone clusters by the model's first fixed effect (fixest's rule).
        let vcov = match (&vcov, a.vcov) {
            (None, Some(VcovArg::Cluster)) => match formula.fixed_effects.first() {
                Some(fe) => Some(VcovSpec::Cluster(vec![fe.clone()])),
                None => usage_bail!(
                    "--vcov cluster needs --cluster when the model has no fixed effects"
                ),
            },
            _ => vcov.clone(),
        };
        columns.extend(formula.columns());
        let mut req = FitRequest::new(formula, estimator);
        req.vcov = vcov;
        req.ssc = ssc;
        req.weights = a.weights.clone();
        req.options.drop_singletons = !a.keep_singletons;
        req.options.separation = separation;
        req.options.irls.tol = a.tol;
        req.options.irls.demean.tol = a.tol;
        req.options.irls.max_iter = a.max_iter;
        requests.push(req);
    }
    // The selection's names are read when present; an absent one is reported by the
    // selection itself, which knows it may be an unquoted value.
    let mut optional = Vec::new();
    let selection = match &a.where_ {
        Some(w) => {
            let p = Predicate::parse(w)?;
            optional.extend(p.columns());
            Some((p, w.clone()))
        }
        None => None,
    };
    columns.extend(clusters.into_iter().flatten());
    columns.extend(a.weights.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    columns.retain(|c| seen.insert(c.clone()));
    Ok(Plan {
        requests,
        columns,
        optional,
        selection,
    })
}

fn load(a: &FitArgs, columns: &[String], optional: &[String]) -> Result<Table> {
    let options = ReadOptions {
        columns: Some(columns.to_vec()),
        optional_columns: optional.to_vec(),
        ..Default::default()
    };
    if let Some(w) = &a.where_ {
        let available = match &a.data {
            Some(path) => hallyu_data::read::column_names(path)
                .with_context(|| format!("reading {}", path.display()))?,
            None => embedded::agtpa_columns()?,
        };
        Predicate::parse(w)?.check_columns(w, &available)?;
    }
    Ok(match &a.data {
        Some(path) => {
            read_path(path, &options).with_context(|| format!("reading {}", path.display()))?
        }
        None => {
            embedded::agtpa_with(&options).context("reading the embedded Advanced Guide panel")?
        }
    })
}

/// Runs the command.
pub fn run(a: FitArgs, estimator: Estimator) -> Result<u8> {
    let plan = plan(&a, estimator)?;
    let dataset = a.data.as_deref().filter(|p| p.is_dir());
    if dataset.is_none() {
        if let Some(m) = panel::unused_scope(&a.scope, a.data.as_deref()) {
            return Err(crate::exit::usage(m));
        }
    }
    let spinner = Spinner::new("reading data", a.output.quiet);
    let mut table = match dataset {
        Some(dir) => match panel::load(dir, &a.scope, &Reference::builtin()) {
            Ok(p) => {
                drop(spinner);
                panel::print_notes(&p, a.output.quiet);
                if let Some((pred, text)) = &plan.selection {
                    pred.check_columns(text, p.table.names())?;
                }
                p.table
            }
            Err(PanelFailure::Usage(m)) => return Err(crate::exit::usage(m)),
            Err(PanelFailure::Other(e)) => return Err(e),
        },
        None => {
            let t = load(&a, &plan.columns, &plan.optional)?;
            drop(spinner);
            t
        }
    };
    let spinner = Spinner::new("estimating", a.output.quiet);
    if let Some((p, text)) = &plan.selection {
        let keep = p.evaluate(&table, text)?;
        table = table.select_rows(&keep);
        if table.nrows() == 0 {
            usage_bail!("--where \"{text}\" selects no rows");
        }
    }
    let mut fits = Vec::new();
    for req in &plan.requests {
        spinner.set(format!("{}: {}", estimator.name(), req.formula.text));
        let fit = estimate(&table, req, &spinner)
            .with_context(|| format!("estimating `{}`", req.formula.text))?;
        fits.push(fit);
    }
    drop(spinner);
    let text = hallyu_report::render_fits(&fits, super::format(a.output.format))?;
    emit(&text, a.output.out.as_deref())?;
    let failed: Vec<&str> = fits
        .iter()
        .filter(|f| !f.converged)
        .map(|f| f.formula.as_str())
        .collect();
    if !failed.is_empty() {
        eprintln!(
            "error: did not converge, the estimates are not valid: {}",
            failed.join("; ")
        );
        return Ok(EXIT_INVALID_RESULT);
    }
    Ok(0)
}
