//! `hallyu fepois` and `hallyu feols`.

use crate::args::{FitArgs, SscArg};
use crate::exit::usage_bail;
use anyhow::Result;
use hallyu_api::fit::FitRequest;
use hallyu_api::panel::PanelScope;
use hallyu_api::{DataSource, Request, Version};
use hallyu_estimate::{Estimator, FitOptions, SeparationChecks, Ssc, VcovChoice, VcovKind};

/// Runs the command.
pub fn run(a: FitArgs, estimator: Estimator) -> Result<u8> {
    let request = Request::Fit(Box::new(request(&a, estimator)?));
    let o = &a.output;
    super::execute(
        &request,
        o.format,
        o.out.as_deref(),
        o.quiet,
        o.print_request,
    )
}

/// The request the flags make. `--cluster` names the variables of the `cluster` variances
/// that do not name their own (`--cluster pair_id` alone means `--vcov cluster:pair_id`).
pub(super) fn request(a: &FitArgs, estimator: Estimator) -> Result<FitRequest> {
    let mut vcov: Vec<VcovChoice> = a
        .vcov
        .iter()
        .map(|v| v.parse::<VcovChoice>())
        .collect::<std::result::Result<_, _>>()?;
    if let Some(text) = &a.cluster {
        let clusters: Vec<Vec<String>> = text
            .split(',')
            .map(|v| v.trim().split('^').map(|s| s.trim().to_string()).collect())
            .collect();
        if clusters.iter().flatten().any(String::is_empty) {
            usage_bail!(
                "--cluster needs one or two column names, e.g. --cluster pair_id or --cluster exporter,importer"
            );
        }
        if vcov.is_empty() {
            vcov.push(VcovChoice::new(VcovKind::Cluster, clusters)?);
        } else {
            let mut used = false;
            for v in vcov.iter_mut() {
                if matches!(v.kind, VcovKind::Cluster | VcovKind::TwoWay) && v.clusters.is_empty() {
                    *v = VcovChoice::new(VcovKind::Cluster, clusters.clone())?;
                    used = true;
                }
            }
            if !used {
                usage_bail!(
                    "--cluster names the variables of --vcov cluster; no --vcov here is a cluster without its own variables"
                );
            }
        }
    }
    for (flag, value) in [("--tol", Some(a.tol)), ("--fixef-tol", a.fixef_tol)] {
        if let Some(t) = value.filter(|t| !(*t > 0.0 && *t < 1.0)) {
            usage_bail!("{flag} must be between 0 and 1, e.g. 1e-8 (got {t})");
        }
    }
    let separation: SeparationChecks = a
        .separation
        .parse()
        .map_err(|e| crate::exit::usage(format!("--separation: {e}")))?;
    let mut options = FitOptions::default();
    options.set_tolerances(a.tol);
    if let Some(t) = a.fixef_tol {
        options.irls.demean.tol = t;
    }
    options.irls.max_iter = a.max_iter;
    options.drop_singletons = !a.keep_singletons;
    options.separation = separation;
    Ok(FitRequest {
        version: Version,
        estimator,
        formulas: a.formulas.clone(),
        data: a
            .data
            .clone()
            .map_or(DataSource::Embedded, DataSource::from_path),
        scope: PanelScope {
            group: a.scope.group.clone(),
            product: a.scope.product.clone(),
            source: a.scope.source.clone(),
            perspective: a.scope.perspective,
            concordance: a.scope.concordance.clone(),
        },
        selection: a.where_.clone(),
        vcov,
        ssc: match a.ssc {
            SscArg::Fixest => Ssc::Fixest,
            SscArg::ClusterOnly => Ssc::ClusterOnly,
            SscArg::Stata => Ssc::Stata,
            SscArg::None => Ssc::None,
        },
        weights: a.weights.clone(),
        options,
    })
}
