//! What one request may ask of the server: bounded formulas, draws and body size, so that
//! no number a client sends becomes an unbounded allocation or computation.

use crate::problem::{Problem, ProblemType};
use hallyu_api::Request;

/// The bounds, with their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of a request body.
    pub body_bytes: usize,
    /// Formulas in one fit.
    pub formulas: usize,
    /// Characters of one formula or row selection.
    pub formula_chars: usize,
    /// Coefficient draws of a scenario or report.
    pub draws: usize,
    /// Rows of data one computation may take (a product-level dataset of one HS section
    /// over 20 years is about 50 million).
    pub rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 1 << 20,
            formulas: 16,
            formula_chars: 2_000,
            draws: 1_000,
            rows: 50_000_000,
        }
    }
}

impl Limits {
    /// Checks `request` against the bounds; the problem names the field and the bound.
    pub fn check(&self, request: &Request) -> Result<(), Problem> {
        let over = |field: &str, value: usize, bound: usize| {
            Err(Problem::new(
                ProblemType::Input,
                format!("{field} is {value}, over this server's limit of {bound}"),
            ))
        };
        let text = |field: &str, s: &str| {
            let n = s.chars().count();
            if n > self.formula_chars {
                over(field, n, self.formula_chars)
            } else {
                Ok(())
            }
        };
        let fit = |r: &hallyu_api::fit::FitRequest, prefix: &str| -> Result<(), Problem> {
            if r.formulas.len() > self.formulas {
                return over(
                    &format!("{prefix}formulas (count)"),
                    r.formulas.len(),
                    self.formulas,
                );
            }
            for f in &r.formulas {
                text(&format!("{prefix}formulas (characters)"), f)?;
            }
            if let Some(w) = &r.selection {
                text(&format!("{prefix}where (characters)"), w)?;
            }
            Ok(())
        };
        match request {
            Request::Fit(r) => fit(r, ""),
            Request::Potential(r) => fit(&r.model, "model."),
            Request::Scenario(r) => {
                if r.options.draws > self.draws {
                    return over("options.draws", r.options.draws, self.draws);
                }
                text(
                    "scenario.baseline.formula (characters)",
                    &r.scenario.baseline.formula,
                )
            }
            Request::Report(r) => {
                if r.draws > self.draws {
                    return over("draws", r.draws, self.draws);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hallyu_api::fit::FitRequest;
    use hallyu_api::report::ReportRequest;
    use hallyu_estimate::Estimator;

    #[test]
    fn bounds_name_the_field() {
        let limits = Limits::default();
        let long = format!("trade ~ {}", "x + ".repeat(1_000));
        let r = Request::Fit(Box::new(FitRequest::new(Estimator::Poisson, vec![long])));
        let e = limits.check(&r).expect_err("too long");
        assert!(
            e.detail.starts_with("formulas (characters) is"),
            "{}",
            e.detail
        );
        let r = Request::Report(Box::new(ReportRequest {
            draws: 1_000_000,
            ..ReportRequest::default()
        }));
        let e = limits.check(&r).expect_err("too many draws");
        assert_eq!(
            e.detail,
            "draws is 1000000, over this server's limit of 1000"
        );
        assert!(limits.check(&Request::Report(Box::default())).is_ok());
    }
}
