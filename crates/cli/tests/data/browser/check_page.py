#!/usr/bin/env python3
"""Open HTML pages in headless Chromium and report what a reader would see wrong.

Each page is opened as file:// in three views: a desktop window, a phone-sized one, and
print media at the printable width of an A4 page. In each view it fails on:

- a console message of level SEVERE (a script error, a resource that does not load);
- a chart (``svg[role=img]``) with no drawn mark: an element of class ``mark`` (the
  renderer gives every plotted value's mark that class) that is visible, of non-zero size
  and inside the drawing; at the desktop size the marks are also hidden and the page
  photographed again, and a chart whose pixels do not change has drawn nothing;
- an element whose content is wider than its box (scrollWidth > clientWidth + 1 px),
  unless it is, or sits in, a box that scrolls sideways on purpose (overflow-x auto or
  scroll); the page itself wider than the window; a chart wider than the printed page;
- SVG text that leaves its drawing's viewBox, and SVG labels that overlap each other;
- a blank page: the full-page screenshot has almost no pixel that differs from its
  background.

The boxes that scroll sideways on purpose, and have something to scroll, are listed under
each view's ``scrolled`` (not a problem: what a reader has to scroll to see).

Full-page screenshots of every view go to ``--screenshots`` (``<name>-desktop.png``,
``<name>-phone.png``, ``<name>-print.png``). The result is JSON on stdout (every page, its
charts and each problem with the element's selector, section and text) and a summary on
stderr.

Exit status: 0 no problem, 1 problems found, 2 bad arguments or a page that cannot be read,
3 the browser cannot be used here (selenium, Pillow, chromium or chromedriver missing, or
the browser does not start); the JSON then says why under ``unavailable``.

Needs Python 3.9+, ``selenium`` 4 and ``Pillow``, Debian's ``chromium`` and
``chromium-driver``. The driver's path is passed explicitly, so selenium never goes to the
network to find one.
"""

import argparse
import io
import json
import os
import shutil
import sys
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3

# Width of an A4 sheet in CSS pixels (210 mm at 96 px per inch).
A4_WIDTH_PX = 210 / 25.4 * 96
# Chromium's page margin when the page's CSS sets none (0.4 in).
DEFAULT_PRINT_MARGIN_PX = 0.4 * 96
# A pixel is ink when a channel differs from the background by more than this.
INK_THRESHOLD = 48
# Below this fraction of ink pixels a page counts as blank.
BLANK_FRACTION = 0.0005
# A chart's marks must change at least this many pixels of its screenshot.
MIN_MARK_PIXELS = 4

