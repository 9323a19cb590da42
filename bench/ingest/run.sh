#!/usr/bin/env bash
# `hallyu ingest baci` vs DuckDB on one synthetic BACI year of real size:
#   1. cargo build --release -p hallyu
#   2. bench/ingest/.venv with the pinned DuckDB (requirements.txt)
#   3. compare.py: generates the year with `hallyu synth --baci` when missing, times both
#      tools 3 times, checks they wrote the same rows, writes results/<date>.md
#
# Usage: bench/ingest/run.sh [--rows 11000000] [--runs 3] [--no-build] [--out FILE]
# Run it when the machine is otherwise idle (check `uptime`); the result file records the load.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

build=1
args=()
for a in "$@"; do
    case "$a" in
        --no-build) build=0 ;;
        *) args+=("$a") ;;
    esac
done

target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
if [[ $build -eq 1 ]]; then
    cargo build --release -p hallyu
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "error: GNU time is needed for peak RSS (apt-get install time)" >&2
    exit 1
fi
venv="$HERE/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/pip" install -q -r "$HERE/requirements.txt"
exec "$venv/bin/python" "$HERE/compare.py" --hallyu "$target_dir/release/hallyu" "${args[@]}"
