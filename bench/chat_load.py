"""Chat at 1,000 websockets: a ladder of message rates against the real
server, and against a hand-written relay as the ceiling.

For each configuration: a fresh database (SpatiaLite file, or a throwaway
PostgreSQL + PostGIS cluster; or the one --database-url names) holding N pairs (a requester, a volunteer who
responded to their request, the conversation, a DRF token each; written with
the ORM by bench/_chat_population.py), the server(s) started as deployed,
then load-driver processes (bench/_chat_driver.py, `websockets` asyncio
client on uvloop) that take a single-use ticket per connection from
POST /api/v1/ws-ticket and connect 2N sockets to /ws/?ticket=... with an
allowed Origin. Then a ladder of rates (200, 500, 1,000, 2,000 msg/s and up),
each step a fixed duration of open-loop sends spread over every socket (both
sides of each pair send; ~150-byte message.send frames), until a step fails.

Measured per step: delivery latency (the peer's message.new minus the send,
one monotonic clock) and ack latency, p50/p95/p99; acks/s and deliveries/s
inside the step's window; lost (acked, never delivered to the peer after a
drain), duplicated, order violations, error frames by code, unexpected
closes; the server's CPU (cores: user+sys seconds per second, child
processes included) and RSS, and the same for PostgreSQL/Redis; the
drivers' own CPU and schedule lag. Before any socket and with all sockets
idle, the server's CPU and RSS. At the end, every acked message id is looked
up in the database.

A step passes with delivery p99 < 150 ms, nothing lost, duplicated or out of
order, no unanswered send, no socket closed, and >= 95% of the target rate
both acked and delivered in the window.

Configurations (--config, comma separated; the first four by default):
  daphne         one daphne (scripts/serve), in-memory layer, SpatiaLite file
  uvicorn        one uvicorn (--ws auto: websockets-sansio), same otherwise
  redis2         daphne + uvicorn sharing Redis (channels_redis pubsub layer,
                 Redis cache) on PostGIS; each pair's requester on daphne,
                 its volunteer on uvicorn, so every message crosses
  relay          bench/_chat_relay.py: websockets + uvloop, no database
  postgis        one daphne on PostGIS, in-memory layer
  postgis-redis  one daphne on PostGIS with Redis

    .venv/bin/python bench/chat_load.py --quick                   # smoke run
    .venv/bin/python bench/chat_load.py                           # everything
    .venv/bin/python bench/chat_load.py --config daphne,relay --rates 200,500,1000

Servers run production-like (DJANGO_DEBUG=0, a SECRET_KEY, ALLOWED_HOSTS,
SECURE_SSL=0 for plain HTTP on loopback; --debug for DJANGO_DEBUG=1), with
CHAT_MESSAGES_PER_MINUTE very high, TASKS_IN_PROCESS=0 and
DATABASE_CONN_MAX_AGE=60 (--conn-max-age). Needs root (or a user who can
run PostgreSQL) for the PostGIS configurations, and redis-server.
Everything it starts is stopped on exit, error or Ctrl-C.
"""

import argparse
import importlib.metadata
import importlib.util
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from array import array
from collections import Counter
from pathlib import Path

import _chat_driver
from _chat_processes import ProcessTree, RedisServer, Server, postmaster_pid, temp_dir
from _driver_pool import DriverPool
from _processes import ROOT, ThrowawayPostgres, free_port
from _stats import fmt, summary

CONFIGS = {
    "daphne": {"db": "spatialite", "redis": False, "servers": ["daphne"]},
    "uvicorn": {"db": "spatialite", "redis": False, "servers": ["uvicorn"]},
    "redis2": {"db": "postgis", "redis": True, "servers": ["daphne", "uvicorn"]},
    "relay": {"db": None, "redis": False, "servers": ["relay"]},
    "postgis": {"db": "postgis", "redis": False, "servers": ["daphne"]},
    "postgis-redis": {"db": "postgis", "redis": True, "servers": ["daphne"]},
}
DEFAULT_CONFIGS = "daphne,uvicorn,redis2,relay"
DEFAULT_RATES = "200,500,1000,2000,3000,4000,6000,8000,12000"
# --quick: a smoke run (tests/bench/test_bench_smoke.py): every part once, a
# few sockets, one low rate.
QUICK = {
    "pairs": 20,
    "rates": "100",
    "duration": 2.0,
    "warm_seconds": 1.0,
    "drain": 3.0,
    "final_drain": 3.0,
    "idle_seconds": 1.0,
}
ORIGIN = "http://127.0.0.1"
MB = 1024 * 1024


# --- Setup ---------------------------------------------------------------------


