#!/usr/bin/env bash
# In-process benchmark of the Python package against pyfixest (see inprocess.py).
# Builds the release wheel into bench/.venv (with bench/requirements.txt) and runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-python3}"
[ -x bench/.venv/bin/python ] || "$PYTHON" -m venv bench/.venv
bench/.venv/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt "maturin>=1.9,<2"
cargo build --release --locked -p hallyu
rm -rf target/wheels-bench
bench/.venv/bin/maturin build --release --locked -m crates/python/Cargo.toml -o target/wheels-bench
bench/.venv/bin/pip install --quiet --force-reinstall --no-deps target/wheels-bench/hallyu-*.whl
exec bench/.venv/bin/python bench/python/inprocess.py "$@"
