//! `hallyu serve`: the real binary on an ephemeral loopback port. Every capability answers
//! over HTTP exactly what `hallyu run --format json` answers for the same request; errors are
//! problem+json with the right status; paths stay under the data root; tokens, limits and
//! SIGTERM behave.

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use util::server::Server;
use util::Dir;

/// Requests to the server under test.
impl Server {
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        http(&self.addr, method, path, headers, body)
    }

    fn post(&self, path: &str, body: &str) -> Reply {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// A problem+json answer of `status` and `kind`; its detail.
    fn problem(&self, status: u16, kind: &str) -> String {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{self:?}"
        );
        let v = self.json();
        assert_eq!(v["type"], kind, "{self:?}");
        assert_eq!(v["status"], status, "{self:?}");
        v["detail"].as_str().expect("a detail").to_string()
    }
}

/// One HTTP/1.1 exchange over a fresh connection (`Connection: close`).
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).expect("the server accepts");
    s.set_read_timeout(Some(Duration::from_secs(120)))
        .expect("a timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("the request is sent");
    // A server may answer before the whole body is read (413) and close.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// The request a command line stands for, and what `hallyu run` answers for it.
fn cli_pair(d: &Dir, args: &[&str]) -> (String, String, i32) {
    let mut with = args.to_vec();
    with.push("--print-request");
    let request = d.hallyu(&with).run_ok().stdout;
    d.write("request.json", &request);
    let alone = d
        .hallyu(["run", "request.json", "--format", "json", "-q"])
        .output();
    (request, alone.stdout, alone.code.unwrap_or(-1))
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .display()
        .to_string()
}

/// `json` validates against the schema at `pointer` in the OpenAPI `document` (its
/// references resolved in the document).
fn conforms(document: &serde_json::Value, pointer: &str, json: &str) {
    let errors = violations(document, pointer, json);
    assert!(errors.is_empty(), "{pointer}: {errors:?}");
}

/// What does not conform, at most five violations.
fn violations(document: &serde_json::Value, pointer: &str, json: &str) -> Vec<String> {
    let mut root = document.clone();
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    root["$ref"] = format!("#{pointer}").into();
    let validator = jsonschema::draft202012::new(&root).expect("a valid schema");
    let instance: serde_json::Value = serde_json::from_str(json).expect("JSON");
    validator
        .iter_errors(&instance)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Every capability the server serves answers what `hallyu run` answers, byte for byte, and
/// both conform to the generated OpenAPI document.
#[test]
fn every_capability_answers_what_hallyu_run_answers() {
    let d = Dir::new();
    let server = Server::start(d.path(), &[]);
    let scenario = example("kor_asean_rta.toml");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "fit",
            vec![
                "fepois",
                "trade ~ rta | exporter^year + importer^year + pair_id",
                "--where",
                "year in (1986, 1990, 1994, 1998, 2002, 2006)",
                "--cluster",
                "pair_id",
            ],
        ),
        (
            "indicators",
            vec!["indicators", "--subject", "KOR", "--partner", "asean"],
        ),
        (
            "projection",
            vec![
                "project", "--start", "2021:8.1", "--end", "2031:20", "--cagr", "7.3",
            ],
        ),
        ("scenario", vec!["simulate", &scenario, "--draws", "5"]),
        ("reproduce", vec!["reproduce", "--chapter", "1"]),
        ("reference", vec!["data", "blocs", "--year", "2006"]),
        (
            "potential",
            vec![
                "potential",
                "KOR",
                "trade ~ log(dist) + cntg + lang + clny + rta | exporter + importer",
                "--where",
                "year == 2006 and exporter != importer",
            ],
        ),
        ("report", vec!["report", "--draws", "0", "--format", "json"]),
    ];
    let openapi = server.get("/api/v1/openapi.json");
    assert_eq!(openapi.status, 200, "{openapi:?}");
    let document = openapi.json();
    assert_eq!(document["openapi"], "3.1.0");
    // The schemas are not vacuous: a projection's answer is no fit.
    assert!(!violations(
        &document,
        "/paths/~1api~1v1~1fit/post/responses/200/content/application~1json/schema",
        r#"{"start_year":2021,"consistent":false}"#,
    )
    .is_empty());
    for (capability, args) in cases {
        let (request, alone, code) = cli_pair(&d, &args);
        let reply = server.post(&format!("/api/v1/{capability}"), &request);
        assert_eq!(reply.status, 200, "{capability}: {reply:?}");
        // The request and the answer are what the OpenAPI document says they are.
        let at = format!("/paths/~1api~1v1~1{capability}/post");
        conforms(
            &document,
            &format!("{at}/requestBody/content/application~1json/schema"),
            &request,
        );
        conforms(
            &document,
            &format!("{at}/responses/200/content/application~1json/schema"),
            &reply.body,
        );
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.body, alone, "{capability}");
        // A result the command line flags with exit 3 is flagged in a header.
        assert_eq!(
            reply.header("hallyu-problem").is_some(),
            code == 3,
            "{capability}: exit {code}, {reply:?}"
        );
    }
    // A claim and a series have no command of their own: `hallyu run` is the reference.
    for (capability, request) in [
        (
            "claim",
            r#"{"capability":"claim","version":1,"statement":"x","check":{"kind":"share","part":"890.2","whole":"2817","pct":"31.6"}}"#,
        ),
        (
            "series",
            r#"{"version":1,"name":"kr_content_industry_exports","column":"exports_usd_bn","filter":{"sector":"total"}}"#,
        ),
    ] {
        let reply = server.post(&format!("/api/v1/{capability}"), request);
        assert_eq!(reply.status, 200, "{capability}: {reply:?}");
        let mut tagged: serde_json::Value = serde_json::from_str(request).expect("json");
        tagged["capability"] = capability.into();
        d.write("request.json", tagged.to_string());
        let alone = d
            .hallyu(["run", "request.json", "--format", "json", "-q"])
            .run_ok();
        assert_eq!(reply.body, alone.stdout, "{capability}");
    }
    // Reference look-ups as GETs.
    let (_, blocs, _) = cli_pair(&d, &["data", "blocs", "--year", "2006"]);
    let reply = server.get("/api/v1/reference/blocs?year=2006");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body, blocs);
    let health = server.get("/api/v1/health").json();
    assert_eq!(health["status"], "ok");
}

