//! Exit statuses: one meaning each, the same for every command.
//!
//! | status | meaning |
//! | --: | --- |
//! | 0 | success |
//! | 1 | invalid input or data: a file or its content cannot be used (unreadable, malformed, wrong column types, a negative trade value) |
//! | 2 | usage: the command line cannot be answered as given (an unknown flag or value, a name — column, country, bloc, group, year — the data does not have, a choice the user must make such as `--source`) |
//! | 3 | a result that is not valid: non-convergence, a published value missed, a claim `project` finds inconsistent (the result is printed, and says so) |
//! | 4 | internal error (a panic, a broken invariant): please report it |
//!
//! Commands return `Result<u8>`: a status of 0 or 3 for a result they printed, an error
//! otherwise. An error gets its status here, once: from a [`Tagged`] category set where it
//! was raised (the command's own checks), else from the library error it carries, by
//! variant. An error nobody categorised is taken as invalid input (1).

use hallyu_data::DataError;
use hallyu_estimate::EstimateError;
use hallyu_measure::MeasureError;
use hallyu_simulate::SimulateError;

/// What kind of failure an exit status reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A file or value that cannot be used.
    Input = 1,
    /// The command line cannot be answered as given.
    Usage = 2,
    /// A result exists but is not valid.
    InvalidResult = 3,
    /// A bug.
    Internal = 4,
}

