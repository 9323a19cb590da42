"""hallyu: creative-economy trade analysis — structural gravity (PPML with
high-dimensional fixed effects), trade indicators, general-equilibrium scenarios and
reports — running the hallyu engine in-process.

Estimation follows pyfixest's names::

    import hallyu
    df = hallyu.data.agtpa()
    fit = hallyu.fepois("trade ~ rta | exporter^year + importer^year + pair_id",
                        df.query("year % 4 == 2"), vcov={"CRV1": "pair_id"})
    fit.tidy()
"""

from __future__ import annotations

from . import data, errors
from ._capabilities import Result, index, indicators, ingest, project, report, run, simulate
from ._fit import Fit, etable, feols, fepois
from ._hallyu import __version__
from ._progress import set_progress
from .errors import (
    DataError,
    HallyuError,
    HallyuWarning,
    InputError,
    InternalError,
    NumericalError,
)

__all__ = [
    "__version__",
    "Fit",
    "Result",
    "feols",
    "fepois",
    "etable",
    "indicators",
    "index",
    "project",
    "simulate",
    "report",
    "ingest",
    "run",
    "data",
    "errors",
    "set_progress",
    "HallyuError",
    "InputError",
    "DataError",
    "NumericalError",
    "InternalError",
    "HallyuWarning",
]
