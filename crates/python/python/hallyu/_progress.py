"""Progress of long computations: a tqdm bar when tqdm is installed (in a notebook, its
widget), plain lines on stderr otherwise; nothing for work that ends within half a second.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any, Callable, Optional, Union

ProgressArg = Union[bool, None, Callable[[str, str, int, float], Any]]

_enabled = True
# Work shorter than this shows nothing (seconds).
_DELAY_S = 0.5


def set_progress(enabled: bool) -> None:
    """Turns progress reports on or off for every later call (each call's ``progress=``
    argument still decides for itself)."""
    global _enabled
    _enabled = bool(enabled)


class _Reporter:
    """Receives ``(kind, stage, iteration, value)`` from the library's worker."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar: Any = None
        self.stage = ""
        self.lines = False

    def __call__(self, kind: str, stage: str, iteration: int, value: float) -> None:
        if time.monotonic() - self.start < _DELAY_S:
            if kind == "stage":
                self.stage = stage
            return
        if self.bar is None and not self.lines:
            self._open()
        if kind == "stage":
            self.stage = stage
            self._describe(stage)
        elif kind == "update":
            postfix = f"{stage} iteration {iteration}"
            if not math.isnan(value):
                postfix += f", criterion {value:.2e}"
            self._postfix(postfix)
        elif kind == "file":
            self._describe(f"reading {stage}")
        # "bytes" reports are too many to show one by one; the file name says enough.

    def _open(self) -> None:
        try:
            from tqdm.auto import tqdm  # type: ignore[import-not-found]
        except ImportError:
            self.lines = True
            self._describe(self.stage)
            return
        self.bar = tqdm(total=None, desc=self.stage or "hallyu", leave=False)

    def _describe(self, text: str) -> None:
        if not text:
            return
        if self.bar is not None:
            self.bar.set_description_str(text)
        elif self.lines:
            print(f"hallyu: {text}", file=sys.stderr, flush=True)

    def _postfix(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(text)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class reporting:
    """A context manager giving the callable to pass to the native module (or None)."""

    def __init__(self, progress: ProgressArg) -> None:
        self.progress = progress
        self.reporter: Optional[_Reporter] = None

    def __enter__(self) -> Optional[Callable[[str, str, int, float], Any]]:
        if callable(self.progress):
            return self.progress
        if self.progress is False or (self.progress is None and not _enabled):
            return None
        self.reporter = _Reporter()
        return self.reporter

    def __exit__(self, *exc: object) -> None:
        if self.reporter is not None:
            self.reporter.close()