# The DOM checks of one view, run in the page: returns the charts found and the problems.
CHECKS_JS = r"""
const tol = 1;
const problems = [];
const svgNs = 'http://www.w3.org/2000/svg';

function selector(el) {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
    let part = e.localName;
    if (e.id) { parts.unshift(part + '#' + e.id); break; }
    const cls = (e.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean);
    if (cls.length) part += '.' + cls.join('.');
    const parent = e.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter(c => c.localName === e.localName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    }
    parts.unshift(part);
  }
  return parts.join(' > ');
}
function section(el) {
  const s = el.closest('section');
  const h = s && s.querySelector('h2');
  return h ? h.textContent.trim() : null;
}
function text(el) {
  const t = (el.getAttribute && el.getAttribute('aria-label')) || el.textContent || '';
  return t.trim().replace(/\s+/g, ' ').slice(0, 120);
}
function problem(kind, el, detail) {
  problems.push({kind, selector: el ? selector(el) : null, section: el ? section(el) : null,
                 text: el ? text(el) : null, detail});
}
function scrollsSideways(el) {
  for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
    const o = getComputedStyle(e).overflowX;
    if (o === 'auto' || o === 'scroll') return true;
  }
  return false;
}
function visible(el) {
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
  }
  return true;
}
// The rectangle, in client pixels, where an svg draws its viewBox (preserveAspectRatio
// xMidYMid meet, the default).
function viewBoxRect(svg) {
  const r = svg.getBoundingClientRect();
  const vb = svg.viewBox && svg.viewBox.baseVal;
  if (!vb || !(vb.width > 0) || !(vb.height > 0)) return r;
  const k = Math.min(r.width / vb.width, r.height / vb.height);
  const w = vb.width * k, h = vb.height * k;
  const left = r.left + (r.width - w) / 2, top = r.top + (r.height - h) / 2;
  return {left, top, right: left + w, bottom: top + h, width: w, height: h};
}

// Page-level overflow: the page wider than the window.
const pageWidth = document.documentElement.scrollWidth;
if (pageWidth > window.innerWidth + tol) {
  problem('page-overflow', null,
          `the page is ${pageWidth} px wide in a window of ${window.innerWidth} px`);
}

// Boxes whose content is wider than they are; only the innermost of nested ones.
const over = [];
for (const el of document.body.querySelectorAll('*')) {
  if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
  const s = getComputedStyle(el);
  if (s.display === 'none' || s.display === 'inline' || s.display === 'contents') continue;
  if (el.clientWidth === 0) continue;
  if (el.scrollWidth > el.clientWidth + tol && !scrollsSideways(el)) over.push(el);
}
for (const el of over) {
  if (over.some(o => o !== el && el.contains(o))) continue;
  problem('text-overflow', el,
          `content ${el.scrollWidth} px wide in a box of ${el.clientWidth} px`);
}

// Every svg: its text inside its viewBox, its labels apart.
for (const svg of document.querySelectorAll('svg')) {
  if (!visible(svg)) continue;
  const vb = viewBoxRect(svg);
  const boxes = [];
  for (const t of svg.querySelectorAll('text')) {
    const r = t.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const out = Math.max(vb.left - r.left, r.right - vb.right, vb.top - r.top, r.bottom - vb.bottom);
    if (out > tol) {
      problem('svg-text-outside', t,
              `leaves the drawing of "${text(svg)}" by ${out.toFixed(1)} px`);
    }
    boxes.push([t, r]);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w <= tol || h <= tol) continue;
      const smaller = Math.min(ra.width * ra.height, rb.width * rb.height);
      if (w * h > 0.15 * smaller) {
        problem('svg-text-overlap', a,
                `overlaps "${text(b)}" (${w.toFixed(1)} x ${h.toFixed(1)} px) in "${text(svg)}"`);
      }
    }
  }
}

// Charts: each has a drawn mark, and fits across the window.
const charts = [];
for (const svg of document.querySelectorAll('svg[role=img]')) {
  const box = svg.getBoundingClientRect();
  let drawn = 0;
  for (const m of svg.querySelectorAll('.mark')) {
    const r = m.getBoundingClientRect();
    if (!(r.width > 0 || r.height > 0) || !visible(m)) continue;
    if (r.right < box.left || r.left > box.right || r.bottom < box.top || r.top > box.bottom) continue;
    drawn++;
  }
  charts.push({title: text(svg), selector: selector(svg), marks: drawn,
               rect: {x: box.left + window.scrollX, y: box.top + window.scrollY,
                      width: box.width, height: box.height}});
  if (drawn === 0) problem('empty-chart', svg, 'no drawn mark (element of class "mark")');
  if (box.width === 0 || box.height === 0) problem('chart-not-shown', svg, 'the chart has no size');
  if (box.right > window.innerWidth + tol || box.left < -tol) {
    problem('chart-cut', svg,
            `spans ${box.left.toFixed(0)}..${box.right.toFixed(0)} px in a width of ${window.innerWidth} px`);
  }
}
// Boxes that scroll sideways on purpose, and do: not a problem, but what a reader must
// scroll to see.
const scrolled = [];
for (const el of document.body.querySelectorAll('*')) {
  const o = getComputedStyle(el).overflowX;
  if ((o === 'auto' || o === 'scroll') && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + tol) {
    scrolled.push({selector: selector(el), section: section(el), text: text(el),
                   scroll_width: el.scrollWidth, client_width: el.clientWidth});
  }
}
return {charts, problems, scrolled};
"""

# The page's own @page margins (left, right), in px, if its style sheets set them.
PAGE_MARGINS_JS = r"""
const px = v => {
  const m = /^(-?[\d.]+)(px|mm|cm|in|pt|pc|q)?$/.exec((v || '').trim());
  if (!m) return null;
  const k = {px: 1, mm: 96 / 25.4, cm: 96 / 2.54, in: 96, pt: 96 / 72, pc: 16, q: 96 / 101.6};
  return parseFloat(m[1]) * k[m[2] || 'px'];
};
let found = null;
const walk = rules => {
  for (const r of rules) {
    if (r.type === CSSRule.PAGE_RULE) {
      const l = px(r.style.marginLeft), rt = px(r.style.marginRight);
      if (l !== null && rt !== null) found = [l, rt];
    } else if (r.cssRules) {
      walk(r.cssRules);
    }
  }
};
for (const s of document.styleSheets) { try { walk(s.cssRules); } catch (e) {} }
return found;
"""


