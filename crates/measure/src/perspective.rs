//! Whose report of a flow an indicator reads.
//!
//! Most trade sources hold every flow twice: the exporter's report of its exports and the
//! importer's report of its imports (UNCTADstat, UN Comtrade, survey series). The two
//! figures differ (valuation, timing, partner attribution), so adding them counts one
//! flow twice. An indicator therefore reads each flow from one side, chosen by a
//! [`Perspective`]:
//!
//! | perspective | subject's exports (and world exports) | subject's imports |
//! | --- | --- | --- |
//! | `reporter` (default) | as the exporters report them | as the importers report them |
//! | `exporter` | as the exporters report them | as the exporters (its partners) report them |
//! | `importer` | as the importers (its partners) report them | as the importers report them |
//! | `mirror` | as the importers (its partners) report them | as the exporters (its partners) report them |
//!
//! `mirror` is the usual fix for a country that does not report: its exports are what its
//! partners say they imported from it. Rows that are nobody's report in particular — BACI's
//! reconciled flows, the embedded panel, a user's table without a `flow` column — count on
//! both sides under every perspective.

use hallyu_data::dataset::Flow;
use serde::{Deserialize, Serialize};

/// Which report of a flow the indicators read (see the module documentation).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Perspective {
    /// Exports as reported by the exporters, imports as reported by the importers.
    #[default]
    Reporter,
    /// Every flow as its exporter reports it.
    Exporter,
    /// Every flow as its importer reports it.
    Importer,
    /// The partners' reports: exports as the importers report them, imports as the
    /// exporters report them.
    Mirror,
}

/// Who reported a row, as the perspective rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    /// The exporter reported it (as exports).
    ByExporter,
    /// The importer reported it (as imports).
    ByImporter,
    /// One figure for both sides (reconciled data, or a table that does not say).
    Both,
}

impl From<Flow> for Reported {
    fn from(f: Flow) -> Reported {
        match f {
            Flow::Export => Reported::ByExporter,
            Flow::Import => Reported::ByImporter,
            Flow::Reconciled => Reported::Both,
        }
    }
}

impl Perspective {
    /// Every perspective, in the order `--help` lists them.
    pub const ALL: [Perspective; 4] = [
        Perspective::Reporter,
        Perspective::Exporter,
        Perspective::Importer,
        Perspective::Mirror,
    ];

    /// The name users type (`reporter`, `exporter`, `importer`, `mirror`).
    pub fn name(self) -> &'static str {
        match self {
            Perspective::Reporter => "reporter",
            Perspective::Exporter => "exporter",
            Perspective::Importer => "importer",
            Perspective::Mirror => "mirror",
        }
    }

    /// The perspective named `s` (ASCII case ignored).
    pub fn parse(s: &str) -> Option<Perspective> {
        Perspective::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
    }

    /// The side whose reports are read for flows seen as exports (a subject's exports, the
    /// world's exports, a pair's flow in a gravity panel).
    fn export_reader(self) -> Reported {
        match self {
            Perspective::Reporter | Perspective::Exporter => Reported::ByExporter,
            Perspective::Importer | Perspective::Mirror => Reported::ByImporter,
        }
    }

    /// The side whose reports are read for flows seen as imports.
    fn import_reader(self) -> Reported {
        match self {
            Perspective::Reporter | Perspective::Importer => Reported::ByImporter,
            Perspective::Exporter | Perspective::Mirror => Reported::ByExporter,
        }
    }

    /// Whether a row reported as `r` counts in export-side sums.
    pub fn counts_as_export(self, r: Reported) -> bool {
        r == Reported::Both || r == self.export_reader()
    }

    /// Whether a row reported as `r` counts in import-side sums.
    pub fn counts_as_import(self, r: Reported) -> bool {
        r == Reported::Both || r == self.import_reader()
    }

    /// What the perspective means, in words (for notes in the output).
    pub fn describe(self) -> &'static str {
        match self {
            Perspective::Reporter => {
                "exports as reported by the exporters, imports as reported by the importers"
            }
            Perspective::Exporter => "every flow as reported by its exporter",
            Perspective::Importer => "every flow as reported by its importer",
            Perspective::Mirror => {
                "mirror data: exports as reported by the importing partners, imports as \
                 reported by the exporting partners"
            }
        }
    }
}

impl std::fmt::Display for Perspective {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_flow_is_read_from_one_side() {
        use Reported::*;
        for p in Perspective::ALL {
            // A one-sided report counts on exactly one side... unless the perspective
            // reads the same report for both (exporter, importer).
            for r in [ByExporter, ByImporter] {
                let sides = [p.counts_as_export(r), p.counts_as_import(r)];
                let expected = match (p, r) {
                    (Perspective::Reporter, ByExporter) => [true, false],
                    (Perspective::Reporter, ByImporter) => [false, true],
                    (Perspective::Exporter, ByExporter) => [true, true],
                    (Perspective::Exporter, ByImporter) => [false, false],
                    (Perspective::Importer, ByExporter) => [false, false],
                    (Perspective::Importer, ByImporter) => [true, true],
                    (Perspective::Mirror, ByExporter) => [false, true],
                    (Perspective::Mirror, ByImporter) => [true, false],
                    (_, Both) => unreachable!(),
                };
                assert_eq!(sides, expected, "{p} {r:?}");
            }
            assert!(p.counts_as_export(Both) && p.counts_as_import(Both));
            // Of the two reports of one flow, exactly one is read on each side.
            for side in [
                Perspective::counts_as_export as fn(Perspective, Reported) -> bool,
                Perspective::counts_as_import,
            ] {
                assert_eq!(
                    usize::from(side(p, ByExporter)) + usize::from(side(p, ByImporter)),
                    1
                );
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for p in Perspective::ALL {
            assert_eq!(Perspective::parse(p.name()), Some(p));
        }
        assert_eq!(Perspective::parse(" Mirror "), Some(Perspective::Mirror));
        assert_eq!(Perspective::parse("partner"), None);
        assert_eq!(Perspective::default(), Perspective::Reporter);
    }
}
