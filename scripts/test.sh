#!/usr/bin/env bash
# The whole check: lint, Django checks, then the full suite twice,
#   1. PostgreSQL + PostGIS with the Redis channel layer and cache,
#   2. SpatiaLite with the in-memory channel layer,
# on a throwaway PostgreSQL cluster and Redis server started here on private
# ports and stopped on exit, failure or Ctrl-C. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
# Compiled modules are kept even where the shell says PYTHONDONTWRITEBYTECODE:
# a pass starts some forty Python processes (servers, commands, benchmarks)
# and pytest rewrites every test module; from the second run on they load
# compiled (the __pycache__ folders are ignored by git).
unset PYTHONDONTWRITEBYTECODE
PY=$VENV/bin/python
PG_PORT=${TEST_PG_PORT:-55432}
REDIS_PORT=${TEST_REDIS_PORT:-56379}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
work=$(mktemp -d /tmp/entraide-test.XXXXXX)
chmod 755 "$work"
redis_pid=""
pg_started=""
checks_pid=""

as_postgres() {
    # PostgreSQL refuses to run as root.
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
    trap - EXIT INT TERM
    # The static checks, if PostgreSQL or Redis failed before they ended
    # (the check running then ends by itself within seconds).
    [ -n "$checks_pid" ] && kill "$checks_pid" 2>/dev/null
    [ -n "$pg_started" ] && as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
    [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

fail() { echo "FAILED: $*" >&2; exit 1; }
banner() { printf '\n======== %s ========\n' "$*"; }

static_checks() {
    banner "lint: ruff"
    $VENV/bin/ruff check . || fail "ruff check"
    $VENV/bin/ruff format --check . || fail "ruff format (run: .venv/bin/ruff format .)"

    banner "layers: import-linter (pyproject.toml)"
    $VENV/bin/lint-imports --no-cache || fail "lint-imports: an app imports a layer above it (docs/architecture.md)"

    banner "django checks"
    export DJANGO_DEBUG=1 DATABASE_URL="spatialite:///$work/check.sqlite3"
    $PY manage.py check --fail-level WARNING || fail "manage.py check"
    $PY manage.py makemigrations --check --dry-run || fail "missing migrations"
}

# The static checks run while PostgreSQL and Redis start (their output is
# shown once they end); ONLY_SUITE=1 (a developer running a few tests) skips
# them.
if [ -z "${ONLY_SUITE:-}" ]; then
    static_checks >"$work/checks.log" 2>&1 &
    checks_pid=$!
fi

banner "starting PostgreSQL + PostGIS on port $PG_PORT"
[ -x "$PG_BIN/initdb" ] || fail "PostgreSQL server binaries not found under /usr/lib/postgresql"
mkdir -p "$work/pg" "$work/pgsock"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$work/pg" "$work/pgsock"
as_postgres "$PG_BIN/initdb" -D "$work/pg" -U postgres -A trust --no-sync >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log"; fail "initdb"; }
as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -w -t 30 -l "$work/pgsock/pg.log" \
    -o "-p $PG_PORT -k $work/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$work/pgsock/pg.log"; fail "PostgreSQL did not start"; }
pg_started=1
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "CREATE ROLE entraide LOGIN SUPERUSER PASSWORD 'entraide'" \
    -c "CREATE DATABASE entraide OWNER entraide" >/dev/null || fail "creating the test role"
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d entraide \
    -c "CREATE EXTENSION postgis" >/dev/null || fail "PostGIS is not available in PostgreSQL"

banner "starting Redis on port $REDIS_PORT"
command -v redis-server >/dev/null || fail "redis-server not found"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do
    [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
    kill -0 "$redis_pid" 2>/dev/null || { cat "$work/redis.log"; fail "Redis did not start"; }
    sleep 0.1
done
[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] || fail "Redis does not answer PING"

if [ -n "$checks_pid" ]; then
    wait "$checks_pid"; checks_status=$?
    checks_pid=""
    cat "$work/checks.log"
    [ $checks_status -eq 0 ] || exit 1
fi

# Tests run in development mode (no SECRET_KEY needed, plain static storage);
# tests/config/test_settings.py checks the production settings in subprocesses.
export DJANGO_DEBUG=1
# No background task worker in the test process: tests run tasks themselves
# (a worker thread polling the SQLite file would hold its lock mid-test).
export TASKS_IN_PROCESS=0
status=0
# The two passes run side by side, one core each. On a machine with more
# cores, each pass also spreads over TEST_WORKERS processes (pytest-xdist, a
# test file to a worker, the longest files first; default: half the cores).
# On 2 cores, 2 workers a pass measured 5 min 18 s to 5 min 50 s against
# 5 min 50 s to 6 min with one, within this machine's noise, and a browser
# journey lost its session once under that load: one worker a pass here.
TEST_WORKERS=${TEST_WORKERS:-$(( $(nproc) / 2 ))}
WORKERS=()
[ "$TEST_WORKERS" -gt 1 ] && WORKERS=(-n "$TEST_WORKERS" --dist loadfile)

postgis_suite() {
    DATABASE_URL="postgis://entraide:entraide@127.0.0.1:$PG_PORT/entraide" \
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    ENTRAIDE_EXPECT_BACKEND=postgis \
        $PY -m pytest "${WORKERS[@]}" "$@"
}

spatialite_suite() {
    DATABASE_URL="spatialite:///$work/entraide.sqlite3" \
    ENTRAIDE_EXPECT_BACKEND=spatialite \
        $PY -m pytest "${WORKERS[@]}" "$@"
}

if [ "${PARALLEL:-1}" = 1 ]; then
    # Both suites at once: much of each is waiting (servers, browsers,
    # websockets), so two cores do both in little more than the time of one.
    # Each one's output is shown whole once it ends; PARALLEL=0 runs them
    # one after the other, live.
    banner "suites 1/2 (PostGIS + Redis channel layer) and 2/2 (SpatiaLite + in-memory layer), in parallel"
    postgis_suite "$@" >"$work/postgis.log" 2>&1 &
    postgis_pid=$!
    spatialite_suite "$@" >"$work/spatialite.log" 2>&1 &
    spatialite_pid=$!
    wait "$postgis_pid"; postgis_status=$?
    wait "$spatialite_pid"; spatialite_status=$?
    banner "suite 1/2: PostGIS + Redis channel layer"
    cat "$work/postgis.log"
    [ $postgis_status -eq 0 ] || { status=1; echo "FAILED: suite on PostGIS"; }
    banner "suite 2/2: SpatiaLite + in-memory channel layer"
    cat "$work/spatialite.log"
    [ $spatialite_status -eq 0 ] || { status=1; echo "FAILED: suite on SpatiaLite"; }
else
    banner "suite 1/2: PostGIS + Redis channel layer"
    postgis_suite "$@" || { status=1; echo "FAILED: suite on PostGIS"; }
    banner "suite 2/2: SpatiaLite + in-memory channel layer"
    spatialite_suite "$@" || { status=1; echo "FAILED: suite on SpatiaLite"; }
fi

if [ $status -eq 0 ]; then banner "all checks passed on PostGIS and SpatiaLite"; fi
exit $status
