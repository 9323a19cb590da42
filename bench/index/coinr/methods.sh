#!/usr/bin/env bash
# Every build method of hallyu against real COINr on COINr's ASEM example, data set by data
# set. A reproducible anchor, not part of CI: it installs nothing.
#
#   bench/index/coinr/methods.sh [VARIANT...]      (default: every variant of methods.R)
#
# Prerequisites: as compare.sh (R, COINr 1.1.14 in /tmp/coinr-lib or COINR_LIB, python3).
# HALLYU_BIN=path skips the cargo build (e.g. HALLYU_BIN=target/debug/hallyu).
#
# Steps: methods.R builds the example coin with one step changed per variant (normalisation,
# aggregation, data threshold, imputation, treatment, weights) and writes COINr's data sets
# and effective weights plus variants.tsv (the matching hallyu flags); hallyu builds each
# variant with `index build --dataset D --format csv` for D in Imputed, Screened, Treated,
# Normalised, Aggregated, and with `--format json` for its effective weights and log;
# methods.py compares them (1e-9 relative) and prints a Markdown table.
# Files go to bench/work/index-coinr/methods/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../../.."
lib="${COINR_LIB:-/tmp/coinr-lib}"
out="bench/work/index-coinr/methods"
bin="${HALLYU_BIN:-target/debug/hallyu}"
data=crates/index/tests/data/coinr_asem

command -v Rscript >/dev/null || { echo "Rscript not found: see the prerequisites in compare.sh" >&2; exit 2; }
R_LIBS="$lib" Rscript -e 'suppressPackageStartupMessages(library(COINr))' 2>/dev/null ||
    { echo "COINr not found in $lib: see the prerequisites in compare.sh" >&2; exit 2; }
if [ -z "${HALLYU_BIN:-}" ]; then
    cargo build -q -p hallyu
fi

mkdir -p "$out"
echo "# COINr: methods.R -> $out"
R_LIBS="$lib" Rscript bench/index/coinr/methods.R "$out" "$data"

echo "# hallyu: $bin index build, every variant"
start=$(date +%s.%N)
tail -n +2 "$out/variants.tsv" | while IFS=$'\t' read -r name flags meta note; do
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
        continue
    fi
    d="$out/$name"
    rm -f "$d"/hallyu_*
    # shellcheck disable=SC2086  # flags is a list of words
    for ds in Imputed Screened Treated Normalised Aggregated; do
        "$bin" index build --data "$data/ASEM_iData.csv" --meta "$meta" $flags \
            --dataset "$ds" --format csv --quiet > "$d/hallyu_$ds.csv" 2> "$d/hallyu_error.txt" ||
            { rm -f "$d/hallyu_$ds.csv"; break; }
    done
    # shellcheck disable=SC2086
    "$bin" index build --data "$data/ASEM_iData.csv" --meta "$meta" $flags \
        --format json --quiet > "$d/hallyu.json" 2>> "$d/hallyu_error.txt" || rm -f "$d/hallyu.json"
    [ -s "$d/hallyu_error.txt" ] || rm -f "$d/hallyu_error.txt"
done
echo "hallyu: $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s"
echo
python3 bench/index/coinr/methods.py "$out" "$@"
