"""Shared fixtures: the repository, the command-line binary the Python results are compared
with, and the Advanced Guide panel."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import hallyu

REPO = Path(__file__).resolve().parents[3]
GUIDE_YEARS = [1986, 1990, 1994, 1998, 2002, 2006]
RTA = "trade ~ rta | exporter^year + importer^year + pair_id"


def _binary() -> Path:
    explicit = os.environ.get("HALLYU_BIN")
    if explicit:
        return Path(explicit)
    for profile in ("debug", "release"):
        candidate = REPO / "target" / profile / "hallyu"
        if candidate.exists():
            return candidate
    raise RuntimeError(
        "no hallyu binary: build it (cargo build) or name it in HALLYU_BIN"
    )


@pytest.fixture(scope="session")
def cli():
    """Runs the command-line binary and returns its JSON output (exit status checked)."""
    binary = _binary()

    def run(*args: str, ok=(0,), quiet=True):
        out = subprocess.run(
            [str(binary), *args, "--format", "json", *(["--quiet"] if quiet else [])],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert out.returncode in ok, f"{args}: exit {out.returncode}: {out.stderr}"
        return json.loads(out.stdout)

    return run


@pytest.fixture(scope="session")
def agtpa():
    return hallyu.data.agtpa()


@pytest.fixture(scope="session")
def guide_sample(agtpa):
    return agtpa[agtpa.year.isin(GUIDE_YEARS)].reset_index(drop=True)


def assert_same_json(a, b, path="", rel=0.0):
    """Equal JSON values; numbers equal within ``rel`` relative (0: exactly)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys {sorted(a)} vs {sorted(b)}"
        for k in a:
            assert_same_json(a[k], b[k], f"{path}.{k}", rel)
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_json(x, y, f"{path}[{i}]", rel)
    elif isinstance(a, float) or isinstance(b, float):
        assert isinstance(b, (int, float)) and isinstance(a, (int, float)), f"{path}: {a} vs {b}"
        assert abs(a - b) <= rel * max(abs(a), abs(b)), f"{path}: {a} vs {b}"
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"
