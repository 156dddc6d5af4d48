"""The targets of bench/city_load.py, started the way they are deployed:

  embedded      one daphne (scripts/serve, as `make serve` runs it), HTTP and
                websockets and the background tasks in process, in-memory
                channel layer and cache, on the benchmark's PostGIS database
  scaled        `make scaled` (scripts/scaled) rebuilt on private ports: nginx
                (its configuration generated from deploy/nginx/ as
                scripts/scaled does) in front of one gunicorn with
                HTTP_WORKERS WSGI workers and WS_WORKERS daphne websocket
                workers, a db_worker, Redis (cache, rate limits, channel
                layer); same database
  nginx-static  nginx alone serving a 1 KiB file: the ceiling

scripts/scaled itself cannot be pointed at another database or data
directory (it keeps its own cluster under var/scaled/ and seeds demo data),
hence the rebuild; the processes and their settings are the same.
Everything is started through _chat_processes (own session, dies with the
benchmark) and stopped by its handle.
"""

import atexit
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _chat_processes import RedisServer, Server, _popen, _stop
from _processes import ROOT, free_port, wait_for_port

BENCH = Path(__file__).resolve().parent
STATIC_PATH = "/ceiling.txt"


def app_env(database_url: str, conn_max_age: int) -> dict:
    """Production mode on plain HTTP, with bench/_city_settings.py's limits."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="_city_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]),
        DJANGO_DEBUG="0",
        SECRET_KEY="city-bench-" + secrets.token_hex(24),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL="0",
        CHAT_MESSAGES_PER_MINUTE="100000000",
        NEW_ACCOUNT_MESSAGES_PER_MINUTE="100000000",
        DATABASE_CONN_MAX_AGE=str(conn_max_age),
        # No network here: the meeting-address lookup a new request queues
        # is refused at once instead of waiting for a DNS answer.
        GEOCODER_SCHEME="http",
        GEOCODER_DOMAIN="127.0.0.1:9",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
        MALLOC_ARENA_MAX="2",
    )
    env["CITY_STATIC_ROOT"] = str(collected_static(env))
    return env


_static_root: Path | None = None


def collected_static(env: dict) -> Path:
    """What `make serve` and `make scaled` do before they start, once a run:
    production pages name their files from the manifest it writes. In a
    directory of the benchmark's own, removed when it exits."""
    global _static_root
    if _static_root is None:
        root = Path(tempfile.mkdtemp(prefix="entraide-city-static-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        command = [sys.executable, ROOT / "manage.py", "collectstatic", "--no-input", "-v", "0"]
        subprocess.run(command, env={**env, "CITY_STATIC_ROOT": str(root)}, cwd=ROOT, check=True)
        root.chmod(0o755)  # nginx's workers read it
        _static_root = root
    return _static_root


class Process:
    """A command as a Server-like handle (process, alive(), stop())."""

    def __init__(self, name: str, args: list, env: dict, work: Path, port: int | None = None):
        self.kind = name
        self.args = args
        self.env = env
        self.port = port
        self.log = work / f"{name}.log"
        self.process = None

    def start(self) -> "Process":
        self.process = _popen(self.args, self.env, self.log)
        if self.port:
            wait_for_port(self.port, self.process, 60, self.log)
        return self

    def stop(self) -> None:
        _stop(self.process)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _nginx_binary() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx not found (scripts/system-packages.sh installs it)")
    return nginx


def nginx_process(work: Path, port: int, server_block: str, http_extra: str = "") -> Process:
    conf_dir = work / "nginx"
    conf_dir.mkdir(exist_ok=True)
    conf = conf_dir / "nginx.conf"
    conf.write_text(
        f"""daemon off;
pid {conf_dir}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log {work}/nginx-access.log;
    client_body_temp_path {conf_dir}/body;
    proxy_temp_path {conf_dir}/proxy;
    {http_extra}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        {server_block}
    }}
}}
"""
    )
    nginx = _nginx_binary()
    check = subprocess.run(
        [nginx, "-t", "-q", "-c", conf, "-p", conf_dir], capture_output=True, text=True
    )
    if check.returncode:
        raise SystemExit(f"nginx configuration:\n{check.stderr}")
    return Process("nginx", [nginx, "-c", conf, "-p", conf_dir], dict(os.environ), work, port)


class Target:
    name = ""
    description = ""

    def __init__(self, work: Path):
        self.work = work
        self.servers: list = []  # measured (CPU, RSS)
        self.backing_pids: list[int] = []  # PostgreSQL, Redis: measured apart
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    def logs(self) -> list[Path]:
        return [s.log for s in self.servers]


class Embedded(Target):
    name = "embedded"

    def __init__(self, work: Path, database_url: str, conn_max_age: int):
        super().__init__(work)
        self.env = app_env(database_url, conn_max_age)
        self.env.update(TASKS_IN_PROCESS="1", BEHIND_PROXY="0")
        self.description = (
            "one daphne (scripts/serve; pages and the API on its HTTP_THREADS threads), tasks in "
            "process, in-memory channel layer and cache, "
            f"PostGIS, DATABASE_CONN_MAX_AGE={conn_max_age}"
        )

    def start(self) -> "Embedded":
        server = Server("daphne", self.env, self.work)
        self.servers = [server.start()]
        self.port = server.port
        return self


class Scaled(Target):
    name = "scaled"

    def __init__(
        self, work: Path, database_url: str, conn_max_age: int, http_workers: int, ws_workers: int
    ):
        super().__init__(work)
        self.database_url = database_url
        self.conn_max_age = conn_max_age
        self.http_workers = http_workers
        self.ws_workers = ws_workers
        self.redis = None
        self.description = (
            f"nginx + gunicorn ({http_workers} WSGI workers) + {ws_workers} daphne websocket "
            f"worker(s) + db_worker, Redis, PostGIS, DATABASE_CONN_MAX_AGE={conn_max_age} "
            "(scripts/scaled's processes)"
        )

    def start(self) -> "Scaled":
        self.redis = RedisServer(self.work).start()
        self.backing_pids = [self.redis.process.pid]
        env = app_env(self.database_url, self.conn_max_age)
        prometheus = self.work / "prometheus"
        prometheus.mkdir(exist_ok=True)
        env.update(
            REDIS_URL=self.redis.url,
            TASKS_IN_PROCESS="0",
            BEHIND_PROXY="1",
            HTTP_WORKERS=str(self.http_workers),
            PROMETHEUS_MULTIPROC_DIR=str(prometheus),
        )
        venv = ROOT / ".venv" / "bin"
        http_port = free_port()
        gunicorn = Process(
            "gunicorn",
            [venv / "gunicorn", "-c", ROOT / "config" / "gunicorn_conf.py"]
            + ["--bind", f"127.0.0.1:{http_port}", "config.wsgi:application"],
            env,
            self.work,
            http_port,
        )
        self.servers.append(gunicorn.start())
        upstream_ws = ""
        for _ in range(self.ws_workers):
            ws = Server("daphne", env, self.work).start()
            self.servers.append(ws)
            upstream_ws += f"server {ws.address} max_fails=0; "  # as scripts/scaled
        worker = Process(
            "db_worker",
            [sys.executable, ROOT / "manage.py", "db_worker", "--interval", "1"],
            env,
            self.work,
        )
        self.servers.append(worker.start())

        conf_dir = self.work / "nginx"
        conf_dir.mkdir(exist_ok=True)
        locations = (ROOT / "deploy/nginx/entraide-locations.conf").read_text()
        locations = locations.replace("/etc/nginx/snippets", str(conf_dir))
        locations = locations.replace("/srv/entraide/var/static", env["CITY_STATIC_ROOT"])
        (conf_dir / "entraide-locations.conf").write_text(locations)
        shutil.copy(ROOT / "deploy/nginx/entraide-proxy.conf", conf_dir / "entraide-proxy.conf")
        upstream_http = f"server 127.0.0.1:{http_port} max_fails=0; " * 2
        self.port = free_port()
        nginx = nginx_process(
            self.work,
            self.port,
            f"include {conf_dir}/entraide-locations.conf;",
            f"include {ROOT}/deploy/nginx/entraide-http.conf;\n"
            f"    upstream entraide_http {{ least_conn; {upstream_http} keepalive 64; }}\n"
            f"    upstream entraide_ws {{ least_conn; {upstream_ws} }}",
        )
        self.servers.append(nginx.start())
        return self

    def stop(self) -> None:
        super().stop()
        if self.redis is not None:
            self.redis.stop()


class NginxStatic(Target):
    name = "nginx-static"
    description = f"nginx alone serving a 1 KiB file ({STATIC_PATH}): the ceiling"

    def start(self) -> "NginxStatic":
        static = self.work / "ceiling.txt"
        static.write_text(("Entraide " * 114)[:1023] + "\n")
        static.chmod(0o644)
        self.port = free_port()
        nginx = nginx_process(
            self.work,
            self.port,
            f"location = {STATIC_PATH} {{ alias {static}; access_log off; }}",
        )
        self.servers = [nginx.start()]
        return self
