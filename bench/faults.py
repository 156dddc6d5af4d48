"""Faults with real processes, in the scaled setup (`scripts/scaled`, as
`make scaled` starts it: nginx, gunicorn HTTP workers, daphne websocket
workers under a supervisor, the task worker, PostgreSQL and Redis), on
free ports and in a throwaway data directory:

1. Under HTTP load, one gunicorn worker is killed (SIGKILL): how many
   requests failed (nginx retries a GET on another worker), and what
   /healthz said.
2. With CLIENTS websockets connected and sending, one websocket worker is
   killed: its clients reconnect to the other (a new ticket, `sync` after
   the last id they saw, unacknowledged messages sent again with their
   client ids), and no acknowledged message is lost.
3. Every websocket worker is killed at once: how long until every client
   is connected again and has its `sync.done` (goal: under 30 s).
4. A soak of connects, disconnects and messages for SOAK seconds: the
   server processes' memory at the start and at the end (goal: under 10 %
   growth).

Then every acknowledged message id is looked up in the database, and the
messages are counted per client id (a retry must never make two).

    .venv/bin/python bench/faults.py --quick      # 20 clients, 1 s pauses, a 3 s soak: a smoke run
    .venv/bin/python bench/faults.py              # 1,000 clients, a 10-minute soak

Needs root (or a user who can run PostgreSQL), nginx and redis-server, as
`make scaled` does. Prints its figures; exits 1 if a phase could not run.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
import psutil
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _processes import free_port  # noqa: E402
from _stats import percentile  # noqa: E402

BODY_MARK = "bench-load"  # as _chat_population: its verify counts these
ERRORS = Counter()  # why connections failed, for the report


# --- the scaled setup -----------------------------------------------------------


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def scaled_base_port(ws_workers: int) -> int:
    """A PORT for scripts/scaled, which also listens on PORT + 1 (gunicorn)
    and PORT + 100 + i (the websocket workers): all free, and below Linux's
    ephemeral range (32768 and up), where any outgoing connection, the
    load's own included, may take a port before a worker binds it."""
    for _ in range(500):
        base = random.randrange(20000, 32000)
        wanted = [base, base + 1] + [base + 100 + i for i in range(1, ws_workers + 1)]
        if all(_bindable(port) for port in wanted):
            return base
    raise SystemExit("no free ports for the scaled setup between 20000 and 32200")


class Scaled:
    """scripts/scaled on free ports, its data in a temporary directory."""

    def __init__(self, ws_workers: int, http_workers: int):
        self.port = scaled_base_port(ws_workers)
        self.pg_port, self.redis_port = free_port(), free_port()
        self.data = Path(tempfile.mkdtemp(prefix="entraide-faults-"))
        os.chmod(self.data, 0o755)  # noqa: S103 (PostgreSQL runs as its own user: it must pass)
        self.ws_ports = [self.port + 100 + i for i in range(1, ws_workers + 1)]
        self.env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SCALED_PG_PORT": str(self.pg_port),
            "SCALED_REDIS_PORT": str(self.redis_port),
            "SCALED_DATA": str(self.data),
            "WS_WORKERS": str(ws_workers),
            "HTTP_WORKERS": str(http_workers),
        }
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"postgis://entraide:entraide@127.0.0.1:{self.pg_port}/entraide"

    def start(self, timeout: float = 240) -> None:
        self.log = open(self.data / "scaled.log", "w")
        self.process = subprocess.Popen(
            [str(ROOT / "scripts" / "scaled")],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        import urllib.request

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"scripts/scaled stopped:\n{(self.data / 'scaled.log').read_text()}"
                )
            try:
                # noqa below: our own server, over http on loopback
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit("the scaled setup did not answer /healthz in time")

    def stop(self, keep: bool = False) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        if not keep:
            shutil.rmtree(self.data, ignore_errors=True)

    def processes(self) -> dict[str, list[psutil.Process]]:
        """The server's processes by kind (the websocket workers by port)."""
        found = {"gunicorn master": [], "http worker": [], "ws worker": [], "task worker": []}
        for process in psutil.process_iter(["cmdline", "environ", "ppid"]):
            cmdline = " ".join(process.info["cmdline"] or [])
            environ = process.info["environ"] or {}
            if environ.get("SCALED_DATA") != str(self.data):
                continue
            if "gunicorn" in cmdline and "config.wsgi" in cmdline:
                parent = psutil.Process(process.info["ppid"])
                is_worker = "gunicorn" in " ".join(parent.cmdline())
                found["http worker" if is_worker else "gunicorn master"].append(process)
            elif "config.serve" in cmdline:
                found["ws worker"].append(process)
            elif "db_worker" in cmdline:
                found["task worker"].append(process)
        return found

    def rss_mb(self) -> float:
        kinds = self.processes()
        total = 0
        for processes in kinds.values():
            for process in processes:
                try:
                    total += process.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
        return total / 2**20


