"""One HTTP load-driver process of bench/city_load.py (multiprocessing, spawn).

On each "step" command it sends requests open loop: Poisson arrivals at its
share of the step's rate, whatever the server answers, each request of a kind
drawn from the mix's weights. A request's latency runs from its scheduled
time to the end of its response body, so a server that falls behind is
charged for the wait it causes (no coordinated omission); `lag` is how late
the driver itself got a request onto the wire.

The client is a small HTTP/1.1 one on asyncio streams (uvloop), with a pool of
keep-alive connections (at most `connections`; a request waiting for one is
still on the clock). A connection the server closed while idle is reopened
and the request sent again, only when nothing of the answer had come.

Kinds (what each sends; the answer expected):
  map      GET /api/v1/map?bbox=...&zoom=Z, a viewport around a random
           resident's home at a zoom drawn from `zooms`, with a token: 200
  nearby   GET /api/v1/requests/nearby as a random resident: 200
  page     GET /requests/<id>/, anonymous (HTML): 200
  detail   GET /api/v1/requests/<id> as a random resident: 200
  post     POST /api/v1/requests near the resident's home, each resident of
           this driver's share in turn: 201
  respond  POST /api/v1/requests/<id>/responses, a resident who is not the
           author and has not responded to it yet: 201
  static   GET `static_path` (the ceiling: nginx serving a file): 200
"""

import asyncio
import gc
import json
import random
import signal
import time
from array import array
from collections import Counter

from _population import TITLES

KINDS = ("map", "nearby", "page", "detail", "post", "respond", "static")
EXPECTED = {
    "map": 200,
    "nearby": 200,
    "page": 200,
    "detail": 200,
    "post": 201,
    "respond": 201,
    "static": 200,
}


class Pool:
    """Keep-alive HTTP/1.1 connections to one address."""

    def __init__(self, host: str, port: int, limit: int, timeout: float):
        self.host, self.port = host, port
        self.gate = asyncio.Semaphore(limit)
        self.idle: list = []
        self.timeout = timeout
        self.opened = 0

    async def _open(self):
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    async def _exchange(self, conn, raw: bytes) -> tuple[int, bytes, bool]:
        reader, writer = conn
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, keep = None, False, True
        for line in lines[1:]:
            name, _sep, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                keep = False
        if chunked:
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    break
                parts.append((await reader.readexactly(size + 2))[:-2])
            body = b"".join(parts)
        elif length is not None:
            body = await reader.readexactly(length)
        else:
            body = await reader.read()
            keep = False
        return status, body, keep

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        async with self.gate:
            conn = self.idle.pop() if self.idle else None
            reused = conn is not None
            if conn is None:
                conn = await self._open()
            try:
                try:
                    status, body, keep = await asyncio.wait_for(
                        self._exchange(conn, raw), self.timeout
                    )
                except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as exc:
                    partial = getattr(exc, "partial", b"")
                    if not reused or partial:
                        raise
                    conn[1].close()  # closed while idle: once more, on a new one
                    conn = await self._open()
                    status, body, keep = await asyncio.wait_for(
                        self._exchange(conn, raw), self.timeout
                    )
            except BaseException:
                conn[1].close()
                raise
            if keep:
                self.idle.append(conn)
            else:
                conn[1].close()
            return status, body

    def close(self) -> None:
        for _reader, writer in self.idle:
            writer.close()
        self.idle.clear()


def viewport_box(lng: float, lat: float, zoom: int) -> str:
    # As bench/nearby.py: a 1024 x 768 viewport (4 x 3 tiles of 256 pixels).
    tile = 360.0 / 2**zoom
    half_w, half_h = 2.0 * tile, 1.5 * tile * 0.6579
    return f"{lng - half_w:.6f},{lat - half_h:.6f},{lng + half_w:.6f},{lat + half_h:.6f}"