class Unavailable(Exception):
    """The browser cannot be used here; says why."""


def parse_size(text):
    """`WIDTHxHEIGHT` as two positive integers of at most 10000 px."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1280x900, got {text!r}")
    if not (0 < w <= 10000 and 0 < h <= 10000):
        raise argparse.ArgumentTypeError(f"a size between 1 and 10000 px, got {text!r}")
    return w, h


def find_program(explicit, env, candidates):
    """The first existing program: the explicit path, the environment's, then candidates."""
    for p in [explicit, os.environ.get(env)]:
        if p:
            return p if Path(p).is_file() else None
    for c in candidates:
        found = shutil.which(c) if "/" not in c else (c if Path(c).is_file() else None)
        if found:
            return found
    return None


def start_browser(args):
    """A headless Chromium session, or `Unavailable` saying what is missing."""
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
    chromium = find_program(
        args.chromium, "HALLYU_CHROMIUM",
        ["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"])
    if chromium is None:
        raise Unavailable("chromium is not installed (Debian package chromium)")
    driver_path = find_program(
        args.chromedriver, "HALLYU_CHROMEDRIVER", ["/usr/bin/chromedriver", "chromedriver"])
    if driver_path is None:
        raise Unavailable("chromedriver is not installed (Debian package chromium-driver)")
    # Never let selenium-manager look for a driver on the network.
    os.environ["SE_OFFLINE"] = "true"
    options = Options()
    options.binary_location = chromium
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--hide-scrollbars", "--force-device-scale-factor=1", "--no-first-run",
              "--disable-extensions", "--mute-audio"]:
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as e:  # any failure to start means no browser to test with
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise Unavailable(f"chromium ({chromium}) does not start with {driver_path}: {first}")


def set_view(driver, width, height, media):
    # Not a mobile emulation: a mobile viewport zooms out to fit a page wider than the
    # phone, which would hide the very overflow the checks look for.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})


def screenshot(driver):
    """The whole page (beyond the window) as a Pillow image, and its PNG bytes."""
    import base64
    from PIL import Image
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    png = base64.b64decode(shot["data"])
    return Image.open(io.BytesIO(png)).convert("RGB"), png


def ink(image, background=None):
    """Fraction of the pixels that differ from the background (its commonest colour)."""
    from PIL import Image, ImageChops
    if background is None:
        colours = image.getcolors(maxcolors=image.width * image.height)
        background = max(colours)[1]
    diff = ImageChops.difference(image, Image.new("RGB", image.size, background)).convert("L")
    marked = diff.point(lambda v: 255 if v > INK_THRESHOLD else 0).histogram()[255]
    return marked / max(1, image.width * image.height)


def changed_pixels(a, b, rect):
    """Pixels of `rect` (document coordinates) that differ between two screenshots."""
    from PIL import ImageChops
    box = (int(rect["x"]), int(rect["y"]),
           int(rect["x"] + rect["width"] + 0.999), int(rect["y"] + rect["height"] + 0.999))
    box = (max(0, box[0]), max(0, box[1]), min(a.width, b.width, box[2]),
           min(a.height, b.height, box[3]))
    if box[2] <= box[0] or box[3] <= box[1]:
        return 0
    diff = ImageChops.difference(a.crop(box), b.crop(box)).convert("L")
    return diff.point(lambda v: 255 if v > 24 else 0).histogram()[255]


def console_errors(driver):
    """The SEVERE messages logged since the last call."""
    return [e.get("message", "") for e in driver.get_log("browser")
            if e.get("level") == "SEVERE"]


def print_width(driver):
    """The printable width of an A4 page under the page's own @page margins."""
    margins = driver.execute_script(PAGE_MARGINS_JS)
    left, right = margins if margins else (DEFAULT_PRINT_MARGIN_PX, DEFAULT_PRINT_MARGIN_PX)
    return max(100, int(A4_WIDTH_PX - left - right))


