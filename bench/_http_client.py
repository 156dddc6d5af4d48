"""A plain HTTP client for the benchmarks, run as its own process so that the
timings do not depend on the state of the (large) process that drives them.

Reads {"port", "warmup": [[path, headers]...], "requests": [[path, headers]...]}
as JSON on stdin; writes [[milliseconds, status, items]...] on stdout, where
items is the length of "features" or "results" in a JSON answer (-1 otherwise).
One keep-alive connection; the body is read before the clock stops and parsed
after.
"""

import http.client
import json
import sys
import time


def get(conn, path, headers):
    for attempt in (1, 2):
        try:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            return (time.perf_counter() - started) * 1000.0, response.status, body
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def items(body: bytes) -> int:
    try:
        data = json.loads(body)
    except ValueError:
        return -1
    if isinstance(data, dict):
        for key in ("features", "results"):
            if isinstance(data.get(key), list):
                return len(data[key])
    return -1


def main() -> None:
    spec = json.load(sys.stdin)
    conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=120)
    for path, headers in spec["warmup"]:
        get(conn, path, headers)
    answers = [get(conn, path, headers) for path, headers in spec["requests"]]
    conn.close()
    json.dump([[elapsed, status, items(body)] for elapsed, status, body in answers], sys.stdout)


if __name__ == "__main__":
    main()
