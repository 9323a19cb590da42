#!/usr/bin/env python3
"""Re-estimate every Chapter 1 specification of Yotov et al. (2016) with pyfixest and
compare with the published values in yotov2016_ch1.csv (same directory).

usage: python verify_pyfixest.py /path/to/agtpa_applications.csv [path/to/yotov2016_ch1.csv]

Derived columns are built exactly as documented in DERIVED.md. For every row of the CSV
it prints published vs pyfixest (estimate and SE under the `ssc` convention named in the
row) and, for SEs, the alternative conventions, so one can see which correction
reproduces the published number. Exit status 1 if any row differs by more than 1e-4
(after rounding pyfixest to 4 decimals).

Tested with pyfixest 0.60.0, pandas 2.x.
"""
import math
import warnings
import os
import re
import sys

import numpy as np
import pandas as pd
import pyfixest as pf

YEARS = [1986, 1990, 1994, 1998, 2002, 2006]


def build(path):
    d = pd.read_csv(path)
    d = d[d["year"].isin(YEARS)].copy().reset_index(drop=True)
    d["exporter"] = d["exporter"].astype(str)
    d["importer"] = d["importer"].astype(str)
    with np.errstate(divide="ignore"):
        d["log_trade"] = np.log(d["trade"])  # -inf where trade == 0 (never used: OLS samples need trade > 0)
    d["log_dist"] = np.log(d["dist"])
    d["exp_year"] = d["exporter"] + d["year"].astype(str)
    d["imp_year"] = d["importer"] + d["year"].astype(str)
    intra = d["exporter"] == d["importer"]
    d["smctry"] = intra.astype(int)
    d["intl_brdr"] = (~intra).astype(int)
    # output / expenditure: sums over ALL importers / exporters incl. intra-national flow
    d["y"] = d.groupby(["exporter", "year"])["trade"].transform("sum")
    d["e"] = d.groupby(["importer", "year"])["trade"].transform("sum")
    d["log_y"] = np.log(d["y"])
    d["log_e"] = np.log(d["e"])
    # world totals (book: bysort exporter year: egen TotEj = total(E); bysort year: egen TotE = max(TotEj))
    tot_e = d.groupby(["exporter", "year"])["e"].transform("sum")
    d["total_e"] = tot_e.groupby(d["year"]).transform("max")
    tot_y = d.groupby(["importer", "year"])["y"].transform("sum")
    d["total_y"] = tot_y.groupby(d["year"]).transform("max")
    d["rem_exp"] = (d["dist"] / (d["e"] / d["total_e"])).groupby([d["exporter"], d["year"]]).transform("sum")
    d["rem_imp"] = (d["dist"] / (d["y"] / d["total_y"])).groupby([d["importer"], d["year"]]).transform("sum")
    d["log_rem_exp"] = np.log(d["rem_exp"])
    d["log_rem_imp"] = np.log(d["rem_imp"])
    for t in YEARS:
        d[f"log_dist_{t}"] = d["log_dist"] * (d["year"] == t) * (1 - d["smctry"])
        d[f"intl_brdr_{t}"] = d["intl_brdr"] * (d["year"] == t)
    d["log_dist_intra"] = d["log_dist"] * d["smctry"]
    d["intra_pair"] = np.where(intra, d["exporter"], "inter")
    d["pair_id_2"] = np.where(intra, 0, d["pair_id"])  # pair_ids are >= 1, so 0 is a fresh level
    return d


OPS = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
       ">": np.greater, ">=": np.greater_equal}


def apply_sample(d, expr):
    expr = (expr or "").strip()
    if not expr:
        return d
    mask = np.ones(len(d), dtype=bool)
    for clause in re.split(r"\s+and\s+", expr):
        col, op, val = clause.split()
        lhs = d[col].to_numpy()
        rhs = d[val].to_numpy() if val in d.columns else float(val)
        mask &= OPS[op](lhs, rhs)
    return d[mask]


def ndec(x):
    """number of decimals in a published number; tolerance is one unit of that decimal
    (1e-4 for the usual 4-decimal values)."""
    return len(x.split(".")[1]) if "." in x else 0


def fit(d, row):
    sub = apply_sample(d, row["sample"])
    fml = row["formula"]
    vc = {"CRV1": row["cluster"]}
    # cluster-only convention: V * G/(G-1)  (fixest ssc(adj = FALSE), Stata ML / ppml)
    ssc0 = pf.ssc(k_adj=False, G_adj=True)
    if row["estimator"] == "ols":
        m = pf.feols(fml, data=sub, vcov=vc, ssc=ssc0)
    else:
        m = pf.fepois(fml, data=sub, vcov=vc, ssc=ssc0, iwls_tol=1e-10, iwls_maxiter=100,
                      fixef_tol=1e-10)
    return m, sub