def server_env(args, database_url: str | None, redis_url: str | None) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    env.update(
        TASKS_IN_PROCESS="0",
        CHAT_MESSAGES_PER_MINUTE="100000000",
        NEW_ACCOUNT_MESSAGES_PER_MINUTE="100000000",
        DATABASE_CONN_MAX_AGE=str(args.conn_max_age),
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    if args.debug:
        env["DJANGO_DEBUG"] = "1"
    else:
        # Production-like: no query log, no debug pages. Plain HTTP on
        # loopback needs SECURE_SSL=0 (else every request redirects to https).
        env.update(
            DJANGO_DEBUG="0",
            SECRET_KEY="chat-bench-" + secrets.token_hex(24),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL="0",
        )
    return env


def run_child(args: list, env: dict, stdin: str | None = None, what: str = "") -> str:
    result = subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"{what} failed:\n{result.stdout[-3000:]}{result.stderr[-5000:]}")
    return result.stdout


def migrate_and_populate(env: dict, pairs: int) -> list[dict]:
    """One child process: migrate (a no-op on an up-to-date database), then the pairs."""
    out = run_child(
        [Path(__file__).with_name("_chat_population.py"), "populate", pairs],
        env,
        what="migrate + populate",
    )
    answer = json.loads(out)
    print(
        f"  migrate {answer['migrate_seconds']:.1f} s; {pairs} pairs (users, requests, "
        f"responses, conversations, tokens) {answer['seconds']:.1f} s",
        flush=True,
    )
    return answer["pairs"]


def relay_population(pairs: int, work: Path) -> tuple[list[dict], Path]:
    """Made-up users and conversations for the relay (no database)."""
    listed, tokens, conversations = [], {}, {}
    for i in range(pairs):
        requester, volunteer, conversation = 2 * i + 1, 2 * i + 2, i + 1
        sides = {}
        for role, user in (("requester", requester), ("volunteer", volunteer)):
            token = secrets.token_urlsafe(24)
            tokens[token] = user
            sides[role] = {"user": user, "token": token}
        conversations[conversation] = [requester, volunteer]
        listed.append({"conversation": conversation, **sides})
    path = work / "relay-population.json"
    path.write_text(json.dumps({"tokens": tokens, "conversations": conversations}))
    return listed, path


# --- Drivers ---------------------------------------------------------------------


class Drivers(DriverPool):
    """The load-driver processes: each drives its share of the pairs."""

    def __init__(self, count: int, pairs: list[dict], servers: list[str], args, ticket_mode: str):
        specs = []
        for w in range(count):
            mine = []
            for pair in pairs[w::count]:
                mine.append(
                    {
                        "conversation": pair["conversation"],
                        "requester": {**pair["requester"], "server": servers[0]},
                        "volunteer": {**pair["volunteer"], "server": servers[-1]},
                    }
                )
            specs.append(
                {
                    "pairs": mine,
                    "origin": ORIGIN,
                    "ticket_mode": ticket_mode,
                    "deflate": args.deflate,
                    "frame_bytes": args.frame_bytes,
                    "connect_concurrency": 32,
                    "seed": args.seed + w,
                }
            )
        super().__init__(_chat_driver.main, specs)


# --- Measuring -------------------------------------------------------------------


class Meter:
    """CPU and memory of the servers (RSS) and of PostgreSQL + Redis (PSS)."""

    def __init__(self, servers: list[Server], backing_pids: list[int]):
        self.servers = servers
        self.server_trees = [ProcessTree([s.process.pid]) for s in servers]
        self.backing = ProcessTree(backing_pids, pss=True) if backing_pids else None

    def cpu(self) -> tuple[float, float]:
        server = sum(t.cpu_seconds() for t in self.server_trees)
        backing = self.backing.cpu_seconds() if self.backing else 0.0
        return server, backing

    def rss(self) -> list[int]:
        return [t.memory() for t in self.server_trees]

    def backing_memory(self) -> int:
        return self.backing.memory() if self.backing else 0

    def idle(self, seconds: float) -> dict:
        c0, b0, t0 = *self.cpu(), time.monotonic()
        time.sleep(seconds)
        c1, b1, t1 = *self.cpu(), time.monotonic()
        rss = self.rss()
        return {
            "threads": sum(t.threads() for t in self.server_trees),
            "backing_processes": self.backing.count() if self.backing else 0,
            "server_cores": (c1 - c0) / (t1 - t0),
            "backing_cores": (b1 - b0) / (t1 - t0),
            "rss": rss,
            "rss_total": sum(rss),
            "backing_mem": self.backing_memory(),
        }

    def alive(self) -> bool:
        return all(s.alive() for s in self.servers)


def ms_samples(blobs: list[bytes]) -> list[float]:
    values = array("d")
    for blob in blobs:
        values.frombytes(blob)
    return [v * 1000.0 for v in values]


