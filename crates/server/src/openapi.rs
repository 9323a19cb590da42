//! The OpenAPI 3.1 document of the API, generated: request and answer schemas from the
//! library's types (`hallyu_api::schema`, `hallyu_render::response::json_contract`), the
//! server's own (problem, job status) from its types; only the paths are written here.

use crate::jobs::JobStatus;
use crate::problem::Problem;
use crate::routes::SERVED;
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

/// Where the document keeps its named schemas.
const COMPONENTS: &str = "/components/schemas";

/// The document, or `None` when a generated schema is not shaped as its type promises (a
/// defect the tests catch).
pub fn document() -> Option<Value> {
    let library = hallyu_api::schema::schemas(COMPONENTS)?;
    let mut schemas = library.definitions.clone();
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = COMPONENTS.into();
    let mut generator = settings.into_generator();
    let problem = generator.subschema_for::<Problem>().to_value();
    let job = generator.subschema_for::<JobStatus>().to_value();
    for (name, schema) in generator.take_definitions(true) {
        if schemas.contains_key(&name) {
            // Two types of one name would be one schema: never silently.
            return None;
        }
        schemas.insert(name, schema);
    }
    let problems = |codes: &[&str]| -> Map<String, Value> {
        codes
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    json!({
                        "description": "A problem (RFC 9457): `type` is the library's error category or the HTTP-level kind, `detail` names the field or value.",
                        "content": { "application/problem+json": { "schema": problem } }
                    }),
                )
            })
            .collect()
    };
    let format_parameter = json!({
        "name": "format", "in": "query", "required": false,
        "description": "json (default: what `hallyu run --format json` writes), html (the page `--format html` writes, charts included), csv or markdown",
        "schema": { "type": "string", "enum": ["json", "html", "csv", "markdown"] }
    });
    let text =
        |description: &str| json!({ "description": description, "schema": { "type": "string" } });
    let mut paths = Map::new();
    for capability in SERVED {
        let request = library.requests.get(capability)?;
        let content = library.responses.get(capability)?;
        let answer =
            hallyu_render::response::json_contract(capability, content, &schemas, COMPONENTS)?;
        let mut responses = problems(&["400", "403", "404", "413", "422", "429", "500"]);
        responses.insert(
            "200".into(),
            json!({
                "description": "The answer, exactly as `hallyu run` writes it in the format asked.",
                "headers": { "Hallyu-Problem": {
                    "description": "Present when the result must not be trusted as it stands (the command line's exit status 3): the category and why.",
                    "schema": { "type": "string" } } },
                "content": {
                    "application/json": { "schema": answer },
                    "text/html": text("One self-contained page."),
                    "text/csv": text("CSV."),
                    "text/markdown": text("Markdown.")
                }
            }),
        );
        paths.insert(
            format!("/api/v1/{capability}"),
            json!({ "post": {
                "operationId": capability,
                "summary": format!("Run a `{capability}` request"),
                "description": "The body is the request as `hallyu <command> --print-request` prints it (its `capability` may be left out).",
                "parameters": [format_parameter],
                "requestBody": { "required": true, "content": { "application/json": { "schema": request } } },
                "responses": responses
            }}),
        );
    }
    let reference_rows = hallyu_render::response::json_contract(
        "reference",
        library.responses.get("reference")?,
        &schemas,
        COMPONENTS,
    )?;
    let mut reference_responses = problems(&["404", "422"]);
    reference_responses.insert(
        "200".into(),
        json!({ "description": "The table's rows.", "content": { "application/json": { "schema": reference_rows } } }),
    );
    paths.insert(
        "/api/v1/reference/{table}".into(),
        json!({ "get": {
            "operationId": "reference_table",
            "summary": "A reference table: countries, blocs (members in a year with `year`) or product groups",
            "parameters": [
                { "name": "table", "in": "path", "required": true, "schema": { "type": "string", "enum": ["countries", "blocs", "groups"] } },
                { "name": "year", "in": "query", "required": false, "schema": { "type": "integer" } }
            ],
            "responses": reference_responses
        }}),
    );
    let any_request: Vec<Value> = SERVED
        .iter()
        .map(|c| library.requests.get(c).cloned())
        .collect::<Option<_>>()?;
    let job_id = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } });
    let mut submit = problems(&["400", "403", "404", "413", "422", "429"]);
    submit.insert(
        "202".into(),
        json!({ "description": "Queued; its place is in `Location`.", "content": { "application/json": { "schema": job } } }),
    );
    let mut status = problems(&["404"]);
    status.insert(
        "200".into(),
        json!({ "description": "Its state and progress.", "content": { "application/json": { "schema": job } } }),
    );
    let mut result = problems(&["404", "409", "422", "500"]);
    result.insert(
        "200".into(),
        json!({ "description": "The answer of a finished job, as its capability's endpoint writes it.",
                "content": { "application/json": { "schema": {} }, "text/html": text("One page."), "text/csv": text("CSV."), "text/markdown": text("Markdown.") } }),
    );
    paths.insert(
        "/api/v1/jobs".into(),
        json!({ "post": {
            "operationId": "submit_job",
            "summary": "Run a request as a job (long work: large fits, scenarios with draws, reports)",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "oneOf": any_request } } } },
            "responses": submit
        }}),
    );
    paths.insert(
        "/api/v1/jobs/{id}".into(),
        json!({
            "get": { "operationId": "job_status", "summary": "A job's state and progress", "parameters": [job_id], "responses": status },
            "delete": { "operationId": "cancel_job", "summary": "Cancel a job: the work stops at its next progress report", "parameters": [job_id], "responses": status }
        }),
    );
    paths.insert(
        "/api/v1/jobs/{id}/result".into(),
        json!({ "get": { "operationId": "job_result", "summary": "A finished job's answer", "parameters": [job_id, format_parameter], "responses": result } }),
    );
    paths.insert(
        "/api/v1/jobs/{id}/events".into(),
        json!({ "get": { "operationId": "job_events",
            "summary": "Server-sent events (`event: status`, data: the job's status) at each change, until it ends; leaving the stream early cancels the job",
            "parameters": [job_id],
            "responses": { "200": { "description": "An event stream.", "content": { "text/event-stream": { "schema": { "type": "string" } } } } } } }),
    );
    paths.insert(
        "/api/v1/datasets".into(),
        json!({ "get": { "operationId": "datasets", "summary": "Dataset folders under the data root, with their years and sources",
            "responses": { "200": { "description": "The datasets.", "content": { "application/json": { "schema": {
                "type": "array", "items": { "type": "object", "required": ["name", "years", "sources"], "properties": {
                    "name": { "type": "string" }, "years": { "type": "array", "items": { "type": "integer" } },
                    "sources": { "type": "array", "items": { "type": "string" } } } } } } } } } } }),
    );
    paths.insert(
        "/api/v1/health".into(),
        json!({ "get": { "operationId": "health", "summary": "Whether the server is up, its version and capabilities",
            "responses": { "200": { "description": "Up.", "content": { "application/json": { "schema": { "type": "object" } } } } } } }),
    );
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({ "get": { "operationId": "openapi", "summary": "This document",
            "responses": { "200": { "description": "OpenAPI 3.1.", "content": { "application/json": { "schema": { "type": "object" } } } } } } }),
    );
    Some(json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": hallyu_api::schema::DIALECT,
        "info": {
            "title": "hallyu",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Creative-economy trade analysis: measure, estimate structural gravity, simulate policy, report. Every capability takes the JSON `hallyu <command> --print-request` prints and answers what `hallyu run` answers.",
            "license": { "name": "MIT OR Apache-2.0" }
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer",
                "description": "Required when the server was started with a token file." } }
        },
        "paths": paths
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_generated_with_every_capability() {
        let doc = super::document().expect("a document");
        assert_eq!(doc["openapi"], "3.1.0");
        for c in crate::routes::SERVED {
            let path = format!("/api/v1/{c}");
            assert!(
                doc["paths"][&path]["post"]["requestBody"].is_object(),
                "{c}"
            );
        }
        assert!(doc["components"]["schemas"]["HttpProblem"].is_object());
    }
}
