#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server for the test suite.
#   eval "$(scripts/pg.sh start)"   -> exports CASEWATCH_TEST_DATABASE_URL and CASEWATCH_PG_DIR
#   scripts/pg.sh stop DIR
# Installs PostgreSQL from Debian packages when missing; runs it as an unprivileged
# user in a temporary directory on a free local port.
set -euo pipefail

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    return 1
}

start() {
    local bindir
    if ! bindir=$(find_bindir); then
        echo "PostgreSQL not found: installing it from Debian packages" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
        bindir=$(find_bindir)
    fi
    local runas=""
    if [ "$(id -u)" = "0" ]; then
        if id postgres >/dev/null 2>&1; then runas=postgres; else
            useradd --system --no-create-home --shell /usr/sbin/nologin casewatch-pg >&2
            runas=casewatch-pg
        fi
    fi
    local dir port
    dir=$(mktemp -d /tmp/casewatch-pg.XXXXXX)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    run() { if [ -n "$runas" ]; then runuser -u "$runas" -- "$@"; else "$@"; fi; }
    [ -n "$runas" ] && chown "$runas" "$dir"
    run "$bindir/initdb" -D "$dir/data" -U casewatch --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "export CASEWATCH_PG_DIR=$dir"
    echo "export CASEWATCH_PG_BIN=$bindir"
    echo "export CASEWATCH_PG_RUNAS=$runas"
    echo "export CASEWATCH_TEST_DATABASE_URL=postgresql+psycopg://casewatch@127.0.0.1:$port/postgres"
}

stop() {
    local dir="${1:-${CASEWATCH_PG_DIR:-}}"
    [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
    local bindir runas
    bindir=$(find_bindir)
    runas=$(stat -c %U "$dir")
    if [ "$runas" != "$(id -un)" ]; then
        runuser -u "$runas" -- "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    else
        "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) shift; stop "$@" ;;
    *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
