"""Mixed city load: an open-loop ladder of request rates against the embedded
default and the scaled setup, with nginx serving a static file as the ceiling.

One PostGIS database (a throwaway cluster, or --database-url) holds POSTS
open help requests and RESIDENTS residents over Ile-de-France (bench/
nearby.py's loader: COPY, every resident with a home and a DRF token, all of
them established accounts) and SOCKETS/2 chat conversations. For each target
(bench/_city_servers.py: `embedded`, `scaled`, `nginx-static`), started as
deployed:

  - HTTP load-driver processes (bench/_city_driver.py) send a mix of
    requests open loop (Poisson arrivals at their share of the rate, latency
    from the scheduled time): the map at zooms 12 to 17 around residents'
    homes, nearby as a resident, request pages (HTML, anonymous) and the
    API's request detail, new requests and responses (a few % each);
  - chat load-driver processes (bench/_chat_driver.py, as bench/chat_load.py
    uses them) hold SOCKETS websockets (a ticket each, from POST
    /api/v1/ws-ticket) and send message.send frames at a fixed --chat-rate
    during every step, measuring the ack latency;
  - the ladder climbs (--rates, --duration seconds a step, after a warm-up
    step that is not judged) until a step's p95 passes --stop-p95-ms or an
    error appears (a status other than the one expected, a timeout, a
    chat error frame, an unanswered message or a closed socket).

Per step it prints the rate asked and achieved, per endpoint p50/p95/p99 and
errors, the servers' CPU (cores) and RSS, PostgreSQL + Redis CPU, the
drivers' own CPU, and achieved / the ceiling's best rate; then the goals of
docs/performance.md: scaled 500 requests/s and embedded 150/s, each with p95
under 100 ms, no error, and at least 95% of the rate achieved. The rate
counts HTTP requests; the chat messages come on top of it.

Rate limits: the servers run bench/_city_settings.py (config.settings with
ACTION_LIMITS raised; no environment variable sets them), chat limits come
from CHAT_MESSAGES_PER_MINUTE / NEW_ACCOUNT_MESSAGES_PER_MINUTE, and every
bench account is established (joined 30 days ago, a verified email).

    .venv/bin/python bench/city_load.py --quick      # smoke run, about 25 s
    .venv/bin/python bench/city_load.py --posts 100000 --residents 10000
    .venv/bin/python bench/city_load.py              # 1,000,000 posts, 100,000 residents

Needs root (or a user who can run PostgreSQL), redis-server and nginx.
Everything it starts is stopped on exit, error or Ctrl-C.
"""

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from array import array
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import _city_driver
from _chat_processes import postmaster_pid, temp_dir
from _city_servers import STATIC_PATH, Embedded, NginxStatic, Scaled
from _driver_pool import DriverPool
from _processes import ROOT, ThrowawayPostgres, free_port
from _stats import fmt, summary
from chat_load import Drivers as ChatDrivers
from chat_load import Meter, scan_log, versions
from chat_load import merge as chat_merge

TARGETS = ("embedded", "scaled", "nginx-static")
DEFAULT_RATES = "50,100,150,200,300,500,700,1000,1500,2000,3000"
DEFAULT_MIX = "map=35,nearby=20,page=15,detail=20,post=5,respond=5"
GOALS = {"scaled": 500.0, "embedded": 150.0}  # requests/s, at p95 < GOAL_P95_MS, no error
GOAL_P95_MS = 100.0
MIN_ACHIEVED = 0.95
MB = 1024 * 1024
QUICK = {
    "posts": 3000,
    "residents": 300,
    "sockets": 20,
    "rates": "20",
    "duration": 1.5,
    "warm_seconds": 1.0,
    "chat_rate": 10.0,
    "drain": 5.0,
    "drivers": 1,
    "ceiling_rates": "",
}


# --- Setup -----------------------------------------------------------------------