/// Bad JSON 400, unknown fields and wrong values 422 naming them, unknown paths 404, a body
/// over the limit 413, capabilities that write files 403: each as problem+json.
#[test]
fn errors_are_problems_with_the_right_status() {
    let d = Dir::new();
    let server = Server::start(d.path(), &[]);
    let detail = server
        .post("/api/v1/indicators", "{not json")
        .problem(400, "input");
    assert!(detail.contains("not JSON"), "{detail}");
    let detail = server
        .post(
            "/api/v1/indicators",
            r#"{"version":1,"subject":"KOR","colour":"red"}"#,
        )
        .problem(422, "input");
    assert!(detail.contains("unknown field `colour`"), "{detail}");
    let detail = server
        .post(
            "/api/v1/indicators",
            r#"{"capability":"fit","version":1,"subject":"KOR"}"#,
        )
        .problem(422, "input");
    assert!(detail.contains("not this endpoint"), "{detail}");
    // A library error keeps its category and message (the nearest valid name).
    let detail = server
        .post("/api/v1/indicators", r#"{"version":1,"subject":"KRO"}"#)
        .problem(422, "input");
    assert!(detail.contains("KOR"), "{detail}");
    let detail = server.get("/api/v1/nothing/here").problem(404, "not_found");
    assert!(detail.contains("/api/v1/"), "{detail}");
    let detail = server
        .post("/api/v1/indicatros", "{}")
        .problem(404, "not_found");
    assert!(detail.contains("did you mean `indicators`?"), "{detail}");
    server
        .post("/api/v1/ingest", r#"{"version":1}"#)
        .problem(403, "forbidden");
    let big = format!(
        r#"{{"version":1,"subject":"KOR","partner":"{}"}}"#,
        "x".repeat(2 << 20)
    );
    server
        .post("/api/v1/indicators", &big)
        .problem(413, "too_large");
    let detail = server
        .post("/api/v1/report", r#"{"version":1,"draws":100000000}"#)
        .problem(422, "input");
    assert!(detail.contains("draws"), "{detail}");
    // Data over the rows limit is refused before any computation on it.
    drop(server);
    let small = Server::start(d.path(), &["--max-rows", "50000"]);
    let detail = small
        .post(
            "/api/v1/fit",
            r#"{"version":1,"estimator":"fepois","formulas":["trade ~ rta | exporter + importer"]}"#,
        )
        .problem(422, "input");
    assert!(
        detail.contains("99981 rows, over the limit of 50000"),
        "{detail}"
    );
}

/// Files are read under the data root only; without a root, requests naming files are
/// refused.
#[test]
fn paths_stay_under_the_data_root() {
    let d = Dir::new();
    std::fs::create_dir_all(d.join("root")).expect("a folder");
    d.export_agtpa("root/panel.csv");
    let server = Server::start(d.path(), &["--data-root", "root"]);
    let fit = |path: &str| {
        format!(
            r#"{{"version":1,"estimator":"fepois","formulas":["trade ~ log(dist) | exporter + importer"],"data":{{"kind":"file","path":"{path}"}},"where":"year == 2006 and exporter != importer"}}"#
        )
    };
    let ok = server.post("/api/v1/fit", &fit("panel.csv"));
    assert_eq!(ok.status, 200, "{ok:?}");
    for bad in ["../secret.csv", "/etc/passwd"] {
        server
            .post("/api/v1/fit", &fit(bad))
            .problem(403, "forbidden");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc", d.join("root/etc")).expect("a link");
        let detail = server
            .post("/api/v1/fit", &fit("etc/hostname"))
            .problem(403, "forbidden");
        assert!(detail.contains("link"), "{detail}");
    }
    // A missing file is the library's error, naming it as the client named it: where the
    // data root is on the server is not said.
    let detail = server
        .post("/api/v1/fit", &fit("missing.csv"))
        .problem(422, "data");
    assert!(detail.contains("missing.csv"), "{detail}");
    assert!(!detail.contains("root/"), "{detail}");
    assert!(
        !detail.contains(&d.path().display().to_string()),
        "{detail}"
    );
    drop(server);
    let no_root = Server::start(d.path(), &[]);
    no_root
        .post("/api/v1/fit", &fit("root/panel.csv"))
        .problem(403, "forbidden");
}

/// With a token every API request carries it; beyond loopback a token is required.
#[test]
fn tokens_guard_the_api_and_the_network() {
    let d = Dir::new();
    d.write("token", "s3cret\n");
    let server = Server::start(d.path(), &["--token-file", "token"]);
    server.get("/api/v1/health").problem(401, "unauthorized");
    let ok = server.request(
        "GET",
        "/api/v1/health",
        &[("Authorization", "Bearer s3cret")],
        b"",
    );
    assert_eq!(ok.status, 200, "{ok:?}");
    let wrong = server.request(
        "GET",
        "/api/v1/health",
        &[("Authorization", "Bearer s3cre")],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let refused = d
        .hallyu(["serve", "--host", "0.0.0.0", "--port", "0"])
        .output();
    assert_eq!(refused.code, Some(2), "{refused}");
    assert!(refused.stderr.contains("token"), "{refused}");
}

/// The dashboard at `/`: the page under a policy that keeps it to its own server, its
/// script and style sheet with their types; any other file is a 404 problem. The files need
/// no token (the page asks for it), the API still does.
#[test]
fn the_dashboard_is_served_with_its_policy() {
    let d = Dir::new();
    let server = Server::start(d.path(), &[]);
    let page = server.get("/");
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.starts_with("<!DOCTYPE html>"), "{page:?}");
    assert!(page.body.contains("<script src=\"/app.js\""), "{page:?}");
    let policy = page.header("content-security-policy").expect("a policy");
    assert!(policy.starts_with("default-src 'self';"), "{policy}");
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.contains("style-src 'self' 'sha256-"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe"), "{policy}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    for (path, kind, inside) in [
        ("/app.js", "text/javascript; charset=utf-8", "'use strict';"),
        ("/app.css", "text/css; charset=utf-8", ".tabs"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.header("content-type"), Some(kind), "{path}");
        assert!(r.body.contains(inside), "{path}: {r:?}");
    }
    for missing in [
        "/app.mjs",
        "/index.html/x",
        "/assets/app.js",
        "/../Cargo.toml",
    ] {
        let detail = server.get(missing).problem(404, "not_found");
        assert!(
            detail.contains("the dashboard is at /"),
            "{missing}: {detail}"
        );
    }
    let posted = server.post("/", "{}");
    assert_eq!(posted.status, 405, "{posted:?}");

    d.write("token", "s3cret\n");
    let guarded = Server::start(d.path(), &["--token-file", "token"]);
    assert_eq!(guarded.get("/").status, 200);
    assert_eq!(guarded.get("/app.js").status, 200);
    guarded
        .get("/api/v1/reference/blocs")
        .problem(401, "unauthorized");
}

/// With every worker busy a direct request waits its turn (jobs past the limit get 429:
/// see the jobs test), and the server stops on SIGTERM.
#[test]
fn a_busy_server_queues_direct_requests_and_stops_on_sigterm() {
    let d = Dir::new();
    let mut server = Server::start(d.path(), &["--max-jobs", "1"]);
    let scenario = example("kor_asean_rta.toml");
    let (slow, _, _) = cli_pair(&d, &["simulate", &scenario, "--draws", "200"]);
    let addr = server.addr.clone();
    let first = std::thread::spawn(move || {
        http(
            &addr,
            "POST",
            "/api/v1/scenario",
            &[("Content-Type", "application/json")],
            slow.as_bytes(),
        )
    });
    std::thread::sleep(Duration::from_millis(500));
    let waited = server.post(
        "/api/v1/projection",
        r#"{"version":1,"start_year":2021,"start_value":"8.1","end_year":2031,"cagr_pct":"7.3"}"#,
    );
    assert_eq!(waited.status, 200, "{waited:?}");
    assert_eq!(first.join().expect("the first request").status, 200);
    #[cfg(unix)]
    {
        let pid = server.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        let mut waited = 0;
        let status = loop {
            if let Some(s) = server.child.try_wait().expect("wait") {
                break s;
            }
            assert!(waited < 100, "the server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
            waited += 1;
        };
        assert!(status.success(), "{status:?}");
    }
}

/// The status lines of a server-sent event stream.
fn events(body: &str) -> Vec<serde_json::Value> {
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|d| serde_json::from_str(d.trim()).expect("an event is JSON"))
        .collect()
}

/// Long work as a job: 202 with its place, progress as server-sent events, the result as
/// `hallyu run` gives it; a full queue says when to retry; a cancelled job (by DELETE or by
/// a client leaving its event stream) stops and frees its worker.
#[test]
fn long_work_runs_as_a_job_that_can_be_cancelled() {
    let d = Dir::new();
    let server = Server::start(d.path(), &["--max-jobs", "1"]);
    let scenario = example("kor_asean_rta.toml");
    let (request, alone, _) = cli_pair(&d, &["simulate", &scenario, "--draws", "20"]);
    let submitted = server.post("/api/v1/jobs", &request);
    assert_eq!(submitted.status, 202, "{submitted:?}");
    let id = submitted.json()["id"].as_u64().expect("an id");
    assert_eq!(
        submitted.header("location"),
        Some(format!("/api/v1/jobs/{id}").as_str())
    );
    let stream = server.get(&format!("/api/v1/jobs/{id}/events"));
    assert_eq!(
        stream.header("content-type"),
        Some("text/event-stream"),
        "{stream:?}"
    );
    let seen = events(&stream.body);
    assert_eq!(seen.last().expect("events")["state"], "done", "{seen:?}");
    assert!(
        seen.iter().any(|e| e["stage"].is_string()),
        "progress was reported: {seen:?}"
    );
    let result = server.get(&format!("/api/v1/jobs/{id}/result"));
    assert_eq!(result.status, 200, "{result:?}");
    assert_eq!(result.body, alone);
    let html = server.get(&format!("/api/v1/jobs/{id}/result?format=html"));
    assert!(html.body.starts_with("<!DOCTYPE html>"), "{html:?}");

    // A slow job fills the queue; the next submission is told when to retry.
    let (slow, _, _) = cli_pair(&d, &["simulate", &scenario, "--draws", "1000"]);
    let slow_id = server.post("/api/v1/jobs", &slow).json()["id"]
        .as_u64()
        .expect("an id");
    let full = server.post("/api/v1/jobs", &slow);
    full.problem(429, "busy");
    assert!(full.header("retry-after").is_some());
    let pending = server.get(&format!("/api/v1/jobs/{slow_id}/result"));
    assert_eq!(pending.status, 409, "{pending:?}");
    let cancelled = server.request("DELETE", &format!("/api/v1/jobs/{slow_id}"), &[], b"");
    assert_eq!(cancelled.json()["state"], "cancelled");
    // The work stops: its worker serves a new computation within seconds.
    let quick =
        r#"{"version":1,"start_year":2021,"start_value":"8.1","end_year":2031,"cagr_pct":"7.3"}"#;
    let mut waited = 0;
    while server.post("/api/v1/projection", quick).status == 429 {
        assert!(waited < 100, "the cancelled job kept its worker");
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    }

    // A client that leaves the event stream cancels its job.
    let left_id = server.post("/api/v1/jobs", &slow).json()["id"]
        .as_u64()
        .expect("an id");
    {
        let mut s = TcpStream::connect(&server.addr).expect("connect");
        write!(
            s,
            "GET /api/v1/jobs/{left_id}/events HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        .expect("sent");
        let mut first = [0u8; 256];
        let _ = s.read(&mut first).expect("the first event");
    }
    let mut waited = 0;
    loop {
        let state = server.get(&format!("/api/v1/jobs/{left_id}")).json()["state"].clone();
        if state == "cancelled" {
            break;
        }
        assert!(waited < 50, "still {state} after the client left");
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    }
}