def populate(scaled: Scaled, pairs: int) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": scaled.database_url, "DJANGO_DEBUG": "1"}
    answer = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_chat_population.py"), "populate", str(pairs)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout)["pairs"]


def verify(scaled: Scaled, acked: list[int]) -> dict:
    env = {**os.environ, "DATABASE_URL": scaled.database_url, "DJANGO_DEBUG": "1"}
    answer = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_chat_population.py"), "verify"],
        env=env,
        input=json.dumps(acked),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout)


# --- 1. an HTTP worker killed under load ------------------------------------------------


async def http_fault(scaled: Scaled, token: str, seconds: float, concurrency: int) -> dict:
    latencies, failures, health = [], 0, []
    stop_at = time.monotonic() + seconds
    headers = {"Authorization": f"Token {token}"}

    async def worker(session):
        nonlocal failures
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                async with session.get(f"{scaled.base}/api/v1/categories", headers=headers) as r:
                    await r.read()
                    if r.status != 200:
                        failures += 1
            except aiohttp.ClientError:
                failures += 1
            latencies.append((time.perf_counter() - started) * 1000)

    async def killer(session):
        await asyncio.sleep(seconds / 3)
        victims = scaled.processes()["http worker"]
        victims[0].send_signal(signal.SIGKILL)
        for _ in range(int(seconds * 2 / 3 / 0.5)):
            async with session.get(f"{scaled.base}/healthz") as r:
                health.append(r.status)
            await asyncio.sleep(0.5)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(killer(session), *(worker(session) for _ in range(concurrency)))
    workers_after = len(scaled.processes()["http worker"])
    return {
        "requests": len(latencies),
        "failed": failures,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies),
        "healthz": sorted(set(health)),
        "http_workers_after": workers_after,
    }


# --- 2-4. websocket clients ----------------------------------------------------------------


