//! Invariants of the general-equilibrium solution on random small worlds: markets clear,
//! the numeraire's price index is unchanged, the order of the countries and the units of
//! trade do not matter, and unchanged costs change nothing.

use hallyu_simulate::{
    solve_exact, Baseline, Closure, Comparison, Direction, ExactOptions, PriceReversal,
};
use proptest::prelude::*;

/// A random world: positive flows, costs and cost changes.
fn world() -> impl Strategy<Value = (usize, Vec<f64>, Vec<f64>, Vec<f64>)> {
    (3usize..7).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec(0.1f64..10.0, n * n),
            prop::collection::vec(0.05f64..1.0, n * n),
            prop::collection::vec(0.5f64..2.0, n * n),
        )
    })
}

/// Exports, real GDP, price and IMR changes of every country; checks market clearing and
/// the numeraire on the way.
fn effects(
    n: usize,
    x: &[f64],
    t0: &[f64],
    t1: &[f64],
    reference: usize,
    closure: Closure,
) -> Vec<[f64; 4]> {
    let names: Vec<String> = (0..n).map(|i| format!("C{i:02}")).collect();
    let b = Baseline::new(names.clone(), x, t0.to_vec(), reference, 5.0).expect("baseline");
    let (_, cdl) = b.conditional(t1).expect("conditional GE");
    let opts = ExactOptions {
        closure,
        ..Default::default()
    };
    let (full, conv) = solve_exact(&b, t1, opts).expect("exact GE");
    assert!(conv.market_clearing_residual < 1e-12);
    assert!((full.imr[reference] - 1.0).abs() < 1e-12);
    Comparison {
        countries: &names,
        sigma: 5.0,
        baseline: &b.state,
        conditional: &cdl,
        full: &full,
    }
    .effects(Direction::Forward, PriceReversal::Exact)
    .iter()
    .map(|e| [e.exports_full, e.real_gdp_full, e.price_full, e.imr_full])
    .collect()
}

/// Large domestic sales, unit domestic costs, and the counterfactual costs.
fn prepare(n: usize, x: &mut [f64], t0: &mut [f64], change: &[f64]) -> Vec<f64> {
    for i in 0..n {
        x[i * n + i] += 20.0;
        t0[i * n + i] = 1.0;
    }
    let mut t1: Vec<f64> = t0.iter().zip(change).map(|(t, c)| t * c).collect();
    for i in 0..n {
        t1[i * n + i] = 1.0;
    }
    t1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn permuting_countries_permutes_effects((n, mut x, mut t0, change) in world(), rot in 1usize..6) {
        let t1 = prepare(n, &mut x, &mut t0, &change);
        let closure = if rot % 2 == 0 { Closure::Additive } else { Closure::DeficitRatio };
        let base = effects(n, &x, &t0, &t1, 0, closure);
        // Rotate the country order; the reference country moves with it.
        let p = |i: usize| (i + rot) % n;
        let mut xp = vec![0.0; n * n];
        let mut t0p = vec![0.0; n * n];
        let mut t1p = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                xp[p(i) * n + p(j)] = x[i * n + j];
                t0p[p(i) * n + p(j)] = t0[i * n + j];
                t1p[p(i) * n + p(j)] = t1[i * n + j];
            }
        }
        let perm = effects(n, &xp, &t0p, &t1p, p(0), closure);
        for i in 0..n {
            for m in 0..4 {
                prop_assert!((base[i][m] - perm[p(i)][m]).abs() < 1e-8, "{:?} vs {:?}", base[i], perm[p(i)]);
            }
        }
    }

    #[test]
    fn units_of_trade_do_not_matter((n, mut x, mut t0, change) in world(), scale in 1e-3f64..1e3) {
        let t1 = prepare(n, &mut x, &mut t0, &change);
        let a = effects(n, &x, &t0, &t1, 0, Closure::DeficitRatio);
        let xs: Vec<f64> = x.iter().map(|v| v * scale).collect();
        let b = effects(n, &xs, &t0, &t1, 0, Closure::DeficitRatio);
        for i in 0..n {
            for m in 0..4 {
                prop_assert!((a[i][m] - b[i][m]).abs() < 1e-8);
            }
        }
    }

    #[test]
    fn unchanged_costs_change_nothing((n, mut x, t0, _change) in world()) {
        for i in 0..n {
            x[i * n + i] += 20.0;
        }
        let e = effects(n, &x, &t0, &t0, n - 1, Closure::Additive);
        for row in e {
            for v in row {
                prop_assert!(v.abs() < 1e-9);
            }
        }
    }
}
