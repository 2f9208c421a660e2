#!/usr/bin/env bash
# Quick start: set up casewatch on the embedded default (SQLite) and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export CASEWATCH_HOME="${CASEWATCH_HOME:-$PWD/.casewatch}"
exec .venv/bin/casewatch demo "$@"
