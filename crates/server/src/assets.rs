//! The dashboard at `/`: one page, its script and its style sheet, embedded in the binary
//! so that the server needs no file and the page nothing from the network.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The page.
const INDEX_HTML: &str = include_str!("../assets/index.html");
/// Its script (plain ES2020, no framework).
const APP_JS: &str = include_str!("../assets/app.js");
/// Its style sheet.
const APP_CSS: &str = include_str!("../assets/app.css");

/// `GET /`: the dashboard.
pub(crate) async fn index() -> Response {
    asset(INDEX_HTML, "text/html; charset=utf-8")
}

/// `GET /app.js`.
pub(crate) async fn script() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

/// `GET /app.css`.
pub(crate) async fn style() -> Response {
    asset(APP_CSS, "text/css; charset=utf-8")
}

/// One embedded file with its type and the headers that keep the page to its own server.
fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(policy) = HeaderValue::from_str(crate::csp::policy()) {
        h.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // The files change with the binary: a browser asks again rather than keep an old script.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids the script looks up by name (`$('…')`).
    fn looked_up(script: &str) -> Vec<&str> {
        script
            .split("$('")
            .skip(1)
            .filter_map(|rest| rest.split_once("')").map(|(id, _)| id))
            .filter(|id| !id.contains(['$', '{', ' ']))
            .collect()
    }

    #[test]
    fn every_element_the_script_names_is_in_the_page() {
        let ids = looked_up(APP_JS);
        assert!(ids.len() > 20, "{ids:?}");
        let missing: Vec<&&str> = ids
            .iter()
            .filter(|id| !INDEX_HTML.contains(&format!("id=\"{id}\"")))
            .collect();
        assert!(missing.is_empty(), "not in index.html: {missing:?}");
    }

    #[test]
    fn every_control_has_a_label() {
        // Each input, select and textarea has an id that a <label for> names.
        let mut unlabelled = Vec::new();
        for tag in ["<input id=\"", "<select id=\"", "<textarea id=\""] {
            for rest in INDEX_HTML.split(tag).skip(1) {
                let id = rest.split('"').next().unwrap_or_default();
                if !INDEX_HTML.contains(&format!("<label for=\"{id}\"")) {
                    unlabelled.push(id.to_string());
                }
            }
        }
        assert!(unlabelled.is_empty(), "no label for {unlabelled:?}");
        assert!(INDEX_HTML.matches("<label for=").count() >= 15);
    }

    #[test]
    fn the_page_loads_nothing_from_elsewhere() {
        for (name, text) in [
            ("index.html", INDEX_HTML),
            ("app.js", APP_JS),
            ("app.css", APP_CSS),
        ] {
            for outside in ["http://", "https://", "//cdn", "@import", "eval("] {
                assert!(!text.contains(outside), "{name} holds {outside}");
            }
        }
        // Nothing inline for the policy to refuse.
        assert!(!INDEX_HTML.contains("<style") && !INDEX_HTML.contains(" style="));
        for handler in ["onclick=", "onload=", "onsubmit=", "onchange=", "oninput="] {
            assert!(!INDEX_HTML.contains(handler), "index.html holds {handler}");
        }
        assert!(INDEX_HTML
            .split("<script")
            .skip(1)
            .all(|tag| tag.starts_with(" src=")));
    }
}
