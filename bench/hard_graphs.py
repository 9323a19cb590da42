#!/usr/bin/env python3
"""PPML on fixed-effect graphs where demeaning is slow (hallyu synth --graph): for each
graph, hallyu with its two demeaning algorithms (conjugate gradient, the default, and
alternating projections with Irons-Tuck acceleration, fixest's) and, when the bench venv has
it, pyfixest; each run under a time limit. Prints wall time, peak RSS, IRLS iterations,
passes over the data by the fixed-effect solver, and the estimate (true value 0.3).

Usage: bench/hard_graphs.py --hallyu target/release/hallyu [--rows 1000000] [--limit 300]
       [--graphs worker-firm,chain,components,nested] [--pyfixest]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "graphs"
ALGORITHMS = [("cg", "conjugate_gradient"), ("irons-tuck", "alternating_projections")]


def timed(cmd, limit):
    """Runs cmd under GNU time with a time limit: (seconds, peak KB, stdout, stderr, rc)."""
    wrapped = ["/usr/bin/time", "-f", "%e %M", *cmd]
    start = time.monotonic()
    # A session of its own, so that a run past the limit is stopped whole (GNU time's
    # child included), not left running beside the next one.
    proc = subprocess.Popen(wrapped, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return time.monotonic() - start, None, "", f"stopped after {limit} s", None
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    try:
        secs, kb = last.split()
        return float(secs), int(kb), stdout, stderr, proc.returncode
    except ValueError:
        return time.monotonic() - start, None, stdout, stderr, proc.returncode


def hallyu_run(binary, data, algorithm, limit):
    req = subprocess.run(
        [binary, "fepois", "y ~ x | fe1 + fe2", "--data", str(data), "--print-request"],
        capture_output=True, text=True, check=True,
    )
    request = json.loads(req.stdout)
    request.setdefault("options", {}).setdefault("irls", {}).setdefault("demean", {})["algorithm"] = algorithm
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(request, f)
        path = f.name
    try:
        secs, kb, out, err, rc = timed([binary, "run", path, "--format", "json", "-q"], limit)
    finally:
        os.unlink(path)
    if rc != 0 or not out.strip():
        return {"seconds": secs, "kb": kb, "error": (err.strip().splitlines() or ["?"])[0][:120]}
    fit = json.loads(out)
    fit = fit[0] if isinstance(fit, list) else fit
    coef = {c["term"]: c["estimate"] for c in fit["coefficients"]}
    return {
        "seconds": secs, "kb": kb, "converged": fit["converged"], "iterations": fit["iterations"],
        "passes": fit.get("demean_sweeps"), "estimate": coef.get("x"), "nobs": fit["nobs"],
    }


PYFIXEST = """
import json, sys, time
import pandas as pd, pyfixest as pf
df = pd.read_parquet(sys.argv[1])
t = time.perf_counter()
fit = pf.fepois("y ~ x | fe1 + fe2", data=df, vcov="hetero", fixef_tol=1e-8, iwls_tol=1e-8,
                fixef_maxiter=100000)
print(json.dumps({"fit_seconds": time.perf_counter() - t, "estimate": float(fit.coef()["x"]),
                  "iterations": int(getattr(fit, "_iter", -1) or -1), "nobs": int(fit._N)}))
"""


def pyfixest_run(python, data, limit):
    secs, kb, out, err, rc = timed([python, "-c", PYFIXEST, str(data)], limit)
    if rc != 0 or not out.strip():
        return {"seconds": secs, "kb": kb, "error": (err.strip().splitlines() or ["?"])[-1][:120]}
    r = json.loads(out.strip().splitlines()[-1])
    iterations = r["iterations"] if r["iterations"] >= 0 else "–"
    return {"seconds": secs, "kb": kb, "converged": True, "iterations": iterations,
            "passes": None, "estimate": r["estimate"], "nobs": r["nobs"], "fit": r["fit_seconds"]}


def row(graph, tool, r):
    if "error" in r:
        return f"| {graph} | {tool} | {r['seconds']:.1f} s | – | – | – | – | {r['error']} |"
    mem = f"{r['kb'] / 1024:.0f} MB" if r.get("kb") else "–"
    passes = f"{r['passes']:,}" if r.get("passes") is not None else "–"
    fit = f" (fit {r['fit']:.1f} s)" if r.get("fit") is not None else ""
    return (f"| {graph} | {tool} | {r['seconds']:.2f} s{fit} | {mem} | {r['iterations']} | {passes} | "
            f"{r['estimate']:.6f} | {'converged' if r['converged'] else 'NOT converged'}, {r['nobs']:,} obs |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hallyu", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--limit", type=int, default=300, help="seconds per run")
    ap.add_argument("--graphs", default="worker-firm,chain,components,nested")
    ap.add_argument("--pyfixest", action="store_true", help="also pyfixest (bench/.venv)")
    a = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    load = open("/proc/loadavg").read().split()[0]
    print(f"# PPML y ~ x | fe1 + fe2 on hard fixed-effect graphs, {a.rows:,} rows; "
          f"{os.cpu_count()} CPUs, load {load} at start; limit {a.limit} s a run\n")
    print("| graph | tool | wall time | peak RSS | IRLS iterations | FE solver passes | estimate of x (true 0.3) | end |")
    print("| --- | --- | --: | --: | --: | --: | --: | --- |")
    python = ROOT / "bench" / ".venv" / "bin" / "python"
    for graph in a.graphs.split(","):
        data = WORK / f"{graph}-{a.rows}.parquet"
        if not data.exists():
            subprocess.run([a.hallyu, "synth", "--graph", graph, "--rows", str(a.rows), "-o", str(data), "-q"],
                           check=True)
        for label, algorithm in ALGORITHMS:
            print(row(graph, f"hallyu {label}", hallyu_run(a.hallyu, data, algorithm, a.limit)), flush=True)
        if a.pyfixest and python.exists():
            print(row(graph, "pyfixest", pyfixest_run(str(python), data, a.limit)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
