"""Recomputes `hallyu potential` for Korea in 2006 with numpy, independently of hallyu:
PPML by iteratively reweighted least squares with explicit exporter and importer dummies.

    python check.py PANEL.csv POTENTIAL.json

PANEL.csv is the embedded panel as `hallyu data agtpa --out` writes it; POTENTIAL.json is
`hallyu potential KOR "trade ~ log(dist) + cntg + lang + clny + rta | exporter + importer"
--where "year == 2006 and exporter != importer" --format json`. Checked: the coefficients,
and for every partner the predicted exports and the gap (to 1e-6 of the prediction). Prints one line per check; exit
status 1 when one differs by more than 1e-6 relative (IRLS here stops at a relative change
in deviance of 1e-13; hallyu's tolerance is 1e-8 on the deviance, which moves predictions
by far less than 1e-6).
"""

import json
import sys

import numpy as np
import pandas as pd

COVARIATES = ["log_dist", "cntg", "lang", "clny", "rta"]


def ppml(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """PPML by IRLS; returns the fitted means."""
    mu = y + y.mean() / 2
    eta = np.log(mu)
    dev_old = np.inf
    for _ in range(200):
        z = eta + (y - mu) / mu
        w = mu
        xw = x * w[:, None]
        beta = np.linalg.solve(x.T @ xw, xw.T @ z)
        eta = x @ beta
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = 2 * np.sum(np.where(y > 0, y * np.log(y / mu), 0) - (y - mu))
        if abs(dev - dev_old) <= 1e-13 * max(abs(dev), 1e-10):
            return beta, mu
        dev_old = dev
    raise SystemExit("IRLS did not converge")


def main() -> int:
    panel = pd.read_csv(sys.argv[1])
    result = json.load(open(sys.argv[2]))
    d = panel[(panel.year == 2006) & (panel.exporter != panel.importer)].copy()
    d["log_dist"] = np.log(d.dist)
    d = d.dropna(subset=["trade"] + COVARIATES).reset_index(drop=True)
    exporters = pd.get_dummies(d.exporter, dtype=float)
    importers = pd.get_dummies(d.importer, dtype=float).iloc[:, 1:]
    x = np.column_stack([d[COVARIATES].to_numpy(float), exporters, importers])
    beta, mu = ppml(d.trade.to_numpy(float), x)
    d["predicted"] = mu

    failures = 0

    def check(what: str, ours: float, theirs: float, scale: float = 0.0) -> None:
        nonlocal failures
        ok = abs(ours - theirs) <= 1e-6 * max(abs(theirs), scale, 1e-3)
        failures += not ok
        print(f"{'ok' if ok else 'MISMATCH'} {what}: numpy {theirs!r}, hallyu {ours!r}")

    terms = {c["term"]: c["estimate"] for c in result["fit"]["coefficients"]}
    for name, b in zip(["log(dist)", "cntg", "lang", "clny", "rta"], beta):
        check(f"coefficient {name}", terms[name], b)
    kor = d[d.exporter == "KOR"].set_index("importer")
    partners = result["potential"]["partners"]
    if len(partners) != len(kor):
        print(f"MISMATCH partners: numpy {len(kor)}, hallyu {len(partners)}")
        failures += 1
    for p in partners:
        row = kor.loc[p["partner"]]
        check(f"predicted {p['partner']}", p["predicted"], row.predicted)
        # A gap is a difference: its error is that of the prediction.
        check(f"gap {p['partner']}", p["gap"], row.predicted - row.trade, row.predicted)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
