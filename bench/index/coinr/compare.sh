#!/usr/bin/env bash
# hallyu's sensitivity analysis against real COINr, run by run, on COINr's ASEM example.
# A reproducible anchor, not part of CI: it installs nothing.
#
#   bench/index/coinr/compare.sh [N] [SEED] [IMPUTE]     (defaults: 100 1 plain)
#
# IMPUTE: plain (i_mean vs i_median) or group (i_mean_grp vs i_median_grp by EurAsia_group).
#
# Prerequisites (once):
#   - R and COINr's dependencies from Debian:
#       apt-get install -y --no-install-recommends r-base-core r-cran-openxlsx r-cran-rlang \
#           r-cran-ggplot2 r-cran-readxl
#   - COINr (not in Debian) into a scratch library, from a checkout of
#     https://github.com/bluefoxr/COINr (1.1.14 was used; MIT):
#       mkdir -p /tmp/coinr-src /tmp/coinr-lib
#       git -C COINr archive HEAD | tar -x -C /tmp/coinr-src
#       R CMD INSTALL --no-docs --no-multiarch -l /tmp/coinr-lib /tmp/coinr-src
#     (COINR_LIB=DIR points this script at another library.)
#   - python3 (standard library only).
#
# Steps: sensitivity.R runs COINr's get_sensitivity(SA_type = "SA", Nboot = 100) on
# build_example_coin() and writes every run's parameters as a hallyu replay file plus COINr's
# ranks, rank statistics and indices; hallyu replays the runs from the nominal build that
# matches the coin; compare.py prints the comparison (exit 1 if anything differs).
# Files go to bench/work/index-coinr/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../../.."
n="${1:-100}"
seed="${2:-1}"
impute="${3:-plain}"
lib="${COINR_LIB:-/tmp/coinr-lib}"
out="bench/work/index-coinr/n${n}-s${seed}-${impute}"
bin="${HALLYU_BIN:-target/debug/hallyu}"
data=crates/index/tests/data/coinr_asem

command -v Rscript >/dev/null || { echo "Rscript not found: see the prerequisites at the top of $0" >&2; exit 2; }
R_LIBS="$lib" Rscript -e 'suppressPackageStartupMessages(library(COINr))' 2>/dev/null ||
    { echo "COINr not found in $lib: see the prerequisites at the top of $0" >&2; exit 2; }
if [ -z "${HALLYU_BIN:-}" ]; then
    cargo build -q -p hallyu
fi

mkdir -p "$out"
echo "# COINr: get_sensitivity, N = $n, seed $seed, imputation $impute -> $out"
R_LIBS="$lib" Rscript bench/index/coinr/sensitivity.R "$out" "$n" "$seed" "$impute"

# The nominal build: build_example_coin()'s steps (see crates/index/tests/data/coinr_asem/README.md).
echo "# hallyu: index sensitivity --indices --replay $out/runs.csv"
start=$(date +%s.%N)
"$bin" index sensitivity --data "$data/ASEM_iData.csv" --meta "$data/ASEM_iMeta.csv" \
    --denominate meta --impute group-mean:EurAsia_group --screen 0.9 --treat default \
    --normalise minmax:0,100 --aggregate amean \
    --indices --replay "$out/runs.csv" --keep-runs --bootstrap 100 --format json --quiet \
    > "$out/hallyu.json"
echo "hallyu: $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s"
echo
python3 bench/index/coinr/compare.py "$out"
