#!/usr/bin/env python3
"""Produce expected.csv for the ppmlhdfe separation examples with pyfixest.

Usage (from any directory):

    python make_expected.py

For every NN.csv in this folder (columns y, x*, id*, separated) it

1. builds the formula the way ppmlhdfe's test/validate_tagsep.do and
   pyfixest's tests/test_poisson.py do: y on all x* columns, absorbing all
   id* columns (no FE -> plain Poisson with an intercept; no regressors ->
   ``y ~ 1 | ids``);
2. fits ``pf.fepois(..., separation_check=["fe", "ir"], fixef_rm="none")``
   on all rows (``fixef_rm="none"`` mirrors ppmlhdfe's ``keepsing`` in the
   validation script, so no singleton rows are dropped);
3. compares the rows pyfixest dropped with the ``separated`` column (the
   ppmlhdfe ground truth);
4. if pyfixest dropped exactly the rows flagged ``separated == 1``, records
   its coefficients; otherwise refits on the rows with ``separated == 0`` only
   (still with the separation checks, which should then find nothing) and
   records those coefficients, saying so in the ``note`` column.

Standard errors: ``std_error_hetero`` is pyfixest's ``vcov="hetero"`` (HC1
with pyfixest's default small-sample correction), ``std_error_iid`` is
``vcov="iid"``.  Terms dropped as collinear (e.g. a regressor that is
non-zero only on separated rows) get no row; they are listed in the note.
"""

from __future__ import annotations

import csv
import glob
import os
import re
import warnings

import numpy as np
import pandas as pd
import pyfixest as pf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "expected.csv")

HEADER = [
    "example",
    "formula",
    "n_total",
    "n_separated_expected",
    "pyfixest_nobs",
    "term",
    "estimate",
    "std_error_hetero",
    "std_error_iid",
    "note",
]

FIT_KW = dict(
    separation_check=["fe", "ir"],
    fixef_rm="none",
    iwls_tol=1e-10,
    iwls_maxiter=1000,
)


def formula_for(data: pd.DataFrame) -> str:
    xs = [c for c in data.columns if c.startswith("x")]
    ids = [c for c in data.columns if c.startswith("id")]
    rhs = " + ".join(xs) if xs else "1"
    fml = f"y ~ {rhs}"
    if ids:
        fml += " | " + " + ".join(ids)
    return fml


def fit(fml: str, data: pd.DataFrame):
    """Return (fit or None, error message, list of warning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = pf.fepois(fml, data=data, vcov="hetero", **FIT_KW)
            err = ""
        except Exception as e:  # noqa: BLE001
            res, err = None, f"{type(e).__name__}: {e}"
    msgs = [
        " ".join(str(w.message).split())
        for w in caught
        if "deprecated" not in str(w.message)
    ]
    return res, err, msgs


def collinear_note(msgs: list[str]) -> str:
    for m in msgs:
        mm = re.search(r"The following variables are dropped: \[(.*?)\]", m)
        if mm:
            return "collinear dropped: " + mm.group(1).replace("'", "")
    return ""


def coef_rows(res) -> list[tuple[str, float, float, float]]:
    if res is None:
        return []
    names = list(res._coefnames)
    if not names:
        return []
    beta = np.asarray(res.coef(), dtype=float)
    res.vcov("hetero")
    se_h = np.asarray(res.se(), dtype=float)
    res.vcov("iid")
    se_i = np.asarray(res.se(), dtype=float)
    res.vcov("hetero")
    return list(zip(names, beta, se_h, se_i))


def constant_fe_check(data: pd.DataFrame) -> str:
    """pyfixest only runs its separation checks when there are fixed effects.

    As in pyfixest's own tests, absorb a constant FE (equivalent to the
    intercept) and see whether the "ir" check then finds the ground truth.
    """
    xs = [c for c in data.columns if c.startswith("x")]
    d = data.drop(columns="separated").copy()
    d["const_fe"] = 0
    res, err, _ = fit(f"y ~ {' + '.join(xs)} | const_fe", d)
    if res is None:
        return f"constant-FE cross-check failed ({err})"
    dropped = set(d.index) - set(res._data.index)
    truth = set(data.index[data["separated"] == 1])
    ok = "matches" if dropped == truth else "does NOT match"
    return (
        f"constant-FE cross-check: pyfixest drops {len(dropped)} rows, "
        f"{ok} ground truth"
    )


def main() -> None:
    rows = []
    files = sorted(glob.glob(os.path.join(HERE, "[0-9][0-9].csv")))
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0]
        data = pd.read_csv(path)
        fml = formula_for(data)
        n_total = len(data)
        sep_truth = set(data.index[data["separated"] == 1])
        n_sep = len(sep_truth)
        notes = []

        res, err, msgs = fit(fml, data.drop(columns="separated"))
        if res is not None:
            kept = set(res._data.index)
            dropped = set(data.index) - kept
            nobs = int(res._N)
            conv = bool(getattr(res, "_convergence", True))
        else:
            dropped, nobs, conv = None, "", False

        if res is not None and dropped == sep_truth and conv:
            notes.append(
                "pyfixest detected separation correctly"
                if n_sep
                else "no separation; pyfixest dropped no rows"
            )
            final, final_msgs = res, msgs
        else:
            if res is None:
                notes.append(f"pyfixest full-sample fit failed ({err})")
            else:
                miss = sorted(sep_truth - dropped)
                extra = sorted(dropped - sep_truth)
                notes.append(
                    f"pyfixest dropped {len(dropped)} rows vs {n_sep} separated "
                    f"(missed {len(miss)}, extra {len(extra)}"
                    + ("" if conv else ", not converged")
                    + ")"
                )
            sub = (
                data[data["separated"] == 0]
                .drop(columns="separated")
                .reset_index(drop=True)
            )
            final, err2, final_msgs = fit(fml, sub)
            if final is None:
                notes.append(f"refit on non-separated rows failed ({err2})")
            else:
                notes.append(
                    "estimates from refit on rows with separated==0 "
                    f"(refit nobs={int(final._N)})"
                )
                if int(final._N) != len(sub):
                    notes.append(
                        f"refit still dropped {len(sub) - int(final._N)} rows"
                    )
        if not any(c.startswith("id") for c in data.columns) and any(
            c.startswith("x") for c in data.columns
        ):
            notes.append(constant_fe_check(data))
        cn = collinear_note(final_msgs) if final is not None else ""
        if cn:
            notes.append(cn)
        if final is not None and not getattr(final, "_convergence", True):
            notes.append("final fit did not converge")

        note = "; ".join(notes)
        crow = coef_rows(final)
        base = [name, fml, n_total, n_sep, nobs]
        if crow:
            for term, b, sh, si in crow:
                rows.append(base + [term, f"{b:.12g}", f"{sh:.12g}", f"{si:.12g}", note])
        else:
            rows.append(base + ["", "", "", "", note])
        print(name, fml, n_total, n_sep, nobs, note)

    with open(OUT, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} rows), pyfixest {pf.__version__}")


if __name__ == "__main__":
    main()
