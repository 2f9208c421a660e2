#!/usr/bin/env bash
# Create .venv and install casewatch into it. Usage: scripts/bootstrap.sh [EXTRAS]
# EXTRAS is a comma list of optional dependency groups (e.g. "dev").
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "casewatch needs Python 3.11 or newer (found: $("$PY" --version 2>&1))" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    if ! "$PY" -m venv .venv 2>/dev/null; then
        echo "python3 -m venv failed: installing python3-venv from Debian packages" >&2
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        "$PY" -m venv .venv
    fi
fi
stamp=".venv/.casewatch-installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
    target="."
    [ -n "$extras" ] && target=".[$extras]"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e "$target" 2>&1 | grep -v '^WARNING: Location' || true
    .venv/bin/python -c 'import casewatch' || { echo "installing casewatch failed" >&2; exit 1; }
    touch "$stamp"
fi
