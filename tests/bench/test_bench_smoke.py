"""Smoke runs of the benchmarks (bench/), so that a broken one fails `make test`.

They check that each benchmark runs through and prints its numbers (exit code
0, the expected lines, figures that are numbers), never how fast: timings on
a shared 2-core machine say nothing here.

Each run gets its own empty, migrated database on the suite's backend, never
the test database: a clone of the snapshot that tests/conftest.py takes of the
test database as the migrations left it, before any test (`migrated_database`).

- PostGIS pass: databases of the suite's own PostgreSQL cluster, cloned from
  the snapshot (CREATE DATABASE ... TEMPLATE) and dropped at the end. The
  benchmarks start no cluster of their own. bench/chat_load.py starts its own
  Redis on a free port for its `redis2` configuration (its cache and channel
  layer stay away from the suite's Redis, which the tests flush).
- SpatiaLite pass: copies of the snapshot's file in a temporary directory.

What runs where:

- bench/nearby.py --quick (3,000 posts): on PostGIS every part (nearby and
  map in process against hand-written SQL, the in-process floor, HTTP
  through daphne); on SpatiaLite the parts it has there, nearby in process
  against hand-written SQL (the map, HTTP and goals are PostGIS only by
  design, and the output says so; the test checks that line).
- bench/chat_load.py --quick (20 pairs, one 2 s step at 100 msg/s): on
  PostGIS `redis2` (daphne + uvicorn sharing Redis) and `relay` (the
  hand-written baseline needs no database: it runs once, in the pass with
  the lighter load); on SpatiaLite `daphne`.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import ROOT, database_url_for_child

pytestmark = pytest.mark.slow(50)

BENCH = ROOT / "bench"
TIMEOUT = 300  # seconds a benchmark may take before the test gives up on it


def child_env(**extra) -> dict:
    """The suite's environment, minus what points at the test database or the
    test Redis: the benchmarks are given their own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "ENTRAIDE_EXPECT_BACKEND"}
    }
    env.update(DJANGO_DEBUG="1", TASKS_IN_PROCESS="0", PYTHONUNBUFFERED="1", **extra)
    return env


def run(args: list, what: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=ROOT,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{what} exited {result.returncode}:\n{output[-6000:]}"
    return result.stdout


class PostgisDatabases:
    """Throwaway databases in the suite's PostgreSQL cluster, cloned from the
    migrated snapshot."""

    def __init__(self, snapshot):
        self.snapshot = snapshot
        self.prefix = f"bench_smoke_{os.getpid()}"
        self.names = []

    def fresh(self) -> str:
        name = f"{self.prefix}_{len(self.names)}"
        self.names.append(name)
        with self.snapshot.admin() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.snapshot.name}"')
        return database_url_for_child(name)

    def close(self) -> None:
        with self.snapshot.admin() as cursor:
            for name in reversed(self.names):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class SpatialiteDatabases:
    """Copies of the migrated snapshot's file."""

    def __init__(self, snapshot, directory: Path):
        self.template = snapshot.path
        self.directory = directory
        self.count = 0

    def fresh(self) -> str:
        self.count += 1
        copy = self.directory / f"bench-{self.count}.sqlite3"
        shutil.copyfile(self.template, copy)
        return database_url_for_child(copy)

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def backend() -> str:
    return "postgis" if connection.vendor == "postgresql" else "spatialite"


@pytest.fixture(scope="module")
def bench_databases(backend, migrated_database, tmp_path_factory):
    if backend == "postgis":
        databases = PostgisDatabases(migrated_database)
    else:
        databases = SpatialiteDatabases(migrated_database, tmp_path_factory.mktemp("bench-smoke"))
    yield databases
    databases.close()


def figures(output: str, label: str, n: int) -> tuple[float, float]:
    """p50 and p95 of a row of a benchmark's table: present, n samples, numbers."""
    match = re.search(rf"^{re.escape(label)}\s+{n}\s+([\d.]+)\s+([\d.]+)\s", output, re.M)
    assert match, f"no figures for {label!r} (n={n}) in:\n{output[-6000:]}"
    return float(match[1]), float(match[2])


