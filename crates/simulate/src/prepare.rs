//! Prepare: a scenario and its baseline data → the cost-function coefficients (given or
//! estimated by PPML), the square world and its counterfactual, ready to be solved at the
//! point estimate and at any coefficient draw.

use crate::costs::{self, regressors};
use crate::error::{Result, SimulateError};
use crate::pair_costs::PairCosts;
use crate::result::CostCoefficient;
use crate::scenario::{Action, Scenario};
use crate::world::{codes, square_world, FlowColumns, SquareWorld};
use hallyu_data::reference::Reference;
use hallyu_data::{Column, Table};
use hallyu_estimate::{estimate, Estimator, Fit, FitRequest, Formula, Progress};

/// A scenario ready to solve: everything that does not depend on the coefficients is
/// computed once, so the point estimate and every draw only recompute trade costs.
pub struct Prepared {
    pub(crate) scenario: Scenario,
    pub(crate) problem: Problem,
    pub(crate) coefficients: Vec<CostCoefficient>,
    pub(crate) fit: Option<Fit>,
    pub(crate) reference: usize,
    pub(crate) notes: Vec<String>,
}

impl Prepared {
    /// The scenario it was prepared from.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The countries of the world, sorted codes.
    pub fn countries(&self) -> &[String] {
        &self.problem.world.countries
    }

    /// Cost-function coefficients at the point estimate.
    pub fn coefficients(&self) -> &[CostCoefficient] {
        &self.coefficients
    }

    /// The baseline estimation (`None` when the scenario gives its coefficients).
    pub fn fit(&self) -> Option<&Fit> {
        self.fit.as_ref()
    }

    /// The numeraire country.
    pub fn reference_country(&self) -> &str {
        &self.problem.world.countries[self.reference]
    }

    /// Directed pairs whose cost the scenario changes.
    pub fn changed_pairs(&self) -> usize {
        self.problem.changed.iter().filter(|c| **c).count()
    }

    /// What the user should know about the preparation (bloc members absent from the
    /// data, pairs a change leaves as they were).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The point estimate as `(term, value)`.
    pub(crate) fn point(&self) -> Vec<(String, f64)> {
        self.coefficients
            .iter()
            .map(|c| (c.term.clone(), c.estimate))
            .collect()
    }
}

/// The world, regressors of baseline and counterfactual, cost scaling.
pub(crate) struct Problem {
    pub(crate) world: SquareWorld,
    base_regs: Vec<(String, Vec<f64>)>,
    cfl_regs: Vec<(String, Vec<f64>)>,
    /// Multipliers of `t` from `cost_factor` changes (1 elsewhere), per cell.
    scale: Vec<f64>,
    pub(crate) changed: Vec<bool>,
    /// Pair fixed effects, when the baseline has them.
    pair: Option<PairCosts>,
}

impl Problem {
    /// Baseline and counterfactual trade costs for these coefficients.
    pub(crate) fn costs(&self, coefficients: &[(String, f64)]) -> Result<(Vec<f64>, Vec<f64>)> {
        let mut t0 = costs::cost_matrix(&self.world, &self.base_regs, coefficients)?;
        let mut t1 = costs::cost_matrix(&self.world, &self.cfl_regs, coefficients)?;
        t1.iter_mut().zip(&self.scale).for_each(|(t, s)| *t *= s);
        if let Some(pair) = &self.pair {
            let gamma = pair.log_effects(coefficients)?;
            for ((a, b), g) in t0.iter_mut().zip(t1.iter_mut()).zip(&gamma) {
                let e = g.exp();
                *a *= e;
                *b *= e;
            }
        }
        Ok((t0, t1))
    }
}

/// The variance of the baseline estimation (used for coefficient draws), through the
/// estimation crate's registry: `hetero` by default, any name it knows (`iid`, `cluster`,
/// `cluster:pair_id`, ...), or, as scenario files write it, a bare column name (`pair_id`,
/// `exporter,importer`) for clusters by that column.
pub(crate) fn vcov_spec(
    vcov: Option<&str>,
    formula: &hallyu_estimate::Formula,
) -> Result<hallyu_estimate::VcovSpec> {
    use hallyu_estimate::{EstimateError, VcovChoice, VcovKind};
    let text = vcov.unwrap_or("hetero").trim();
    let choice = match text.parse::<VcovChoice>() {
        Ok(choice) => choice,
        Err(EstimateError::VcovTypeNotSupported { .. }) if !text.contains([':', '(']) => {
            VcovChoice::new(VcovKind::Cluster, cluster_columns(text))?
        }
        Err(e) => return Err(e.into()),
    };
    Ok(choice.resolve(formula)?)
}

