"""Reference values from pyfixest for the `vs_pyfixest` integration test.

An independent-implementation check: every case below is fitted once with pyfixest and
once (by crates/cli/tests/vs_pyfixest.rs) with the `hallyu` binary, and the estimates,
standard errors and numbers of observations must agree.

    python tests/reference/pyfixest/make_reference.py \
        [--data ../shared/data/agtpa/agtpa_applications.csv]

Writes, next to this script:

* expected.csv   one row per (case, term): case, command (the hallyu argument vector as a
                 JSON array), formula, where, vcov, cluster, ssc, weights, nobs, term,
                 estimate, std_error, known_difference (empty, or why the Rust test skips
                 the case);
* weighted_sample.csv  a small subsample (international pairs, 1998/2002/2006) with a
                 constructed weight column w = 1 + (year - 1986)/20, for the cases that
                 need a column the embedded panel lacks.

The data are the Advanced Guide panel (agtpa_applications), the same table that hallyu
embeds (`hallyu data agtpa --out x.csv` exports it). pyfixest runs with tight tolerances
(fixef_tol = iwls_tol = 1e-12): its estimates are then exact to ~1e-13 and its Poisson standard
errors to ~1e-7 or better (they are computed with the IRLS weights of the last iteration but
one, like hallyu's, so they need a tighter iwls_tol than the estimates; at iwls_tol = 1e-10 one
was still off by 2e-7 against a dense-dummy Newton fit).
Tested with pyfixest 0.60.0.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import warnings
from pathlib import Path

import pandas as pd
import pyfixest as pf
from pyfixest.demeaners import MapDemeaner

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = "../shared/data/agtpa/agtpa_applications.csv"
WEIGHTED = "weighted_sample.csv"

BOOK_YEARS = "year in (1986, 1990, 1994, 1998, 2002, 2006)"
INTL = "exporter != importer"

# hallyu --ssc spelling -> pyfixest ssc()
SSC = {
    "fixest": dict(k_adj=True, G_adj=True),
    "cluster-only": dict(k_adj=False, G_adj=True),
    "none": dict(k_adj=False, G_adj=False),
}

# Cases the engine computes differently from pyfixest on purpose, with the reason (the Rust
# test skips these and prints the note). Empty: every case must agree.
KNOWN_DIFFERENCES: dict[str, str] = {}


def case(name, est, fml, where="", vcov="", cluster="", ssc="fixest", weights="", data="", extra=None):
    return dict(name=name, est=est, fml=fml, where=where, vcov=vcov, cluster=cluster, ssc=ssc,
                weights=weights, data=data, extra=extra or [])


GRAV = "log(dist) + cntg + lang + clny"
TWOFE = "exporter^year + importer^year"
THREEFE = "exporter^year + importer^year + pair_id"
W_BOOK_INTL = f"{BOOK_YEARS} and {INTL}"
W_OLS_BOOK_INTL = f"{BOOK_YEARS} and {INTL} and trade > 0"

CASES = [
    # ---------------- Poisson, no fixed effects (intercept) ----------------
    case("pois_nofe_iid", "fepois", f"trade ~ {GRAV}", f"year == 2006 and {INTL}", vcov="iid"),
    case("pois_nofe_hetero", "fepois", f"trade ~ {GRAV} + rta", f"year == 2006 and {INTL}", vcov="hetero"),
    case("pois_nofe_crv_pair", "fepois", f"trade ~ {GRAV} + rta", f"year in (2002, 2006) and {INTL}",
         cluster="pair_id"),
    # ---------------- Poisson, one fixed effect ----------------
    case("pois_1fe_default_vcov", "fepois", f"trade ~ {GRAV} + rta | exporter", f"year == 2006 and {INTL}"),
    case("pois_1fe_vcov_cluster", "fepois", f"trade ~ {GRAV} + rta | exporter", f"year == 2006 and {INTL}",
         vcov="cluster"),
    case("pois_1fe_hetero", "fepois", f"trade ~ {GRAV} + rta | importer", f"year == 2006 and {INTL}", vcov="hetero"),
    case("pois_1fe_iyear_hetero", "fepois", "trade ~ log(dist) + cntg + i(year) | exporter", W_BOOK_INTL,
         vcov="hetero"),
    # ---------------- Poisson, two (interacted) fixed effects ----------------
    case("pois_2fe_crv_pair", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL, cluster="pair_id"),
    case("pois_2fe_crv_pair_clonly", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL,
         cluster="pair_id", ssc="cluster-only"),
    case("pois_2fe_crv_pair_none", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL,
         cluster="pair_id", ssc="none"),
    case("pois_2fe_iid", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL, vcov="iid"),
    case("pois_2fe_iid_clonly", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL, vcov="iid",
         ssc="cluster-only"),
    case("pois_2fe_hetero", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL, vcov="hetero"),
    case("pois_2fe_twoway", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL,
         cluster="exporter,importer"),
    case("pois_2fe_twoway_clonly", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}", W_BOOK_INTL,
         cluster="exporter,importer", ssc="cluster-only"),
    case("pois_2fe_iyear_slopes", "fepois", f"trade ~ log(dist) + lang + clny + i(year, cntg) | {TWOFE}",
         W_BOOK_INTL, cluster="pair_id"),
    case("pois_2fe_where_strings", "fepois", f"trade ~ {GRAV} + rta | {TWOFE}",
         "year >= 2000 and exporter != importer and importer != 'USA' and exporter in ('KOR', 'JPN', 'CHN', 'DEU', 'USA', 'FRA', 'GBR', 'ITA', 'CAN', 'MEX')",
         cluster="pair_id"),
    # ---------------- Poisson, three fixed effects (the structural gravity PPML) ----------------
    case("pois_3fe_crv_pair", "fepois", f"trade ~ rta | {THREEFE}", BOOK_YEARS, cluster="pair_id"),
    case("pois_3fe_crv_pair_clonly", "fepois", f"trade ~ rta | {THREEFE}", BOOK_YEARS,
         cluster="pair_id", ssc="cluster-only"),
    case("pois_3fe_crv_exporter", "fepois", f"trade ~ rta | {THREEFE}", BOOK_YEARS, cluster="exporter"),
    case("pois_3fe_hetero", "fepois", f"trade ~ rta | {THREEFE}", BOOK_YEARS, vcov="hetero"),
    case("pois_3fe_lags_crv_pair", "fepois", f"trade ~ rta + rta_lag4 | {THREEFE}", W_BOOK_INTL,
         cluster="pair_id"),
    case("pois_3fe_twoway", "fepois", f"trade ~ rta + rta_lag4 | {THREEFE}", W_BOOK_INTL,
         cluster="exporter,importer"),
    case("pois_3fe_weights_dist", "fepois", f"trade ~ rta | {THREEFE}", W_BOOK_INTL,
         cluster="pair_id", weights="dist"),
    case("pois_2fe_weights_w", "fepois", f"trade ~ log(dist) + cntg + rta | {TWOFE}", "",
         cluster="pair_id", weights="w", data=WEIGHTED),
    # ---------------- OLS, no fixed effects ----------------
    case("ols_nofe_iid", "feols", f"log(trade) ~ {GRAV}", f"year == 2006 and {INTL} and trade > 0", vcov="iid"),
    case("ols_nofe_hetero", "feols", f"log(trade) ~ {GRAV} + rta", f"year == 2006 and {INTL} and trade > 0",
         vcov="hetero"),
    case("ols_nofe_iyear_hetero_wdist", "feols", f"log(trade) ~ {GRAV} + i(year)", W_OLS_BOOK_INTL,
         vcov="hetero", weights="dist"),
    case("ols_nofe_where_or_parens", "feols", "log(trade) ~ log(dist) + cntg + lang",
         "trade > 0 and (exporter != importer and year == 1986 or year == 2006 and cntg == 1)", vcov="hetero"),
    # ---------------- OLS, one fixed effect ----------------
    case("ols_1fe_pair_crv_pair", "feols", "log(trade) ~ rta + rta_lag4 | pair_id", W_OLS_BOOK_INTL,
         cluster="pair_id"),
    case("ols_1fe_pair_singletons", "feols", "log(trade) ~ rta | pair_id",
         f"year in (1986, 2006) and {INTL} and trade > 0", cluster="pair_id"),
    case("ols_1fe_exporter_iid", "feols", f"log(trade) ~ {GRAV} + rta | exporter", W_OLS_BOOK_INTL, vcov="iid"),
    # ---------------- OLS, two fixed effects ----------------
    case("ols_2fe_crv_pair", "feols", f"log(trade) ~ {GRAV} + rta | {TWOFE}", W_OLS_BOOK_INTL, cluster="pair_id"),
    case("ols_2fe_crv_pair_clonly", "feols", f"log(trade) ~ {GRAV} + rta | {TWOFE}", W_OLS_BOOK_INTL,
         cluster="pair_id", ssc="cluster-only"),
    case("ols_2fe_crv_pair_none", "feols", f"log(trade) ~ {GRAV} + rta | {TWOFE}", W_OLS_BOOK_INTL,
         cluster="pair_id", ssc="none"),
    case("ols_2fe_iid", "feols", f"log(trade) ~ {GRAV} + rta | {TWOFE}", W_OLS_BOOK_INTL, vcov="iid"),
    case("ols_2fe_hetero", "feols", f"log(trade) ~ {GRAV} + rta | {TWOFE}", W_OLS_BOOK_INTL, vcov="hetero"),
    case("ols_2fe_hetero_none", "feols", f"log(trade) ~ {GRAV} + rta | {TWOFE}", W_OLS_BOOK_INTL,
         vcov="hetero", ssc="none"),
    case("ols_2fe_twoway", "feols", f"log(trade) ~ {GRAV} + rta | {TWOFE}", W_OLS_BOOK_INTL,
         cluster="exporter,importer"),
    case("ols_2fe_iyear_slopes", "feols", f"log(trade) ~ log(dist) + cntg + clny + i(year, lang) | {TWOFE}",
         W_OLS_BOOK_INTL, cluster="pair_id"),
    case("ols_2fe_weights_w", "feols", f"log(trade) ~ log(dist) + cntg + rta | {TWOFE}", "trade > 0",
         cluster="pair_id", weights="w", data=WEIGHTED),
    # ---------------- OLS, three fixed effects ----------------
    case("ols_3fe_crv_pair", "feols", f"log(trade) ~ rta + rta_lag4 | {THREEFE}", W_OLS_BOOK_INTL,
         cluster="pair_id"),
    case("ols_3fe_hetero", "feols", f"log(trade) ~ rta + rta_lag4 | {THREEFE}", W_OLS_BOOK_INTL, vcov="hetero"),
    case("ols_3fe_iid", "feols", f"log(trade) ~ rta + rta_lag4 | {THREEFE}", W_OLS_BOOK_INTL, vcov="iid"),
    case("ols_3fe_twoway_clonly", "feols", f"log(trade) ~ rta + rta_lag4 | {THREEFE}", W_OLS_BOOK_INTL,
         cluster="exporter,importer", ssc="cluster-only"),
]


def hallyu_command(c) -> list[str]:
    cmd = [c["est"], c["fml"]]
    if c["data"]:
        cmd += ["--data", c["data"]]  # relative to tests/reference/pyfixest/
    if c["where"]:
        cmd += ["--where", c["where"]]
    if c["vcov"]:
        cmd += ["--vcov", c["vcov"]]
    if c["cluster"]:
        cmd += ["--cluster", c["cluster"]]
    if c["ssc"] != "fixest":
        cmd += ["--ssc", c["ssc"]]
    if c["weights"]:
        cmd += ["--weights", c["weights"]]
    return cmd + c["extra"]


def pyfixest_vcov(c):
    if c["cluster"]:
        return {"CRV1": c["cluster"].replace(",", "+")}
    if c["vcov"] == "cluster":  # hallyu: --vcov cluster without --cluster = the first fixed effect
        return {"CRV1": c["fml"].split("|")[1].split("+")[0].strip()}
    if c["vcov"]:
        return c["vcov"]
    return None  # pyfixest's default: CRV1 by the first fixed effect, iid without


def fit(c, data: dict[str, pd.DataFrame]):
    df = data[c["data"] or "main"]
    if c["where"]:
        # hallyu's --where syntax (and/or, ==, !=, in (...), quoted strings) is valid pandas query.
        df = df.query(c["where"])
    kw = dict(
        data=df,
        vcov=pyfixest_vcov(c),
        ssc=pf.ssc(**SSC[c["ssc"]]),
        fixef_rm="singleton",
        demeaner=MapDemeaner(fixef_tol=1e-12, fixef_maxiter=100_000),
    )
    if c["weights"]:
        kw["weights"] = c["weights"]
    if c["est"] == "fepois":
        kw.update(iwls_tol=1e-12, iwls_maxiter=500)
        m = pf.fepois(c["fml"], **kw)
    else:
        m = pf.feols(c["fml"], **kw)
    return m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    args = ap.parse_args()

    main_df = pd.read_csv(args.data)

    # The weighted subsample: small enough to ship (< 1 MB).
    sub = main_df.query(f"year in (1998, 2002, 2006) and {INTL}")[
        ["exporter", "importer", "pair_id", "year", "trade", "dist", "cntg", "rta"]
    ].copy()
    sub["w"] = 1 + (sub["year"] - 1986) / 20
    sub.to_csv(HERE / WEIGHTED, index=False)
    # Re-read the shipped file so that both programs see exactly the same numbers.
    data = {"main": main_df, WEIGHTED: pd.read_csv(HERE / WEIGHTED)}

    rows = []
    for c in CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = fit(c, data)
        coef, se = m.coef(), m.se()
        print(f"{c['name']:32s} nobs={m._N:6d}  " + "  ".join(f"{t}={coef[t]:.6g}({se[t]:.3g})" for t in coef.index),
              file=sys.stderr)
        for term in coef.index:
            rows.append({
                "case": c["name"],
                "command": json.dumps(hallyu_command(c)),
                "formula": c["fml"],
                "where": c["where"],
                "vcov": c["vcov"] or ("cluster" if c["cluster"] else "default"),
                "cluster": c["cluster"],
                "ssc": c["ssc"],
                "weights": c["weights"],
                "nobs": int(m._N),
                "term": "(Intercept)" if term == "Intercept" else term,
                "estimate": repr(float(coef[term])),
                "std_error": repr(float(se[term])),
                "known_difference": KNOWN_DIFFERENCES.get(c["name"], ""),
            })
    with open(HERE / "expected.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows for {len(CASES)} cases to {HERE / 'expected.csv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
