//! Least squares with absorbed fixed effects (Frisch-Waugh-Lovell: regress the demeaned
//! outcome on the demeaned regressors).

use crate::demean::{DemeanOptions, Demeaner};
use crate::design::Design;
use crate::model::Core;
use crate::wls;
use crate::{EstimateError, Result};

/// Fits OLS (weighted when the design has weights).
pub fn fit(d: &Design, opts: DemeanOptions) -> Result<Core> {
    let n = d.nobs();
    let ones;
    let w: &[f64] = match &d.weights {
        Some(w) => w,
        None => {
            ones = vec![1.0; n];
            &ones
        }
    };
    let dm = Demeaner::new(&d.fe, w);
    let mut columns: Vec<&[f64]> = vec![&d.y];
    columns.extend(d.x.iter().map(Vec::as_slice));
    let mut states: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
    let (demeaned, infos) = dm.demean_many(&columns, &mut states, opts);
    let sweeps = infos.iter().map(|i| i.sweeps).max().unwrap_or(0);
    let converged = infos.iter().all(|i| i.converged());
    let yt = &demeaned[0];
    let xt: Vec<&[f64]> = demeaned[1..].iter().map(Vec::as_slice).collect();
    let raw: Vec<&[f64]> = d.x.iter().map(Vec::as_slice).collect();
    let kept = wls::select_columns(&raw, &xt, w);
    let xk: Vec<&[f64]> = kept.iter().map(|&j| xt[j]).collect();
    let (bread, beta) = if xk.is_empty() {
        (crate::linalg::Mat::zeros(0), Vec::new())
    } else {
        let (chol, beta) = wls::solve(&xk, w, yt).ok_or(EstimateError::Singular {
            system: "normal equations",
        })?;
        (chol.inverse(), beta)
    };
    let mut resid = yt.clone();
    for (c, b) in xk.iter().zip(&beta) {
        resid
            .iter_mut()
            .zip(c.iter())
            .for_each(|(r, x)| *r -= b * x);
    }
    let rss: f64 = resid.iter().zip(w).map(|(e, w)| w * e * e).sum();
    let sw: f64 = w.iter().sum();
    let ybar = d.y.iter().zip(w).map(|(y, w)| y * w).sum::<f64>() / sw;
    let tss: f64 = d.y.iter().zip(w).map(|(y, w)| w * (y - ybar).powi(2)).sum();
    let tss_within: f64 = yt.iter().zip(w).map(|(y, w)| w * y * y).sum();
    let score_n: Vec<f64> = resid.iter().zip(w).map(|(e, w)| e * w).collect();
    let scores = xk
        .iter()
        .map(|c| c.iter().zip(&score_n).map(|(x, s)| x * s).collect())
        .collect();
    // The within residual is the full model's residual once the fixed effects are
    // absorbed, so the fitted value is the outcome less it.
    let fitted = d.y.iter().zip(&resid).map(|(y, e)| y - e).collect();
    let demean_sweeps = infos.iter().map(|i| i.sweeps).sum();
    Ok(Core {
        demean_sweeps,
        kept,
        beta,
        bread,
        scores,
        fitted,
        sigma2: rss / (n as f64 - 1.0),
        iterations: sweeps,
        converged,
        deviance: rss,
        r2: Some(1.0 - rss / tss),
        r2_within: (!d.fe.is_empty()).then(|| 1.0 - rss / tss_within),
        pseudo_r2: None,
        log_likelihood: None,
        notes: infos
            .iter()
            .any(|i| i.stalled)
            .then(|| crate::poisson::demean_stall_note(opts.tol))
            .into_iter()
            .chain(crate::poisson::broke_down(&infos).then(crate::poisson::demean_breakdown_note))
            .collect(),
    })
}
