//! General-equilibrium policy scenarios: the scenario (baseline and changes), the data it
//! rests on, and how it is solved.

use crate::panel::{self, PanelScope};
use crate::{Context, DataSource, Error, Result, Version};
use hallyu_data::read::{read_path, ReadOptions};
use hallyu_data::reference::Reference;
use hallyu_data::{embedded, Table};
use hallyu_simulate::{parse_scenario_toml, run_scenario_on, RunOptions, Scenario, ScenarioResult};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A scenario request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    /// Request format version (1).
    #[serde(default)]
    pub version: Version,
    /// The scenario: baseline year, formula and settings, and the policy changes.
    pub scenario: Scenario,
    /// The baseline data: the embedded Advanced Guide panel (default), a file with one row
    /// per exporter-importer-year (domestic flows included), or a dataset folder read as a
    /// square country-pair panel (see `scope`).
    #[serde(default)]
    pub data: DataSource,
    /// With a dataset folder: the source, product group and perspective of the panel.
    #[serde(default, skip_serializing_if = "is_default_scope")]
    pub scope: PanelScope,
    /// How the scenario is solved: method, tolerance, iteration limit, coefficient draws
    /// for intervals, seed, pair-level changes.
    #[serde(default)]
    pub options: RunOptions,
    /// Blocs of the user's own (TOML) that the scenario's lists may name.
    #[serde(default)]
    pub reference: Option<PathBuf>,
}

fn is_default_scope(s: &PanelScope) -> bool {
    *s == PanelScope::default()
}

impl ScenarioRequest {
    /// The request of a scenario file (TOML): its `[baseline] data`, a path relative to the
    /// file's folder, becomes the request's data (a folder is a dataset).
    pub fn from_toml_file(path: &Path) -> Result<ScenarioRequest> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            Error::from(hallyu_data::DataError::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        let (scenario, data) = parse_scenario_toml(&text)
            .map_err(|e| Error::from(e).context(path.display().to_string()))?;
        let data = match data.map(PathBuf::from) {
            None => DataSource::Embedded,
            Some(d) => DataSource::from_path(match path.parent() {
                Some(dir) if d.is_relative() => dir.join(d),
                _ => d,
            }),
        };
        Ok(ScenarioRequest {
            version: Version,
            scenario,
            data,
            scope: PanelScope::default(),
            options: RunOptions::default(),
            reference: None,
        })
    }
}

/// Solves the scenario.
pub fn compute(ctx: &Context, req: &ScenarioRequest) -> Result<ScenarioResult> {
    req.options.validate()?;
    req.scope.check_applies(&req.data)?;
    let reference = match &req.reference {
        Some(p) => Reference::with_user_file(p)?,
        None => Reference::builtin(),
    };
    ctx.stage("reading the baseline data");
    let (table, notes) = match &req.data {
        DataSource::Embedded => (embedded::agtpa()?, Vec::new()),
        DataSource::File { path } => (read_columns(&req.scenario, path)?, Vec::new()),
        DataSource::Dataset { dir } => {
            let p = panel::load(dir, &req.scope, &reference)?;
            for n in &p.notes {
                ctx.note(n.clone());
            }
            (p.table, p.notes)
        }
        DataSource::Table(t) => (Table::clone(t), Vec::new()),
    };
    ctx.check_rows(table.nrows())?;
    ctx.stage("solving the scenario");
    let mut result = run_scenario_on(&req.scenario, table, &req.options, &reference, ctx.progress)?;
    result.notes.splice(0..0, notes);
    Ok(result)
}

/// The columns the scenario reads from a data file.
fn read_columns(scenario: &Scenario, path: &Path) -> Result<Table> {
    // `intl_border` is built by the run when the file lacks it.
    let (optional, columns): (Vec<String>, Vec<String>) = scenario
        .columns()?
        .into_iter()
        .partition(|c| c == "intl_border");
    let options = ReadOptions {
        columns: Some(columns),
        optional_columns: optional,
        ..Default::default()
    };
    read_path(path, &options)
        .map_err(|e| Error::from(e).context(format!("reading {}", path.display())))
}
