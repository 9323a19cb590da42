//! Errors as `application/problem+json` (RFC 9457): `type` is the library's error
//! category (`input`, `data`, `numerical`, `internal`) or what went wrong at the HTTP level
//! (`not_found`, `unauthorized`, `forbidden`, `too_large`, `busy`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallyu_api::ErrorCategory;
use serde::Serialize;

/// What kind of problem: the library's categories, then the server's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemType {
    /// The request is wrong (a field, a name, a formula, JSON that is not a request).
    Input,
    /// The data is wrong or does not support the request.
    Data,
    /// A computation did not give a valid result.
    Numerical,
    /// A defect of the program.
    Internal,
    /// No such endpoint.
    NotFound,
    /// No or a wrong bearer token.
    Unauthorized,
    /// The request names a path outside the data root, or a capability not served.
    Forbidden,
    /// The body is over the limit.
    TooLarge,
    /// Every worker is busy: retry later.
    Busy,
}

impl ProblemType {
    /// The type of a library error category.
    pub fn of(category: ErrorCategory) -> ProblemType {
        match category {
            ErrorCategory::Input => ProblemType::Input,
            ErrorCategory::Data => ProblemType::Data,
            ErrorCategory::Numerical => ProblemType::Numerical,
            ErrorCategory::Internal => ProblemType::Internal,
        }
    }

    /// The HTTP status that goes with it.
    pub fn status(self) -> StatusCode {
        match self {
            ProblemType::Input | ProblemType::Data | ProblemType::Numerical => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ProblemType::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ProblemType::NotFound => StatusCode::NOT_FOUND,
            ProblemType::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemType::Forbidden => StatusCode::FORBIDDEN,
            ProblemType::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemType::Busy => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// Its name, as in the body's `type`.
    pub fn name(self) -> &'static str {
        match self {
            ProblemType::Input => "input",
            ProblemType::Data => "data",
            ProblemType::Numerical => "numerical",
            ProblemType::Internal => "internal",
            ProblemType::NotFound => "not_found",
            ProblemType::Unauthorized => "unauthorized",
            ProblemType::Forbidden => "forbidden",
            ProblemType::TooLarge => "too_large",
            ProblemType::Busy => "busy",
        }
    }

    fn title(self) -> &'static str {
        match self {
            ProblemType::Input => "The request is not valid",
            ProblemType::Data => "The data does not support the request",
            ProblemType::Numerical => "The computation did not give a valid result",
            ProblemType::Internal => "Internal error",
            ProblemType::NotFound => "No such endpoint",
            ProblemType::Unauthorized => "A bearer token is required",
            ProblemType::Forbidden => "Not allowed",
            ProblemType::TooLarge => "The request body is too large",
            ProblemType::Busy => "Every worker is busy",
        }
    }
}

/// One problem, ready to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "HttpProblem")]
pub struct Problem {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ProblemType,
    /// The type in words.
    pub title: &'static str,
    /// The HTTP status, repeated in the body.
    pub status: u16,
    /// What is wrong, naming the field or value.
    pub detail: String,
    /// Seconds to wait before retrying (`busy` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem of `kind` with `detail`.
    pub fn new(kind: ProblemType, detail: impl Into<String>) -> Problem {
        Problem {
            kind,
            title: kind.title(),
            status: kind.status().as_u16(),
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// The same problem with another status (a body that is not JSON is a 400, though
    /// its type is `input`).
    pub fn with_status(mut self, status: StatusCode) -> Problem {
        self.status = status.as_u16();
        self
    }

    /// A library error.
    pub fn from_api(e: &hallyu_api::Error) -> Problem {
        Problem::new(ProblemType::of(e.category()), e.to_string())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(self.kind.status());
        let retry = self.retry_after;
        let body = serde_json::to_string(&self).unwrap_or_else(|_| {
            format!("{{\"type\":\"internal\",\"status\":{}}}", status.as_u16())
        });
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry {
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                headers.insert(header::RETRY_AFTER, v);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
