"""Two builds of hallyu on the same work: before and after a change.

Runs each command with both binaries, alternately, as fresh processes; reports the median
wall time, the ratio new/old and each process's own peak RSS (from wait4), with the machine's
load, and checks that both binaries print the same result (numbers equal to --rel-tol).

    python bench/versions/compare.py --old /tmp/old/hallyu --new target/release/hallyu
    python bench/versions/compare.py --old A --new B --runs 7 --sizes 1m,5m

The synthetic panels are written by the old binary into bench/work/ (ignored by git), as
bench/compare.py does: 1m = 200 countries x 25 years, 5m = 500 x 20.

Exit status: 0 when every result agreed, 1 when a result differs, 2 when a run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
WORK = BENCH / "work"
EXAMPLES = BENCH.parent / "examples"
SIZES = {"1m": (200, 25), "5m": (500, 20)}
SYNTH_FML = "trade ~ rta | exporter^year + importer^year + pair"
BOOK_FML = "trade ~ rta | exporter^year + importer^year + pair_id"
BOOK_WHERE = "year in (1986, 1990, 1994, 1998, 2002, 2006)"


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one fresh process, the RSS its own."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=devnull)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(f"failed ({code}): {' '.join(cmd)}\n")
        sys.exit(2)
    return wall, usage.ru_maxrss / 1024.0, out.decode()


def numbers(value, path="") -> dict[str, float]:
    """Every number in a JSON value, by its path."""
    out: dict[str, float] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(numbers(v, f"{path}.{k}"))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.update(numbers(v, f"{path}[{i}]"))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out[path] = float(value)
    return out


def agree(a: str, b: str, rel_tol: float) -> str | None:
    """None when the two JSON outputs have the same numbers (to rel_tol), else the worst."""
    na, nb = numbers(json.loads(a)), numbers(json.loads(b))
    common = set(na) & set(nb)
    worst, where = 0.0, ""
    for k in common:
        x, y = na[k], nb[k]
        d = abs(x - y) / max(abs(x), abs(y), 1e-300) if x != y else 0.0
        if d > worst:
            worst, where = d, k
    missing = sorted(set(na) - set(nb))
    if missing:
        return f"the new output lacks {missing[:3]}"
    return None if worst <= rel_tol else f"{where}: relative difference {worst:.2e}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--old", required=True, help="the baseline binary")
    p.add_argument("--new", default=str(BENCH.parent / "target/release/hallyu"))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--sizes", default="1m", help="synthetic panels: 1m, 5m or none")
    p.add_argument("--rel-tol", type=float, default=1e-10)
    a = p.parse_args()
    WORK.mkdir(exist_ok=True)
    cases: list[tuple[str, list[str]]] = [
        (
            "Guide RTA spec (fepois, pair FE, clustered)",
            ["fepois", BOOK_FML, "--where", BOOK_WHERE, "--cluster", "pair_id", "-f", "json", "-q"],
        ),
        (
            "indicators KOR x ASEAN (embedded panel)",
            ["indicators", "--subject", "KOR", "--partner", "asean", "-f", "json", "-q"],
        ),
        (
            "simulate KOR-ASEAN RTAs (exact GE)",
            ["simulate", str(EXAMPLES / "kor_asean_rta.toml"), "-f", "json", "-q"],
        ),
    ]
    for size in [s for s in a.sizes.split(",") if s and s != "none"]:
        countries, years = SIZES[size]
        data = WORK / f"synth_{size}.parquet"
        if not data.exists():
            subprocess.run(
                [a.old, "synth", "--countries", str(countries), "--years", str(years),
                 "--seed", "1", "--out", str(data), "-q"],
                check=True,
            )
        cases.append(
            (
                f"fepois {size} ({countries}x{years}, 3 FE, clustered)",
                ["fepois", SYNTH_FML, "--data", str(data), "--cluster", "pair", "-f", "json", "-q"],
            )
        )
    load = os.getloadavg()
    print(f"# hallyu before/after: {a.runs} runs each, alternating; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
    print(f"# old: {a.old}\n# new: {a.new}\n")
    print("| work | old median s | new median s | new/old | old peak MiB | new peak MiB | same result |")
    print("| --- | --: | --: | --: | --: | --: | --- |")
    ok = True
    for name, args in cases:
        walls = {"old": [], "new": []}
        rss = {"old": [], "new": []}
        outs = {}
        for _ in range(a.runs):
            for which, binary in (("old", a.old), ("new", a.new)):
                w, m, out = run_measured([binary, *args])
                walls[which].append(w)
                rss[which].append(m)
                outs[which] = out
        verdict = agree(outs["old"], outs["new"], a.rel_tol)
        ok &= verdict is None
        mo, mn = statistics.median(walls["old"]), statistics.median(walls["new"])
        print(
            f"| {name} | {mo:.3f} | {mn:.3f} | {mn / mo:.2f} | {max(rss['old']):.0f} | "
            f"{max(rss['new']):.0f} | {'yes' if verdict is None else verdict} |",
            flush=True,
        )
    load = os.getloadavg()
    print(f"\n# load at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
