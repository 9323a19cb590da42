"""Exceptions of hallyu, one class per category of the library's errors.

Every error carries the library's own message (which names the file, row, value or field
at fault and the nearest valid name). Input and data errors are ``ValueError``s, numerical
and internal ones ``RuntimeError``s, so that generic handlers keep working; all derive from
:class:`HallyuError`.
"""

from __future__ import annotations

from typing import Any, Optional


class HallyuError(Exception):
    """Any error raised by hallyu."""

    #: The library's category: ``input``, ``data``, ``numerical`` or ``internal``.
    category: str = "internal"
    #: For a request field that cannot be answered, its name (``scope.group``); else None.
    field: Optional[str] = None


class InputError(HallyuError, ValueError):
    """The request cannot be answered as given: an unknown name (column, country, bloc,
    group), an option out of range, a formula that does not parse."""

    category = "input"


class DataError(HallyuError, ValueError):
    """The data cannot be read or used: an unreadable file, a column of a type hallyu does
    not read, values a model cannot take (negative flows, an outcome zero everywhere)."""

    category = "data"


class NumericalError(HallyuError, RuntimeError):
    """The computation ran but its result is not valid (no convergence, a singular system).
    When a result was computed, it is attached as ``result`` for inspection."""

    category = "numerical"
    result: Any = None


class InternalError(HallyuError, RuntimeError):
    """A defect of hallyu: please report it with the call that raised it."""

    category = "internal"


class HallyuWarning(UserWarning):
    """Something the user should know about a result that is valid: how the data was built,
    the parts of a report that could not be computed, a claim found inconsistent."""


__all__ = [
    "HallyuError",
    "InputError",
    "DataError",
    "NumericalError",
    "InternalError",
    "HallyuWarning",
]