def populate(args, database_url: str, work: Path) -> dict:
    out = work / "population.json"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    env.update(
        DATABASE_URL=database_url, DJANGO_DEBUG="1", TASKS_IN_PROCESS="0", PYTHONUNBUFFERED="1"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, Path(__file__).with_name("_city_population.py"), "populate"]
        + [str(args.posts), str(args.residents), str(args.sockets // 2), str(out), str(args.seed)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"population failed:\n{result.stdout[-3000:]}{result.stderr[-5000:]}")
    data = json.loads(out.read_text())
    report = data["report"]
    print(
        f"loaded {data['posts']:,} posts, {len(data['residents']):,} residents with tokens, "
        f"{len(data['pairs'])} chat pairs in {time.perf_counter() - started:.0f} s "
        f"(migrate {report['migrate_s']:.0f} s, posts + people {report['posts_s']:.0f} s, "
        f"established accounts {report['established_s']:.0f} s)",
        flush=True,
    )
    return data


def parse_mix(text: str) -> dict:
    mix = {}
    for part in text.split(","):
        kind, _sep, weight = part.partition("=")
        if kind not in _city_driver.KINDS or kind == "static":
            raise SystemExit(f"--mix: unknown kind {kind!r}")
        mix[kind] = float(weight)
    return mix


class HttpDrivers(DriverPool):
    """The HTTP load-driver processes: each sends its share of the rate."""

    def __init__(self, args, port: int, population: dict | None, mix: dict):
        residents = population["residents"] if population else []
        specs = [
            {
                "port": port,
                "residents": residents[w :: args.drivers],
                "viewers": residents,
                "requests": population["requests"] if population else [],
                "categories": population["categories"] if population else [],
                "mix": mix,
                "zooms": args.zooms,
                "connections": args.connections,
                "timeout": args.timeout,
                "static_path": STATIC_PATH,
                "seed": args.seed + 100 + w,
            }
            for w in range(args.drivers)
        ]
        super().__init__(_city_driver.main, specs, name="HTTP driver")


# --- One step ----------------------------------------------------------------------


def samples_ms(blobs: list[bytes]) -> list[float]:
    values = array("d")
    for blob in blobs:
        values.frombytes(blob)
    return [v * 1000.0 for v in values]


def run_step(http: HttpDrivers, chat, meter: Meter, rate: float, duration: float, args, index):
    start_at = time.monotonic() + 0.5
    workers = len(http.pipes)
    for w, pipe in enumerate(http.pipes):
        pipe.send(
            {
                "cmd": "step",
                "rate": rate,
                "duration": duration,
                "start_at": start_at,
                "workers": workers,
                "worker": w,
                "drain": args.drain,
            }
        )
    chat_workers = len(chat.pipes) if chat else 0
    for w in range(chat_workers):
        chat.pipes[w].send(
            {
                "cmd": "step",
                "index": index,
                "rate": args.chat_rate,
                "duration": duration,
                "start_at": start_at,
                "worker": w,
                "workers": chat_workers,
                "drain": args.drain,
            }
        )
    time.sleep(max(0.0, start_at - time.monotonic()))
    c0, b0, t0 = *meter.cpu(), time.monotonic()
    rss_max = 0
    end = start_at + duration
    while time.monotonic() < end:
        rss_max = max(rss_max, sum(meter.rss()))
        time.sleep(min(0.5, max(0.0, end - time.monotonic())))
    c1, b1, t1 = *meter.cpu(), time.monotonic()
    results = [http.recv(w, duration + args.drain + 60) for w in range(workers)]
    chat_results = [chat.recv(w, duration + args.drain + 60) for w in range(chat_workers)]

    kinds = sorted({k for r in results for k in r["latency"]}, key=_city_driver.KINDS.index)
    endpoints = {}
    for kind in kinds:
        latencies = samples_ms([r["latency"][kind] for r in results])
        errors = Counter()
        for r in results:
            errors.update(r["errors"].get(kind, {}))
        endpoints[kind] = {
            "sent": sum(r["sent"].get(kind, 0) for r in results),
            "ok": len(latencies),
            **summary(latencies),
            "errors": dict(errors),
        }
    everything = samples_ms([blob for r in results for blob in r["latency"].values()])
    sent = sum(sum(r["sent"].values()) for r in results)
    unanswered = sum(r["unanswered"] for r in results)
    http_errors = sum(sum(e["errors"].values()) for e in endpoints.values()) + unanswered
    step = {
        "rate": rate,
        "duration": duration,
        "sent_rate": sent / duration,
        "achieved": len(everything) / duration,
        "all": summary(everything),
        "endpoints": endpoints,
        "http_errors": http_errors,
        "unanswered": unanswered,
        "error_samples": [s for r in results for s in r["error_samples"]][:5],
        "lag": summary(samples_ms([r["lag"] for r in results])),
        "driver_cores": [r["driver_cpu_send_s"] / max(r["send_s"], 1e-9) for r in results],
        "server_cores": (c1 - c0) / (t1 - t0),
        "backing_cores": (b1 - b0) / (t1 - t0),
        "rss_max": rss_max,
        "servers_alive": meter.alive(),
    }
    if chat_results:
        merged = chat_merge(chat_results)
        for key in ("ack_at", "deliver_at"):
            merged.pop(key)
        merged["problems"] = (
            sum(merged["errors"].values())
            + merged["unacked"]
            + sum(merged["closes"].values())
            + merged["skipped"]
        )
        step["chat"] = merged
    judge(step, args)
    return step


def judge(step: dict, args) -> None:
    chat_problems = step.get("chat", {}).get("problems", 0)
    p95 = step["all"]["p95"]
    reasons = []
    if not p95 <= args.stop_p95_ms:
        reasons.append(f"p95 {fmt(p95)} ms > {args.stop_p95_ms:g}")
    if step["http_errors"]:
        reasons.append(f"{step['http_errors']} HTTP errors")
    if chat_problems:
        reasons.append(f"{chat_problems} chat problems")
    if not step["servers_alive"]:
        reasons.append("a server process died")
    step["stop"] = reasons
    step["goal_ok"] = (
        not reasons and p95 < GOAL_P95_MS and step["achieved"] >= MIN_ACHIEVED * step["rate"]
    )


# --- One target ----------------------------------------------------------------------


def make_target(name: str, args, work: Path, database_url: str):
    if name == "embedded":
        return Embedded(work, database_url, args.embedded_conn_max_age)
    if name == "scaled":
        return Scaled(work, database_url, args.conn_max_age, args.http_workers, args.ws_workers)
    return NginxStatic(work)


def run_target(name: str, args, population: dict, database_url: str, pg_pid) -> dict:
    work = temp_dir()
    # Other draws per target: the same seed would respond to the same
    # requests as the same residents again (409, already responded).
    args = argparse.Namespace(**{**vars(args), "seed": args.seed + 1000 * TARGETS.index(name)})
    target = make_target(name, args, work, database_url)
    result = {"target": name, "description": target.description, "steps": []}
    print(f"\n{name}: {target.description}", flush=True)
    http = chat = None
    try:
        target.start()
        app = name != "nginx-static"
        backing = ([pg_pid] if pg_pid and app else []) + target.backing_pids
        meter = Meter(target.servers, backing)
        idle = meter.idle(1.0)
        result["idle_rss"] = idle["rss_total"]
        mix = parse_mix(args.mix) if app else {"static": 1.0}
        http = HttpDrivers(args, target.port, population if app else None, mix)
        if app and args.sockets:
            chat_args = SimpleNamespace(deflate=False, frame_bytes=150, seed=args.seed)
            chat = ChatDrivers(
                args.chat_drivers, population["pairs"], [target.address], chat_args, "http"
            )
            connected = chat.ask_all({"cmd": "connect"}, 300)
            total = sum(c["connected"] for c in connected)
            failures = Counter()
            for c in connected:
                failures.update(c["failures"])
            result["sockets"] = total
            print(
                f"  connected {total}/{args.sockets} websockets"
                + (f" (failures: {dict(failures)})" if failures else ""),
                flush=True,
            )
            result["idle_rss_sockets"] = sum(meter.rss())
        if args.warm_seconds:
            warm = run_step(http, chat, meter, args.rates[0], args.warm_seconds, args, 0)
            warm["warm"] = True
            result["warm"] = warm
            print_step_line(warm)
        rates = args.rates if app else args.rates + args.ceiling_rates
        for index, rate in enumerate(rates, start=1):
            step = run_step(http, chat, meter, rate, args.duration, args, index)
            result["steps"].append(step)
            print_step_line(step)
            if step["stop"] and not args.no_stop:
                break
    except (RuntimeError, OSError) as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    except SystemExit as exc:
        result["error"] = str(exc)
    finally:
        if chat is not None:
            chat.close()
        if http is not None:
            http.close()
        target.stop()
        result["logs"] = {log.name: scan_log(log) for log in target.logs() if log.exists()}
        if args.keep_logs:
            result["work"] = str(work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    held = [s for s in result["steps"] if not s["stop"]]
    result["best_held"] = max(held, key=lambda s: s["achieved"]) if held else None
    goal = [s for s in result["steps"] if s["goal_ok"]]
    result["best_goal_rate"] = max((s["rate"] for s in goal), default=0.0)
    return result


# --- Report ------------------------------------------------------------------------


def print_step_line(step: dict) -> None:
    chat = step.get("chat")
    chat_text = (
        f", chat ack p99 {fmt(chat['ack']['p99'])} ms ({chat['acked']}/{chat['sent']})"
        if chat
        else ""
    )
    verdict = "STOP: " + ", ".join(step["stop"]) if step["stop"] else "held"
    if step.get("warm"):
        verdict = f"warm-up, not judged ({verdict})"
    print(
        f"  {step['rate']:>6.0f}/s asked: {step['achieved']:.0f}/s answered, p95 "
        f"{fmt(step['all']['p95'])} ms, {step['http_errors']} errors{chat_text}, server "
        f"{step['server_cores']:.2f} cores {step['rss_max'] / MB:.0f} MB: {verdict}",
        flush=True,
    )


def print_target(result: dict, ceiling: float | None) -> None:
    print(f"\n{result['target']}: {result['description']}")
    if "idle_rss" in result:
        line = f"  idle server RSS {result['idle_rss'] / MB:.0f} MB"
        if "idle_rss_sockets" in result:
            line += f"; with {result.get('sockets', 0)} websockets {result['idle_rss_sockets'] / MB:.0f} MB"
        print(line)
    rows = ([result["warm"]] if "warm" in result else []) + result["steps"]
    if rows:
        header = (
            f"  {'asked':>6} {'sent/s':>7} {'ok/s':>7} {'/ceil':>6} | {'p50':>6} {'p95':>6} "
            f"{'p99':>6} {'errors':>6} | {'chat/s':>6} {'ack p50':>7} {'ack p99':>7} "
            f"{'chat err':>8} | {'srv cores':>9} {'srv MB':>6} {'db+redis':>8} "
            f"{'drv cores':>9} {'lag p99':>7} | result"
        )
        print(header)
        print("  " + "-" * (len(header) - 2))
        for s in rows:
            chat = s.get("chat")
            ratio = s["achieved"] / ceiling if ceiling else math.nan
            verdict = "held" if not s["stop"] else "STOP"
            if s.get("warm"):
                verdict = "warm-up"
            elif s["goal_ok"]:
                verdict += ", within goal terms"
            print(
                f"  {s['rate']:>6.0f} {s['sent_rate']:>7.0f} {s['achieved']:>7.0f} "
                f"{fmt(ratio):>6} | {fmt(s['all']['p50']):>6} {fmt(s['all']['p95']):>6} "
                f"{fmt(s['all']['p99']):>6} {s['http_errors']:>6} | "
                + (
                    f"{chat['sent'] / s['duration']:>6.0f} {fmt(chat['ack']['p50']):>7} "
                    f"{fmt(chat['ack']['p99']):>7} {chat['problems']:>8} | "
                    if chat
                    else f"{'-':>6} {'-':>7} {'-':>7} {'-':>8} | "
                )
                + f"{s['server_cores']:>9.2f} {s['rss_max'] / MB:>6.0f} "
                f"{s['backing_cores']:>8.2f} {sum(s['driver_cores']):>9.2f} "
                f"{fmt(s['lag']['p99']):>7} | {verdict}"
            )
        print("  per endpoint (ms; errors by status or exception):")
        print(
            f"  {'asked':>6} {'endpoint':<8} {'sent':>6} {'ok':>6} {'p50':>7} {'p95':>7} "
            f"{'p99':>7} {'max':>7}  errors"
        )
        for s in rows:
            label = f"{s['rate']:.0f}" + ("w" if s.get("warm") else "")
            for kind, e in s["endpoints"].items():
                errors = ", ".join(f"{k} {v}" for k, v in sorted(e["errors"].items())) or "-"
                print(
                    f"  {label:>6} {kind:<8} {e['sent']:>6} {e['ok']:>6} {fmt(e['p50']):>7} "
                    f"{fmt(e['p95']):>7} {fmt(e['p99']):>7} {fmt(e['max']):>7}  {errors}"
                )
            if s["unanswered"]:
                print(f"  {label:>6} {s['unanswered']} requests unanswered after the drain")
            for sample in s["error_samples"]:
                print(f"  {label:>6} e.g. {sample}")
            chat = s.get("chat")
            if chat and chat["problems"]:
                print(
                    f"  {label:>6} chat: errors {chat['errors']}, unacked {chat['unacked']}, "
                    f"closes {chat['closes']}, not sent {chat['skipped']}"
                )
    best = result["best_held"]
    if best:
        print(
            f"  highest step held (p95 <= stop, no error): {best['rate']:.0f}/s asked, "
            f"{best['achieved']:.0f}/s answered, p95 {fmt(best['all']['p95'])} ms"
        )
    else:
        print("  no step held")
    for label, log in result.get("logs", {}).items():
        if log["problems"]:
            print(f"  log {label}: {log['problems']} problem lines, {log['tracebacks']} tracebacks")
            for line, count in log["sample"][:6]:
                print(f"    {count:>6} x {line}")
    if "error" in result:
        print(f"  ERROR: {result['error']}")
    if result.get("work"):
        print(f"  logs kept in {result['work']}")


def print_goals(results: list[dict], ceiling: float | None, args) -> None:
    print("\ngoals (docs/performance.md: p95 < 100 ms, no error, >= 95% of the rate answered)")
    if args.posts < 1_000_000 or args.residents < 100_000 or args.sockets < 1000:
        print(
            f"  (set for 1,000,000 posts, 100,000 residents and 1,000 websockets; this run has "
            f"{args.posts:,} posts, {args.residents:,} residents, {args.sockets} websockets)"
        )
    for r in results:
        best = r["best_held"]
        ratio = best["achieved"] / ceiling if (best and ceiling) else math.nan
        if r["target"] in GOALS:
            goal = GOALS[r["target"]]
            met = r["best_goal_rate"] >= goal
            print(
                f"  {r['target']:<12} goal {goal:.0f}/s: highest rate within goal terms "
                f"{r['best_goal_rate']:.0f}/s: {'MET' if met else 'MISSED'}; highest held "
                f"{best['achieved'] if best else 0:.0f}/s, {fmt(ratio)} of the ceiling"
            )
        else:
            top = r["steps"][-1]["rate"] if r["steps"] else 0
            saturated = bool(r["steps"]) and bool(r["steps"][-1]["stop"])
            print(
                f"  {r['target']:<12} ceiling: {best['achieved'] if best else 0:.0f}/s held"
                + ("" if saturated else f" (not saturated up to {top:.0f}/s asked: a lower bound)")
            )


# --- Main ----------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", default=",".join(TARGETS), help=f"of {', '.join(TARGETS)}")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--sockets", type=int, default=1000, help="websockets (even)")
    parser.add_argument("--chat-rate", type=float, default=50.0, help="chat messages/s per step")
    parser.add_argument("--rates", default=DEFAULT_RATES, help="HTTP requests/s, comma separated")
    parser.add_argument(
        "--ceiling-rates",
        default="4000,6000",
        help="more steps for nginx-static only, after --rates",
    )
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per step")
    parser.add_argument(
        "--warm-seconds", type=float, default=5.0, help="a warm-up step, not judged"
    )
    parser.add_argument("--drain", type=float, default=15.0, help="max seconds to drain a step")
    parser.add_argument("--mix", default=DEFAULT_MIX, help="kind=weight, comma separated")
    parser.add_argument("--zooms", default="12,13,14,15,16,17")
    parser.add_argument("--drivers", type=int, default=2, help="HTTP load-driver processes")
    parser.add_argument("--chat-drivers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=256, help="per HTTP driver")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--stop-p95-ms", type=float, default=200.0)
    parser.add_argument("--no-stop", action="store_true", help="climb past a failing step")
    parser.add_argument("--http-workers", type=int, default=2, help="scaled: gunicorn workers")
    parser.add_argument("--ws-workers", type=int, default=1, help="scaled: daphne workers")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="scaled: DATABASE_CONN_MAX_AGE (as scripts/scaled)",
    )
    parser.add_argument(
        "--embedded-conn-max-age",
        type=int,
        default=60,
        help="embedded: DATABASE_CONN_MAX_AGE (60, the default `make serve` runs with: its "
        "HTTP_THREADS threads keep one connection each)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: "
        + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in QUICK.items())
        + " (options given explicitly still win)",
    )
    parser.add_argument("--database-url", help="an empty postgis:// database to use")
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if args.quick:
        parser.set_defaults(**QUICK)
        args = parser.parse_args()
    args.rates = [float(r) for r in args.rates.split(",") if r]
    args.ceiling_rates = [float(r) for r in args.ceiling_rates.split(",") if r]
    args.zooms = [int(z) for z in args.zooms.split(",") if z]
    args.targets = [t for t in args.target.split(",") if t]
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)}")
    parse_mix(args.mix)
    if args.database_url and not args.database_url.startswith(("postgis:", "postgres")):
        parser.error("--database-url: a postgis:// database (the targets run on PostGIS)")
    return args


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"city load: {args.posts:,} posts, {args.residents:,} residents, {args.sockets} "
        f"websockets at {args.chat_rate:g} msg/s; targets {', '.join(args.targets)}; HTTP "
        f"rates {', '.join(f'{r:g}' for r in args.rates)}/s, {args.duration:g} s a step, open "
        f"loop (Poisson), {args.drivers} HTTP + {args.chat_drivers} chat driver processes; "
        f"mix {args.mix}, zooms {','.join(map(str, args.zooms))}; stop at p95 > "
        f"{args.stop_p95_ms:g} ms or an error; {os.cpu_count()} CPUs; {versions()}",
        flush=True,
    )
    print(
        "rate limits: servers on bench/_city_settings.py (ACTION_LIMITS raised), "
        "CHAT_MESSAGES_PER_MINUTE and NEW_ACCOUNT_MESSAGES_PER_MINUTE 100000000, "
        "bench accounts established (joined 30 days ago, email verified)",
        flush=True,
    )
    cluster = None
    results = []
    interrupted = False
    population = None
    try:
        database_url, pg_pid = args.database_url, None
        needs_db = any(t != "nginx-static" for t in args.targets)
        if needs_db and not database_url:
            cluster = ThrowawayPostgres(free_port(), settings=["max_connections=200"])
            database_url = cluster.start()
            pg_pid = postmaster_pid(cluster.work / "pg")
        work = temp_dir()
        if needs_db:
            population = populate(args, database_url, work)
        shutil.rmtree(work, ignore_errors=True)
        # The ceiling first: every target's ratio needs it.
        order = sorted(args.targets, key=lambda t: t != "nginx-static")
        for name in order:
            results.append(run_target(name, args, population, database_url, pg_pid))
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: everything started was stopped", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    ceiling_result = next((r for r in results if r["target"] == "nginx-static"), None)
    ceiling = (
        ceiling_result["best_held"]["achieved"]
        if ceiling_result and ceiling_result["best_held"]
        else None
    )
    for result in results:
        print_target(result, ceiling)
    if results:
        print_goals(results, ceiling, args)
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
        print(f"\nresults written to {args.json}")
    if interrupted:
        sys.exit(130)
    failed = [r["target"] for r in results if "error" in r]
    if failed:
        print(f"\nERROR: target(s) that did not run through: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