/// The cluster variables of a `vcov` text: those it names (`cluster:a,b`, or a bare `a,b`),
/// none for a name without variables (`hetero`, `cluster`).
pub(crate) fn cluster_columns(vcov: &str) -> Vec<Vec<String>> {
    match vcov.parse::<hallyu_estimate::VcovChoice>() {
        Ok(choice) => choice.clusters,
        Err(_) => vcov
            .split(',')
            .map(|c| c.trim().split('^').map(|s| s.trim().to_string()).collect())
            .collect(),
    }
}

fn replace_column(table: &Table, name: &str, values: Vec<f64>) -> Result<Table> {
    let mut out = Table::new();
    let mut values = Some(values);
    for (n, c) in table.iter() {
        if n == name {
            out.push(n, Column::numbers(values.take().unwrap_or_default()))?;
        } else {
            out.push(n, c.clone())?;
        }
    }
    if let Some(v) = values {
        out.push(name, Column::numbers(v))?;
    }
    Ok(out)
}

/// Prepares `scenario` on `table` (one row per exporter, importer and year, domestic flows
/// included): checks the formula's fixed effects, estimates the baseline (or takes the
/// given coefficients), builds the square world of the simulated year and applies the
/// changes.
pub fn prepare(
    scenario: &Scenario,
    mut table: Table,
    reference_tables: &Reference,
    progress: &dyn Progress,
) -> Result<Prepared> {
    scenario.validate()?;
    let b = &scenario.baseline;
    let formula = Formula::parse(&b.formula)?;
    let pair_dim = pair_dimension(scenario, &formula)?;
    let exporters = codes(&table, &b.exporter)?;
    let importers = codes(&table, &b.importer)?;
    if formula.columns().iter().any(|c| c == "intl_border") && !table.has("intl_border") {
        let border = exporters
            .iter()
            .zip(&importers)
            .map(|(e, i)| f64::from(u8::from(e != i)))
            .collect();
        table.push("intl_border", Column::numbers(border))?;
    }
    let years = table.num(&b.year_column)?.to_vec();
    let estimation_years = b.estimation_years.clone().unwrap_or_else(|| vec![b.year]);
    let in_years = |y: f64, list: &[i32]| list.iter().any(|v| f64::from(*v) == y);
    let world_rows: Vec<bool> = years.iter().map(|y| in_years(*y, &[b.year])).collect();
    if !world_rows.iter().any(|k| *k) {
        let present = || years.iter().filter(|y| y.is_finite()).map(|y| *y as i64);
        return Err(SimulateError::YearNotInData {
            year: b.year,
            first: present().min().unwrap_or(0),
            last: present().max().unwrap_or(0),
        });
    }
    let est_rows: Vec<bool> = years
        .iter()
        .map(|y| in_years(*y, &estimation_years))
        .collect();
    let (coefficients, fit) = coefficients(scenario, &formula, &table, &est_rows, progress)?;
    let point: Vec<(String, f64)> = coefficients
        .iter()
        .map(|c| (c.term.clone(), c.estimate))
        .collect();

    // The world and its counterfactual.
    let world_table = table.select_rows(&world_rows);
    let cols = FlowColumns {
        exporter: b.exporter.clone(),
        importer: b.importer.clone(),
        value: b.value.clone(),
    };
    let world = square_world(&world_table, &cols)?;
    let reference = match &b.reference {
        Some(r) => world
            .index(&r.trim().to_uppercase())
            .ok_or_else(|| SimulateError::ReferenceNotInData { name: r.clone() })?,
        None => world.index("DEU").unwrap_or(0),
    };
    let base_regs = regressors(&world_table, &formula)?;
    let changes = apply_changes(scenario, &formula, &world, &world_table, reference_tables)?;
    let cfl_regs = regressors(&changes.table, &formula)?;
    let pair = match pair_dim {
        Some(q) => Some(PairCosts::new(
            &table.select_rows(&est_rows),
            &formula,
            q,
            &world_table,
            &world,
            &b.exporter,
            &b.importer,
            b.fill.as_deref(),
        )?),
        None => None,
    };
    let problem = Problem {
        world,
        base_regs,
        cfl_regs,
        scale: changes.scale,
        changed: changes.changed,
        pair,
    };
    // Pair effects are common to both worlds, so the regressors and cost factors decide.
    let t0 = costs::cost_matrix(&problem.world, &problem.base_regs, &point)?;
    let t1 = costs::cost_matrix(&problem.world, &problem.cfl_regs, &point)?;
    if t0 == t1 && problem.scale.iter().all(|s| *s == 1.0) {
        return Err(SimulateError::ZeroCoefficientChange);
    }
    Ok(Prepared {
        scenario: scenario.clone(),
        problem,
        coefficients,
        fit,
        reference,
        notes: changes.notes,
    })
}

