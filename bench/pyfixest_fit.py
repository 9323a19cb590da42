"""One pyfixest PPML fit, as a user would run it: import, read the Parquet file with
pandas, fit, print the result as one JSON object on stdout.

compare.py runs this script in a fresh process for every measured run and times the
whole process from outside; the timings printed here (import, read, fit) are the parts.

    python bench/pyfixest_fit.py --data FILE --fml "trade ~ rta | exporter^year + ..." \
        --cluster pair [--backend map:rust] [--fixef-tol 1e-8] [--iwls-tol 1e-8]
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import pandas as pd  # noqa: E402
import pyfixest as pf  # noqa: E402


def make_demeaner(backend: str, tol: float, maxiter: int):
    """`map:rust`, `map:numba`, `map:jax`, `lsmr:within`, `lsmr:torch`, ... -> typed config.

    pyfixest 0.60 replaced `demeaner_backend=`/`fixef_tol=` (still accepted, deprecated)
    by a typed `demeaner=` object; the two families take their tolerance differently.
    """
    from pyfixest.demeaners import LsmrDemeaner, MapDemeaner

    family, _, name = backend.partition(":")
    if family == "map":
        return MapDemeaner(backend=name, fixef_tol=tol, fixef_maxiter=maxiter)
    if family == "lsmr":
        return LsmrDemeaner(backend=name, fixef_atol=tol, fixef_btol=tol, fixef_maxiter=maxiter)
    raise SystemExit(f"unknown backend {backend!r}: use map:rust, map:numba, map:jax or lsmr:within")


def count_irls_iterations():
    """pyfixest does not store the number of IRLS iterations; every iteration demeans once,
    so count the calls of the demeaning dispatcher the Poisson model uses."""
    calls = [0]
    try:
        import pyfixest.estimation.models.fepois_ as fepois_module

        original = fepois_module.dispatch_demean

        def counted(*args, **kwargs):
            calls[0] += 1
            return original(*args, **kwargs)

        fepois_module.dispatch_demean = counted
    except (ImportError, AttributeError):
        return None
    return calls


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ""
    return ";".join(
        f"{i.get('internal_api')}-{i.get('version')}-{i.get('architecture', '')}-{i.get('num_threads')}t"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--fml", required=True)
    p.add_argument("--cluster", required=True)
    p.add_argument("--backend", default="map:rust")
    p.add_argument("--fixef-tol", type=float, default=1e-8)
    p.add_argument("--fixef-maxiter", type=int, default=100_000)
    p.add_argument("--iwls-tol", type=float, default=1e-8)
    p.add_argument("--iwls-maxiter", type=int, default=100)
    a = p.parse_args()

    # pyfixest imports its estimation modules lazily; both calls below pull them in, so
    # that import_s holds the whole library import and fit_s the fit alone.
    demeaner = make_demeaner(a.backend, a.fixef_tol, a.fixef_maxiter)
    calls = count_irls_iterations()
    import pyfixest.estimation  # noqa: F401

    t0 = time.perf_counter()
    df = pd.read_parquet(a.data)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.fepois(
            a.fml,
            data=df,
            vcov={"CRV1": a.cluster},
            demeaner=demeaner,
            iwls_tol=a.iwls_tol,
            iwls_maxiter=a.iwls_maxiter,
        )
    t2 = time.perf_counter()

    coef, se = fit.coef(), fit.se()
    out = {
        "tool": "pyfixest",
        "pyfixest_version": pf.__version__,
        "pandas_version": pd.__version__,
        "python_version": sys.version.split()[0],
        "backend": a.backend,
        "fixef_tol": a.fixef_tol,
        "iwls_tol": a.iwls_tol,
        "blas": blas_info(),
        "rows": int(len(df)),
        "nobs": int(fit._N),
        "iterations": calls[0] if calls is not None else None,
        "import_s": t0 - T_START,
        "read_s": t1 - t0,
        "fit_s": t2 - t1,
        "coefficients": [
            {"term": str(t), "estimate": float(coef[t]), "std_error": float(se[t])} for t in coef.index
        ],
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
