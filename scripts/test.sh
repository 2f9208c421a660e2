#!/usr/bin/env bash
# The whole test suite: lint, type-check, then pytest on SQLite and on a real PostgreSQL.
# Usage: scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
export PATH="$PWD/.venv/bin:$PATH"
# yente (test dependency only: its pins conflict with casewatch's) lives in its own venv;
# tests/test_api_match.py validates /match JSON with its models through it.
if [ ! -x .venv-yente/bin/python ] || ! .venv-yente/bin/python -c 'import yente' 2>/dev/null; then
    echo "== installing yente into .venv-yente (test dependency)"
    python3 -m venv .venv-yente
    .venv-yente/bin/python -m pip install -q --disable-pip-version-check "yente>=4.2" 2>&1 | grep -v '^WARNING: Location' || true
fi

echo "== ruff"
ruff check src tests benchmarks
echo "== mypy"
mypy

run_pytest() {
    local label="$1"; shift
    echo "== pytest on $label"
    set +e
    python -m pytest "$@"
    local rc=$?
    set -e
    if [ "$rc" = "5" ]; then echo "pytest on $label collected no tests: failing" >&2; exit 1; fi
    if [ "$rc" != "0" ]; then echo "pytest on $label failed (exit $rc)" >&2; exit "$rc"; fi
}

unset CASEWATCH_TEST_DATABASE_URL
run_pytest SQLite "$@"

eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$CASEWATCH_PG_DIR"' EXIT
run_pytest PostgreSQL "$@"
echo "== all checks passed on SQLite and PostgreSQL"