def merge(results: list[dict]) -> dict:
    total = Counter()
    for key in (
        "sent",
        "skipped",
        "acked",
        "delivered",
        "echoed",
        "errored",
        "lost",
        "unacked",
        "dup",
        "unknown",
        "write_buffer_max",
        "pending",
    ):
        total[key] = sum(r[key] for r in results)
    merged = dict(total)
    for key in ("order", "errors", "closes", "other"):
        c = Counter()
        for r in results:
            c.update(r[key])
        merged[key] = dict(c)
    merged["ack_at"] = ms_samples([r["ack_at"] for r in results])
    merged["deliver_at"] = ms_samples([r["deliver_at"] for r in results])
    merged["deliver"] = summary(ms_samples([r["deliver"] for r in results]))
    merged["ack"] = summary(ms_samples([r["ack"] for r in results]))
    merged["lag"] = summary(ms_samples([r["lag"] for r in results]))
    merged["drain_s"] = max(r["drain_s"] for r in results)
    merged["driver_cores"] = [r["driver_cpu_send_s"] / max(r["send_s"], 1e-9) for r in results]
    return merged


def run_step(
    drivers: Drivers, meter: Meter, index: int, rate: float, duration: float, args
) -> dict:
    start_at = time.monotonic() + 0.3
    workers = len(drivers.pipes)
    for w, pipe in enumerate(drivers.pipes):
        pipe.send(
            {
                "cmd": "step",
                "index": index,
                "rate": rate,
                "duration": duration,
                "start_at": start_at,
                "worker": w,
                "workers": workers,
                "drain": args.drain,
            }
        )
    time.sleep(max(0.0, start_at - time.monotonic()))
    c0, b0, t0 = *meter.cpu(), time.monotonic()
    threads0 = [t.thread_times() for t in meter.server_trees]
    rss_max = [0] * len(meter.servers)
    threads_max = 0
    end = start_at + duration
    while time.monotonic() < end:
        for i, value in enumerate(meter.rss()):
            rss_max[i] = max(rss_max[i], value)
        threads_max = max(threads_max, sum(t.threads() for t in meter.server_trees))
        time.sleep(min(0.5, max(0.0, end - time.monotonic())))
    c1, b1, t1 = *meter.cpu(), time.monotonic()
    threads1 = [t.thread_times() for t in meter.server_trees]
    # The busiest thread of each server, in cores: 1.0 is a thread (the event
    # loop, or the one database thread) that cannot go faster.
    top_thread = [
        max((after[k] - before.get(k, 0.0) for k in after), default=0.0) / (t1 - t0)
        for before, after in zip(threads0, threads1, strict=True)
    ]
    backing_mem = meter.backing_memory()
    results = [drivers.recv(w, duration + args.drain + 120) for w in range(workers)]
    step = merge(results)
    step.update(
        index=index,
        rate=rate,
        duration=duration,
        server_cores=(c1 - c0) / (t1 - t0),
        backing_cores=(b1 - b0) / (t1 - t0),
        rss_max=rss_max,
        rss_max_total=sum(rss_max),
        threads_max=threads_max,
        top_thread=top_thread,
        backing_mem=backing_mem,
        servers_alive=meter.alive(),
    )
    judge(step, args)
    return step


def window_rate(arrivals_ms: list[float], latency_ms: float, duration: float) -> float:
    """Arrivals per second in [L, D] of the step, L its median latency
    (capped at D/2): at a rate the server keeps up with, those answer the
    sends of [0, D - L], so this is the send rate whatever the latency;
    past its capacity, it is the rate the server manages."""
    if not arrivals_ms:
        return 0.0
    fill = min(latency_ms if latency_ms == latency_ms else 0.0, duration * 500.0)
    end = duration * 1000.0
    inside = sum(1 for t in arrivals_ms if fill <= t <= end)
    return inside / ((end - fill) / 1000.0)


def judge(step: dict, args) -> None:
    duration = step["duration"]
    step["ack_rate"] = window_rate(step.pop("ack_at"), step["ack"]["p50"], duration)
    step["deliver_rate"] = window_rate(step.pop("deliver_at"), step["deliver"]["p50"], duration)
    step["sent_rate"] = step["sent"] / duration
    achieved = min(step["ack_rate"], step["deliver_rate"])
    step["achieved"] = achieved
    reasons = []
    p99 = step["deliver"]["p99"]
    if not p99 < args.p99_ms:  # NaN (nothing delivered) fails too
        reasons.append(f"p99 {fmt(p99)} ms")
    if step["lost"]:
        reasons.append(f"{step['lost']} lost")
    if step["unacked"]:
        reasons.append(f"{step['unacked']} unanswered")
    if step["dup"]:
        reasons.append(f"{step['dup']} dup")
    order = sum(step["order"].values())
    if order:
        reasons.append(f"{order} out of order")
    closes = sum(step["closes"].values())
    if closes:
        reasons.append(f"{closes} closed")
    if step["skipped"]:
        reasons.append(f"{step['skipped']} not sent (socket closed)")
    if achieved < args.min_achieved * step["rate"]:
        reasons.append(f"achieved {achieved:.0f}/s < {args.min_achieved:.0%}")
    if not step["servers_alive"]:
        reasons.append("server process died")
    step["passed"] = not reasons
    step["reasons"] = reasons
    notes = []
    if step["lag"]["p99"] > 20 or max(step["driver_cores"]) > 0.9:
        notes.append(
            f"driver busy (lag p99 {fmt(step['lag']['p99'])} ms, "
            f"cores {'/'.join(f'{c:.2f}' for c in step['driver_cores'])})"
        )
    step["notes"] = notes


