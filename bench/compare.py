"""hallyu vs pyfixest on the same files: PPML with exporter-year, importer-year and pair
fixed effects, standard errors clustered by pair.

Every measured run is a fresh process; its wall time is taken from outside (spawn to
exit) and its peak RSS is that process's own (GNU time's %M), so one run's memory never
leaks into another's. Runs of the two tools are interleaved and the median is reported.

Usually started by bench/run.sh, which builds hallyu and prepares bench/.venv; it can also
be run directly with a Python that has pyfixest:

    python bench/compare.py --sizes 1m,5m --runs 3
    python bench/compare.py --sizes book --runs 5
    python bench/compare.py --sizes 30x10 --runs 1      # any COUNTRIESxYEARS panel

Exit status: 0 when every comparison passed, 1 when a coefficient differs by more than
--coef-tol (relative), 2 when a run failed or a file could not be prepared.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "results"

# The synthetic panels: name -> (countries, years). Rows = countries^2 * years.
SYNTH_SIZES = {"1m": (200, 25), "5m": (500, 20)}
SYNTH_FML = "trade ~ rta | exporter^year + importer^year + pair"
SYNTH_CLUSTER = "pair"
# The Advanced Guide's RTA specification with pair fixed effects (Yotov et al. 2016, ch. 1).
BOOK_FML = "trade ~ rta | exp_year + imp_year + pair_id_2"
BOOK_CLUSTER = "pair_id"
BOOK_YEARS = (1986, 1990, 1994, 1998, 2002, 2006)


@dataclass
class Case:
    name: str
    data: Path
    fml: str
    cluster: str
    rows: int | None = None


@dataclass
class Run:
    ok: bool
    wall_s: float
    peak_rss_mb: float
    result: dict
    error: str = ""
    cpu_s: float = float("nan")


# ---------------------------------------------------------------------------------------
# Measuring one process


TIME_BIN = "/usr/bin/time"


def measure(cmd: list[str], env: dict[str, str], timeout: float) -> Run:
    """Runs `cmd` to completion; wall time from spawn to exit and the peak RSS of that
    process alone.

    The RSS comes from GNU time (`/usr/bin/time -f %M`). Reading ru_maxrss of the child
    straight from os.wait4() would be wrong: Linux carries the high-water RSS of the
    process image replaced by exec() into the new one, so a child forked from this Python
    (pandas loaded: ~200 MB) would never report less than its parent. GNU time is a ~2 MB
    launcher, so its floor is negligible. Without it, os.wait4() is the fallback and the
    figure is flagged as an upper bound.
    """
    use_time = os.access(TIME_BIN, os.X_OK)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        full = [TIME_BIN, "-f", "%M", "-o", rss.name, *cmd] if use_time else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=out, stderr=err, env=env, cwd=ROOT, start_new_session=True)
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, 9))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        rss_mb = usage.ru_maxrss / 1024  # Linux reports kilobytes
        # user + system CPU of the process and its waited-for descendants (GNU time's child)
        cpu = usage.ru_utime + usage.ru_stime
        if use_time:
            lines = rss.read().strip().splitlines()
            try:
                rss_mb = int(lines[-1]) / 1024
            except (IndexError, ValueError):
                rss_mb = float("nan")
    if proc.returncode != 0:
        why = "timed out" if wall >= timeout else f"exit status {proc.returncode}"
        tail = "\n".join((stderr or stdout).strip().splitlines()[-15:])
        return Run(False, wall, rss_mb, {}, f"{why}: {shlex.join(cmd)}\n{tail}", cpu)
    result = parse_json(stdout)
    if result is None:
        return Run(False, wall, rss_mb, {}, f"no JSON object on stdout of {shlex.join(cmd)}:\n{stdout[-2000:]}", cpu)
    return Run(True, wall, rss_mb, result, cpu_s=cpu)


def parse_json(text: str) -> dict | None:
    """The whole output as one JSON object (pretty-printed or not), else its last line."""
    for candidate in (text.strip(), (text.strip().splitlines() or [""])[-1]):
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def coefficients(result: dict) -> dict[str, tuple[float, float]]:
    """term -> (estimate, std_error) from either tool's JSON."""
    out = {}
    for c in result.get("coefficients") or []:
        se = c.get("std_error", c.get("se"))
        out[str(c["term"])] = (float(c["estimate"]), float("nan") if se is None else float(se))
    return out


def rel_diff(a: float, b: float) -> float:
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), 1e-300)


