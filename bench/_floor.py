"""Where the HTTP floor goes, measured in a fresh process (no server):
GET /api/v1/categories through Django's test Client (the sync handler) and
through the ASGI application (config.asgi) called in process, counting the
sync_to_async hops one ASGI request makes (none since config.asgi serves
HTTP on its own threads) and timing new database connections (none once a
thread has its own) and statements on the way.

    DATABASE_URL=... python bench/_floor.py TOKEN ITERATIONS   (prints JSON)
"""

import asyncio
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PATH = "/api/v1/categories"


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(q):
        position = (len(ordered) - 1) * q / 100
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return {"n": len(ordered), "p50": at(50), "p95": at(95), "p99": at(99), "max": ordered[-1]}


def main() -> None:
    key, iterations = sys.argv[1], int(sys.argv[2])
    import django

    django.setup()
    from asgiref import sync
    from django.db import connection, connections
    from django.db.backends import utils
    from django.test import Client

    from config.asgi import application

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
    for _ in range(20):
        client.get(PATH)
    sync_times = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(PATH)
        sync_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    connection.close()

    # What each ASGI request spends on its (new) database connection and
    # statements, and how often it hops to the sync thread.
    spent = defaultdict(float)
    counts = defaultdict(int)
    wrapper_class = type(connections["default"])
    original_connect = wrapper_class.get_new_connection
    original_execute = utils.CursorWrapper._execute
    original_call = sync.SyncToAsync.__call__

    def timed_connect(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original_connect(self, *args, **kwargs)
        finally:
            spent["connect"] += time.perf_counter() - started
            counts["connect"] += 1

    def timed_execute(self, sql, params, *rest):
        started = time.perf_counter()
        try:
            return original_execute(self, sql, params, *rest)
        finally:
            spent["statements"] += time.perf_counter() - started
            counts["statements"] += 1

    async def counting_call(self, *args, **kwargs):
        counts["sync_to_async"] += 1
        return await original_call(self, *args, **kwargs)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Token {key}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def one() -> int:
        sent = []
        pending = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive():
            if pending:
                return pending.pop()
            await asyncio.Event().wait()  # the client stays connected

        async def send(message):
            sent.append(message)

        await application(dict(scope), receive, send)
        return sent[0]["status"]

    async def run() -> list[float]:
        for _ in range(20):
            await one()
        spent.clear()
        counts.clear()
        times = []
        for _ in range(iterations):
            started = time.perf_counter()
            status = await one()
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
        return times

    wrapper_class.get_new_connection = timed_connect
    utils.CursorWrapper._execute = timed_execute
    sync.SyncToAsync.__call__ = counting_call
    try:
        asgi_times = asyncio.run(run())
    finally:
        wrapper_class.get_new_connection = original_connect
        utils.CursorWrapper._execute = original_execute
        sync.SyncToAsync.__call__ = original_call
    json.dump(
        {
            "test_client": percentiles(sync_times),
            "asgi_in_process": percentiles(asgi_times),
            "per_asgi_request": {
                "sync_to_async": counts["sync_to_async"] / iterations,
                "new_connections": counts["connect"] / iterations,
                "connect_ms": spent["connect"] * 1000 / iterations,
                "statements": counts["statements"] / iterations,
                "statements_ms": spent["statements"] * 1000 / iterations,
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