def scan_log(path: Path) -> dict:
    """Tracebacks and warnings in a server log (access-log lines ignored)."""
    if not path.exists():
        return {"lines": 0, "problems": 0, "sample": []}
    lines = path.read_text(errors="replace").splitlines()
    keys = ("Traceback", "Error", "error", "Exception", "WARNING", "CRITICAL", "could not")
    hits = [
        line
        for line in lines
        if any(k in line for k in keys) and "WSCONNECT" not in line and "HTTP/1.1" not in line
    ]
    counts = Counter(line.strip()[:160] for line in hits)
    return {
        "lines": len(lines),
        "problems": len(hits),
        "tracebacks": sum(1 for line in lines if line.startswith("Traceback")),
        "sample": counts.most_common(12),
    }


# --- One configuration -----------------------------------------------------------


def uvicorn_ws_impl(option: str) -> str:
    if option != "auto":
        return option
    # uvicorn's "auto": websockets-sansio when `websockets` is installed.
    if importlib.util.find_spec("websockets"):
        return "auto = websockets-sansio"
    return "auto = wsproto" if importlib.util.find_spec("wsproto") else "auto = none"


def uvicorn_http() -> str:
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"http {http}, loop {loop}"


def versions() -> str:
    names = ("Django", "channels", "channels_redis", "daphne", "uvicorn", "websockets", "uvloop")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def describe(name: str, args) -> str:
    spec = CONFIGS[name]
    if name == "relay":
        faults = f", faults {args.relay_fault}" if args.relay_fault else ""
        return f"hand-written websockets relay, uvloop, no database{faults}"
    parts = []
    for kind in spec["servers"]:
        if kind == "uvicorn":
            parts.append(f"uvicorn (--ws {uvicorn_ws_impl(args.uvicorn_ws)}, {uvicorn_http()})")
        else:
            parts.append("daphne (scripts/serve)")
    layer = "channels_redis pubsub layer + Redis cache" if spec["redis"] else "in-memory layer"
    db = (
        "SpatiaLite file"
        if spec["db"] == "spatialite"
        else "PostGIS ("
        + ("fsync on" if args.pg_durable else "fsync off, synchronous_commit off")
        + ")"
    )
    if args.database_url:
        db += f" given by --database-url ({args.database_url.split('://')[0]})"
        if spec["db"] == "postgis":
            db += ", its CPU and memory not measured"
    mode = "DJANGO_DEBUG=1" if args.debug else "DJANGO_DEBUG=0"
    return f"{' + '.join(parts)}, {layer}, {db}, {mode}, CONN_MAX_AGE={args.conn_max_age}"


