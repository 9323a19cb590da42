"""hallyu vs pyfixest (and fixest, when an R library holding it is named) on the same
files: PPML with exporter-year, importer-year and pair fixed effects, standard errors
clustered by pair.

Every measured run is a fresh process; its wall time is taken from outside (spawn to
exit) and its peak RSS is that process's own (GNU time's %M), so one run's memory never
leaks into another's. Runs of the tools are interleaved and the median is reported.
hallyu runs once per thread count of --threads (RAYON_NUM_THREADS); pyfixest uses its
defaults (every core). fixest runs when HALLYU_FIXEST_LIB names an R library holding it
(bench/fixest_fit.R, on a CSV copy of the panel, fit time with the data in memory, as many
threads as the largest of --threads).

Usually started by bench/run.sh, which builds hallyu and prepares bench/.venv; it can also
be run directly with a Python that has pyfixest:

    python bench/compare.py --sizes 1m,5m --runs 3
    python bench/compare.py --sizes book --runs 5
    python bench/compare.py --sizes 30x10 --runs 1      # any COUNTRIESxYEARS panel

Exit status: 0 when every comparison passed, 1 when a coefficient differs by more than
--coef-tol (relative) from pyfixest's or fixest's, 2 when a run failed or a file could
not be prepared.
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


def csv_copy(path: Path) -> Path:
    """A CSV copy of a Parquet panel for fixest (R reads it with data.table::fread),
    written again when the panel is newer."""
    import pandas as pd

    out = path.with_suffix(".csv")
    if stale(out, path):
        print(f"  writing {out.relative_to(ROOT)} for fixest", flush=True)
        tmp = out.with_suffix(".csv.tmp")
        pd.read_parquet(path).to_csv(tmp, index=False)
        tmp.replace(out)
    return out


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


def summarize(case: Case, runs: dict[str, list[Run]], threads: list[int]) -> dict:
    """Medians per tool, the thread scaling of hallyu, the ratios to the other tools (at
    hallyu's largest thread count) and the largest coefficient differences."""
    med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
    ok = {tool: [r for r in rs if r.ok] for tool, rs in runs.items()}
    s: dict = {"case": case.name, "rows": case.rows, "threads": threads, "failed": {}}
    for tool, rs in runs.items():
        good = ok[tool]
        s["failed"][tool] = len(rs) - len(good)
        s[tool] = {
            "wall": med([r.wall_s for r in good]),
            "rss": med([r.peak_rss_mb for r in good]),
            "fit": med([r.result["fit_s"] for r in good if r.result.get("fit_s") is not None]),
            "nobs": good[-1].result.get("nobs") if good else None,
            "iter": good[-1].result.get("iterations") if good else None,
            "passes": good[-1].result.get("demean_sweeps") if good else None,
            "coef": next(iter(coefficients(good[-1].result).values()), (None, None)) if good else (None, None),
        }
    one, top = f"hallyu-{threads[0]}", f"hallyu-{threads[-1]}"
    h1, ht = s.get(one, {}).get("wall"), s.get(top, {}).get("wall")
    s["scaling"] = h1 / ht if h1 and ht and len(threads) > 1 else None
    for other in ("pyfixest", "fixest"):
        o = s.get(other, {})
        s[f"speed_{other}"] = o["wall"] / ht if ht and o.get("wall") else None
        s[f"speed_{other}_fit"] = o["fit"] / ht if ht and o.get("fit") else None
        s[f"mem_{other}"] = s[top]["rss"] / o["rss"] if ht and o.get("rss") else None
        # Largest relative differences over all terms and all pairs of runs (the fits are
        # deterministic, so in practice every pair gives the same number).
        cd, sd, missing = [], [], set()
        for tool in [t for t in runs if t.startswith("hallyu-")]:
            for hr in ok[tool]:
                hc = coefficients(hr.result)
                for orun in ok.get(other, []):
                    for term, (ob, ose) in coefficients(orun.result).items():
                        if term not in hc:
                            missing.add(term)
                            continue
                        hb, hse = hc[term]
                        cd.append(rel_diff(hb, ob))
                        sd.append(rel_diff(hse, ose))
        s[f"coef_diff_{other}"] = max(cd) if cd else None
        s[f"se_diff_{other}"] = max(sd) if sd else None
        s[f"missing_{other}"] = sorted(missing)
    return s


def rows_text(s: dict) -> str:
    if s["rows"] is None:
        return "-"
    return f"{s['rows']:,}"


def table_rows(summaries: list[dict], with_fixest: bool) -> tuple[list[str], list[list[str]]]:
    """Header and cells shared by the text and Markdown tables."""
    threads = summaries[0]["threads"]
    head = ["panel", "rows"]
    for t in threads:
        head += [f"hallyu {t} thr (s)", f"hallyu {t} thr (MB)"]
    head += [f"scaling {threads[0]}→{threads[-1]} thr", "pyfixest total (s)", "pyfixest fit (s)", "pyfixest (MB)"]
    if with_fixest:
        head += ["fixest fit (s)", "fixest (MB)"]
    head += [f"speed-up vs pyfixest total (fit), {threads[-1]} thr"]
    if with_fixest:
        head += [f"speed-up vs fixest fit, {threads[-1]} thr"]
    head += ["memory hallyu/pyfixest", "IRLS iterations h/p" + ("/f" if with_fixest else ""), "FE solver passes (hallyu)",
             "max rel. diff coef vs pyfixest"]
    if with_fixest:
        head += ["max rel. diff coef vs fixest"]
    head += ["max rel. diff SE vs pyfixest"]
    body = []
    for s in summaries:
        top = s.get(f"hallyu-{threads[-1]}", {})
        p, f = s.get("pyfixest", {}), s.get("fixest", {})
        row = [s["case"], rows_text(s)]
        for t in threads:
            h = s.get(f"hallyu-{t}", {})
            row += [fmt(h.get("wall")), fmt(h.get("rss"), ".0f")]
        row += [fmt(s["scaling"], ".2f") + ("×" if s["scaling"] else ""), fmt(p.get("wall")), fmt(p.get("fit")),
                fmt(p.get("rss"), ".0f")]
        if with_fixest:
            row += [fmt(f.get("fit")), fmt(f.get("rss"), ".0f")]
        sp, spf = s["speed_pyfixest"], s["speed_pyfixest_fit"]
        row += [f"{fmt(sp, '.1f')}{'×' if sp else ''} ({fmt(spf, '.1f')}{'×' if spf else ''})"]
        if with_fixest:
            sf = s["speed_fixest_fit"]
            row += [f"{fmt(sf, '.1f')}{'×' if sf else ''}"]
        iters = [fmt(top.get("iter"), "d"), fmt(p.get("iter"), "d")] + ([fmt(f.get("iter"), "d")] if with_fixest else [])
        row += [fmt(s["mem_pyfixest"], ".2f"), " / ".join(iters), fmt(top.get("passes"), ",d"),
                fmt(s["coef_diff_pyfixest"], ".1e")]
        if with_fixest:
            row += [fmt(s["coef_diff_fixest"], ".1e")]
        row += [fmt(s["se_diff_pyfixest"], ".1e")]
        body.append(row)
    return head, body


def print_text_table(summaries: list[dict], with_fixest: bool) -> None:
    head, body = table_rows(summaries, with_fixest)
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    line = lambda r: "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in body:
        print(line(r))


def markdown_table(summaries: list[dict], with_fixest: bool) -> str:
    head, body = table_rows(summaries, with_fixest)
    out = ["| " + " | ".join(head) + " |", "|---|" + "--:|" * (len(head) - 1)]
    out += ["| " + " | ".join(r) + " |" for r in body]
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
    ap.add_argument("--threads", default="1,2",
                    help="comma list of hallyu thread counts (RAYON_NUM_THREADS), smallest first (default 1,2)")
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
    try:
        threads = sorted({int(t) for t in args.threads.split(",") if t.strip()})
    except ValueError:
        ap.error(f"--threads takes a comma list of counts, not {args.threads!r}")
    if not threads or threads[0] < 1:
        ap.error("--threads needs at least one count of 1 or more")

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
    fixest_lib = os.environ.get("HALLYU_FIXEST_LIB", "")
    with_fixest = bool(fixest_lib)
    summaries, raw, last = [], [], {}
    for case in cases:
        tools: list[tuple[str, list[str], dict[str, str]]] = []
        if not args.skip_hallyu:
            for t in threads:
                tools.append((f"hallyu-{t}", [str(hallyu), "fepois", case.fml, "--data", str(case.data), "--cluster",
                                             case.cluster, "--format", "json", "--quiet"],
                              {**env, "RAYON_NUM_THREADS": str(t)}))
        if not args.skip_pyfixest:
            tools.append(("pyfixest", [args.python, str(BENCH / "pyfixest_fit.py"), "--data", str(case.data), "--fml",
                                       case.fml, "--cluster", case.cluster, "--backend", args.pyfixest_backend,
                                       "--fixef-tol", repr(args.fixef_tol), "--iwls-tol", repr(args.iwls_tol)], env))
        if with_fixest:
            try:
                csv_path = csv_copy(case.data)
            except Exception as e:  # noqa: BLE001 - reported, the other tools still run
                print(f"error: could not write a CSV copy of {case.data} for fixest: {e}", file=sys.stderr)
                failed = True
            else:
                tools.append(("fixest", ["Rscript", str(BENCH / "fixest_fit.R"), "--data", str(csv_path), "--fml",
                                         case.fml, "--cluster", case.cluster, "--fixef-tol", repr(args.fixef_tol),
                                         "--glm-tol", repr(args.iwls_tol), "--threads", str(threads[-1])],
                              {**env, "HALLYU_FIXEST_LIB": fixest_lib}))
        print(f"\n== {case.name}: {case.data.relative_to(ROOT)}, {rows_text({'rows': case.rows})} rows, "
              f"{args.runs} run(s) each", flush=True)
        runs: dict[str, list[Run]] = {tool: [] for tool, _, _ in tools}
        for i in range(args.runs):
            for tool, cmd, tool_env in tools:
                load = os.getloadavg()[0]
                r = measure(cmd, tool_env, args.timeout)
                runs[tool].append(r)
                res = r.result
                extra = ""
                if tool in ("pyfixest", "fixest") and r.ok:
                    parts = [f"{k} {res[k + '_s']:.2f} s" for k in ("import", "read", "fit") if k + "_s" in res]
                    extra = f" ({', '.join(parts)})"
                    last[tool] = res
                if tool.startswith("hallyu") and r.ok and res.get("demean_sweeps") is not None:
                    extra = f" ({res.get('iterations')} IRLS iterations, {res['demean_sweeps']:,} FE solver passes)"
                status = "ok" if r.ok else "FAILED"
                print(f"  run {i + 1} {tool:9s} {r.wall_s:8.2f} s {r.peak_rss_mb:8.0f} MB  cpu {r.cpu_s:7.2f} s  "
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
                    "fe_passes": res.get("demean_sweeps", ""),
                    "term": first[0] or "",
                    "estimate": repr(first[1][0]) if first[1][0] is not None else "",
                    "std_error": repr(first[1][1]) if first[1][1] is not None else "",
                    "load1_before": round(load, 2),
                    "backend": args.pyfixest_backend if tool == "pyfixest" else "",
                    "fml": case.fml,
                    "cluster": case.cluster,
                })
        summaries.append(summarize(case, runs, threads))

    if not summaries:
        return 2

    notes = machine_notes(hallyu, last.get("pyfixest"), args)
    if with_fixest:
        f = last.get("fixest", {})
        notes["fixest"] = f"{f.get('fixest_version', '-')} (R {f.get('r_version', '-')}, {threads[-1]} thread(s))"
    print("\n" + "=" * 100)
    print(f"PPML, SEs clustered; median of {args.runs} run(s), each a fresh process. hallyu: whole command "
          f"(reading the Parquet file included) at {', '.join(map(str, threads))} thread(s); "
          f"pyfixest: python + import + pandas read + fit (fit only in brackets)"
          + ("; fixest: fit only, data in memory." if with_fixest else "."))
    print("; ".join(f"{k}: {v}" for k, v in notes.items()))
    print()
    print_text_table(summaries, with_fixest)
    top = f"hallyu-{threads[-1]}"
    for s in summaries:
        vals = [f"{tool} {fmt(s[tool]['coef'][0], '.10f')} ({fmt(s[tool]['coef'][1], '.6f')})"
                for tool in (top, "pyfixest", "fixest") if tool in s]
        print(f"  {s['case']}: first coefficient (SE): " + ", ".join(vals))
        nobs = {tool: s[tool]["nobs"] for tool in (top, "pyfixest", "fixest") if tool in s and s[tool]["nobs"]}
        if len(set(nobs.values())) > 1:
            print(f"  warning: {s['case']}: observations used differ: {nobs}")
        for other in ("pyfixest", "fixest"):
            if s[f"missing_{other}"]:
                print(f"  warning: {s['case']}: hallyu reports no {', '.join(s[f'missing_{other}'])} ({other} does)")
    md = markdown_table(summaries, with_fixest)
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
        for other in ("pyfixest", "fixest"):
            diff = s[f"coef_diff_{other}"]
            if diff is not None and diff > args.coef_tol:
                print(f"FAIL: {s['case']}: coefficients differ from {other}'s by {diff:.2e} relative "
                      f"(allowed {args.coef_tol:g})", file=sys.stderr)
                status = status or 1
            if s[f"missing_{other}"]:
                status = status or 1
    return status


if __name__ == "__main__":
    sys.exit(main())
