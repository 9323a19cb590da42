//! Per-country effects of a counterfactual, in the Advanced Guide's definitions.
//!
//! With `e = 1 / (1 - sigma)`:
//! * exports `Xi = sum_{j != i} X_ij` (fitted flows), imports likewise;
//! * `change_Xi_CDL = (Xi_CDL / Xi_BLN - 1) * 100`, `change_Xi_FULL` likewise;
//! * `change_price_FULL = (p - 1) * 100` (factory-gate price in units of the reference
//!   country's consumer price);
//! * `change_OMR_x = ((OMR_x / OMR_BLN)^e - 1) * 100`, `change_IMR_x` likewise (the IMR change
//!   is the change of the consumer price relative to the reference country's);
//! * real GDP `rGDP = Y / IMR^e`, `change_rGDP_FULL = (rGDP_FULL / rGDP_BLN - 1) * 100`.
//!
//! [`Direction::Reverse`] reports the effect of going from the counterfactual back to the
//! baseline (the Guide's NAFTA tables: the effect of an agreement that exists in the data),
//! with the counterfactual as denominator.

use crate::equilibrium::State;

/// Which way the change is measured.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Counterfactual relative to the baseline.
    Forward,
    /// Baseline relative to the counterfactual (the effect of what the counterfactual removes).
    Reverse,
}

/// How the price change is reported in [`Direction::Reverse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceReversal {
    /// `(1/p - 1) * 100`.
    Exact,
    /// `(1 - p) * 100`, the Guide's first-order approximation in its NAFTA tables.
    FirstOrder,
}

/// Effects for one country.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct CountryEffects {
    /// Country label (ISO3).
    pub country: String,
    /// % change in international exports, conditional GE.
    pub exports_cdl: f64,
    /// % change in international exports, full-endowment GE.
    pub exports_full: f64,
    /// % change in international imports, conditional GE.
    pub imports_cdl: f64,
    /// % change in international imports, full-endowment GE.
    pub imports_full: f64,
    /// % change in real GDP (welfare), full-endowment GE.
    pub real_gdp_full: f64,
    /// % change in the factory-gate price, full-endowment GE.
    pub price_full: f64,
    /// Factory-gate price ratio `p` (counterfactual over baseline).
    pub price_ratio: f64,
    /// % change in inward multilateral resistance (index units), conditional GE.
    pub imr_cdl: f64,
    /// % change in inward multilateral resistance, full-endowment GE.
    pub imr_full: f64,
    /// % change in outward multilateral resistance (index units), conditional GE.
    pub omr_cdl: f64,
    /// % change in outward multilateral resistance, full-endowment GE.
    pub omr_full: f64,
}

impl CountryEffects {
    /// The measures of [`crate::MEASURES`], in that order.
    pub fn values(&self) -> [f64; 7] {
        [
            self.exports_cdl,
            self.exports_full,
            self.imports_full,
            self.real_gdp_full,
            self.price_full,
            self.imr_full,
            self.omr_full,
        ]
    }
}

/// The three states and everything needed to report on them.
pub struct Comparison<'a> {
    /// Country labels.
    pub countries: &'a [String],
    /// Elasticity of substitution.
    pub sigma: f64,
    /// Baseline.
    pub baseline: &'a State,
    /// Conditional GE.
    pub conditional: &'a State,
    /// Full-endowment GE.
    pub full: &'a State,
}

fn pct(new: f64, old: f64, dir: Direction) -> f64 {
    match dir {
        Direction::Forward => (new / old - 1.0) * 100.0,
        Direction::Reverse => (old / new - 1.0) * 100.0,
    }
}

fn pct_index(new: f64, old: f64, e: f64, dir: Direction) -> f64 {
    match dir {
        Direction::Forward => ((new / old).powf(e) - 1.0) * 100.0,
        Direction::Reverse => ((old / new).powf(e) - 1.0) * 100.0,
    }
}

impl Comparison<'_> {
    /// Per-country effects.
    pub fn effects(&self, dir: Direction, price: PriceReversal) -> Vec<CountryEffects> {
        let e = 1.0 / (1.0 - self.sigma);
        let (b, c, f) = (self.baseline, self.conditional, self.full);
        let (xb, xc, xf) = (b.exports(), c.exports(), f.exports());
        let (mb, mc, mf) = (b.imports(), c.imports(), f.imports());
        (0..self.countries.len())
            .map(|i| {
                let p = f.price[i];
                let price_full = match (dir, price) {
                    (Direction::Forward, _) => (p - 1.0) * 100.0,
                    (Direction::Reverse, PriceReversal::Exact) => (1.0 / p - 1.0) * 100.0,
                    (Direction::Reverse, PriceReversal::FirstOrder) => (1.0 - p) * 100.0,
                };
                let rgdp_b = b.output[i] / b.imr[i].powf(e);
                let rgdp_f = f.output[i] / f.imr[i].powf(e);
                CountryEffects {
                    country: self.countries[i].clone(),
                    exports_cdl: pct(xc[i], xb[i], dir),
                    exports_full: pct(xf[i], xb[i], dir),
                    imports_cdl: pct(mc[i], mb[i], dir),
                    imports_full: pct(mf[i], mb[i], dir),
                    real_gdp_full: pct(rgdp_f, rgdp_b, dir),
                    price_full,
                    price_ratio: p,
                    imr_cdl: pct_index(c.imr[i], b.imr[i], e, dir),
                    imr_full: pct_index(f.imr[i], b.imr[i], e, dir),
                    omr_cdl: pct_index(c.omr[i], b.omr[i], e, dir),
                    omr_full: pct_index(f.omr[i], b.omr[i], e, dir),
                }
            })
            .collect()
    }

    /// Every measure under the Guide's names (`change_Xi_CDL`, `Y_BLN`, ...), one
    /// `(country, measure, value)` per entry, levels included.
    pub fn records(&self, dir: Direction, price: PriceReversal) -> Vec<(String, String, f64)> {
        let (b, c, f) = (self.baseline, self.conditional, self.full);
        let (xb, xc, xf) = (b.exports(), c.exports(), f.exports());
        let mut out = Vec::new();
        for (i, fx) in self.effects(dir, price).into_iter().enumerate() {
            let rows: [(&str, f64); 20] = [
                ("change_Xi_CDL", fx.exports_cdl),
                ("change_Xi_FULL", fx.exports_full),
                ("change_price_FULL", fx.price_full),
                ("change_pricei_FULL", fx.price_ratio),
                ("change_OMR_CDL", fx.omr_cdl),
                ("change_OMR_FULL", fx.omr_full),
                ("change_IMR_CDL", fx.imr_cdl),
                ("change_IMR_FULL", fx.imr_full),
                ("change_rGDP_FULL", fx.real_gdp_full),
                ("Y_BLN", b.output[i]),
                ("Y_FULL", f.output[i]),
                ("Xi_BLN", xb[i]),
                ("Xi_CDL", xc[i]),
                ("Xi_FULL", xf[i]),
                ("OMR_BLN", b.omr[i]),
                ("OMR_CDL", c.omr[i]),
                ("OMR_FULL", f.omr[i]),
                ("IMR_BLN", b.imr[i]),
                ("IMR_CDL", c.imr[i]),
                ("IMR_FULL", f.imr[i]),
            ];
            for (m, v) in rows {
                out.push((fx.country.clone(), m.to_string(), v));
            }
        }
        out
    }
}