class Driver:
    def __init__(self, pipe, spec: dict):
        self.pipe = pipe
        self.spec = spec
        self.rng = random.Random(spec["seed"])
        self.residents = spec["residents"]  # [id, token, lng, lat]: this driver's own
        self.viewers = spec["viewers"]  # for reads: any resident
        self.requests = spec["requests"]  # [id, author]
        self.categories = spec["categories"]
        self.kinds = [k for k in KINDS if spec["mix"].get(k, 0) > 0]
        self.weights = [spec["mix"][k] for k in self.kinds]
        self.zooms = spec["zooms"]
        self.host = f"127.0.0.1:{spec['port']}"
        self.next_poster = 0
        self.next_responder = 0
        self.responded: set = set()
        self.pool = None

    def raw(self, method: str, path: str, token: str | None, body: bytes = b"", html=False):
        headers = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAccept-Language: en\r\n"
        headers += "Accept: text/html\r\n" if html else "Accept: application/json\r\n"
        if token:
            headers += f"Authorization: Token {token}\r\n"
        if method == "POST":
            headers += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        return (headers + "\r\n").encode() + body

    def build(self, kind: str) -> bytes:
        rng = self.rng
        if kind == "map":
            _id, token, lng, lat = rng.choice(self.viewers)
            zoom = rng.choice(self.zooms)
            return self.raw(
                "GET", f"/api/v1/map?bbox={viewport_box(lng, lat, zoom)}&zoom={zoom}", token
            )
        if kind == "nearby":
            return self.raw("GET", "/api/v1/requests/nearby", rng.choice(self.viewers)[1])
        if kind == "page":
            return self.raw("GET", f"/requests/{rng.choice(self.requests)[0]}/", None, html=True)
        if kind == "detail":
            request_id = rng.choice(self.requests)[0]
            return self.raw("GET", f"/api/v1/requests/{request_id}", rng.choice(self.viewers)[1])
        if kind == "static":
            return self.raw("GET", self.spec["static_path"], None)
        if kind == "post":
            _id, token, lng, lat = self.residents[self.next_poster % len(self.residents)]
            self.next_poster += 1
            slug = rng.choice(self.categories)
            body = {
                "title": rng.choice(TITLES.get(slug, TITLES["other"])),
                "category": slug,
                "location": {"lat": lat + rng.uniform(-0.002, 0.002), "lng": lng},
            }
            return self.raw("POST", "/api/v1/requests", token, json.dumps(body).encode())
        if kind == "respond":
            for _try in range(50):
                request_id, author = rng.choice(self.requests)
                volunteer, token, _lng, _lat = self.residents[
                    self.next_responder % len(self.residents)
                ]
                self.next_responder += 1
                if volunteer != author and (request_id, volunteer) not in self.responded:
                    self.responded.add((request_id, volunteer))
                    body = json.dumps({"message": "Je peux passer ce soir"}).encode()
                    return self.raw("POST", f"/api/v1/requests/{request_id}/responses", token, body)
            raise RuntimeError("no request left to respond to")
        raise ValueError(kind)

    async def one(self, kind: str, raw: bytes, sched: float, out: dict) -> None:
        late = time.monotonic() - sched
        try:
            status, body = await self.pool.request(raw)
        except TimeoutError:  # before OSError, of which it is a subclass
            out["errors"][kind]["timeout"] += 1
            return
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            out["errors"][kind][type(exc).__name__] += 1
            return
        elapsed = time.monotonic() - sched
        out["lag"].append(late)
        if status == EXPECTED[kind]:
            out["latency"][kind].append(elapsed)
        else:
            out["errors"][kind][str(status)] += 1
            samples = out["error_samples"]
            if len(samples) < 5:
                samples.append(f"{kind} {status}: {body[:200]!r}")

    async def run_step(self, cmd: dict) -> dict:
        rate = cmd["rate"] / cmd["workers"]
        duration = cmd["duration"]
        out = {
            "latency": {k: array("d") for k in self.kinds},
            "errors": {k: Counter() for k in self.kinds},
            "lag": array("d"),
            "error_samples": [],
        }
        sent = Counter()
        # Poisson arrivals, drawn before the step starts.
        arrivals, t = [], self.rng.expovariate(rate) if rate else duration
        while t < duration:
            arrivals.append(t)
            t += self.rng.expovariate(rate)
        kinds = self.rng.choices(self.kinds, self.weights, k=len(arrivals))
        gc.collect()
        gc.disable()
        start = cmd["start_at"]
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        cpu0 = time.process_time()
        tasks = []
        for offset, kind in zip(arrivals, kinds, strict=True):
            sched = start + offset
            delay = sched - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                raw = self.build(kind)
            except RuntimeError:
                out["errors"][kind]["nothing to send"] += 1
                continue
            sent[kind] += 1
            tasks.append(asyncio.ensure_future(self.one(kind, raw, sched, out)))
        send_end = time.monotonic()
        cpu_send = time.process_time() - cpu0
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=cmd["drain"])
            for task in pending:
                task.cancel()
            unanswered = len(pending)
        else:
            unanswered = 0
        gc.enable()
        return {
            "sent": dict(sent),
            "latency": {k: v.tobytes() for k, v in out["latency"].items()},
            "errors": {k: dict(v) for k, v in out["errors"].items() if v},
            "unanswered": unanswered,
            "lag": out["lag"].tobytes(),
            "send_s": send_end - start,
            "driver_cpu_send_s": cpu_send,
            "connections_opened": self.pool.opened,
            "error_samples": out["error_samples"],
        }

    async def command(self):
        return await asyncio.get_running_loop().run_in_executor(None, self.pipe.recv)

    async def run(self) -> None:
        self.pool = Pool(
            "127.0.0.1", self.spec["port"], self.spec["connections"], self.spec["timeout"]
        )
        while True:
            try:
                cmd = await self.command()
            except EOFError:
                cmd = {"cmd": "close"}
            if cmd["cmd"] == "step":
                self.pipe.send(await self.run_step(cmd))
            elif cmd["cmd"] == "close":
                self.pool.close()
                try:
                    self.pipe.send({"closed": True})
                except OSError:
                    pass
                return


def main(pipe, spec: dict) -> None:
    """multiprocessing entry point."""
    import uvloop

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the orchestrator stops us
    uvloop.run(Driver(pipe, spec).run())
