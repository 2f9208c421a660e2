#!/usr/bin/env bash
# Run one matching benchmark (or all): scripts/bench.sh screening|linkage|ofac|calibrate|all [ARGS]
# Results are printed as tables and written to bench-out/results/. See benchmarks/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
name="${1:-}"
if [[ -z "$name" ]]; then
    echo "usage: scripts/bench.sh screening|linkage|ofac|calibrate|all [ARGS...]" >&2
    exit 2
fi
shift
case "$name" in
    all)
        $PY -m benchmarks.linkage
        $PY -m benchmarks.ofac
        $PY -m benchmarks.screening "$@"
        ;;
    screening|linkage|ofac|calibrate|monitor|api)
        exec $PY -m "benchmarks.$name" "$@"
        ;;
    *)
        echo "unknown benchmark '$name': use screening, linkage, ofac, calibrate or all" >&2
        exit 2
        ;;
esac