impl Status {
    /// The process exit status.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// An error whose category was decided where it was raised. It shows as its inner error.
#[derive(Debug)]
pub struct Tagged {
    status: Status,
    inner: anyhow::Error,
}

impl std::fmt::Display for Tagged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Tagged {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

fn tagged(status: Status, inner: anyhow::Error) -> anyhow::Error {
    anyhow::Error::new(Tagged { status, inner })
}

/// A usage error (exit status 2) with this message.
pub fn usage(message: impl std::fmt::Display) -> anyhow::Error {
    tagged(Status::Usage, anyhow::anyhow!("{message}"))
}

/// Returns early with a usage error (exit status 2), as `anyhow::bail!` does.
macro_rules! usage_bail {
    ($($arg:tt)*) => {
        return Err($crate::exit::usage(format!($($arg)*)))
    };
}
pub(crate) use usage_bail;

/// The exit status for an error: the outermost category found along its chain.
pub fn status_of(error: &anyhow::Error) -> Status {
    for cause in error.chain() {
        if let Some(t) = cause.downcast_ref::<Tagged>() {
            return t.status;
        }
        if let Some(e) = cause.downcast_ref::<DataError>() {
            return data(e);
        }
        if let Some(e) = cause.downcast_ref::<EstimateError>() {
            return estimate(e);
        }
        if let Some(e) = cause.downcast_ref::<MeasureError>() {
            return measure(e);
        }
        if let Some(e) = cause.downcast_ref::<SimulateError>() {
            return simulate(e);
        }
        if let Some(e) = cause.downcast_ref::<hallyu_render::RenderError>() {
            return of_category(e.category());
        }
    }
    Status::Input
}

fn data(e: &DataError) -> Status {
    of_category(e.category())
}

/// An api error, tagged with the exit status of its category.
pub fn from_api(e: hallyu_api::Error) -> anyhow::Error {
    let status = of_category(e.category());
    tagged(status, anyhow::Error::new(e))
}

/// A server error, tagged with the exit status of its category.
pub fn from_server(e: hallyu_server::ServerError) -> anyhow::Error {
    let status = of_category(e.category());
    tagged(status, anyhow::Error::new(e))
}

/// The exit status of an error category: the one place where the library's categories
/// meet the command line's statuses.
pub fn of_category(c: hallyu_data::ErrorCategory) -> Status {
    match c {
        hallyu_data::ErrorCategory::Input => Status::Usage,
        hallyu_data::ErrorCategory::Data => Status::Input,
        hallyu_data::ErrorCategory::Numerical => Status::InvalidResult,
        hallyu_data::ErrorCategory::Internal => Status::Internal,
    }
}

fn estimate(e: &EstimateError) -> Status {
    of_category(e.category())
}

fn measure(e: &MeasureError) -> Status {
    of_category(e.category())
}

fn simulate(e: &SimulateError) -> Status {
    of_category(e.category())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outermost_category_wins() {
        let e: anyhow::Error = DataError::Usage("x".into()).into();
        assert_eq!(status_of(&e), Status::Usage);
        let e = e.context("while reading");
        assert_eq!(status_of(&e), Status::Usage);
        // A category set where the error was raised wins over the library's.
        let e = usage(DataError::InvalidArgument("y".into())).context("while reading");
        assert_eq!(status_of(&e), Status::Usage);
        assert_eq!(format!("{:#}", e), "while reading: y");
    }

    #[test]
    fn library_errors_are_categorised_by_variant() {
        let col = || DataError::UnknownColumn {
            name: "x".into(),
            suggestion: None,
            available: Vec::new(),
        };
        let io = || DataError::Io {
            path: "f.csv".into(),
            source: std::io::Error::other("gone"),
        };
        let cases: Vec<(anyhow::Error, Status)> = vec![
            (col().into(), Status::Usage),
            (io().into(), Status::Input),
            (EstimateError::Data(col()).into(), Status::Usage),
            (
                EstimateError::AllZeroOutcome("y".into()).into(),
                Status::Input,
            ),
            (
                EstimateError::NotConverged {
                    algorithm: "IRLS".into(),
                    iterations: 1,
                    last_change: 1.0,
                }
                .into(),
                Status::InvalidResult,
            ),
            (
                EstimateError::VcovTypeNotSupported {
                    name: "robust".into(),
                    suggestion: None,
                }
                .into(),
                Status::Usage,
            ),
            // A negative weight is a value of the data, as a negative outcome is.
            (
                EstimateError::NegativeWeight {
                    column: "w".into(),
                    row: 2,
                    value: -1.0,
                }
                .into(),
                Status::Input,
            ),
            (
                EstimateError::LengthMismatch { what: "x".into() }.into(),
                Status::Internal,
            ),
            (MeasureError::NoProductNamed.into(), Status::Usage),
            (
                MeasureError::NotAYear {
                    column: "year".into(),
                    row: 2,
                    value: 2020.5,
                }
                .into(),
                Status::Input,
            ),
            (MeasureError::Data(io()).into(), Status::Input),
            (SimulateError::NoChange.into(), Status::Usage),
            (
                SimulateError::ScenarioFormat {
                    message: "s".into(),
                }
                .into(),
                Status::Input,
            ),
            (
                SimulateError::TooFewCountries { countries: 1 }.into(),
                Status::Input,
            ),
            (
                SimulateError::TooManyDraws {
                    requested: 2,
                    max: 1,
                }
                .into(),
                Status::Usage,
            ),
            (
                SimulateError::Data(DataError::UnknownCountry {
                    role: "r".into(),
                    name: "XYZ".into(),
                    suggestion: None,
                })
                .into(),
                Status::Usage,
            ),
            (
                SimulateError::NotConverged {
                    what: "w".into(),
                    iterations: 1,
                    residual: 1.0,
                    tolerance: 1.0,
                }
                .into(),
                Status::InvalidResult,
            ),
            (
                SimulateError::Estimate(EstimateError::Data(col())).into(),
                Status::Usage,
            ),
            (
                hallyu_render::RenderError::Json {
                    what: "fits",
                    source: serde_json::from_str::<u8>("x").unwrap_err(),
                }
                .into(),
                Status::Internal,
            ),
            (
                hallyu_render::RenderError::Unsupported {
                    what: "a report is",
                    supported: &[hallyu_render::Format::Html],
                    format: hallyu_render::Format::Csv,
                }
                .into(),
                Status::Usage,
            ),
            (anyhow::anyhow!("anything else"), Status::Input),
            (usage("u"), Status::Usage),
        ];
        for (e, status) in cases {
            assert_eq!(status_of(&e), status, "{e}");
        }
    }
}