def run_config(name: str, args) -> dict:
    spec = CONFIGS[name]
    result = {"config": name, "description": describe(name, args), "steps": []}
    print(f"\n=== {name}: {result['description']}", flush=True)
    work = temp_dir()
    cluster = redis = drivers = None
    servers: list[Server] = []
    database_url = redis_url = None
    verify_env = None
    try:
        if spec["db"] and args.database_url:
            database_url = args.database_url
        elif spec["db"] == "spatialite":
            database_url = f"spatialite:///{work / 'chat.sqlite3'}"
        elif spec["db"] == "postgis":
            settings = ["max_connections=300"]
            if args.pg_durable:
                settings += ["fsync=on", "synchronous_commit=on", "full_page_writes=on"]
            cluster = ThrowawayPostgres(free_port(), shared_buffers="256MB", settings=settings)
            database_url = cluster.start()
        if spec["redis"]:
            redis = RedisServer(work).start()
            redis_url = redis.url
        env = server_env(args, database_url, redis_url)
        if spec["db"]:
            pairs = migrate_and_populate(env, args.pairs)
            verify_env = env
            ticket_mode = "http"
            relay_args = []
        else:
            pairs, population = relay_population(args.pairs, work)
            ticket_mode = "direct"
            relay_args = ["--population", population]
            for fault in filter(None, (args.relay_fault or "").split(",")):
                key, _sep, value = fault.partition("=")
                relay_args += [f"--{key}", value]
        for kind in spec["servers"]:
            servers.append(
                Server(kind, env, work, uvicorn_ws=args.uvicorn_ws, relay_args=relay_args).start()
            )
        backing = []
        if cluster is not None:
            backing.append(postmaster_pid(cluster.work / "pg"))
        if redis is not None:
            backing.append(redis.process.pid)
        meter = Meter(servers, [p for p in backing if p])
        addresses = [s.address for s in servers]
        drivers = Drivers(args.drivers, pairs, addresses, args, ticket_mode)

        warm = drivers.ask_one(0, {"cmd": "warmup", "rounds": 5}, 120)
        result["warmup_messages"] = warm["sent"]
        # Pauses for memory and CPU to settle: 1 s, 2 s and 1 s at the default
        # --idle-seconds 3, shorter with --quick.
        settle = args.idle_seconds / 3
        time.sleep(settle)
        result["idle_before"] = meter.idle(args.idle_seconds)
        if args.tickets_first and ticket_mode == "http":
            answers = drivers.ask_all({"cmd": "tickets"}, 300)
            result["tickets"] = {
                "tickets": sum(a["tickets"] for a in answers),
                "seconds": max(a["seconds"] for a in answers),
                "failures": dict(sum((Counter(a["failures"]) for a in answers), Counter())),
                "rss": sum(meter.rss()),
            }
        answers = drivers.ask_all({"cmd": "connect"}, 300)
        connected = sum(a["connected"] for a in answers)
        failures = Counter()
        for a in answers:
            failures.update(a["failures"])
        result["connect"] = {
            "connected": connected,
            "wanted": sum(a["wanted"] for a in answers),
            "failures": dict(failures),
            "seconds": max(a["seconds"] for a in answers),
        }
        print(
            f"  connected {connected}/{result['connect']['wanted']} sockets in "
            f"{result['connect']['seconds']:.1f} s"
            + (f" (failures: {dict(failures)})" if failures else ""),
            flush=True,
        )
        time.sleep(2 * settle)
        result["idle_connected"] = meter.idle(args.idle_seconds)
        before, after = result["idle_before"], result["idle_connected"]
        tickets = result.get("tickets")
        print(
            f"  idle: server RSS {before['rss_total'] / MB:.0f} MB -> "
            + (
                f"{tickets['rss'] / MB:.0f} MB after {tickets['tickets']} ticket requests "
                f"({tickets['seconds']:.1f} s) -> "
                if tickets
                else ""
            )
            + f"{after['rss_total'] / MB:.0f} MB with {connected} sockets "
            f"(+{(after['rss_total'] - before['rss_total']) / MB:.1f} MB); "
            f"CPU {before['server_cores']:.3f} -> {after['server_cores']:.3f} cores; "
            f"threads {before['threads']} -> {after['threads']}",
            flush=True,
        )
        if connected < result["connect"]["wanted"]:
            raise RuntimeError("not every socket connected")

        if args.warm_seconds > 0:
            # Every socket's first message costs more (lookups the consumer
            # then caches, lazy imports): a warm-up step, shown, not judged.
            warm = run_step(drivers, meter, 0, args.rates[0], args.warm_seconds, args)
            warm["warm"] = True
            print_step_line(warm)
            result["warm"] = warm
        for index, rate in enumerate(args.rates, start=1):
            step = run_step(drivers, meter, index, rate, args.duration, args)
            result["steps"].append(step)
            print_step_line(step)
            if not step["passed"] and not args.no_stop:
                break
            if not meter.alive():
                break

        final = drivers.ask_all({"cmd": "finish", "drain": args.final_drain}, 120)
        acked_ids = sorted(i for f in final for i in f["acked_ids"])
        anomalies = Counter()
        for f in final:
            anomalies.update(f["anomalies"])
        result["anomalies"] = dict(anomalies)
        result["stray"] = [f["stray"] for f in final if f["stray"]]
        for step in result["steps"] + ([result["warm"]] if "warm" in result else []):
            after_final = [f["steps"][step["index"]] for f in final if step["index"] in f["steps"]]
            step["final"] = {
                "lost": sum(a["lost"] for a in after_final),
                "unacked": sum(a["unacked"] for a in after_final),
                "echo_missing": sum(a["echo_missing"] for a in after_final),
            }
        result["acked_total"] = len(acked_ids)
        result["acked_unique"] = len(set(acked_ids))
        drivers.close()
        drivers = None
        time.sleep(settle)
        result["rss_after_close"] = sum(meter.rss())
        for server in servers:
            server.stop()
        if verify_env is not None:
            out = run_child(
                [Path(__file__).with_name("_chat_population.py"), "verify"],
                verify_env,
                stdin=json.dumps(acked_ids),
                what="verify",
            )
            result["database"] = json.loads(out)
        result["logs"] = {s.kind + f":{s.port}": scan_log(s.log) for s in servers}
    except Exception as exc:  # noqa: BLE001 (report it, go on with the next configuration)
        result["error"] = f"{type(exc).__name__}: {exc}"
        print(f"  FAILED: {result['error']}", flush=True)
        result["logs"] = {s.kind + f":{s.port}": scan_log(s.log) for s in servers}
    finally:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # clean up in peace
        try:
            if drivers is not None:
                drivers.close()
            for server in servers:
                server.stop()
            if redis is not None:
                redis.stop()
            if cluster is not None:
                cluster.stop()
            if args.keep_logs:
                result["work"] = str(work)
            else:
                shutil.rmtree(work, ignore_errors=True)
        finally:
            signal.signal(signal.SIGINT, previous)
    return result


