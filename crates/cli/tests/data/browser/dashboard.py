#!/usr/bin/env python3
"""Drives the dashboard of a running `hallyu serve` in headless Chromium, end to end.

Opens the dashboard, runs the indicators of KOR with ASEAN (a chart with drawn marks in the
result frame), opens the report of the same choices in a new tab, fits the Advanced Guide's
RTA specification (rta = 0.557), runs the KOR-ASEAN scenario with a few draws (progress
seen, then the effects table), saves each result as JSON and CSV (read back and checked),
cancels a long scenario, shows an API error in its panel, and does it again at a phone's
size. With --token it types the token where the page asks for it, once. Fails on any console
error (SEVERE, CSP violations included), any request answered with an error status or that
failed, and a page wider than the phone. Prints one JSON object on stdout (the steps, what
each saw, the problems) and a summary on stderr.

Exit status: 0 no problem, 1 problems, 2 usage, 3 the browser cannot run here (missing
chromium, chromedriver, selenium or Pillow).
"""

import argparse
import base64
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_page import (  # noqa: E402  (the checker of the HTML pages, next to this file)
    EXIT_OK, EXIT_PROBLEMS, EXIT_UNAVAILABLE, Unavailable, find_program, parse_size)

# Seconds to wait for one step (a fit on the embedded panel takes seconds in a debug build).
STEP_TIMEOUT = 180

# Records every text of the status lines and every value of the progress bar, so that
# progress shown for a moment is not missed between two polls.
RECORD_JS = r"""
window.__seen = {status: [], progress: []};
const watch = (id, key, read) => {
  const el = document.getElementById(id);
  new MutationObserver(() => window.__seen[key].push(read(el)))
    .observe(el, {attributes: true, childList: true, characterData: true, subtree: true});
};
watch('sc-status', 'status', (el) => el.textContent);
watch('grav-progress', 'status', (el) => el.textContent);
watch('sc-progress', 'progress', (el) => ({hidden: el.hidden, value: el.hasAttribute('value') ? el.value : null, max: el.max}));
"""

# Keeps what the page saves (the blobs given to URL.createObjectURL, with the file names of
# the links that save them), so that downloads can be read back.
CAPTURE_JS = r"""
window.__saved = [];
if (!window.__capturing) {
  window.__capturing = true;
  const create = URL.createObjectURL.bind(URL);
  const blobs = new Map();
  URL.createObjectURL = (blob) => { const url = create(blob); blobs.set(url, blob); return url; };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (this.download && blobs.has(this.href)) {
      window.__saved.push({name: this.download, blob: blobs.get(this.href)});
      return;  // read here rather than written to the disk
    }
    return click.call(this);
  };
}
"""

# The saved files once there are two: [{name, text}], else null.
READ_CAPTURED_JS = r"""
const done = arguments[arguments.length - 1];
if (window.__saved.length < 2) { done(null); return; }
Promise.all(window.__saved.map(async (f) => ({name: f.name, text: await f.blob.text()})))
  .then(done, () => done(null));
"""

# What a result frame holds: its charts with their marks, its tables' text.
FRAME_JS = r"""
const frame = document.getElementById(arguments[0]);
if (!frame || frame.hidden) return null;
const doc = frame.contentDocument;
if (!doc || !doc.body || !doc.querySelector('main')) return null;
const charts = [...doc.querySelectorAll('svg[role=img]')].map((svg) => {
  const r = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('.mark')].filter((m) => {
    const b = m.getBBox ? m.getBBox() : {width: 0, height: 0};
    return b.width > 0 || b.height > 0;
  });
  return {label: svg.getAttribute('aria-label'), marks: marks.length, width: r.width, height: r.height};
});
const rows = [...doc.querySelectorAll('tbody tr')].map((tr) =>
  [...tr.children].map((c) => c.textContent.trim()));
return {charts, rows, tables: doc.querySelectorAll('table').length,
        title: doc.title, frame_height: frame.getBoundingClientRect().height};
"""


