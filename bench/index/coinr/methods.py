#!/usr/bin/env python3
"""Compares COINr's data sets (files of methods.R) with hallyu's builds of the same variants
(methods.sh), data set by data set.

    python3 bench/index/coinr/methods.py OUTDIR [VARIANT...] [--tol 1e-9]

OUTDIR holds variants.tsv and one folder per variant with coinr_DSET.csv, coinr_effw.csv,
hallyu_DSET.csv and hallyu.json. Two numbers agree when |a - b| <= tol * max(|a|, |b|), or when
|a - b| <= 1e-12 * (the column's largest |value|) (zero against a rounding residue); missing
must be missing in both. The largest relative difference reported is max |a - b| / max(|a|, |b|)
over the cells with max(|a|, |b|) above 1e-9 * the column's largest |value|. Prints a Markdown table; exits 1 when a variant
differs. Standard library only.
"""
import argparse
import csv
import json
import math
import os
import sys

DSETS = ["Imputed", "Screened", "Treated", "Normalised", "Aggregated"]


def num(s):
    if s in ("", "NA", "NaN", "nan", None):
        return float("nan")
    return float(s)


def read_table(path):
    """{uCode: {column: value}} and the column order."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cols = [c for c in rows[0].keys() if c != "uCode"] if rows else []
    return {r["uCode"]: {c: num(r[c]) for c in cols} for r in rows}, cols


def compare_cells(pairs, tol):
    """pairs: [(key, a, b)] of one column. Returns (n, bad, max_rel, max_abs, worst_key,
    na_mismatch)."""
    scale = max((abs(v) for _, a, b in pairs for v in (a, b) if not math.isnan(v)), default=0.0)
    n = bad = na_mis = 0
    max_rel = max_abs = 0.0
    worst = None
    for key, a, b in pairs:
        n += 1
        if math.isnan(a) or math.isnan(b):
            if math.isnan(a) != math.isnan(b):
                na_mis += 1
                bad += 1
                worst = worst or key
            continue
        d = abs(a - b)
        max_abs = max(max_abs, d)
        if d == 0:
            continue
        near_zero = d <= 1e-12 * scale
        m = max(abs(a), abs(b))
        if m > 1e-9 * scale:
            # the relative difference, reported for every cell not near zero
            rel = d / m
            if rel > max_rel:
                max_rel = rel
                if rel > tol and not near_zero:
                    worst = key
            if rel > tol and not near_zero:
                bad += 1
        elif not near_zero:
            bad += 1
            worst = worst or key
    return n, bad, max_rel, max_abs, worst, na_mis


def compare_dset(cpath, hpath, tol):
    c, ccols = read_table(cpath)
    h, hcols = read_table(hpath)
    res = {"units_only_coinr": sorted(set(c) - set(h)), "units_only_hallyu": sorted(set(h) - set(c)),
           "cols_only_coinr": [x for x in ccols if x not in hcols],
           "cols_only_hallyu": [x for x in hcols if x not in ccols],
           "cells": 0, "bad": 0, "na": 0, "max_rel": 0.0, "max_abs": 0.0, "cols": []}
    units = [u for u in c if u in h]
    for col in [x for x in ccols if x in hcols]:
        n, bad, rel, ab, worst, na = compare_cells([(u, c[u][col], h[u][col]) for u in units], tol)
        res["cells"] += n
        res["bad"] += bad
        res["na"] += na
        res["max_abs"] = max(res["max_abs"], ab)
        if rel > res["max_rel"]:
            res["max_rel"] = rel
        if bad:
            res["cols"].append((col, bad, rel, worst, na))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("variants", nargs="*")
    ap.add_argument("--tol", type=float, default=1e-9)
    a = ap.parse_args()
    with open(os.path.join(a.outdir, "variants.tsv"), newline="") as f:
        variants = list(csv.DictReader(f, delimiter="\t"))
    summary = {}
    sp = os.path.join(a.outdir, "summary.csv")
    if os.path.exists(sp):
        with open(sp, newline="") as f:
            summary = {r["key"]: r["value"] for r in csv.DictReader(f)}
    out = []
    p = out.append
    p(f"COINr {summary.get('coinr_version', '?')} ({summary.get('R_version', '?')}); "
      f"tolerance {a.tol:g} relative")
    p("")
    p("| variant | hallyu flags (after --data/--meta) | data sets compared | cells | "
      "largest rel. diff | eff. weights rel. diff | verdict |")
    p("| --- | --- | --- | --: | --: | --: | --- |")
    details = []
    all_ok = True
    for v in variants:
        name = v["name"]
        if a.variants and name not in a.variants:
            continue
        d = os.path.join(a.outdir, name)
        cerr = os.path.join(d, "error.txt")
        herr = os.path.join(d, "hallyu_error.txt")
        cfail = open(cerr).read().strip() if os.path.exists(cerr) else None
        hfail = open(herr).read().strip() if os.path.exists(herr) else None
        flags = v["flags"]
        if v["meta"].endswith(("iMeta_norm.csv", "iMeta_global.csv")):
            flags += f" (--meta {os.path.basename(v['meta'])})"
        if cfail or hfail:
            verdict = ("both fail" if cfail and hfail else
                       "COINr fails" if cfail else "hallyu refuses")
            p(f"| {name} | `{flags}` | – | – | – | – | **{verdict}** |")
            details.append(f"- **{name}**: COINr: {(cfail or 'ok')[:300]!s}; hallyu: "
                           f"{(hfail or 'ok')[:400]!s}")
            if bool(cfail) != bool(hfail):
                all_ok = False
            continue
        compared, cells, bad, max_rel = [], 0, 0, 0.0
        notes = []
        for ds in DSETS:
            cp, hp = os.path.join(d, f"coinr_{ds}.csv"), os.path.join(d, f"hallyu_{ds}.csv")
            if not (os.path.exists(cp) and os.path.exists(hp)):
                continue
            r = compare_dset(cp, hp, a.tol)
            compared.append(ds)
            cells += r["cells"]
            bad += r["bad"]
            max_rel = max(max_rel, r["max_rel"])
            for k in ("units_only_coinr", "units_only_hallyu", "cols_only_coinr", "cols_only_hallyu"):
                if r[k]:
                    bad += 1
                    notes.append(f"{ds}: {k} {r[k][:8]}")
            if r["cols"]:
                worst = sorted(r["cols"], key=lambda x: -x[1])
                notes.append(f"{ds}: {r['bad']} cells differ ({r['na']} missing in one only) in "
                             f"{len(r['cols'])} columns, e.g. " + ", ".join(
                                 f"{c} ({n} cells{', ' + str(na) + ' missing in one only' if na else ''}, largest rel {rel:.2g}, first unit {w})"
                                 for c, n, rel, w, na in worst[:6]))
        # effective weights
        ew = "–"
        cew = os.path.join(d, "coinr_effw.csv")
        hj = os.path.join(d, "hallyu.json")
        if os.path.exists(cew) and os.path.exists(hj):
            with open(cew, newline="") as f:
                c = {r["iCode"]: num(r["EffWeight"]) for r in csv.DictReader(f)}
            with open(hj) as f:
                h = dict(json.load(f)["effective_weights"])
            keys = [k for k in c if k in h]
            n, b, rel, _, worst, _ = compare_cells([(k, c[k], h[k]) for k in keys], a.tol)
            ew = f"{rel:.1e}" if not b else f"**{rel:.2g}** ({b} of {n})"
            if b:
                bad += b
                notes.append(f"effective weights: {b} of {n} differ, e.g. {worst}: "
                             f"COINr {c[worst]!r}, hallyu {h[worst]!r}")
            if set(c) ^ set(h):
                notes.append(f"effective weights in one only: {sorted(set(c) ^ set(h))[:8]}")
        # PCA loadings: hallyu's, recovered from its effective weights (within a group they
        # are the loadings times (parent's effective weight / sum of the loadings), and the
        # loadings have unit length), against get_PCA's up to each group's sign.
        cw = os.path.join(d, "coinr_weights.csv")
        if os.path.exists(cw) and os.path.exists(hj):
            with open(cw, newline="") as f:
                cl = {r["iCode"]: num(r["Weight"]) for r in csv.DictReader(f)}
            with open(hj) as f:
                hjs = json.load(f)
            parent = {t["code"]: t["parent"] for t in hjs["tree"]}
            h = dict(hjs["effective_weights"])
            groups = {}
            for code in cl:
                groups.setdefault(parent[code], []).append(code)
            worst_l, flipped = 0.0, []
            for g, codes in groups.items():
                norm = math.sqrt(sum(h[c] ** 2 for c in codes))
                sign = 1.0 if sum(cl[c] for c in codes) > 0 else -1.0
                if sign < 0:
                    flipped.append(g)
                for c in codes:
                    hl = h[c] / norm
                    worst_l = max(worst_l, abs(hl - sign * cl[c]) / abs(cl[c]))
            if worst_l > a.tol:
                bad += 1
            notes.append(f"PCA loadings ({len(cl)} in {len(groups)} groups) vs get_PCA up to "
                         f"sign: largest rel. diff {worst_l:.1e}; get_PCA's sign makes the "
                         f"loadings sum below zero in {len(flipped)} groups "
                         f"({', '.join(sorted(flipped)) or 'none'}): the same aggregates, since "
                         f"a_amean divides by the sum of the weights")
        ok = bad == 0
        all_ok &= ok
        verdict = "agree" if ok else "**differ**"
        p(f"| {name} | `{flags}` | {', '.join(compared)} | {cells} | {max_rel:.1e} | {ew} | "
          f"{verdict} |")
        if notes:
            details.append(f"- **{name}**: " + "; ".join(notes))
    if details:
        p("")
        p("Details:")
        p("")
        out.extend(details)
    print("\n".join(out))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