def n_fe_params(m, fml):
    """Rank of the fixed-effect dummy block: sum of levels minus redundancies.

    For the first two FEs the redundancies are the connected components of the bipartite
    level graph (exp_year x imp_year has one component per YEAR, i.e. 6, not 1); each further
    FE is assumed to add exactly one redundancy (this count is only used for the
    'stata-regress' SE column, which is only published for two-way-FE OLS)."""
    if "|" not in fml:
        return 0
    fes = [f.strip() for f in fml.split("|")[1].split("+")]
    used = m._data  # the rows actually used (after separation / singleton drops)
    levels = [used[f].nunique() for f in fes]
    if len(fes) == 1:
        return levels[0]
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in set(zip(used[fes[0]].astype(str), used[fes[1]].astype(str))):
        ra, rb = find(("a", a)), find(("b", b))
        if ra != rb:
            parent[ra] = rb
    n_comp = len({find(x) for x in list(parent)})
    return sum(levels) - n_comp - (len(fes) - 2)


def main():
    warnings.filterwarnings("ignore")
    data_path = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    ref_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "yotov2016_ch1.csv")
    ref = pd.read_csv(ref_path, dtype=str, keep_default_na=False)
    d = build(data_path)
    bad = 0
    for spec, rows in ref.groupby("spec", sort=False):
        row0 = rows.iloc[0]
        m, sub = fit(d, row0)
        coef = m.coef()
        vcov = pd.DataFrame(m._vcov, index=coef.index, columns=coef.index)
        nobs = int(m._N)
        G = int(np.atleast_1d(m._G)[0])
        k_slopes = len(coef)
        k_full = k_slopes + n_fe_params(m, row0["formula"])
        f_slopes = math.sqrt((nobs - 1) / (nobs - k_slopes))
        f_full = math.sqrt((nobs - 1) / (nobs - k_full))
        print(f"\n== {spec}  [{row0['estimator']}] {row0['formula']}  sample: {row0['sample'] or '(all rows)'}")
        print(f"   nobs: published {row0['nobs']}  pyfixest {nobs}   G={G}  K(slopes)={k_slopes}  K(slopes+FE)={k_full}")
        if str(nobs) != row0["nobs"]:
            print("   ** NOBS MISMATCH")
            bad += 1
        print(f"   {'term':<34}{'pub_est':>9}{'py_est':>11}{'pub_se':>9}{'se_clust':>10}{'se_kslope':>10}{'se_kfull':>10}  status")
        for _, r in rows.iterrows():
            term = r["term"]
            if term.startswith("lincom:"):
                names = term[len("lincom:"):].split("+")
                g = np.ones(len(names))
                est = coef[names].sum()
                V = vcov.loc[names, names].to_numpy()
                se = math.sqrt(g @ V @ g)
            elif term.startswith("nlcom:"):
                # 100*(b_last - b_first)/b_first  with names "nlcom:pct_change(first,last)"
                a, b = re.match(r"nlcom:pct_change\((\w+),(\w+)\)", term).groups()
                ba, bb = coef[a], coef[b]
                est = 100 * (bb - ba) / ba
                g = np.array([-100 * bb / ba**2, 100 / ba])
                V = vcov.loc[[a, b], [a, b]].to_numpy()
                se = math.sqrt(g @ V @ g)
            else:
                name = "Intercept" if term == "(Intercept)" else term  # fixest vs pyfixest naming
                est = coef[name]
                se = math.sqrt(vcov.loc[name, name])
            se_conv = {"cluster-only": se, "stata-regress": se * f_full, "k-slopes": se * f_slopes}
            chosen = se_conv.get(r["ssc"], se)
            pe, ps = float(r["estimate"]), float(r["std_error"])
            de, ds = ndec(r["estimate"]), ndec(r["std_error"])
            ok_e = abs(round(est, de) - pe) <= 10.0 ** -de + 1e-12
            ok_s = abs(round(chosen, ds) - ps) <= 10.0 ** -ds + 1e-12
            status = "ok" if (ok_e and ok_s) else ("EST-DIFF" if not ok_e else "") + (" SE-DIFF" if not ok_s else "")
            if not (ok_e and ok_s):
                bad += 1
            print(f"   {term:<34}{r['estimate']:>9}{est:>11.5f}{r['std_error']:>9}{se:>10.5f}{se*f_slopes:>10.5f}{se*f_full:>10.5f}  {status} ({r['ssc']})")
    print(f"\n{bad} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
