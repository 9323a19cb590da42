//! `--data DIR` for the model commands: a dataset folder read as a gravity panel.

use crate::args::PanelScopeArgs;
use anyhow::anyhow;
use hallyu_data::reference::Reference;
use hallyu_measure::panel::{panel_from_dataset, DatasetQuery, GravityPanel};
use hallyu_measure::scope::Scope;
use hallyu_measure::MeasureError;
use std::path::Path;

/// A request the data cannot answer as asked (an unknown group or source, a selection
/// without flows): exit status 2, as for the indicators.
pub enum PanelFailure {
    /// Exit 2, with this message.
    Usage(String),
    /// Anything else (unreadable data: exit 1).
    Other(anyhow::Error),
}

/// The panel of `dir` for the scope arguments.
pub fn load(
    dir: &Path,
    scope: &PanelScopeArgs,
    reference: &Reference,
) -> Result<GravityPanel, PanelFailure> {
    let query = DatasetQuery {
        scope: Scope {
            source: scope.source.clone(),
            products: scope.product.clone(),
        },
        group: scope.group.clone(),
        perspective: scope.perspective.unwrap_or_default(),
        concordance: scope.concordance.clone(),
    };
    match panel_from_dataset(dir, &query, reference) {
        Ok(panel) => Ok(panel),
        Err(MeasureError::InvalidRequest(m)) => Err(PanelFailure::Usage(m)),
        Err(e) => Err(PanelFailure::Other(
            anyhow!(e).context(format!("reading the dataset {}", dir.display())),
        )),
    }
}

/// Prints how the panel was built on stderr, unless `quiet`.
pub fn print_notes(panel: &GravityPanel, quiet: bool) {
    if !quiet {
        for n in &panel.notes {
            eprintln!("note: {n}");
        }
    }
}

/// The usage error of scope arguments given when the data is not a dataset folder.
pub fn unused_scope(scope: &PanelScopeArgs, data: Option<&Path>) -> Option<String> {
    let flag = scope.first_given()?;
    Some(format!(
        "{flag} applies to a dataset folder (--data DIR written by `hallyu ingest`); {}",
        match data {
            Some(p) => format!("{} is not a folder", p.display()),
            None => "no --data DIR was given".to_string(),
        }
    ))
}
