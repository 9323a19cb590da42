"""Times `hallyu ingest baci` against DuckDB (duckdb_ingest.py) on the same synthetic BACI
year, checks that both wrote the same rows, and writes a Markdown table.

Usage: compare.py --hallyu BIN [--rows 11000000] [--runs 3] [--work DIR] [--out FILE]
"""
import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent


def timed(cmd):
    """Runs cmd under GNU time; returns (seconds, peak RSS in MB)."""
    r = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", r.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    return seconds, rss / 1024


def summary(path_glob):
    return duckdb.sql(
        f"SELECT count(*), sum(value), count(DISTINCT exporter), count(DISTINCT product), "
        f"count(quantity), min(product) FROM read_parquet('{path_glob}', hive_partitioning = false)"
    ).fetchall()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hallyu", required=True)
    ap.add_argument("--rows", type=int, default=11_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=str(HERE / "work"))
    ap.add_argument("--out", default=None)
    a = ap.parse_args()

    work = Path(a.work)
    release = work / f"release-{a.rows}"
    csv = release / "BACI_HS17_Y2021_V202401.csv"
    countries = release / "country_codes_V202401.csv"
    if not csv.exists():
        print(f"== generating {csv}", flush=True)
        subprocess.run([a.hallyu, "synth", "--baci", "--out", str(release), "--years", "2021",
                        "--rows", str(a.rows), "--quiet"], check=True)
    size_mb = csv.stat().st_size / 1e6
    rows = sum(1 for _ in open(csv, "rb")) - 1
    load_before = os.getloadavg()

    times = {"hallyu": [], "duckdb": []}
    rss = {"hallyu": [], "duckdb": []}
    out_h = work / "out-hallyu"
    out_d = work / "out-duckdb.parquet"
    for run in range(a.runs):
        # Alternate the order so neither tool always runs on a warm page cache second.
        for tool in (["hallyu", "duckdb"] if run % 2 == 0 else ["duckdb", "hallyu"]):
            if tool == "hallyu":
                shutil.rmtree(out_h, ignore_errors=True)
                t, m = timed([a.hallyu, "ingest", "baci", str(release), "--out", str(out_h), "--quiet"])
            else:
                out_d.unlink(missing_ok=True)
                t, m = timed([sys.executable, str(HERE / "duckdb_ingest.py"), str(csv), str(countries), str(out_d)])
            times[tool].append(t)
            rss[tool].append(m)
            print(f"run {run + 1} {tool}: {t:.2f} s, {m:.0f} MB", flush=True)
    load_after = os.getloadavg()

    sh = summary(str(out_h / "year=*" / "*.parquet"))
    sd = summary(str(out_d))
    same = sh[0] == sd[0] and sh[2:] == sd[2:] and abs(sh[1] - sd[1]) <= 1e-9 * abs(sd[1])
    size_h = sum(f.stat().st_size for f in out_h.rglob("*.parquet")) / 1e6
    size_d = out_d.stat().st_size / 1e6

    med = {k: statistics.median(v) for k, v in times.items()}
    lines = [
        f"# Ingest benchmark, {datetime.date.today().isoformat()}",
        "",
        f"Input: one synthetic BACI year (`hallyu synth --baci --rows {a.rows}`): {rows:,} rows, "
        f"{size_mb:.0f} MB of CSV. Both tools read it, map country codes to ISO3 through the "
        f"release's country file, pad product codes, scale values to dollars and write Snappy "
        f"Parquet with the dataset's eight columns. Whole processes timed with /usr/bin/time, "
        f"{a.runs} runs each, order alternated.",
        "",
        f"Machine: {os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, after "
        f"{load_after[0]:.2f} (other work on the machine shares the CPUs). DuckDB {duckdb.__version__}.",
        "",
        "| tool | median s | runs (s) | MB/s | rows/s (M) | peak RSS MB | Parquet MB |",
        "| --- | --: | --: | --: | --: | --: | --: |",
    ]
    for tool, size in (("hallyu", size_h), ("duckdb", size_d)):
        lines.append(
            f"| {tool} | {med[tool]:.2f} | {', '.join(f'{t:.2f}' for t in times[tool])} | "
            f"{size_mb / med[tool]:.0f} | {rows / med[tool] / 1e6:.2f} | "
            f"{statistics.median(rss[tool]):.0f} | {size:.0f} |"
        )
    lines += [
        "",
        f"Throughput ratio hallyu / DuckDB: {med['duckdb'] / med['hallyu']:.2f}x "
        f"(above 1: hallyu faster).",
        "",
        f"Same output: {'yes' if same else 'NO'} (rows, value sum, distinct exporters and "
        f"products, non-null quantities, smallest product code): hallyu {sh}, DuckDB {sd}.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = Path(a.out) if a.out else HERE / "results" / f"{datetime.date.today().isoformat()}.md"
    out.write_text(text)
    print(f"wrote {out}")
    if not same:
        sys.exit("outputs differ")


if __name__ == "__main__":
    main()
