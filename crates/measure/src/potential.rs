//! Export potential: by partner, the trade a gravity model predicts for a country's
//! exports against the trade observed. The largest shortfalls are its untapped markets.
//!
//! The predictions come from a fitted model (the caller's); this module only compares.
//! With exporter-year effects, PPML fits each exporter's total exactly (the effect's
//! first-order condition), so predicted exports across partners add up to actual exports:
//! the gaps say where the model would put the country's exports, not how much more it
//! could sell in all.

use serde::{Deserialize, Serialize};

/// Predicted against observed exports to one partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MarketPotential {
    /// The importer.
    pub partner: String,
    /// Observed exports, in the data's unit.
    pub actual: f64,
    /// Exports the model predicts.
    pub predicted: f64,
    /// `predicted − actual`: positive where the country sells less than the model expects
    /// (an untapped market), negative where it sells more.
    pub gap: f64,
    /// `actual / predicted` in percent; null when nothing is predicted.
    pub actual_to_predicted_pct: Option<f64>,
}

/// A country's exports by partner in one year, against a model's predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportPotential {
    /// The exporter.
    pub country: String,
    /// The year compared.
    pub year: i32,
    /// One row per partner, largest gap (most untapped) first.
    pub partners: Vec<MarketPotential>,
    /// Observed exports to these partners.
    pub actual_total: f64,
    /// Predicted exports to them.
    pub predicted_total: f64,
    /// The unit of the values (`million USD`), when the data says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// What every reader of the gaps must know.
pub const CAVEATS: [&str; 3] = [
    "The gap is predicted minus observed trade: positive where the country sells less than \
     a country with its size, distance, language, borders and agreements would. It holds \
     everything the model leaves out (tastes, tariffs and other measures, networks, data \
     errors), so it points at markets to look at, not at sales to be had.",
    "With exporter-year fixed effects the model fits the country's total exports exactly: \
     the gaps move its exports between partners and sum to zero over them.",
    "A fit with pair fixed effects would match every pair's trade and leave no gap to read; \
     the model uses observable trade costs instead.",
];

/// Compares observed with predicted exports, partner by partner: `(partner, actual,
/// predicted)`, one per partner.
pub fn export_potential(
    country: &str,
    year: i32,
    unit: Option<String>,
    rows: impl IntoIterator<Item = (String, f64, f64)>,
) -> ExportPotential {
    let mut partners: Vec<MarketPotential> = rows
        .into_iter()
        .map(|(partner, actual, predicted)| MarketPotential {
            partner,
            actual,
            predicted,
            gap: predicted - actual,
            actual_to_predicted_pct: (predicted > 0.0).then(|| 100.0 * actual / predicted),
        })
        .collect();
    partners.sort_by(|a, b| b.gap.total_cmp(&a.gap).then(a.partner.cmp(&b.partner)));
    ExportPotential {
        country: country.to_string(),
        year,
        actual_total: partners.iter().map(|p| p.actual).sum(),
        predicted_total: partners.iter().map(|p| p.predicted).sum(),
        partners,
        unit,
    }
}

impl ExportPotential {
    /// The partners where the country sells less than predicted, largest gap first, at
    /// most `n`.
    pub fn untapped(&self, n: usize) -> impl Iterator<Item = &MarketPotential> {
        self.partners.iter().filter(|p| p.gap > 0.0).take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_predicted_less_actual_largest_first() {
        let p = export_potential(
            "KOR",
            2006,
            None,
            [
                ("USA".to_string(), 10.0, 8.0),
                ("VNM".to_string(), 1.0, 4.0),
                ("JPN".to_string(), 5.0, 6.0),
                ("ATA".to_string(), 0.0, 0.0),
            ],
        );
        let order: Vec<&str> = p.partners.iter().map(|m| m.partner.as_str()).collect();
        assert_eq!(order, ["VNM", "JPN", "ATA", "USA"]);
        assert_eq!(p.partners[0].gap, 3.0);
        assert_eq!(p.partners[0].actual_to_predicted_pct, Some(25.0));
        assert_eq!(p.partners[2].actual_to_predicted_pct, None);
        assert_eq!(p.actual_total, 16.0);
        assert_eq!(p.predicted_total, 18.0);
        let untapped: Vec<&str> = p.untapped(5).map(|m| m.partner.as_str()).collect();
        assert_eq!(untapped, ["VNM", "JPN"]);
    }
}