def test_nearby_quick(backend, bench_databases):
    args = [BENCH / "nearby.py", "--quick", "--database-url", bench_databases.fresh()]
    if backend == "spatialite":
        args.append("--spatialite")
    out = run(args, "bench/nearby.py --quick")

    assert "loaded 3,000 rows" in out, out
    assert f"{backend}, 3,000 open requests" in out, out
    for label in (
        "nearby: selector, whole call (ORM)",
        "nearby: selector's SQL, in the call",
        "nearby: hand-written SQL (radius + nearest)",
    ):
        figures(out, label, 20)
    assert "nearby selector (whole call) / hand SQL" in out, out
    assert "answers differing from the hand-written SQL (of 20): selector " in out, out
    assert "open requests within a viewer's 1 km: mean " in out, out
    if backend == "spatialite":
        assert "not measured on SpatiaLite: the map, HTTP and the goals" in out, out
        assert "map z16" not in out, out
        return
    for label in (
        "nearby: selector's SQL, server time",
        "nearby: hand-written SQL, KNN then radius",
        "nearby: KNN-first queryset, bench-side ORM",
    ):
        figures(out, label, 20 if "server" not in label else 5)
    figures(out, "floor: categories, test Client, in process", 10)
    figures(out, "floor: categories, ASGI app, in process", 10)
    figures(out, "HTTP floor: GET /api/v1/categories (CONN_MAX_AGE=0)", 10)
    figures(out, "nearby: HTTP (CONN_MAX_AGE=0)", 10)
    for zoom in ("z16", "z15", "z14", "z12"):
        figures(out, f"map {zoom}: map_features (ORM)", 20)
        figures(out, f"map {zoom}: hand-written SQL", 20)
        figures(out, f"map {zoom}: HTTP (CONN_MAX_AGE=0)", 10)
        assert re.search(rf"^map {zoom}: features mean \d+, max \d+", out, re.M), out
    # The HTTP figures mean something only if every answer was a 200.
    assert "HTTP (CONN_MAX_AGE=0): nearby results per page" in out, out
    assert "non-200 answers 0" in out, out
    assert "goals (set for 1,000,000 posts; this run has 3,000):" in out, out


def test_chat_load_quick(backend, bench_databases):
    configs = ["redis2", "relay"] if backend == "postgis" else ["daphne"]
    out = run(
        [BENCH / "chat_load.py", "--quick", "--config", ",".join(configs)]
        + ["--database-url", bench_databases.fresh()],
        "bench/chat_load.py --quick",
    )

    assert "chat load: 20 pairs (40 sockets)" in out, out
    assert out.count("  connected 40/40 sockets in ") == len(configs), out
    assert "  ERROR: " not in out, out
    # The report: one block per configuration, then the summary.
    report = out[out.index(f"\n{configs[0]}: ") : out.index("\nsummary\n")]
    blocks = [b for b in re.split(rf"^(?={'|'.join(configs)}: )", report.strip(), flags=re.M) if b]
    assert [b.split(":", 1)[0] for b in blocks] == configs, report
    for config, block in zip(configs, blocks, strict=True):
        assert re.search(r"idle, 40 sockets: server RSS [\d.]+ MB", block), block
        # The step's row: rate, sent/s, ack/s, delivered/s | delivery p50 p95 p99.
        step = r"^\s+100\s+\d+\s+\d+\s+\d+ \|\s+[\d.]+\s+[\d.]+\s+[\d.]+"
        assert re.search(step, block, re.M), block
        assert re.search(r"highest passing rate: \d+ msg/s", block), block
        assert re.search(rf"^  {config}\s+highest passing\s+\d+ msg/s; p99 at 100", out, re.M), out
        # Every acknowledged message is in the database: a check of the run's
        # accounting, not a timing.
        stored = re.search(r"database: (\d+) of (\d+) acked ids stored", block)
        if config == "relay":
            assert stored is None, block
        else:
            assert stored and stored[1] == stored[2] and int(stored[2]) > 0, block


def test_city_load_quick(backend, bench_databases):
    """bench/city_load.py --quick (3,000 posts, 300 residents, 20 websockets, a
    warm-up and one 1.5 s step at 20 requests/s per target): every target
    once, and every endpoint answered. PostGIS pass only: the benchmark's targets (the embedded
    default and the scaled setup at city scale) run on PostGIS by design,
    and it loads its posts with COPY."""
    if backend != "postgis":
        pytest.skip("bench/city_load.py runs on PostGIS only")
    out = run(
        [BENCH / "city_load.py", "--quick", "--database-url", bench_databases.fresh()],
        "bench/city_load.py --quick",
    )

    # 3,000 posts and the 10 chat pairs' requests.
    assert re.search(r"^loaded 3,010 posts, 300 residents with tokens, 10 chat pairs", out, re.M), (
        out
    )
    assert "rate limits: servers on bench/_city_settings.py" in out, out
    assert "  ERROR: " not in out, out
    report = out[out.index("\nnginx-static: nginx alone") :]
    report = report[report.index("\nnginx-static: nginx alone", 1) :]  # the final report
    for target in ("nginx-static", "embedded", "scaled"):
        block = report[report.index(f"\n{target}: ") :]
        block = block[: block.index("\n  highest step held") if "highest step" in block else None]
        # A step row: asked, sent/s, ok/s, ratio | p50 p95 p99 errors.
        row = r"^\s+20\s+\d+\s+\d+\s+[\d.]+ \|\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+ \|"
        assert re.search(row, block, re.M), block
        kinds = ["static"] if target == "nginx-static" else ["map", "nearby", "page", "detail"]
        for kind in kinds:
            assert re.search(rf"^\s+20 {kind}\s+\d+\s+\d+\s+[\d.]+", block, re.M), block
    assert out.count("  connected 20/20 websockets") == 2, out
    assert re.search(r"^  embedded\s+goal 150/s: highest rate within goal terms", out, re.M), out
    assert re.search(r"^  scaled\s+goal 500/s: highest rate within goal terms", out, re.M), out
    assert re.search(r"^  nginx-static ceiling: \d+/s held", out, re.M), out