def check_page(driver, path, args, shots):
    """Every view of one page: its charts, screenshots and problems."""
    url = path.resolve().as_uri()
    name = path.stem
    result = {"file": str(path), "views": [], "problems": []}
    seen_console = set()

    def add(view, p):
        p = dict(p, view=view)
        result["problems"].append(p)

    views = [("desktop", args.desktop, "screen"), ("phone", args.phone, "screen")]
    # The print view's width comes from the page's @page rule, read once it is loaded.
    views.append(("print", None, "print"))
    for view, size, media in views:
        if size is None:
            width, height = print_width(driver), args.desktop[1]
        else:
            width, height = size
        set_view(driver, width, height, media)
        driver.get(url)
        for msg in console_errors(driver):
            if msg not in seen_console:
                seen_console.add(msg)
                add(view, {"kind": "console-error", "selector": None, "section": None,
                           "text": None, "detail": msg})
        found = driver.execute_script(CHECKS_JS)
        for p in found["problems"]:
            add(view, p)
        image, png = screenshot(driver)
        fraction = ink(image)
        shot_path = None
        if shots is not None:
            shot_path = shots / f"{name}-{view}.png"
            shot_path.write_bytes(png)
        if fraction < BLANK_FRACTION:
            add(view, {"kind": "blank-page", "selector": None, "section": None, "text": None,
                       "detail": f"only {fraction:.4%} of the {image.width}x{image.height} "
                                 "screenshot differs from the background"})
        charts = found["charts"]
        if view == "desktop" and charts:
            # Photograph the page again without its marks: a chart whose pixels do not
            # change drew nothing a reader can see.
            driver.execute_script(
                "const s = document.createElement('style');"
                "s.textContent = '.mark{visibility:hidden !important}';"
                "document.head.appendChild(s);")
            bare, _ = screenshot(driver)
            for c in charts:
                c["mark_pixels"] = changed_pixels(image, bare, c["rect"])
                if c["marks"] > 0 and c["mark_pixels"] < MIN_MARK_PIXELS:
                    add(view, {"kind": "empty-chart", "selector": c["selector"], "section": None,
                               "text": c["title"],
                               "detail": f"{c['marks']} marks, but they change only "
                                         f"{c['mark_pixels']} pixels of the screenshot"})
        result["views"].append({
            "view": view, "width": width, "height": height, "media": media,
            "charts": charts, "scrolled": found["scrolled"], "ink": round(fraction, 5),
            "screenshot": str(shot_path) if shot_path else None,
            "page_size": [image.width, image.height]})
    return result


def summary(results):
    lines = []
    for r in results:
        views = ", ".join(
            f"{v['view']} {v['width']}x{v['height']}: {len(v['charts'])} charts, "
            f"{sum(c['marks'] for c in v['charts'])} marks, {len(v['scrolled'])} boxes scroll "
            f"sideways, page {v['page_size'][0]}x{v['page_size'][1]}"
            for v in r["views"])
        lines.append(f"{r['file']}: {views}")
        for p in r["problems"]:
            where = p.get("selector") or "page"
            sec = f" [section: {p['section']}]" if p.get("section") else ""
            txt = f" {p['text']!r}" if p.get("text") else ""
            lines.append(f"  {p['view']}: {p['kind']}: {where}{sec}{txt}: {p['detail']}")
        if not r["problems"]:
            lines.append("  no problem")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", type=Path, help="HTML files to check")
    parser.add_argument("--desktop", type=parse_size, default=(1280, 900),
                        help="desktop window, WIDTHxHEIGHT (default 1280x900)")
    parser.add_argument("--phone", type=parse_size, default=(390, 844),
                        help="phone window, WIDTHxHEIGHT (default 390x844)")
    parser.add_argument("--screenshots", type=Path, help="folder for the PNG screenshots")
    parser.add_argument("--chromium", help="the Chromium binary (default: /usr/bin/chromium)")
    parser.add_argument("--chromedriver",
                        help="the chromedriver binary (default: /usr/bin/chromedriver)")
    args = parser.parse_args(argv)
    for p in args.pages:
        if not p.is_file():
            print(json.dumps({"error": f"{p}: no such file"}))
            print(f"error: {p}: no such file", file=sys.stderr)
            return EXIT_USAGE
    shots = args.screenshots
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    try:
        driver = start_browser(args)
    except Unavailable as e:
        print(json.dumps({"unavailable": str(e)}))
        print(f"unavailable: {e}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    # A page that never finishes loading is a failure, not a hang.
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        results = [check_page(driver, p, args, shots) for p in args.pages]
    finally:
        driver.quit()
    problems = [dict(p, file=r["file"]) for r in results for p in r["problems"]]
    print(json.dumps({"pages": results, "problems": problems}, indent=1))
    print(summary(results), file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
