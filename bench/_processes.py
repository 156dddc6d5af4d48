"""Child processes for the benchmarks: a throwaway PostgreSQL + PostGIS
cluster (as scripts/test.sh starts one) and a daphne server (scripts/serve).

Both are started here and stopped by their own handles, never by name.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pg_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql")
    return Path(candidates[-1])


def _as_postgres(args: list) -> list:
    # PostgreSQL refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *map(str, args)] if os.getuid() == 0 else args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"server on port {port} did not start:\n{log.read_text()}"
                ) from None
            time.sleep(0.1)


class ThrowawayPostgres:
    """initdb in a temporary directory owned by postgres, pg_ctl start on a
    private port and socket directory, role + database + PostGIS."""

    def __init__(self, port: int, shared_buffers: str = "1GB", settings: list[str] = ()):
        self.port = port
        self.shared_buffers = shared_buffers
        self.settings = list(settings)  # extra "name=value" server settings
        self.bin = _pg_bin()
        self.work = Path(tempfile.mkdtemp(prefix="entraide-bench."))
        self.started = False

    @property
    def url(self) -> str:
        return f"postgis://bench:bench@127.0.0.1:{self.port}/bench"

    def _psql(self, database: str, *commands: str) -> None:
        args = [self.bin / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
        args += ["-p", str(self.port), "-U", "postgres", "-d", database]
        for command in commands:
            args += ["-c", command]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        os.chmod(self.work, 0o755)  # noqa: S103 (postgres must reach its directories)
        data, sock = self.work / "pg", self.work / "pgsock"
        data.mkdir()
        sock.mkdir()
        if os.getuid() == 0:
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(sock, "postgres", "postgres")
        initdb = [self.bin / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]
        result = subprocess.run(_as_postgres(initdb), capture_output=True, text=True)
        if result.returncode:
            raise SystemExit(f"initdb failed:\n{result.stdout}{result.stderr}")
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {sock}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                f"-c shared_buffers={self.shared_buffers}",
                "-c maintenance_work_mem=1GB",
                "-c max_wal_size=8GB",
                "-c checkpoint_timeout=30min",
                *(f"-c {setting}" for setting in self.settings),
            ]
        )
        log = sock / "pg.log"
        start = [
            self.bin / "pg_ctl",
            "-D",
            data,
            "-w",
            "-t",
            "60",
            "-l",
            log,
            "-o",
            options,
            "start",
        ]
        result = subprocess.run(_as_postgres(start), capture_output=True, text=True)
        if result.returncode:
            log_text = log.read_text() if log.exists() else ""
            raise SystemExit(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}{log_text}")
        self.started = True
        self._psql(
            "postgres",
            "CREATE ROLE bench LOGIN SUPERUSER PASSWORD 'bench'",
            "CREATE DATABASE bench OWNER bench",
        )
        self._psql("bench", "CREATE EXTENSION postgis")
        return self.url

    def stop(self) -> None:
        if self.started:
            stop = [self.bin / "pg_ctl", "-D", self.work / "pg", "-m", "fast", "-w", "stop"]
            subprocess.run(_as_postgres(stop), capture_output=True)
            self.started = False
        shutil.rmtree(self.work, ignore_errors=True)


class Daphne:
    """scripts/serve on a free port, pointed at `database_url`."""

    def __init__(self, database_url: str, extra_env: dict | None = None):
        self.database_url = database_url
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.process = None
        self.log = Path(tempfile.mkstemp(prefix="entraide-bench-daphne.", suffix=".log")[1])

    def __enter__(self):
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        env.update(
            DATABASE_URL=self.database_url,
            DJANGO_DEBUG="1",
            TASKS_IN_PROCESS="0",
            PYTHONUNBUFFERED="1",
            HOST="127.0.0.1",
            PORT=str(self.port),
            VENV=str(ROOT / ".venv"),
            **self.extra_env,
        )
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [ROOT / "scripts" / "serve"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, self.process, 60, self.log)
        return self

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)
