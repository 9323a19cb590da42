#!/usr/bin/env python3
"""Compares COINr's get_sensitivity (files of sensitivity.R) with hallyu's replay of the same
runs (`hallyu index sensitivity --indices --replay runs.csv --keep-runs --format json`).

    python3 bench/index/coinr/compare.py OUTDIR [--tol 1e-9]

OUTDIR holds coinr_*.csv, runs.csv and hallyu.json. Prints a Markdown summary; exits 1 when
a run's ranks, the nominal ranks, the rank statistics or the indices' point estimates differ
(beyond --tol for the real numbers). Standard library only.
"""
import argparse
import csv
import json
import math
import os
import sys


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(s):
    return float("nan") if s in ("", "NA", None) else float(s)


def quantile7(sorted_v, p):
    """R's default quantile (type 7)."""
    if not sorted_v:
        return float("nan")
    h = (len(sorted_v) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_v) - 1)
    return sorted_v[lo] + (h - lo) * (sorted_v[hi] - sorted_v[lo])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--tol", type=float, default=1e-9)
    a = ap.parse_args()
    d = a.outdir
    summary = {r["key"]: r["value"] for r in read_csv(os.path.join(d, "coinr_summary.csv"))}
    N, dd, NT = int(summary["N"]), int(summary["d"]), int(summary["runs"])
    c_ranks = read_csv(os.path.join(d, "coinr_ranks.csv"))
    c_stats = {r["uCode"]: r for r in read_csv(os.path.join(d, "coinr_rankstats.csv"))}
    c_sens = read_csv(os.path.join(d, "coinr_sensitivity.csv"))
    c_y = [num(r["y"]) for r in read_csv(os.path.join(d, "coinr_outputs.csv"))]
    with open(os.path.join(d, "hallyu.json")) as f:
        h = json.load(f)["sensitivity"]
    ok = True
    out = []
    p = out.append

    p(f"COINr {summary['coinr_version']} ({summary['R_version']}), N = {N}, d = {dd} "
      f"({summary['inputs'].replace(';', ', ')}), {NT} runs, imputation alternatives: "
      f"{summary['impute_mode']}, seed {summary['seed']}; COINr took {summary['elapsed_s']} s")
    p(f"- example coin's Index vs crates/index/tests/data/coinr_asem/default/results_scores.csv: "
      f"max |diff| = {summary['nominal_max_abs_diff']}")

    # runs -------------------------------------------------------------------------------
    h_units = h["run_units"]
    h_runs = h["run_ranks"]
    failed_h = len(h["failed"])
    failed_c = int(summary["failed_runs"])
    p(f"- runs: hallyu {h['runs']} ({failed_h} failed), COINr {NT} ({failed_c} failed)")
    if h["runs"] != NT or len(h_runs) != NT:
        p("  **run counts differ**")
        ok = False
    by_unit = {r["uCode"]: r for r in c_ranks}
    missing = sorted(set(by_unit) ^ set(h_units))
    if missing:
        p(f"  **units in one only**: {missing}")
        ok = False
    units = [u for u in h_units if u in by_unit]
    cells = diff_cells = 0
    runs_diff = []
    max_d = 0
    for r in range(min(NT, len(h_runs))):
        nd = 0
        for i, u in enumerate(h_units):
            if u not in by_unit:
                continue
            cv = num(by_unit[u][f"r_{r + 1}"])
            hv = h_runs[r][i]
            cells += 1
            hvf = float("nan") if hv is None else float(hv)
            same = (math.isnan(cv) and math.isnan(hvf)) or cv == hvf
            if not same:
                nd += 1
                diff_cells += 1
                if not (math.isnan(cv) or math.isnan(hvf)):
                    max_d = max(max_d, abs(cv - hvf))
        if nd:
            runs_diff.append((r + 1, nd))
    p(f"- run ranks: {cells} unit-runs compared, {diff_cells} differ "
      f"({len(runs_diff)} of {NT} runs), largest |rank diff| = {max_d:g}")
    if runs_diff:
        ok = False
        p(f"  runs that differ (run, units): {runs_diff[:20]}{' …' if len(runs_diff) > 20 else ''}")
    # ties in COINr's ranks (ties.method = "min"): how many runs have any
    ties = 0
    for r in range(NT):
        col = [by_unit[u][f"r_{r + 1}"] for u in units]
        col = [c for c in col if c not in ("", "NA")]
        ties += len(col) != len(set(col))
    p(f"- runs with tied ranks in COINr: {ties}")

    # nominal ----------------------------------------------------------------------------
    h_stat = {s["unit"]: s for s in h["units"]}
    nom_diff = [u for u in units if num(by_unit[u]["Nominal"]) != float(h_stat[u]["nominal"])]
    p(f"- nominal ranks: {len(units) - len(nom_diff)} of {len(units)} equal"
      + (f"; differ: {nom_diff}" if nom_diff else ""))
    ok &= not nom_diff

    # rank statistics (first 2N runs) ------------------------------------------------------
    worst = {"Median": 0.0, "Q5": 0.0, "Q95": 0.0, "Mean": 0.0}
    keys = {"Median": "median", "Q5": "low", "Q95": "high"}
    for u in units:
        for ck, hk in keys.items():
            cv, hv = num(c_stats[u][ck]), h_stat[u][hk]
            hv = float("nan") if hv is None else hv
            if not (math.isnan(cv) and math.isnan(hv)):
                worst[ck] = max(worst[ck], abs(cv - hv))
        # COINr's mean rank from hallyu's first 2N runs
        i = h_units.index(u)
        v = [h_runs[r][i] for r in range(2 * N) if h_runs[r][i] is not None]
        worst["Mean"] = max(worst["Mean"], abs(num(c_stats[u]["Mean"]) - sum(v) / len(v)))
    p("- rank statistics over the first 2N runs, largest |COINr − hallyu| per unit: "
      + ", ".join(f"{k} {v:.3g}" for k, v in worst.items())
      + " (Mean: COINr's RankStats$Mean vs the mean of hallyu's run_ranks)")
    ok &= all(v <= a.tol for v in worst.values())

    # output and indices -------------------------------------------------------------------
    nominal = [h_stat[u]["nominal"] for u in h_units]
    h_y = []
    for rk in h_runs:
        dv = [abs(x - n) for x, n in zip(rk, nominal) if x is not None and n is not None]
        h_y.append(sum(dv) / len(dv) if dv else float("nan"))
    ydiff = max(abs(x - y) for x, y in zip(c_y, h_y))
    p(f"- mean absolute rank change per run (the SA output): largest |diff| = {ydiff:.3g}")
    cvar = num(summary["variance"])
    hvar = h["output_variance"]
    p(f"- output variance: COINr {cvar:.17g}, hallyu {hvar:.17g}, |diff| = {abs(cvar - hvar):.3g}")
    ok &= abs(cvar - hvar) <= a.tol * max(1.0, abs(cvar))
    p("")
    p("| input | Si COINr | Si hallyu | STi COINr | STi hallyu | |ΔSi| | |ΔSTi| "
      "| Si 5–95% COINr | Si 5–95% hallyu | STi 5–95% COINr | STi 5–95% hallyu |")
    p("| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |")
    worst_s = 0.0
    for c, hi in zip(c_sens, h["indices"]):
        dsi = abs(num(c["Si"]) - hi["first_order"])
        dst = abs(num(c["STi"]) - hi["total"])
        worst_s = max(worst_s, dsi, dst)
        f = lambda x: "–" if x is None else f"{x:.3f}"
        p(f"| {c['Variable']} / {hi['input']} | {num(c['Si']):.6f} | {hi['first_order']:.6f} "
          f"| {num(c['STi']):.6f} | {hi['total']:.6f} | {dsi:.2g} | {dst:.2g} "
          f"| {num(c['Si_q5']):.3f} – {num(c['Si_q95']):.3f} "
          f"| {f(hi['first_order_low'])} – {f(hi['first_order_high'])} "
          f"| {num(c['STi_q5']):.3f} – {num(c['STi_q95']):.3f} "
          f"| {f(hi['total_low'])} – {f(hi['total_high'])} |")
    p("")
    p(f"- largest |Δ| over the point estimates Si, STi: {worst_s:.3g}")
    ok &= worst_s <= a.tol
    p(f"- verdict: {'AGREE' if ok else 'DIFFER'} (tolerance {a.tol:g})")
    print("\n".join(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
