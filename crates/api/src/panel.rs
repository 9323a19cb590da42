//! A dataset folder read as a gravity panel (for fits and scenarios): which source, product
//! group and perspective.

use crate::{DataSource, Error, Result};
use hallyu_data::reference::Reference;
use hallyu_measure::panel::{panel_from_dataset, DatasetQuery, GravityPanel};
use hallyu_measure::scope::Scope;
use hallyu_measure::Perspective;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a dataset folder is turned into: the square country-pair panel of one source,
/// product group and perspective. Only for a dataset folder; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelScope {
    /// Product group (`creative`, `creative.audiovisuals`, ...) or HS prefixes (`3303,3304`)
    /// whose flows are added up per pair and year. Default: every product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Products by name, matched exactly (sectors of a series, UNCTADstat codes such as
    /// `CG00`). Not with `group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Vec<String>>,
    /// The source to read when the dataset holds several (`baci`, `unctadstat`,
    /// `series:<file stem>` or a prefix such as `series`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whose report of each flow is read: `reporter` (default), `exporter`, `importer` or
    /// `mirror`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perspective: Option<Perspective>,
    /// A user concordance table next to the built-in UNSD tables, for a group defined in
    /// other HS editions than the data's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concordance: Option<PathBuf>,
}

impl PanelScope {
    /// The first field given, in the request's own names.
    fn first_given(&self) -> Option<&'static str> {
        [
            (self.group.is_some(), "group"),
            (self.product.is_some(), "product"),
            (self.source.is_some(), "source"),
            (self.perspective.is_some(), "perspective"),
            (self.concordance.is_some(), "concordance"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }

    /// Refuses a scope when the data is not a dataset folder: it would be ignored.
    pub fn check_applies(&self, data: &DataSource) -> Result<()> {
        if data.is_dataset() {
            return Ok(());
        }
        match self.first_given() {
            None => Ok(()),
            Some(field) => Err(Error::field(
                format!("scope.{field}"),
                format!(
                    "the {field} of a panel applies to a dataset folder (written by ingest); {}",
                    match data.path() {
                        Some(p) => format!("{} is not a folder", p.display()),
                        None => "the data is not a dataset folder".to_string(),
                    }
                ),
            )),
        }
    }
}

/// The gravity panel of the dataset in `dir`.
pub fn load(dir: &Path, scope: &PanelScope, reference: &Reference) -> Result<GravityPanel> {
    if scope.group.is_some() && scope.product.is_some() {
        return Err(Error::field(
            "scope.product",
            "products by name and a product group cannot be combined: give one of them",
        ));
    }
    let query = DatasetQuery {
        scope: Scope {
            source: scope.source.clone(),
            products: scope.product.clone(),
        },
        group: scope.group.clone(),
        perspective: scope.perspective.unwrap_or_default(),
        concordance: scope.concordance.clone(),
    };
    // A request the data cannot answer speaks for itself; anything else names the dataset.
    panel_from_dataset(dir, &query, reference).map_err(|e| {
        let of_request = !matches!(e, hallyu_measure::MeasureError::Data(_))
            && e.category() == hallyu_data::ErrorCategory::Input;
        if of_request {
            Error::from(e)
        } else {
            Error::from(e).context(format!("reading the dataset {}", dir.display()))
        }
    })
}