# ---------------------------------------------------------------------------------------
# Preparing the files


def run_checked(cmd: list[str]) -> None:
    print(f"  $ {shlex.join(cmd)}", flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def stale(target: Path, *sources: Path) -> bool:
    if not target.exists():
        return True
    return any(s.exists() and s.stat().st_mtime > target.stat().st_mtime for s in sources)


def prepare_synth(name: str, countries: int, years: int, hallyu: Path, regen: bool) -> Case:
    path = WORK / f"synth_{name}.parquet"
    if regen or stale(path, hallyu):
        if not hallyu.exists():
            raise RuntimeError(f"{path} is missing and there is no {hallyu} to generate it")
        print(f"generating the {name} panel ({countries} countries x {years} years)", flush=True)
        # hallyu writes its output atomically (temporary file, then rename).
        run_checked([str(hallyu), "synth", "--countries", str(countries), "--years", str(years),
                     "--seed", "1", "--out", str(path.relative_to(ROOT))])
    return Case(name, path, SYNTH_FML, SYNTH_CLUSTER, countries * countries * years)


def prepare_book(hallyu: Path, regen: bool) -> Case:
    """The book's 6-year sample with exporter-year, importer-year and pair_id_2 (the pair
    for international flows, one common level 0 for all intra-national flows)."""
    import pandas as pd

    panel = WORK / "agtpa.parquet"
    path = WORK / "agtpa_rta.parquet"
    if regen or stale(panel, hallyu):
        if not hallyu.exists():
            raise RuntimeError(f"{panel} is missing and there is no {hallyu} to export it")
        print("exporting the Advanced Guide panel", flush=True)
        run_checked([str(hallyu), "data", "agtpa", "--out", str(panel.relative_to(ROOT))])
    if regen or stale(path, panel, Path(__file__)):
        df = pd.read_parquet(panel)
        year = df["year"].astype("int64")
        df = df[year.isin(BOOK_YEARS)].copy()
        ystr = df["year"].astype("int64").astype(str)
        df["exp_year"] = df["exporter"].astype(str) + "_" + ystr
        df["imp_year"] = df["importer"].astype(str) + "_" + ystr
        intl = df["exporter"] != df["importer"]
        df["pair_id_2"] = df["pair_id"].astype("int64").where(intl, 0)
        cols = ["exporter", "importer", "year", "pair_id", "pair_id_2", "exp_year", "imp_year", "rta", "trade"]
        df[cols].reset_index(drop=True).to_parquet(path, index=False)
        print(f"  wrote {path.relative_to(ROOT)} ({len(df)} rows)", flush=True)
    return Case("book", path, BOOK_FML, BOOK_CLUSTER)


def file_rows(path: Path) -> int | None:
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # noqa: BLE001 - only informative
        return None


# ---------------------------------------------------------------------------------------
# Reporting


def fmt(x, spec=".2f", none="-"):
    if x is None or (isinstance(x, float) and x != x):
        return none
    return format(x, spec)


def summarize(case: Case, h: list[Run], p: list[Run]) -> dict:
    hok = [r for r in h if r.ok]
    pok = [r for r in p if r.ok]
    med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
    s = {
        "case": case.name,
        "rows": case.rows,
        "h_wall": med([r.wall_s for r in hok]),
        "h_rss": med([r.peak_rss_mb for r in hok]),
        "p_wall": med([r.wall_s for r in pok]),
        "p_fit": med([r.result.get("fit_s") for r in pok if r.result.get("fit_s") is not None]),
        "p_read": med([r.result.get("read_s") for r in pok if r.result.get("read_s") is not None]),
        "p_rss": med([r.peak_rss_mb for r in pok]),
        "h_nobs": hok[-1].result.get("nobs") if hok else None,
        "p_nobs": pok[-1].result.get("nobs") if pok else None,
        "h_iter": hok[-1].result.get("iterations") if hok else None,
        "p_iter": pok[-1].result.get("iterations") if pok else None,
        "coef_diff": None,
        "se_diff": None,
        "missing_terms": [],
        "h_failed": len(h) - len(hok),
        "p_failed": len(p) - len(pok),
    }
    if s["h_wall"] and s["p_wall"]:
        s["speed"] = s["p_wall"] / s["h_wall"]
        s["speed_fit"] = s["p_fit"] / s["h_wall"] if s["p_fit"] else None
        s["mem"] = s["h_rss"] / s["p_rss"]
    else:
        s["speed"] = s["speed_fit"] = s["mem"] = None
    # Largest relative differences over all terms and all pairs of runs (the fits are
    # deterministic, so in practice every pair gives the same number).
    cd, sd = [], []
    for hr in hok:
        hc = coefficients(hr.result)
        for pr in pok:
            pc = coefficients(pr.result)
            for term, (pb, pse) in pc.items():
                if term not in hc:
                    s["missing_terms"].append(term)
                    continue
                hb, hse = hc[term]
                cd.append(rel_diff(hb, pb))
                sd.append(rel_diff(hse, pse))
    if cd:
        s["coef_diff"], s["se_diff"] = max(cd), max(sd)
    s["missing_terms"] = sorted(set(s["missing_terms"]))
    if pok:
        c = coefficients(pok[-1].result)
        s["p_coef"] = next(iter(c.values()), (None, None))
    if hok:
        c = coefficients(hok[-1].result)
        s["h_coef"] = next(iter(c.values()), (None, None))
    return s


def rows_text(s: dict) -> str:
    if s["rows"] is None:
        return "-"
    return f"{s['rows']:,}"


def print_text_table(summaries: list[dict]) -> None:
    head = ["panel", "rows", "obs h/p", "hallyu s", "hallyu MB", "pyfixest s", "(fit s)", "pyfixest MB",
            "speed p/h", "(fit)", "mem h/p", "max rel dcoef", "max rel dSE", "iter h/p"]
    body = []
    for s in summaries:
        body.append([
            s["case"], rows_text(s), f"{fmt(s['h_nobs'], ',')}/{fmt(s['p_nobs'], ',')}",
            fmt(s["h_wall"]), fmt(s["h_rss"], ".0f"), fmt(s["p_wall"]), fmt(s["p_fit"]), fmt(s["p_rss"], ".0f"),
            fmt(s["speed"], ".1f") + ("x" if s["speed"] else ""),
            fmt(s["speed_fit"], ".1f") + ("x" if s["speed_fit"] else ""), fmt(s["mem"], ".2f"),
            fmt(s["coef_diff"], ".1e"), fmt(s["se_diff"], ".1e"), f"{fmt(s['h_iter'], 'd')}/{fmt(s['p_iter'], 'd')}",
        ])
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    line = lambda r: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in body:
        print(line(r))


def markdown_table(summaries: list[dict]) -> str:
    out = [
        "| panel | rows | obs used | hallyu (s) | hallyu peak RSS (MB) | pyfixest total (s) | pyfixest fit only (s) "
        "| pyfixest peak RSS (MB) | speed-up total (fit only) | memory hallyu/pyfixest | max rel. diff coef "
        "| max rel. diff SE | IRLS iterations hallyu/pyfixest |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in summaries:
        nobs = fmt(s["h_nobs"], ",") if s["h_nobs"] == s["p_nobs"] else f"{fmt(s['h_nobs'], ',')} / {fmt(s['p_nobs'], ',')}"
        out.append(
            f"| {s['case']} | {rows_text(s)} | {nobs} | {fmt(s['h_wall'])} | {fmt(s['h_rss'], '.0f')} "
            f"| {fmt(s['p_wall'])} | {fmt(s['p_fit'])} | {fmt(s['p_rss'], '.0f')} "
            f"| {fmt(s['speed'], '.1f')}× ({fmt(s['speed_fit'], '.1f')}×) | {fmt(s['mem'], '.2f')} "
            f"| {fmt(s['coef_diff'], '.1e')} | {fmt(s['se_diff'], '.1e')} | {fmt(s['h_iter'], 'd')} / {fmt(s['p_iter'], 'd')} |"
        )
    return "\n".join(out)


def machine_notes(hallyu: Path, p_result: dict | None, args) -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024**2:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    hv = ""
    if hallyu.exists():
        try:
            hv = subprocess.run([str(hallyu), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    p_result = p_result or {}
    return {
        "host": socket.gethostname(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "hallyu": hv or "-",
        "pyfixest": p_result.get("pyfixest_version", "-"),
        "backend": args.pyfixest_backend,
        "tolerances": f"fixef {args.fixef_tol:g}, IRLS {args.iwls_tol:g}",
        "python": p_result.get("python_version", platform.python_version()),
        "pandas": p_result.get("pandas_version", "-"),
        "blas": p_result.get("blas", "-") or "-",
    }


# ---------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[tuple[str, int, int] | str]:
    out = []
    for tok in [t.strip().lower() for t in text.split(",") if t.strip()]:
        if tok == "book":
            out.append("book")
        elif tok in SYNTH_SIZES:
            out.append((tok, *SYNTH_SIZES[tok]))
        elif m := re.fullmatch(r"(\d+)x(\d+)", tok):
            out.append((tok, int(m.group(1)), int(m.group(2))))
        else:
            raise SystemExit(f"unknown size {tok!r}: use 1m, 5m, book or COUNTRIESxYEARS (e.g. 50x10)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1m,5m", help="comma list of 1m, 5m, book, CxY (default 1m,5m)")
    ap.add_argument("--book", action="store_true", help="add the Advanced Guide RTA specification (28k rows)")
    ap.add_argument("--runs", type=int, default=3, help="measured runs per tool and size (median reported)")
    ap.add_argument("--hallyu", type=Path, default=ROOT / "target" / "release" / "hallyu")
    ap.add_argument("--python", default=sys.executable, help="Python with pyfixest for the pyfixest runs")
    ap.add_argument("--pyfixest-backend", default="map:rust",
                    help="map:rust (default, fastest here), map:numba, map:jax, lsmr:within")
    ap.add_argument("--fixef-tol", type=float, default=1e-8)
    ap.add_argument("--iwls-tol", type=float, default=1e-8)
    ap.add_argument("--coef-tol", type=float, default=1e-6, help="largest relative coefficient difference allowed")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before one run is killed")
    ap.add_argument("--regen", action="store_true", help="regenerate the data files even if up to date")
    ap.add_argument("--skip-hallyu", action="store_true", help="time pyfixest only (no comparison)")
    ap.add_argument("--skip-pyfixest", action="store_true", help="time hallyu only (no comparison)")
    ap.add_argument("--keep-openblas-env", action="store_true",
                    help="keep OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE for the measured processes (they are "
                         "removed by default: they pin numpy's OpenBLAS to an older kernel)")
    ap.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    sizes = parse_sizes(args.sizes)
    if args.book and "book" not in sizes:
        sizes.insert(0, "book")
    hallyu = args.hallyu.resolve()
    if not args.skip_hallyu and not hallyu.exists():
        print(f"error: {hallyu} not found; build it with `cargo build --release -p hallyu` "
              "(or pass --skip-hallyu)", file=sys.stderr)
        return 2

    if not os.access(TIME_BIN, os.X_OK):
        print(f"warning: {TIME_BIN} not found (apt-get install time): peak RSS falls back to "
              "os.wait4() and includes this script's own RSS", file=sys.stderr)

    env = dict(os.environ)
    if not args.keep_openblas_env:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)

    WORK.mkdir(parents=True, exist_ok=True)
    failed = False
    cases: list[Case] = []
    for sz in sizes:
        try:
            case = prepare_book(hallyu, args.regen) if sz == "book" else prepare_synth(*sz, hallyu, args.regen)
        except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
            print(f"error: could not prepare {sz if isinstance(sz, str) else sz[0]}: {e}", file=sys.stderr)
            failed = True
            continue
        case.rows = file_rows(case.data) or case.rows
        cases.append(case)

    load = os.getloadavg()[0]
    if load > 0.75 * (os.cpu_count() or 1):
        print(f"warning: the 1-minute load average is {load:.1f} before the first run: other work on "
              f"this {os.cpu_count()}-core machine will slow both tools unevenly", file=sys.stderr)
    started = dt.datetime.now()
    summaries, raw, last_p = [], [], None
    for case in cases:
        h_cmd = [str(hallyu), "fepois", case.fml, "--data", str(case.data), "--cluster", case.cluster,
                 "--format", "json", "--quiet"]
        p_cmd = [args.python, str(BENCH / "pyfixest_fit.py"), "--data", str(case.data), "--fml", case.fml,
                 "--cluster", case.cluster, "--backend", args.pyfixest_backend,
                 "--fixef-tol", repr(args.fixef_tol), "--iwls-tol", repr(args.iwls_tol)]
        print(f"\n== {case.name}: {case.data.relative_to(ROOT)}, {rows_text({'rows': case.rows})} rows, "
              f"{args.runs} run(s) each", flush=True)
        h_runs, p_runs = [], []
        for i in range(args.runs):
            for tool, cmd, runs in (("hallyu", h_cmd, h_runs), ("pyfixest", p_cmd, p_runs)):
                if (tool == "hallyu" and args.skip_hallyu) or (tool == "pyfixest" and args.skip_pyfixest):
                    continue
                load = os.getloadavg()[0]
                r = measure(cmd, env, args.timeout)
                runs.append(r)
                res = r.result
                extra = ""
                if tool == "pyfixest" and r.ok:
                    extra = f" (import {res['import_s']:.2f} s, read {res['read_s']:.2f} s, fit {res['fit_s']:.2f} s)"
                    last_p = res
                status = "ok" if r.ok else "FAILED"
                print(f"  run {i + 1} {tool:8s} {r.wall_s:8.2f} s {r.peak_rss_mb:8.0f} MB  cpu {r.cpu_s:7.2f} s  "
                      f"{status}{extra}", flush=True)
                if not r.ok:
                    print("    " + r.error.replace("\n", "\n    "), file=sys.stderr)
                    failed = True
                coefs = coefficients(res) if r.ok else {}
                first = next(iter(coefs.items()), (None, (None, None)))
                raw.append({
                    "started": started.isoformat(timespec="seconds"),
                    "host": socket.gethostname(),
                    "panel": case.name,
                    "rows": case.rows,
                    "tool": tool,
                    "run": i + 1,
                    "ok": r.ok,
                    "wall_s": round(r.wall_s, 4),
                    "peak_rss_mb": round(r.peak_rss_mb, 1),
                    "cpu_s": round(r.cpu_s, 3),
                    "import_s": round(res["import_s"], 4) if "import_s" in res else "",
                    "read_s": round(res["read_s"], 4) if "read_s" in res else "",
                    "fit_s": round(res["fit_s"], 4) if "fit_s" in res else "",
                    "nobs": res.get("nobs", ""),
                    "iterations": res.get("iterations", ""),
                    "term": first[0] or "",
                    "estimate": repr(first[1][0]) if first[1][0] is not None else "",
                    "std_error": repr(first[1][1]) if first[1][1] is not None else "",
                    "load1_before": round(load, 2),
                    "backend": args.pyfixest_backend if tool == "pyfixest" else "",
                    "fml": case.fml,
                    "cluster": case.cluster,
                })
        summaries.append(summarize(case, h_runs, p_runs))

    if not summaries:
        return 2

    notes = machine_notes(hallyu, last_p, args)
    print("\n" + "=" * 100)
    print(f"PPML, SEs clustered; median of {args.runs} run(s), each a fresh process. hallyu: whole command; "
          f"pyfixest: python + import + pandas read + fit (fit only in brackets).")
    print("; ".join(f"{k}: {v}" for k, v in notes.items()))
    print()
    print_text_table(summaries)
    for s in summaries:
        if "h_coef" in s and "p_coef" in s:
            (hb, hse), (pb, pse) = s["h_coef"], s["p_coef"]
            print(f"  {s['case']}: rta hallyu {fmt(hb, '.10f')} ({fmt(hse, '.6f')}), "
                  f"pyfixest {fmt(pb, '.10f')} ({fmt(pse, '.6f')})")
        if s["h_nobs"] is not None and s["p_nobs"] is not None and s["h_nobs"] != s["p_nobs"]:
            print(f"  warning: {s['case']}: hallyu used {s['h_nobs']} observations, pyfixest {s['p_nobs']}")
        if s["missing_terms"]:
            print(f"  warning: {s['case']}: hallyu reports no {', '.join(s['missing_terms'])}")
    md = markdown_table(summaries)
    print("\nMarkdown:\n")
    print(md)

    if not args.no_save and raw:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stem = f"{started.date().isoformat()}-{socket.gethostname()}"
        path = RESULTS / f"{stem}.csv"
        new = not path.exists()
        with open(path, "a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(raw[0].keys()))
            if new:
                w.writeheader()
            w.writerows(raw)
        with open(RESULTS / f"{stem}.md", "a") as f:
            f.write(f"## {started.isoformat(timespec='seconds')}\n\n")
            f.write("; ".join(f"{k}: {v}" for k, v in notes.items()) + "\n\n")
            f.write(f"Median of {args.runs} run(s).\n\n{md}\n\n")
        print(f"\nraw runs appended to {path.relative_to(ROOT)} (table in {stem}.md)")

    status = 2 if failed else 0
    for s in summaries:
        if s["coef_diff"] is not None and s["coef_diff"] > args.coef_tol:
            print(f"FAIL: {s['case']}: coefficients differ by {s['coef_diff']:.2e} relative "
                  f"(allowed {args.coef_tol:g})", file=sys.stderr)
            status = status or 1
        if s["missing_terms"]:
            status = status or 1
    return status


if __name__ == "__main__":
    sys.exit(main())
