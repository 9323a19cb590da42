//! Every file or folder a request names, for front ends that must confine what a request
//! may read (the server reads only under its data root) or refuse what writes.

use crate::fit::FitRequest;
use crate::panel::PanelScope;
use crate::{DataSource, Request};
use std::path::PathBuf;

impl Request {
    /// Every path the request reads: data files and folders, scenario reference files,
    /// bloc and concordance tables. (A report's claims and scenario are part of it.)
    pub fn files_mut(&mut self) -> Vec<&mut PathBuf> {
        let mut out = Vec::new();
        match self {
            Request::Fit(r) => fit_files(r, &mut out),
            Request::Potential(r) => fit_files(&mut r.model, &mut out),
            Request::Indicators(r) => {
                data_files(&mut r.data, &mut out);
                out.extend(r.blocs.as_mut());
                out.extend(r.concordance.as_mut());
            }
            Request::Scenario(r) => {
                data_files(&mut r.data, &mut out);
                scope_files(&mut r.scope, &mut out);
                out.extend(r.reference.as_mut());
            }
            Request::Report(r) => {
                data_files(&mut r.data, &mut out);
                if let Some(s) = r.scenario.as_mut() {
                    data_files(&mut s.data, &mut out);
                    scope_files(&mut s.scope, &mut out);
                    out.extend(s.reference.as_mut());
                }
                for c in r.claims.iter_mut().flatten() {
                    out.extend(c.request.files_mut());
                }
                if let Some(i) = r.index.as_mut() {
                    index_files(i, &mut out);
                }
            }
            Request::Reference(r) => {
                out.extend(r.reference.as_mut());
                out.extend(r.classification.as_mut());
            }
            Request::Dataset(r) => out.push(&mut r.dir),
            Request::Ingest(r) => {
                out.extend(r.inputs.iter_mut());
                out.push(&mut r.out);
            }
            Request::Index(r) => index_files(r, &mut out),
            Request::Projection(_)
            | Request::Reproduce(_)
            | Request::Claim(_)
            | Request::Series(_) => {}
        }
        out
    }

    /// Whether running the request writes files (an ingest, a dataset repair).
    pub fn writes_files(&self) -> bool {
        match self {
            Request::Ingest(_) => true,
            Request::Dataset(r) => r.action == crate::dataset::DatasetAction::Repair,
            _ => false,
        }
    }
}

/// The files of an index request (alone or in a report).
fn index_files<'a>(r: &'a mut crate::index::IndexRequest, out: &mut Vec<&'a mut PathBuf>) {
    out.extend(r.data.as_mut());
    out.extend(r.meta.as_mut());
    out.extend(r.framework.as_mut());
    data_files(&mut r.trade, out);
    if let Some(s) = r.sensitivity.as_mut() {
        out.extend(s.replay.as_mut());
    }
}

fn fit_files<'a>(r: &'a mut FitRequest, out: &mut Vec<&'a mut PathBuf>) {
    data_files(&mut r.data, out);
    scope_files(&mut r.scope, out);
}

fn data_files<'a>(d: &'a mut DataSource, out: &mut Vec<&'a mut PathBuf>) {
    match d {
        DataSource::File { path } => out.push(path),
        DataSource::Dataset { dir } => out.push(dir),
        DataSource::Embedded | DataSource::Table(_) => {}
    }
}

fn scope_files<'a>(s: &'a mut PanelScope, out: &mut Vec<&'a mut PathBuf>) {
    out.extend(s.concordance.as_mut());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::IndicatorsRequest;
    use crate::report::ReportRequest;

    #[test]
    fn the_files_of_a_reports_index_are_listed() {
        let report = ReportRequest {
            index: Some(Box::new(crate::index::IndexRequest {
                meta: Some("iMeta.csv".into()),
                data: Some("iData.csv".into()),
                ..crate::index::IndexRequest::example()
            })),
            ..ReportRequest::default()
        };
        let mut r = Request::Report(Box::new(report));
        let names: Vec<String> = r
            .files_mut()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(names, ["iData.csv", "iMeta.csv"]);
    }

    #[test]
    fn every_path_of_a_request_is_listed() {
        let mut i = IndicatorsRequest::new("KOR");
        i.data = DataSource::from_path("trade".into());
        i.blocs = Some("blocs.toml".into());
        let mut r = Request::Indicators(i);
        let names: Vec<String> = r
            .files_mut()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(names, ["trade", "blocs.toml"]);
        assert!(Request::Report(Box::default()).files_mut().is_empty());
        let mut report = ReportRequest {
            data: DataSource::File {
                path: "panel.csv".into(),
            },
            ..ReportRequest::default()
        };
        report.claims = None;
        let mut r = Request::Report(Box::new(report));
        for p in r.files_mut() {
            *p = PathBuf::from("/root").join(&*p);
        }
        let Request::Report(report) = &r else {
            panic!("a report")
        };
        assert_eq!(
            report.data,
            DataSource::File {
                path: "/root/panel.csv".into()
            }
        );
    }
}
