//! Export potential: by partner, the trade a PPML gravity model predicts for a country's
//! exports against the trade observed (`hallyu_measure::potential` compares; the fit and
//! its fitted values come from `hallyu_estimate`).

use crate::fit::FitRequest;
use crate::{Context, Error, Result, Version};
use hallyu_estimate::{estimate_fitted, Estimator, Fit};
use hallyu_measure::potential::{export_potential, ExportPotential, CAVEATS};
use serde::{Deserialize, Serialize};

/// A request for a country's export potential by partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PotentialRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// The exporter (ISO3), as written in the data's `exporter` column.
    pub country: String,
    /// The gravity model: one PPML formula on data with `exporter`, `importer` and `year`
    /// columns. Pair fixed effects would fit every pair's trade and leave no gap to read:
    /// use observable trade costs (distance, contiguity, language, agreements) instead.
    pub model: FitRequest,
    /// The year compared. Default: the last year of the model's sample in which the
    /// country exports.
    #[serde(default)]
    pub year: Option<i32>,
}

/// A country's export potential by partner, with the fit it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Potential {
    /// The gravity fit the predictions come from.
    pub fit: Fit,
    /// Observed against predicted exports, partner by partner.
    pub potential: ExportPotential,
    /// How to read the gaps, and how the data was built.
    pub notes: Vec<String>,
}

impl Potential {
    /// Why the predictions must not be trusted: the fit did not converge.
    pub fn invalidity(&self) -> Option<String> {
        (!self.fit.converged).then(|| {
            format!(
                "the gravity fit `{}` did not converge: the predictions are not valid",
                self.fit.formula
            )
        })
    }
}

/// Fits the model and compares its predictions with the country's exports.
pub fn compute(ctx: &Context, req: &PotentialRequest) -> Result<Potential> {
    let country = req.country.trim().to_ascii_uppercase();
    if country.is_empty() {
        return Err(Error::field(
            "country",
            "name the exporter (ISO3, e.g. KOR)",
        ));
    }
    if req.model.estimator != Estimator::Poisson {
        return Err(Error::field(
            "model.estimator",
            "export potential compares trade in levels: use fepois (PPML)",
        ));
    }
    if req.model.formulas.len() != 1 {
        return Err(Error::field(
            "model.formulas",
            format!("give exactly one formula, not {}", req.model.formulas.len()),
        ));
    }
    let (table, plans, mut notes) =
        crate::fit::sample(ctx, &req.model, &["exporter", "importer", "year"])?;
    let plan = plans
        .first()
        .ok_or_else(|| Error::field("model.formulas", "give exactly one formula"))?;
    ctx.stage(&format!("fepois: {}", plan.formula.text));
    let (fit, fitted) =
        estimate_fitted(&table, &plan.estimate_request(&req.model), ctx.progress)
            .map_err(|e| Error::from(e).context(format!("estimating `{}`", plan.formula.text)))?;
    let exporter = table.text("exporter")?;
    let importer = table.text("importer")?;
    let years = table.num("year")?;
    let outcome = table.num(&plan.formula.outcome.label())?;
    let in_sample: Vec<(usize, f64)> = fitted
        .rows
        .iter()
        .zip(&fitted.values)
        .map(|(&row, &mu)| (row, mu))
        .filter(|(row, _)| {
            exporter.get(*row) == Some(country.as_str())
                && importer.get(*row) != Some(country.as_str())
        })
        .collect();
    let year = match req.year {
        Some(y) => y,
        None => in_sample
            .iter()
            .map(|(row, _)| years[*row])
            .filter(|y| y.is_finite())
            .fold(None, |m: Option<f64>, y| Some(m.map_or(y, |m| m.max(y))))
            .map(|y| y as i32)
            .ok_or_else(|| {
                Error::field(
                    "country",
                    format!("{country} exports to no partner in the model's sample"),
                )
            })?,
    };
    let rows: Vec<(String, f64, f64)> = in_sample
        .iter()
        .filter(|(row, _)| years[*row] == f64::from(year))
        .map(|&(row, predicted)| {
            (
                importer.get(row).unwrap_or_default().to_string(),
                outcome[row],
                predicted,
            )
        })
        .collect();
    if rows.is_empty() {
        return Err(Error::field(
            "year",
            format!("{country} exports to no partner in the model's sample in {year}"),
        ));
    }
    notes.splice(0..0, CAVEATS.iter().map(|c| c.to_string()));
    Ok(Potential {
        potential: export_potential(&country, year, req.model.data.unit(), rows),
        fit,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallyu_estimate::VcovChoice;

    fn request(country: &str, formula: &str) -> PotentialRequest {
        let mut model = FitRequest::new(Estimator::Poisson, vec![formula.to_string()]);
        model.selection = Some("exporter != importer and year in (2002, 2006)".into());
        model.vcov = vec![VcovChoice::new(
            hallyu_estimate::VcovKind::Cluster,
            vec![vec!["pair_id".to_string()]],
        )
        .expect("vcov")];
        PotentialRequest {
            version: Version,
            country: country.into(),
            model,
            year: None,
        }
    }

    const GRAVITY: &str =
        "trade ~ log(dist) + cntg + lang + clny + rta | exporter^year + importer^year";

    #[test]
    fn predicted_exports_add_up_to_actual_and_gaps_are_sorted() {
        let r = compute(&Context::quiet(), &request("kor", GRAVITY)).expect("potential");
        assert!(r.fit.converged);
        let p = r.potential;
        assert_eq!(p.country, "KOR");
        assert_eq!(p.year, 2006);
        assert!(p.partners.len() > 50);
        assert!(p.partners.iter().all(|m| m.partner != "KOR"));
        assert!(
            (p.actual_total - p.predicted_total).abs() <= 1e-6 * p.actual_total,
            "{} vs {}",
            p.actual_total,
            p.predicted_total
        );
        assert!(p.partners.windows(2).all(|w| w[0].gap >= w[1].gap));
        let gaps: f64 = p.partners.iter().map(|m| m.gap).sum();
        assert!(gaps.abs() <= 1e-6 * p.actual_total);
    }

    #[test]
    fn the_fit_is_that_of_the_fit_request() {
        let req = request("KOR", GRAVITY);
        let p = compute(&Context::quiet(), &req).expect("potential");
        let alone = crate::fit::compute(&Context::quiet(), &req.model).expect("fit");
        assert_eq!(alone.fits[0].coefficients, p.fit.coefficients);
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let e = compute(&Context::quiet(), &request("XXX", GRAVITY)).expect_err("unknown");
        assert!(e.to_string().contains("XXX exports to no partner"), "{e}");
        let mut r = request("KOR", GRAVITY);
        r.model.estimator = Estimator::Ols;
        assert!(compute(&Context::quiet(), &r)
            .expect_err("ols")
            .to_string()
            .contains("use fepois"));
        let mut r = request("KOR", GRAVITY);
        r.year = Some(1990);
        assert!(compute(&Context::quiet(), &r)
            .expect_err("year outside the sample")
            .to_string()
            .contains("1990"));
    }
}
