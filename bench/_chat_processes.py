"""Child processes of bench/chat_load.py: a private Redis, the ASGI servers
(daphne through scripts/serve, uvicorn, the hand-written relay), and CPU /
memory accounting of process trees with psutil.

Every process is started here and stopped through its own handle, never by
name. The servers and Redis get PR_SET_PDEATHSIG, so they go too if the
benchmark itself is killed without a chance to clean up.
"""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from _processes import ROOT, free_port, wait_for_port

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def _popen(args: list, env: dict, log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [str(a) for a in args],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own session: Ctrl-C reaches the benchmark only, which then
            # stops everything in order.
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (no threads in the parent)
        )


def _stop(process: subprocess.Popen | None, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RedisServer:
    """redis-server on a free port, no persistence (as tests/live.py's)."""

    def __init__(self, work: Path):
        self.port = free_port()
        self.log = work / f"redis-{self.port}.log"
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        args = [binary, "--port", self.port, "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no"]
        self.process = _popen(args, dict(os.environ), self.log)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Redis did not start:\n{self.log.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        _stop(self.process, timeout=5)
        self.process = None


class Server:
    """One ASGI server process (or the relay) on a free port.

    kind: "daphne" (scripts/serve, exactly as deployed), "uvicorn" (the same
    limits as scripts/serve: 64 KiB messages, pings every 20 s, 30 s timeout),
    or "relay" (bench/_chat_relay.py)."""

    def __init__(self, kind: str, env: dict, work: Path, uvicorn_ws: str = "auto", relay_args=()):
        self.kind = kind
        self.env = env
        self.port = free_port()
        self.log = work / f"{kind}-{self.port}.log"
        self.uvicorn_ws = uvicorn_ws
        self.relay_args = list(relay_args)
        self.process = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def command(self) -> list:
        venv = ROOT / ".venv" / "bin"
        if self.kind == "daphne":
            return [ROOT / "scripts" / "serve"]
        if self.kind == "uvicorn":
            return [
                venv / "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                self.port,
                "--ws",
                self.uvicorn_ws,
                "--ws-max-size",
                "65536",
                "--ws-ping-interval",
                "20",
                "--ws-ping-timeout",
                "30",
                "--lifespan",
                "off",  # Django's ASGI handler has no lifespan support
            ]
        if self.kind == "relay":
            relay = Path(__file__).with_name("_chat_relay.py")
            return [sys.executable, relay, "--port", self.port, *self.relay_args]
        raise ValueError(self.kind)

    def start(self) -> "Server":
        env = {
            **self.env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "VENV": str(ROOT / ".venv"),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = _popen(self.command(), env, self.log)
        wait_for_port(self.port, self.process, 60, self.log)
        return self

    def stop(self) -> None:
        _stop(self.process)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


class ProcessTree:
    """CPU seconds (user + system, children included) and memory of some
    processes and all their descendants. `pss` sums proportional set sizes
    (for PostgreSQL, whose backends share their buffers); otherwise RSS."""

    def __init__(self, pids, pss: bool = False):
        self.roots = [psutil.Process(pid) for pid in pids if pid]
        self.pss = pss

    def processes(self) -> list:
        seen = {}
        for root in self.roots:
            try:
                for process in [root, *root.children(recursive=True)]:
                    seen.setdefault(process.pid, process)
            except psutil.NoSuchProcess:
                continue
        return list(seen.values())

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self.processes():
            try:
                t = process.cpu_times()
            except psutil.Error:
                continue
            # children_*: children already reaped (e.g. closed PostgreSQL
            # backends); live ones are counted as processes of their own.
            total += t.user + t.system + t.children_user + t.children_system
        return total

    def memory(self) -> int:
        total = 0
        for process in self.processes():
            try:
                total += process.memory_full_info().pss if self.pss else process.memory_info().rss
            except psutil.Error:
                continue
        return total

    def count(self) -> int:
        return len(self.processes())

    def thread_times(self) -> dict:
        """{(pid, thread id): user + system seconds} of every thread."""
        times = {}
        for process in self.processes():
            try:
                for thread in process.threads():
                    times[(process.pid, thread.id)] = thread.user_time + thread.system_time
            except psutil.Error:
                continue
        return times

    def threads(self) -> int:
        total = 0
        for process in self.processes():
            try:
                total += process.num_threads()
            except psutil.Error:
                continue
        return total


def temp_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="entraide-chat-bench."))
    os.chmod(path, 0o755)  # noqa: S103 (PostgreSQL, as another user, may need to reach it)
    return path
