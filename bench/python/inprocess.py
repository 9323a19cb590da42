"""hallyu.fepois against pyfixest.fepois in one Python process, on the same pandas
DataFrame: the gravity specification, clustered by pair, both at tolerance 1e-8.

    bench/python/run.sh                     # 1M and 5M rows, 3 runs each
    bench/python/run.sh --sizes 1m --runs 5

hallyu's time includes handing the DataFrame over (pandas -> Arrow, the columns the
formula reads; float columns without missing values are not copied); the hand-over alone
is also timed. Runs of the two tools alternate; the table gives medians. The data are the
panels of bench/run.sh (`hallyu synth`, bench/work/synth_*.parquet), read once with pandas.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa

import hallyu

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / "work"
FORMULA = "trade ~ rta | exporter^year + importer^year + pair"
SIZES = {"1m": (200, 25), "5m": (500, 20)}


def panel(size: str, binary: Path) -> Path:
    path = WORK / f"synth_{size}.parquet"
    if not path.exists():
        countries, years = SIZES[size]
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(binary), "synth", "--countries", str(countries), "--years", str(years),
             "--seed", "1", "--out", str(path)],
            check=True,
        )
    return path


def fit_pyfixest(df: pd.DataFrame):
    import pyfixest as pf
    from pyfixest.demeaners import MapDemeaner

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.fepois(FORMULA, data=df, vcov={"CRV1": "pair"},
                         demeaner=MapDemeaner(backend="rust", fixef_tol=1e-8, fixef_maxiter=100_000),
                         iwls_tol=1e-8, iwls_maxiter=100)


def fit_hallyu(df: pd.DataFrame):
    return hallyu.fepois(FORMULA, df, vcov={"CRV1": "pair"}, fixef_tol=1e-8, iwls_tol=1e-8,
                         progress=False)


def timed(f, *args):
    t = time.perf_counter()
    out = f(*args)
    return time.perf_counter() - t, out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1m,5m")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--binary", default=str(ROOT / "target" / "release" / "hallyu"))
    a = p.parse_args()
    import pyfixest as pf

    print(f"# hallyu {hallyu.__version__} vs pyfixest {pf.__version__}, pandas {pd.__version__}, "
          f"pyarrow {pa.__version__}, Python {sys.version.split()[0]}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}; medians of {a.runs} runs")
    print("| rows | pyfixest fit | hallyu fit (with hand-over) | hand-over alone | speed-up | largest coef. rel. diff. | nobs |")
    print("| --: | --: | --: | --: | --: | --: | --: |")
    for size in a.sizes.split(","):
        df = pd.read_parquet(panel(size, Path(a.binary)))
        fit_hallyu(df)  # first call imports pyarrow's pandas conversion
        times = {"pyfixest": [], "hallyu": [], "handover": []}
        diff = 0.0
        nobs = None
        for _ in range(a.runs):
            t_pf, f_pf = timed(fit_pyfixest, df)
            t_hy, f_hy = timed(fit_hallyu, df)
            cols = ["trade", "rta", "exporter", "importer", "year", "pair"]
            t_ho, _ = timed(lambda: pa.Table.from_pandas(df[cols], preserve_index=False))
            times["pyfixest"].append(t_pf)
            times["hallyu"].append(t_hy)
            times["handover"].append(t_ho)
            c_pf, c_hy = f_pf.coef(), f_hy.coef()
            diff = max(diff, max(abs(c_hy[t] - c_pf[t]) / abs(c_pf[t]) for t in c_pf.index))
            nobs = (int(f_pf._N), f_hy.nobs)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"| {len(df):,} | {med['pyfixest']:.2f} s | {med['hallyu']:.2f} s | {med['handover']:.3f} s | "
              f"{med['pyfixest'] / med['hallyu']:.1f}x | {diff:.1e} | {nobs[0]:,} / {nobs[1]:,} |", flush=True)
        if nobs[0] != nobs[1] or diff > 1e-6:
            sys.exit(f"{size}: the two tools disagree (nobs {nobs}, coefficient difference {diff:.1e})")


if __name__ == "__main__":
    main()
