"""Data embedded in hallyu."""

from __future__ import annotations

from typing import Any

from . import _hallyu
from ._frames import table_frame


def agtpa() -> Any:
    """The Advanced Guide's panel (Yotov, Piermartini, Monteiro and Larch 2016): aggregate
    manufacturing trade in million USD between 69 countries, 1986-2006 every year, with
    intra-national flows and gravity covariates (99,981 rows), as a pandas DataFrame."""
    return table_frame(_hallyu.agtpa())
