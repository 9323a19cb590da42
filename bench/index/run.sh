#!/usr/bin/env bash
# Speed of the rank analysis: a 200-unit, 100-indicator, 4-level framework, 10,000 runs
# with weight noise, two normalisations, two aggregations and one indicator left out.
# Then the same runs as a Saltelli design with sensitivity indices.
# Prints the median wall time of 3 runs and the peak RSS.
#   bench/index/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-10000}"
cargo build --release --locked -q --bin hallyu
work=bench/work/index
python3 bench/index/gen.py "$work" 200 100
echo "# hallyu index sensitivity, 200 units x 100 indicators, 4 levels, $runs runs; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
times=()
for i in 1 2 3; do
    t=$( { /usr/bin/time -f "%e %M" target/release/hallyu index sensitivity \
        --data "$work/iData.csv" --meta "$work/iMeta.csv" --impute group-mean:Region \
        --runs "$runs" --seed "$i" --weight-noise 0.25 \
        --alt-normalise minmax:1,100 --alt-normalise rank \
        --alt-aggregate amean --alt-aggregate gmean --drop-indicators \
        --format csv --quiet > /dev/null; } 2>&1 | tail -1)
    echo "run $i: ${t% *} s, peak RSS ${t#* } KB"
    times+=("${t% *}")
done
printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | xargs -I{} echo "median: {} s"
# Sensitivity indices: Saltelli's design on the same four inputs (weights, normalisation,
# aggregation, indicator left out), N = RUNS/6 so that N·(d + 2) = RUNS runs, with 100
# bootstrap resamples.
n=$((runs / 6))
echo "# hallyu index sensitivity --indices, N = $n (N·6 = $((n * 6)) runs), bootstrap 100"
times=()
for i in 1 2 3; do
    t=$( { /usr/bin/time -f "%e %M" target/release/hallyu index sensitivity \
        --data "$work/iData.csv" --meta "$work/iMeta.csv" --impute group-mean:Region \
        --indices --runs "$n" --seed "$i" --weight-noise 0.25 \
        --alt-normalise minmax:1,100 --alt-normalise rank \
        --alt-aggregate amean --alt-aggregate gmean --drop-indicators --bootstrap 100 \
        --format csv --quiet > /dev/null; } 2>&1 | tail -1)
    echo "run $i: ${t% *} s, peak RSS ${t#* } KB"
    times+=("${t% *}")
done
printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | xargs -I{} echo "median: {} s"