# --- Report ----------------------------------------------------------------------


def print_step_line(step: dict) -> None:
    verdict = "pass" if step["passed"] else "FAIL: " + ", ".join(step["reasons"])
    if step.get("warm"):
        verdict = f"warm-up ({step['duration']:g} s, not judged: {verdict})"
    print(
        f"  {step['rate']:>6.0f} msg/s: acked {step['ack_rate']:.0f}/s, delivered "
        f"{step['deliver_rate']:.0f}/s, p99 {fmt(step['deliver']['p99'])} ms, "
        f"server {step['server_cores']:.2f} cores, {step['rss_max_total'] / MB:.0f} MB: {verdict}"
        + (f" [{'; '.join(step['notes'])}]" if step["notes"] else ""),
        flush=True,
    )


def step_label(step: dict) -> str:
    return f"{step['rate']:.0f}" + ("w" if step.get("warm") else "")


def counter_text(counter: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "-"


def print_config(result: dict) -> None:
    print(f"\n{result['config']}: {result['description']}")
    if "connect" in result:
        before, after = result["idle_before"], result["idle_connected"]
        per = " + ".join(f"{r / MB:.0f}" for r in after["rss"])
        print(
            f"  idle, no sockets: server RSS {before['rss_total'] / MB:.1f} MB, "
            f"{before['server_cores']:.3f} cores"
        )
        tickets = result.get("tickets")
        if tickets:
            print(
                f"  after {tickets['tickets']} POST /api/v1/ws-ticket, no socket yet: server RSS "
                f"{tickets['rss'] / MB:.1f} MB"
                + (f" (failures: {tickets['failures']})" if tickets["failures"] else "")
            )
        print(
            f"  idle, {result['connect']['connected']} sockets: server RSS "
            f"{after['rss_total'] / MB:.1f} MB ({per}), {after['server_cores']:.3f} cores; "
            f"delta {(after['rss_total'] - before['rss_total']) / MB:+.1f} MB (goal < 50 MB); "
            f"server threads {before['threads']} -> {after['threads']}"
        )
        if "rss_after_close" in result:
            print(
                f"  after the run, every socket closed: server RSS "
                f"{result['rss_after_close'] / MB:.1f} MB"
            )
        if after["backing_mem"]:
            print(
                f"  PostgreSQL + Redis idle with the sockets: {after['backing_processes']} "
                f"processes, {after['backing_mem'] / MB:.0f} MB (PSS)"
            )
    steps = result["steps"]
    rows = ([result["warm"]] if "warm" in result else []) + steps
    if steps:
        header = (
            f"  {'rate':>6} {'sent/s':>7} {'ack/s':>7} {'dlv/s':>7} | {'dlv p50':>7} "
            f"{'p95':>7} {'p99':>7} {'max':>7} | {'ack p50':>7} {'p99':>7} | "
            f"{'srv cores':>9} {'srv MB':>7} {'db+redis':>8} {'drv cores':>9} "
            f"{'lag p99':>7} | result"
        )
        print(header)
        print("  " + "-" * (len(header) - 2))
        for s in rows:
            print(
                f"  {step_label(s):>6} {s['sent_rate']:>7.0f} {s['ack_rate']:>7.0f} "
                f"{s['deliver_rate']:>7.0f} | {fmt(s['deliver']['p50']):>7} "
                f"{fmt(s['deliver']['p95']):>7} {fmt(s['deliver']['p99']):>7} "
                f"{fmt(s['deliver']['max']):>7} | {fmt(s['ack']['p50']):>7} "
                f"{fmt(s['ack']['p99']):>7} | {s['server_cores']:>9.2f} "
                f"{s['rss_max_total'] / MB:>7.0f} {s['backing_cores']:>8.2f} "
                f"{sum(s['driver_cores']):>9.2f} {fmt(s['lag']['p99']):>7} | "
                + ("warm-up" if s.get("warm") else "pass" if s["passed"] else "FAIL")
            )
        print(
            f"  {'rate':>6}  {'sent':>7} {'acked':>7} {'dlvd':>7} {'lost':>5} {'unans':>5} "
            f"{'dup':>4} {'order':>5} {'closes':>6} {'drain s':>7} {'top thread':>10} "
            f"{'threads':>7}  errors / notes"
        )
        for s in rows:
            final = s.get("final", {})
            lost, unanswered = str(s["lost"]), str(s["unacked"])
            if final and final["lost"] != s["lost"]:
                lost += f"/{final['lost']}"
            if final and final["unacked"] != s["unacked"]:
                unanswered += f"/{final['unacked']}"
            extras = []
            if s["errors"]:
                extras.append("errors: " + counter_text(s["errors"]))
            if s["closes"]:
                extras.append("closes: " + counter_text(s["closes"]))
            if s["order"]:
                extras.append("order: " + counter_text(s["order"]))
            if s["other"]:
                extras.append("other frames: " + counter_text(s["other"]))
            if s["unknown"]:
                extras.append(f"{s['unknown']} unknown message.new")
            if final.get("echo_missing"):
                extras.append(f"{final['echo_missing']} acked without the sender's own copy")
            if s["skipped"]:
                extras.append(f"{s['skipped']} not sent (socket closed)")
            if s["write_buffer_max"] > 65536:
                extras.append(f"client write buffer up to {s['write_buffer_max'] // 1024} KiB")
            if not s["passed"]:
                extras.append("failed: " + ", ".join(s["reasons"]))
            if s.get("warm"):
                extras.insert(0, f"warm-up, {s['duration']:g} s, not judged")
            extras += s["notes"]
            print(
                f"  {step_label(s):>6}  {s['sent']:>7} {s['acked']:>7} {s['delivered']:>7} "
                f"{lost:>5} {unanswered:>5} {s['dup']:>4} {sum(s['order'].values()):>5} "
                f"{sum(s['closes'].values()):>6} {s['drain_s']:>7.2f} "
                f"{'/'.join(f'{c:.2f}' for c in s['top_thread']):>10} {s['threads_max']:>7}  "
                + ("; ".join(extras) or "-")
            )
        print(
            "  (lost/unanswered: at the step's drain / after the final drain, if different; "
            "top thread: the busiest server thread, in cores, per server)"
        )
    passing = [s["rate"] for s in steps if s["passed"]]
    result["best_rate"] = max(passing) if passing else 0
    print(f"  highest passing rate: {result['best_rate']:.0f} msg/s")
    if "database" in result:
        db = result["database"]
        print(
            f"  database: {db['found']} of {db['acked']} acked ids stored"
            + (f" (MISSING, e.g. {db['missing_sample']})" if db["found"] != db["acked"] else "")
            + f"; bench messages stored {db['stored']} "
            f"(= acked {db['acked']} + warm-up {result.get('warmup_messages', 0)}"
            + " + stored but not acked)"
        )
    if result.get("acked_unique", 0) != result.get("acked_total", 0):
        print(
            f"  acked ids: {result['acked_total']} acks for {result['acked_unique']} ids "
            "(two client_ids acked with one id)"
        )
    if result.get("anomalies"):
        print(f"  driver anomalies: {counter_text(result['anomalies'])}")
    for stray in result.get("stray", []):
        print(f"  frames outside any step: {stray}")
    for label, log in result.get("logs", {}).items():
        if log["problems"]:
            print(f"  log {label}: {log['problems']} problem lines, {log['tracebacks']} tracebacks")
            for line, count in log["sample"]:
                print(f"    {count:>6} x {line}")
    if "error" in result:
        print(f"  ERROR: {result['error']}")
    if result.get("work"):
        print(f"  logs kept in {result['work']}")


def print_summary(results: list[dict]) -> None:
    print("\nsummary")
    relay = next((r for r in results if r["config"] == "relay" and "error" not in r), None)
    for r in results:
        steps = r["steps"]
        first = steps[0] if steps else None
        idle = r.get("idle_connected")
        delta = (idle["rss_total"] - r["idle_before"]["rss_total"]) / MB if idle else math.nan
        line = (
            f"  {r['config']:<14} highest passing {r.get('best_rate', 0):>6.0f} msg/s; "
            f"p99 at {first['rate']:.0f} msg/s {fmt(first['deliver']['p99'])} ms; "
            if first
            else f"  {r['config']:<14} no step ran; "
        )
        if idle:
            line += f"RSS idle with sockets {idle['rss_total'] / MB:.0f} MB (+{delta:.1f} MB)"
        if relay is not None and r is not relay and relay.get("best_rate") and steps:
            line += f"; server/relay {r.get('best_rate', 0) / relay['best_rate']:.2f}"
        if "error" in r:
            last = [x for x in r["error"].splitlines() if x.strip()]
            line += f"; ERROR {last[-1] if last else r['error']}"
        print(line)
    if relay is not None:
        relay_steps = relay["steps"]
        if relay_steps and all(s["passed"] for s in relay_steps):
            print(
                f"  (the relay passed every step up to {relay['best_rate']:.0f} msg/s: it is not "
                "saturated, so server/relay ratios are upper bounds)"
            )


# --- Main ------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--config",
        default=DEFAULT_CONFIGS,
        help=f"comma separated, of {', '.join(CONFIGS)} (default {DEFAULT_CONFIGS})",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per step")
    parser.add_argument("--rates", default=DEFAULT_RATES, help="msg/s, comma separated")
    parser.add_argument("--pairs", type=int, default=500, help="conversations (2 sockets each)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: "
        + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in QUICK.items())
        + " (options given explicitly still win)",
    )
    parser.add_argument(
        "--database-url",
        help="use this database (migrated first) instead of a fresh one: a spatialite:// "
        "file or a postgis:// database, for a single configuration of that backend "
        "(the relay may run alongside)",
    )
    parser.add_argument("--drivers", type=int, default=2, help="load-driver processes")
    parser.add_argument(
        "--warm-seconds",
        type=float,
        default=5.0,
        help="a warm-up step at the first rate before the ladder, not judged (0: none)",
    )
    parser.add_argument("--drain", type=float, default=5.0, help="max seconds to drain a step")
    parser.add_argument("--final-drain", type=float, default=10.0)
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    parser.add_argument("--frame-bytes", type=int, default=150)
    parser.add_argument("--p99-ms", type=float, default=150.0)
    parser.add_argument("--min-achieved", type=float, default=0.95)
    parser.add_argument("--no-stop", action="store_true", help="climb past a failing step")
    parser.add_argument("--debug", action="store_true", help="servers with DJANGO_DEBUG=1")
    parser.add_argument("--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE")
    parser.add_argument(
        "--uvicorn-ws", default="auto", help="uvicorn --ws (auto = websockets-sansio here)"
    )
    parser.add_argument(
        "--tickets-first",
        action="store_true",
        help="fetch every ticket before opening any socket, and measure the server's RSS "
        "between (tells HTTP memory from socket memory; tickets live 60 s in the cache)",
    )
    parser.add_argument("--deflate", action="store_true", help="clients offer permessage-deflate")
    parser.add_argument("--pg-durable", action="store_true", help="PostgreSQL with fsync on")
    parser.add_argument(
        "--relay-fault",
        default="",
        help="accounting check: relay faults, e.g. drop=500,dup=700,reorder=900,close=5000",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir (logs)")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if args.quick:
        parser.set_defaults(**QUICK)
        args = parser.parse_args()
    args.rates = [float(r) for r in args.rates.split(",") if r]
    args.configs = [c for c in args.config.split(",") if c]
    unknown = [c for c in args.configs if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown configuration(s): {', '.join(unknown)}")
    if args.relay_fault and args.configs != ["relay"]:
        parser.error("--relay-fault only with --config relay")
    if args.database_url:
        backend = "spatialite" if args.database_url.startswith("spatialite:") else "postgis"
        with_db = [c for c in args.configs if CONFIGS[c]["db"]]
        if len(with_db) != 1 or CONFIGS[with_db[0]]["db"] != backend:
            parser.error(
                f"--database-url ({backend}) needs exactly one {backend} configuration "
                f"in --config, not {', '.join(with_db) or 'none'}"
            )
    return args


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"chat load: {args.pairs} pairs ({2 * args.pairs} sockets), {args.drivers} driver "
        f"processes, {args.duration:g} s steps, rates {', '.join(f'{r:g}' for r in args.rates)}; "
        f"frames ~{args.frame_bytes} bytes, permessage-deflate "
        f"{'offered' if args.deflate else 'off'}; pass: p99 < {args.p99_ms:g} ms, nothing lost, "
        f">= {args.min_achieved:.0%} of the rate; {os.cpu_count()} CPUs; {versions()}",
        flush=True,
    )
    interrupted = False
    results = []
    try:
        for name in args.configs:
            results.append(run_config(name, args))
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: everything started was stopped", flush=True)
    for result in results:
        print_config(result)
    if results:
        print_summary(results)
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
        print(f"\nresults written to {args.json}")
    if interrupted:
        sys.exit(130)
    failed = [r["config"] for r in results if "error" in r]
    if failed:
        # A step that misses its goals is a result; a run that breaks is not.
        print(f"\nERROR: configuration(s) that did not run through: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
