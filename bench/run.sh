#!/usr/bin/env bash
# hallyu vs pyfixest benchmark, in one invocation:
#   1. cargo build --release -p hallyu
#   2. bench/.venv with pinned pyfixest (created once, re-synced when requirements.txt changes)
#   3. bench/compare.py: generates the panels with `hallyu synth` / `hallyu data agtpa` when
#      missing or older than the binary, times both tools, prints the tables, saves the runs.
#
# Usage: bench/run.sh [--sizes 1m,5m] [--runs 3] [--book] [--no-build] [compare.py options]
#        bench/run.sh --help     (all compare.py options)
# Environment: PYTHON (interpreter that creates the venv, default python3),
#              CARGO_TARGET_DIR (honoured when locating the binary),
#              HALLYU_FIXEST_LIB (an R library folder holding fixest: adds a fixest column,
#              run by bench/fixest_fit.R with Rscript on a CSV copy of each panel).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
cd "$ROOT"

build=1
have_hallyu_arg=0
backend="map:rust"
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        -h|--help)
            sed -n "2,13p" "$BENCH/run.sh" | sed 's/^# \{0,1\}//'
            echo
            py="$BENCH/.venv/bin/python"; [[ -x "$py" ]] || py="${PYTHON:-python3}"
            exec "$py" "$BENCH/compare.py" --help ;;
        --hallyu|--hallyu=*) have_hallyu_arg=1; args+=("$1") ;;
        --pyfixest-backend) backend="${2:-}"; args+=("$1" "${2:-}"); shift ;;
        --pyfixest-backend=*) backend="${1#*=}"; args+=("$1") ;;
        *) args+=("$1") ;;
    esac
    shift
done

target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
if [[ $build -eq 1 ]]; then
    echo "== cargo build --release -p hallyu"
    cargo build --release -p hallyu
fi
if [[ $have_hallyu_arg -eq 0 ]]; then
    args=(--hallyu "$target_dir/release/hallyu" "${args[@]}")
fi

# GNU time measures each process's own peak RSS (see README: os.wait4 alone overstates it).
if [[ ! -x /usr/bin/time ]]; then
    if command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
        echo "== installing GNU time (apt-get install time)"
        apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
            || echo "warning: could not install GNU time; peak RSS falls back to os.wait4()" >&2
    else
        echo "warning: /usr/bin/time missing (apt-get install time); peak RSS falls back to os.wait4()" >&2
    fi
fi

venv="$BENCH/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
# Re-install only when the pins (or the optional backend) changed since the last install.
want="$(cat "$BENCH/requirements.txt"; echo "backend=$backend")"
if [[ "$(cat "$venv/.installed" 2>/dev/null)" != "$want" ]]; then
    echo "== installing pinned pyfixest and friends into $venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -r "$BENCH/requirements.txt"
    # Only for comparing backends: the default map:rust needs nothing beyond pyfixest.
    case "$backend" in
        map:numba) "$venv/bin/python" -m pip install --quiet "numba==0.68.1" ;;
        map:jax) "$venv/bin/python" -m pip install --quiet "jax[cpu]==0.10.2" ;;
    esac
    printf '%s' "$want" > "$venv/.installed"
fi

echo "== bench/compare.py ${args[*]}"
exec "$venv/bin/python" "$BENCH/compare.py" "${args[@]}"