/// The fixed effect that is a pair effect, if any; anything beyond exporter, importer and
/// year effects and one pair effect is refused.
fn pair_dimension(scenario: &Scenario, formula: &Formula) -> Result<Option<usize>> {
    let b = &scenario.baseline;
    let allowed = [&b.exporter, &b.importer, &b.year_column];
    let mut pair_dim = None;
    for (q, fe) in formula.fixed_effects.iter().enumerate() {
        if fe.iter().all(|c| allowed.contains(&c))
            && fe != &[b.exporter.clone(), b.importer.clone()]
        {
            continue;
        }
        if pair_dim.is_some() {
            return Err(SimulateError::UnsupportedFixedEffect {
                name: Formula::fe_name(fe),
            });
        }
        pair_dim = Some(q);
    }
    Ok(pair_dim)
}

/// Cost-function coefficients: given, or estimated by PPML on the estimation rows.
fn coefficients(
    scenario: &Scenario,
    formula: &Formula,
    table: &Table,
    est_rows: &[bool],
    progress: &dyn Progress,
) -> Result<(Vec<CostCoefficient>, Option<Fit>)> {
    let b = &scenario.baseline;
    if let Some(given) = &b.coefficients {
        let c = given
            .iter()
            .map(|(k, v)| CostCoefficient {
                term: k.clone(),
                estimate: *v,
                std_error: None,
            })
            .collect();
        return Ok((c, None));
    }
    let sample = table.select_rows(est_rows);
    let mut req = FitRequest::new(formula.clone(), Estimator::Poisson);
    req.vcov = Some(vcov_spec(b.vcov.as_deref(), formula)?);
    let fit = estimate(&sample, &req, progress)?;
    if !fit.converged {
        return Err(SimulateError::NotConverged {
            what: "baseline PPML".into(),
            iterations: fit.iterations,
            residual: f64::NAN,
            tolerance: req.options.irls.tol,
        });
    }
    let c = fit
        .coefficients
        .iter()
        .filter(|c| c.estimate.is_finite())
        .map(|c| CostCoefficient {
            term: c.term.clone(),
            estimate: c.estimate,
            std_error: Some(c.std_error),
        })
        .collect();
    Ok((c, Some(fit)))
}

/// The counterfactual world rows, cost multipliers, changed cells and notes.
struct Changes {
    table: Table,
    scale: Vec<f64>,
    changed: Vec<bool>,
    notes: Vec<String>,
}

fn apply_changes(
    scenario: &Scenario,
    formula: &Formula,
    world: &SquareWorld,
    world_table: &Table,
    reference_tables: &Reference,
) -> Result<Changes> {
    let b = &scenario.baseline;
    let n = world.n();
    let mut row_of_cell = vec![0usize; n * n];
    for (r, c) in world.cell_of_row.iter().enumerate() {
        row_of_cell[*c] = r;
    }
    let mut table = world_table.clone();
    let mut scale = vec![1.0; n * n];
    let mut changed = vec![false; n * n];
    let mut notes = Vec::new();
    let used = formula.columns();
    for (k, change) in scenario.changes.iter().enumerate() {
        let k = k + 1;
        let selection = change.pairs(k, &world.countries, b.year, reference_tables)?;
        if !selection.absent.is_empty() {
            notes.push(format!(
                "change {k}: not in the data, left out: {}",
                selection.absent.join(", ")
            ));
        }
        match change.action(k)? {
            Action::Set { variable, value } => {
                if !used.contains(&variable) || variable == b.value {
                    let regressors = used.iter().filter(|c| **c != b.value).map(String::as_str);
                    return Err(SimulateError::UnknownVariable {
                        change: k,
                        suggestion: hallyu_data::nearest(&variable, regressors),
                        name: variable,
                        formula: b.formula.clone(),
                    });
                }
                let mut v = table.num(&variable)?.to_vec();
                let mut already = Vec::new();
                for c in &selection.cells {
                    let r = row_of_cell[*c];
                    if v[r] != value {
                        v[r] = value;
                        changed[*c] = true;
                    } else {
                        already.push(format!(
                            "{}-{}",
                            world.countries[c / n],
                            world.countries[c % n]
                        ));
                    }
                }
                if !already.is_empty() && already.len() < selection.cells.len() {
                    let shown = already
                        .iter()
                        .take(12)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    notes.push(format!(
                        "change {k}: {} of the {} selected pairs already have {variable} = {value} and are unchanged: {shown}{}",
                        already.len(),
                        selection.cells.len(),
                        if already.len() > 12 { ", ..." } else { "" }
                    ));
                }
                if already.len() == selection.cells.len() {
                    return Err(SimulateError::SetChangesNothing {
                        change: k,
                        variable,
                        value,
                        pairs: selection.cells.len(),
                    });
                }
                table = replace_column(&table, &variable, v)?;
            }
            Action::Scale(f) => {
                if f == 1.0 {
                    return Err(SimulateError::UnitCostFactor { change: k });
                }
                let m = f.powf(1.0 - b.sigma);
                for c in &selection.cells {
                    scale[*c] *= m;
                    changed[*c] = true;
                }
            }
        }
    }
    Ok(Changes {
        table,
        scale,
        changed,
        notes,
    })
}
