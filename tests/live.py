"""Real processes for the fault and scale tests: Redis, a PostgreSQL cluster,
and a small JSON API client. Each starts on a free port and stops for sure."""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


async def receive_until(ws, predicate, timeout=10.0):
    """The next frame of a `websockets` client that `predicate` accepts (the
    others are skipped), within `timeout` seconds."""

    async def loop():
        while True:
            frame = json.loads(await ws.recv())
            if predicate(frame):
                return frame

    return await asyncio.wait_for(loop(), timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (make test installs it)")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
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
                pytest.fail("Redis did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class PostgresCluster:
    """A throwaway PostgreSQL + PostGIS cluster (as the postgres user when root)."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            pytest.fail("PostgreSQL server binaries are not installed (make test installs them)")
        self.bin = bins[-1]
        self.port = free_port()
        self.work = Path(tempfile.mkdtemp(prefix="entraide-pg-"))
        self.data = self.work / "data"
        self.root = os.geteuid() == 0

    def _run(self, *args, check=True):
        command = [str(a) for a in args]
        if self.root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    @property
    def url(self) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/entraide"

    def init(self) -> "PostgresCluster":
        os.chmod(self.work, 0o755)  # noqa: S103 (a test cluster in a private temp dir)
        self.data.mkdir()
        if self.root:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.work, "postgres", "postgres")
        self._run(
            self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync"
        )
        self.start()
        self._psql("-c", "CREATE DATABASE entraide")
        self._psql("-d", "entraide", "-c", "CREATE EXTENSION postgis")
        return self

    def _psql(self, *args):
        return self._run(
            self.bin / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", *args
        )

    def start(self) -> None:
        self._run(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-w",
            "-t",
            "30",
            "-l",
            self.work / "pg.log",
            "-o",
            f"-p {self.port} -k {self.work} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)

    def destroy(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.work, ignore_errors=True)


class Api:
    """A JSON client for a live server, with token auth."""

    def __init__(self, address: str, token: str | None = None):
        self.base = f"http://{address}"
        self.token = token

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept-Language", "en")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (loopback)
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def signup(self, email: str, name: str, lat: float, lng: float) -> "Api":
        status, body = self.call(
            "POST",
            "/api/v1/auth/signup",
            {"email": email, "password": "a-long-test-password-42", "display_name": name},
        )
        assert status == 201, body
        user = Api(self.base.removeprefix("http://"), body["token"])
        user.id = body["user"]["id"]
        status, body = user.call("PATCH", "/api/v1/me", {"home": {"lat": lat, "lng": lng}})
        assert status == 200, body
        return user

    def ws_url(self) -> str:
        status, body = self.call("POST", "/api/v1/ws-ticket")
        assert status == 201, body
        return self.base.replace("http://", "ws://") + f"/ws/?ticket={body['ticket']}"