def start_browser(args):
    """Headless Chromium with its console and network logged, or `Unavailable`."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        raise Unavailable(f"the Python package selenium is not installed ({e})")
    try:
        import PIL  # noqa: F401
    except ImportError as e:
        raise Unavailable(f"the Python package Pillow is not installed ({e})")
    chromium = find_program(args.chromium, "HALLYU_CHROMIUM",
                            ["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"])
    if chromium is None:
        raise Unavailable("chromium is not installed (Debian package chromium)")
    driver_path = find_program(args.chromedriver, "HALLYU_CHROMEDRIVER",
                               ["/usr/bin/chromedriver", "chromedriver"])
    if driver_path is None:
        raise Unavailable("chromedriver is not installed (Debian package chromium-driver)")
    import os
    os.environ["SE_OFFLINE"] = "true"
    options = Options()
    options.binary_location = chromium
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--hide-scrollbars", "--force-device-scale-factor=1", "--no-first-run",
              "--disable-extensions", "--mute-audio", "--window-size=1280,900"]:
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as e:  # any failure to start means no browser to test with
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise Unavailable(f"chromium ({chromium}) does not start with {driver_path}: {first}")


class Run:
    """One session on the dashboard: the driver, what it saw, the problems."""

    def __init__(self, driver, base, shots):
        self.driver = driver
        self.base = base.rstrip("/")
        self.shots = shots
        self.steps = []
        self.problems = []
        self.requests = {}
        # The data and product group of the indicators (default: the embedded panel, all).
        self.data = None
        self.group = None

    def problem(self, step, kind, detail):
        self.problems.append({"step": step, "kind": kind, "detail": detail})

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, step, what, predicate, timeout=STEP_TIMEOUT):
        """Polls `predicate` until it is truthy; records a problem and returns None on time out."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        self.problem(step, "timeout", f"waited {timeout} s for {what}")
        return None

    def error_text(self, prefix):
        return self.js(f"const e = document.getElementById('{prefix}-error');"
                       "return e && !e.hidden ? e.textContent : null;")

    def view(self, width, height):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def screenshot(self, name):
        if self.shots is None:
            return None
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                     "scale": 1}})
        path = self.shots / f"dashboard-{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return str(path)

    def open(self, step, token=None):
        """Loads the dashboard; with `token`, answers the page's question for it."""
        self.driver.get(self.base + "/")
        ready_js = ("return document.body.dataset.ready === 'true'"
                    " || !!document.querySelector('.error:not([hidden])');")
        asked_js = "return !document.getElementById('token-form').hidden;"
        first = self.wait(step, "the reference tables or the token form", lambda: (
            self.js(ready_js) and "ready" or self.js(asked_js) and "asked"))
        asked = 0
        if first == "asked":
            asked = 1
            if token is None:
                self.problem(step, "token-asked", "the page asks for a token though none is set")
                return False
            self.driver.find_element("id", "token").send_keys(token)
            self.click("token-save")
            # The requests sent before the token was known were refused: expected, once.
            self.wait(step, "the reference tables", lambda: self.js(ready_js))
            self.collect_logs(step, allow_status=(401,))
        elif token is not None:
            self.problem(step, "token-not-asked", "the server has a token but the page never asked")
        error = self.error_text("ind")
        if error:
            self.problem(step, "api-error", error)
        self.js(RECORD_JS)
        self.steps.append({"step": step, "token_asked": asked,
                           "screenshot": self.screenshot(step.split(":")[0] + "-open")})
        return bool(self.js(ready_js)) and not error

    def token_asked_again(self, step):
        if self.js("return !document.getElementById('token-form').hidden;"):
            self.problem(step, "token-asked-again", "the page asks for the token a second time")

    def choose(self, select_id, value):
        found = self.js(
            "const s = document.getElementById(arguments[0]);"
            "const o = [...s.options].find((o) => o.value === arguments[1]);"
            "if (!o) return false; s.value = arguments[1];"
            "s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            select_id, value)
        if not found:
            self.problem("choose", "missing-option", f"#{select_id} has no option {value!r}")

    def click(self, element_id):
        self.driver.find_element("id", element_id).click()

    def frame(self, frame_id):
        return self.js(FRAME_JS, frame_id)

    # ---- The steps ----

    def indicators(self, view):
        step = f"{view}: indicators KOR with asean"
        self.click("tab-indicators")
        self.choose("ind-country", "KOR")
        self.choose("ind-partner", "asean")
        if self.data:
            self.choose("ind-data", self.data)
        if self.group:
            self.choose("ind-group", self.group)
        self.js("document.getElementById('ind-result').hidden = true;")
        self.click("ind-run")
        seen = self.wait(step, "a chart in the result", lambda: (
            self.error_text("ind") or
            ((f := self.frame("ind-result")) and f["charts"] and f)))
        if isinstance(seen, str):
            self.problem(step, "api-error", seen)
            seen = None
        if seen:
            drawn = [c for c in seen["charts"] if c["marks"] > 0 and c["width"] > 0]
            if not drawn:
                self.problem(step, "empty-chart", f"no chart with drawn marks: {seen['charts']}")
        downloads = None
        if view == "desktop":
            downloads = self.downloads(step, "ind", lambda j: j.get("subject") == "KOR",
                                       "subject,")
        name = "-".join(x for x in [view, "indicators", self.data, self.group] if x)
        self.steps.append({"step": step, "frame": seen, "downloads": downloads,
                           "screenshot": self.screenshot(name)})

    def downloads(self, step, prefix, json_ok, csv_start):
        """Clicks Download JSON and Download CSV; the files saved must be the result's."""
        self.js(CAPTURE_JS)
        self.click(f"{prefix}-json")
        self.click(f"{prefix}-csv")
        files = self.wait(step, "two downloads", lambda: self.driver.execute_async_script(
            READ_CAPTURED_JS))
        if not files:
            return None
        kinds = sorted(f["name"].rsplit(".", 1)[-1] for f in files)
        if kinds != ["csv", "json"]:
            self.problem(step, "download", f"saved {[f['name'] for f in files]}")
        for f in files:
            if f["name"].endswith(".json"):
                try:
                    ok = json_ok(json.loads(f["text"]))
                except ValueError as e:
                    ok = False
                    self.problem(step, "download", f"{f['name']} is not JSON: {e}")
                if not ok:
                    self.problem(step, "download", f"{f['name']} is not the result: {f['text'][:200]}")
            elif not f["text"].startswith(csv_start):
                self.problem(step, "download", f"{f['name']} starts {f['text'][:80]!r}")
        return [{"name": f["name"], "bytes": len(f["text"])} for f in files]

    def report(self):
        """"Open the report" opens the report of the same choices in a new tab."""
        step = "desktop: open the report"
        home = self.driver.current_window_handle
        before = set(self.driver.window_handles)
        self.click("tab-indicators")
        self.click("ind-report")
        handle = self.wait(step, "a new tab", lambda: next(
            iter(set(self.driver.window_handles) - before), None))
        seen = None
        if handle:
            self.driver.switch_to.window(handle)
            seen = self.wait(step, "the report in the new tab", lambda: self.js(
                "const h = document.querySelector('main h1');"
                "if (!h) return null;"
                "const marks = [...document.querySelectorAll('svg[role=img] .mark')]"
                ".filter((m) => m.getBBox().width > 0 || m.getBBox().height > 0).length;"
                "return {title: h.textContent, url: location.protocol, marks,"
                " styled: getComputedStyle(document.querySelector('main')).maxWidth !== 'none'};"))
            if seen and (seen["marks"] == 0 or not seen["styled"]):
                self.problem(step, "bad-report", f"the report tab shows {seen}")
            self.driver.close()
            self.driver.switch_to.window(home)
        self.steps.append({"step": step, "report": seen})

    def gravity(self, view):
        step = f"{view}: gravity, the Guide's RTA specification"
        self.click("tab-gravity")
        self.click("grav-run")
        seen = self.wait(step, "the coefficient table", lambda: (
            self.error_text("grav") or
            ((f := self.frame("grav-result")) and f["tables"] and f)))
        if isinstance(seen, str):
            self.problem(step, "api-error", seen)
            seen = None
        rta = None
        if seen:
            rta = next((r[1] for r in seen["rows"] if len(r) > 1 and r[0] == "rta"), None)
            if rta is None or not rta.startswith("0.557"):
                self.problem(step, "wrong-estimate", f"rta reads {rta!r}, not 0.557")
        progress = self.js("return window.__seen.status.filter((s) => s.startsWith('Running') || s.startsWith('Queued'));")
        downloads = seen and self.downloads(
            step, "grav",
            lambda j: any(c.get("term") == "rta" for f in (j if isinstance(j, list) else [j])
                          for c in f.get("coefficients", [])),
            "model,estimator,formula,term,")
        self.steps.append({"step": step, "rta": rta, "progress_lines": len(progress),
                           "downloads": downloads,
                           "screenshot": self.screenshot(f"{view}-gravity")})

    def scenario(self, view, draws):
        step = f"{view}: scenario KOR with asean, {draws} draws"
        self.click("tab-scenario")
        self.js("window.__seen.status = []; window.__seen.progress = [];")
        self.driver.find_element("id", "sc-draws").clear()
        self.driver.find_element("id", "sc-draws").send_keys(str(draws))
        self.click("sc-run")
        seen = self.wait(step, "the effects table", lambda: (
            self.error_text("sc") or
            ((f := self.frame("sc-result")) and f["tables"] and f)))
        if isinstance(seen, str):
            self.problem(step, "api-error", seen)
            seen = None
        record = self.js("return window.__seen;")
        downloads = None
        if seen and view == "desktop":
            downloads = self.downloads(
                step, "sc", lambda j: j.get("draws") == draws and len(j.get("effects", [])) > 0,
                "country,measure,value,median,low,high")
        running = [s for s in record["status"] if s.startswith("Running")]
        drawn = [p for p in record["progress"] if not p["hidden"] and p["value"] not in (None, 0)
                 and p["value"] < p["max"]]
        if not running:
            self.problem(step, "no-progress", f"no running status seen: {record['status']}")
        if draws > 1 and not drawn:
            self.problem(step, "no-progress", f"the progress bar never moved: {record['progress']}")
        if seen and not seen["charts"]:
            self.problem(step, "no-chart", "the scenario's result has no chart")
        self.steps.append({"step": step, "frame": seen and {"tables": seen["tables"], "charts": seen["charts"], "rows": len(seen["rows"])},
                           "statuses": len(running), "progress_values": len(drawn),
                           "downloads": downloads,
                           "screenshot": self.screenshot(f"{view}-scenario")})

    def cancel(self):
        step = "desktop: cancel a long scenario"
        self.click("tab-scenario")
        self.driver.find_element("id", "sc-draws").clear()
        self.driver.find_element("id", "sc-draws").send_keys("1000")
        self.click("sc-run")
        if self.wait(step, "the job to run", lambda: self.js(
                "return !document.getElementById('sc-cancel').disabled;")):
            running = self.js("return document.getElementById('sc-status').textContent;")
            self.click("sc-cancel")
            said = self.wait(step, "the panel to say cancelled", lambda: self.js(
                "return document.getElementById('sc-status').textContent === 'Cancelled.';"),
                timeout=60)
            self.steps.append({"step": step, "cancelled": bool(said), "before": running,
                               "after": self.js("return document.getElementById('sc-status').textContent;")})

    def api_error(self):
        """A formula naming no column: the panel shows the API's detail."""
        step = "desktop: an API error shown in its panel"
        self.click("tab-gravity")
        self.driver.find_element("id", "grav-formula").clear()
        self.driver.find_element("id", "grav-formula").send_keys("trade ~ nosuchcolumn | exporter")
        self.click("grav-run")
        text = self.wait(step, "the error", lambda: self.error_text("grav"))
        if text and "nosuchcolumn" not in text:
            self.problem(step, "unclear-error", f"the error does not name the column: {text!r}")
        self.steps.append({"step": step, "error": text})

    def phone_fits(self, step):
        wide = self.js("return document.documentElement.scrollWidth - window.innerWidth;")
        if wide > 1:
            self.problem(step, "page-overflow", f"the page is {wide} px wider than the phone")

    # ---- What the browser logged ----

    def collect_logs(self, step, allow_status=()):
        """Console errors and failed requests since the last call."""
        for entry in self.driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                message = entry.get("message", "")
                if allow_status and any(f"status of {s}" in message for s in allow_status):
                    continue
                self.problem(step, "console-error", message)
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                self.requests[params["requestId"]] = params["request"]["url"]
            elif method == "Network.responseReceived":
                r = params["response"]
                if r.get("status", 0) >= 400 and r["status"] not in allow_status:
                    self.problem(step, "failed-request", f"{r['status']} {r['url']}")
            elif method == "Network.loadingFailed":
                url = self.requests.get(params["requestId"], "?")
                # Downloads end as aborted loads in a headless browser: not a failure.
                if params.get("canceled") or params.get("errorText") == "net::ERR_ABORTED":
                    continue
                self.problem(step, "failed-request", f"{params.get('errorText')} {url}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--screenshots", type=Path, help="folder for the PNG screenshots")
    parser.add_argument("--draws", type=int, default=10, help="draws of the scenario run")
    parser.add_argument("--desktop", type=parse_size, default=(1280, 900))
    parser.add_argument("--phone", type=parse_size, default=(390, 844))
    parser.add_argument("--token", help="the server's token, typed where the page asks for it")
    parser.add_argument("--only", choices=["indicators"],
                        help="only open the dashboard and run the indicators, on a desktop")
    parser.add_argument("--data", help="a dataset under the server's data root, for the indicators")
    parser.add_argument("--group", help="a product group, for the indicators")
    parser.add_argument("--chromium")
    parser.add_argument("--chromedriver")
    args = parser.parse_args(argv)
    if args.screenshots is not None:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    try:
        driver = start_browser(args)
    except Unavailable as e:
        print(json.dumps({"unavailable": str(e)}))
        print(f"unavailable: {e}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    run = Run(driver, args.url, args.screenshots)
    run.data, run.group = args.data, args.group
    try:
        run.view(*args.desktop)
        if run.open("desktop: open", args.token):
            run.indicators("desktop")
            if args.only != "indicators":
                run.report()
                run.gravity("desktop")
                run.scenario("desktop", args.draws)
                run.cancel()
            run.token_asked_again("desktop")
            run.collect_logs("desktop")
            if args.only != "indicators":
                run.api_error()
                # The failing fit may answer 422 somewhere along its way: that one is expected.
                run.collect_logs("desktop: an API error", allow_status=(422,))
        if args.only != "indicators":
            run.view(*args.phone)
            # The tab keeps the token: the page must not ask for it again.
            if run.open("phone: open"):
                run.phone_fits("phone: open")
                run.indicators("phone")
                run.phone_fits("phone: indicators")
                run.scenario("phone", args.draws)
                run.phone_fits("phone: scenario")
                run.collect_logs("phone")
    except Exception as e:  # a step that could not be driven is a failure, said plainly
        run.problem("driver", "exception", f"{type(e).__name__}: {e}")
    finally:
        driver.quit()
    print(json.dumps({"steps": run.steps, "problems": run.problems}, indent=1))
    for s in run.steps:
        print(f"{s['step']}: {json.dumps({k: v for k, v in s.items() if k not in ('step', 'frame')})}",
              file=sys.stderr)
    for p in run.problems:
        print(f"  problem: {p['step']}: {p['kind']}: {p['detail']}", file=sys.stderr)
    if not run.problems:
        print("  no problem", file=sys.stderr)
    return EXIT_PROBLEMS if run.problems else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