class Client:
    """One websocket client as an app would be: a ticket per connection,
    `sync` after the last id on every (re)connect, and each message sent
    until acknowledged, with the same client id."""

    def __init__(self, scaled: Scaled, token: str, conversation: int, session):
        self.scaled, self.token, self.conversation, self.session = (
            scaled,
            token,
            conversation,
            session,
        )
        self.socket = None
        self.last_id = 0
        self.pending: dict[str, str] = {}  # client id -> body, until acked
        self.acked: dict[str, int] = {}  # client id -> message id
        self.connected = asyncio.Event()
        self.synced = asyncio.Event()
        self.reconnects = 0
        self.running = True

    async def ticket(self) -> str:
        async with self.session.post(
            f"{self.scaled.base}/api/v1/ws-ticket", headers={"Authorization": f"Token {self.token}"}
        ) as answer:
            return (await answer.json())["ticket"]

    async def run(self) -> None:
        while self.running:
            try:
                url = f"ws://127.0.0.1:{self.scaled.port}/ws/?ticket={await self.ticket()}"
                async with websockets.connect(
                    url, origin=self.scaled.base, open_timeout=10, max_queue=None
                ) as socket:
                    self.socket = socket
                    self.synced.clear()
                    await socket.send(json.dumps({"type": "sync", "after": self.last_id}))
                    for client_id, body in list(self.pending.items()):
                        await self._send(client_id, body)
                    self.connected.set()
                    async for raw in socket:
                        self._receive(json.loads(raw))
            except (OSError, websockets.WebSocketException, aiohttp.ClientError, KeyError) as exc:
                ERRORS[type(exc).__name__ + ": " + str(exc)[:60]] += 1
            except asyncio.CancelledError:
                return
            self.socket = None
            self.connected.clear()
            if self.running:
                self.reconnects += 1
                await asyncio.sleep(random.uniform(0.2, 1.0))

    def _receive(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "message.ack":
            client_id = frame.get("client_id")
            if client_id in self.pending:
                del self.pending[client_id]
                self.acked[client_id] = frame["message"]["id"]
        elif kind == "message.new":
            self.last_id = max(self.last_id, frame["message"]["id"])
        elif kind == "sync.done":
            self.last_id = max(self.last_id, frame.get("last") or 0)
            self.synced.set()

    async def _send(self, client_id: str, body: str) -> None:
        frame = {
            "type": "message.send",
            "conversation": self.conversation,
            "body": body,
            "client_id": client_id,
        }
        await self.socket.send(json.dumps(frame))

    async def say(self) -> None:
        client_id = uuid.uuid4().hex
        self.pending[client_id] = f"{BODY_MARK} {client_id[:8]}"
        if self.socket is not None:
            try:
                await self._send(client_id, self.pending[client_id])
            except websockets.WebSocketException:
                pass  # sent again on reconnect

    async def drop(self) -> None:
        if self.socket is not None:
            await self.socket.close()


async def all_back(clients, since: float, timeout: float) -> float | None:
    """Seconds from `since` until every client is connected and synced."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(c.connected.is_set() and c.synced.is_set() for c in clients):
            return time.monotonic() - since
        await asyncio.sleep(0.05)
    return None


async def websocket_faults(
    scaled: Scaled, pairs: list[dict], soak: float, rate: float, settle: float
) -> dict:
    results = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
        clients = []
        for pair in pairs:
            for side in ("requester", "volunteer"):
                clients.append(Client(scaled, pair[side]["token"], pair["conversation"], session))
        tasks = [asyncio.create_task(c.run()) for c in clients]
        started = time.monotonic()
        results["connect_all_s"] = await all_back(clients, started, 120)

        async def talk(stop: asyncio.Event):
            # `rate` messages a second in all, from random clients.
            while not stop.is_set():
                await random.choice(clients).say()
                await asyncio.sleep(1 / rate)

        stop = asyncio.Event()
        talker = asyncio.create_task(talk(stop))
        await asyncio.sleep(settle)

        # 2. One websocket worker killed.
        one = scaled.processes()["ws worker"][0]
        killed_at = time.monotonic()
        one.send_signal(signal.SIGKILL)
        await asyncio.sleep(0.5)
        dropped = sum(1 for c in clients if not c.connected.is_set())
        results["one_worker"] = {
            "clients_dropped": dropped,
            "all_back_s": await all_back(clients, killed_at, 60),
        }
        await asyncio.sleep(settle)

        # 3. Every websocket worker killed at once.
        killed_at = time.monotonic()
        for process in scaled.processes()["ws worker"]:
            process.send_signal(signal.SIGKILL)
        await asyncio.sleep(0.5)
        results["all_workers"] = {
            "clients_dropped": sum(1 for c in clients if not c.connected.is_set()),
            "all_back_s": await all_back(clients, killed_at, 60),
        }

        # 4. The soak: churn of connections and messages, once the restarted
        # workers have settled.
        await asyncio.sleep(settle + 2)
        rss_start = scaled.rss_mb()
        soak_end = time.monotonic() + soak
        churned = 0
        while time.monotonic() < soak_end:
            for client in random.sample(clients, max(1, len(clients) // 50)):
                await client.drop()
                churned += 1
            await asyncio.sleep(1)
        await all_back(clients, time.monotonic(), 60)
        rss_end = scaled.rss_mb()
        results["soak"] = {
            "seconds": soak,
            "reconnections": churned,
            "rss_start_mb": round(rss_start, 1),
            "rss_end_mb": round(rss_end, 1),
            "growth_pct": round((rss_end - rss_start) / rss_start * 100, 1),
        }

        # Let the last messages be acknowledged.
        stop.set()
        await talker
        deadline = time.monotonic() + 30
        while any(c.pending for c in clients) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        for client in clients:
            client.running = False
            await client.drop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    acked = [m for c in clients for m in c.acked.values()]
    results["messages"] = {
        "acked": len(acked),
        "unacked_at_end": sum(len(c.pending) for c in clients),
        "reconnections": sum(c.reconnects for c in clients),
    }
    results["acked_ids"] = acked
    return results


# --- the run -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="20 clients, 1 s pauses, a 3 s soak: a smoke run"
    )
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--soak-seconds", type=float, default=600)
    parser.add_argument("--rate", type=float, default=50, help="messages a second, in all")
    parser.add_argument("--ws-workers", type=int, default=2)
    parser.add_argument("--http-workers", type=int, default=2)
    parser.add_argument(
        "--settle-seconds",
        type=float,
        default=3,
        help="messages flow this long before each websocket fault (and 2 s more before the soak)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data and logs")
    options = parser.parse_args()
    if options.quick:
        options.clients, options.soak_seconds, options.rate = 20, 3, 2
        options.settle_seconds = 1
    scaled = Scaled(options.ws_workers, options.http_workers)
    print(
        f"scaled setup: {options.http_workers} HTTP workers, {options.ws_workers} websocket "
        f"workers, on :{scaled.port}; {options.clients} clients; soak {options.soak_seconds:.0f} s"
    )
    try:
        started = time.monotonic()
        scaled.start()
        print(f"started in {time.monotonic() - started:.1f} s")
        pairs = populate(scaled, options.clients // 2)
        http_seconds = 2 if options.quick else 9
        http = asyncio.run(http_fault(scaled, pairs[0]["requester"]["token"], http_seconds, 8))
        print(
            "1. an HTTP worker killed under load: {requests} requests, {failed} failed; "
            "p50 {p50_ms:.1f} ms, p95 {p95_ms:.1f} ms, max {max_ms:.0f} ms; /healthz said "
            "{healthz}; {http_workers_after} HTTP workers after".format(**http)
        )
        ws = asyncio.run(
            websocket_faults(
                scaled, pairs, options.soak_seconds, options.rate, options.settle_seconds
            )
        )
        print(f"   {len(pairs) * 2} clients connected in {ws['connect_all_s']:.1f} s")
        for key, title in (
            ("one_worker", "2. one websocket worker killed"),
            ("all_workers", "3. every websocket worker killed"),
        ):
            back = ws[key]["all_back_s"]
            when = f"{back:.1f} s" if back is not None else "NOT within 60 s"
            goal = "met" if back is not None and back < 30 else "MISSED"
            print(
                f"{title}: {ws[key]['clients_dropped']} clients dropped; all connected and "
                f"synced again in {when} (goal 30 s: {goal})"
            )
        soak = ws["soak"]
        print(
            f"4. soak of {soak['seconds']:.0f} s, {soak['reconnections']} reconnections: server RSS "
            f"{soak['rss_start_mb']} MB -> {soak['rss_end_mb']} MB ({soak['growth_pct']:+.1f} %, "
            f"goal under 10 %: {'met' if soak['growth_pct'] < 10 else 'MISSED'})"
        )
        checked = verify(scaled, ws["acked_ids"])
        lost = checked["acked"] - checked["found"]
        duplicates = checked["stored"] - checked["acked"] - ws["messages"]["unacked_at_end"]
        print(
            f"messages: {checked['acked']} acknowledged, {lost} of them missing from the "
            f"database, {checked['stored']} stored ({max(duplicates, 0)} more than acknowledged "
            f"or still waiting), {ws['messages']['unacked_at_end']} unacknowledged at the end; "
            f"{ws['messages']['reconnections']} reconnections in all"
        )
        return 0 if lost == 0 else 1
    finally:
        if ERRORS:
            print("connection failures:", dict(ERRORS.most_common(5)))
        scaled.stop(keep=options.keep)
        if options.keep:
            print(f"data and logs kept in {scaled.data}")


if __name__ == "__main__":
    raise SystemExit(main())
