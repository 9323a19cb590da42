#!/usr/bin/env bash
# Load test of `hallyu serve` on loopback: wrk at many concurrent connections against the
# indicators endpoint (embedded data) and a reference look-up. Prints wrk's throughput,
# latency distribution (p50, p99) and error counts (socket errors, non-2xx answers).
#
#   bench/serve/load.sh [SECONDS] [CONNECTIONS]     # defaults: 30 s, 100 connections
#
# Needs wrk (Debian: apt-get install wrk). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
connections="${2:-100}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
log="$(mktemp)"
target/release/hallyu serve --port 0 --max-jobs 2 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log" "$lua"' EXIT
for _ in $(seq 50); do grep -q "listening on" "$log" && break; sleep 0.1; done
addr="$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$log")"
lua="$(mktemp --suffix=.lua)"
cat >"$lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"version":1,"subject":"KOR","partner":"asean"}'
wrk.headers["Content-Type"] = "application/json"
LUA
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); server $addr, 2 workers"
echo
echo "== POST /api/v1/indicators (KOR with ASEAN, embedded panel): $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$lua" "$addr/api/v1/indicators"
echo
echo "== GET /api/v1/reference/blocs: $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "$addr/api/v1/reference/blocs"
echo
echo "peak RSS of the server: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
