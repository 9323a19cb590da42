#!/usr/bin/env bash
# GE speed benchmark: hallyu's exact equilibrium vs gegravity (USITC) on the same inputs.
# Writes bench/ge/results/<UTC date>.md. See bench/ge/README.md.
#
# Environment: GE_BENCH_VENV (default bench/.venv), GE_BENCH_WORK (default bench/work/ge),
# GE_BENCH_REPS (hallyu repetitions, default 50), GE_BENCH_PY_REPS (gegravity runs, default 3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${GE_BENCH_VENV:-$repo/bench/.venv}"
work="${GE_BENCH_WORK:-$repo/bench/work/ge}"
reps="${GE_BENCH_REPS:-50}"
py_reps="${GE_BENCH_PY_REPS:-3}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Pinned so that results are comparable across runs; gegravity 0.3 is the release the
# comparison in the results files was written against.
"$venv/bin/pip" install --quiet 'gegravity==0.3'

cd "$repo"
cargo build --release -p hallyu-simulate --example ge_bench
target="$(cargo metadata --format-version 1 --no-deps |
    "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
mkdir -p "$work"
load_before="$(uptime)"
bin="$target/release/examples/ge_bench"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$work/rust_time.log" "$bin" --out "$work" --reps "$reps"
else
    echo "note: /usr/bin/time not found; peak memory of the Rust run is not measured" >&2
    rm -f "$work/rust_time.log"
    "$bin" --out "$work" --reps "$reps"
fi

"$venv/bin/python" "$here/gegravity_run.py" \
    --inputs "$work" \
    --reps "$py_reps" \
    --results "$here/results/$(date -u +%F).md" \
    --rust-time-log "$work/rust_time.log" \
    --load-before "$load_before"
