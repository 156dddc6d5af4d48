import asyncio
import contextlib
import email
import email.policy
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import axe_playwright_python
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory
from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent


def _expected_seconds(item) -> float:
    slow = item.get_closest_marker("slow")
    if slow:
        return slow.args[0]
    return 10 if item.get_closest_marker("browser") else 0


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The longest modules first (`slow`, then the browser journeys), so that
    parallel workers (TEST_WORKERS) end together instead of one finishing
    the accessibility crawl alone; the rest in their order. Before
    pytest-django's own ordering, which then keeps Django's (tests in a
    rolled-back transaction first, then those that flush the database, whose
    flush also empties the tables that migrations fill).

    A `one_backend` test (its outcome cannot depend on the database) runs
    in the SpatiaLite pass; the PostGIS pass reports it as skipped, by name."""
    items.sort(key=lambda item: -_expected_seconds(item))
    if os.environ.get("ENTRAIDE_EXPECT_BACKEND") != "postgis":
        return
    skip = pytest.mark.skip(reason="one_backend: checked in the SpatiaLite pass")
    for item in items:
        if item.get_closest_marker("one_backend"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def expected_backend(django_db_setup, django_db_blocker):
    """make test names the backend of each pass; fail loudly if it is not the one in use."""
    from channels.layers import get_channel_layer
    from django.conf import settings
    from django.db import connection

    # A task worker thread in the test process would race the tests for the
    # database (and hold SQLite's lock): tests run tasks themselves.
    assert not settings.TASKS_IN_PROCESS, "run the tests with TASKS_IN_PROCESS=0 (make test does)"
    expected = os.environ.get("ENTRAIDE_EXPECT_BACKEND")
    layer = type(get_channel_layer()).__name__
    if expected == "postgis":
        assert connection.vendor == "postgresql", connection.vendor
        assert layer == "BatchedRedisPubSubLayer", layer
        with django_db_blocker.unblock():
            with connection.cursor() as cursor:
                cursor.execute("SELECT postgis_version()")
                assert cursor.fetchone()[0]
        cache.set("backend-check", 1)
        assert cache.get("backend-check") == 1, "Redis cache does not answer"
    elif expected == "spatialite":
        assert connection.vendor == "sqlite", connection.vendor
        assert layer == "LocalChannelLayer", layer
        with django_db_blocker.unblock():
            with connection.cursor() as cursor:
                cursor.execute("SELECT spatialite_version()")
                assert cursor.fetchone()[0]
    yield expected
    if connection.vendor == "postgresql":
        # Connections left open by other threads (sync_to_async's executor, the
        # ASGI server) would stop the test database from being dropped.
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


class MigratedSnapshot:
    """A copy of the test database as the migrations left it, taken before any
    test writes to it: the template of the empty, migrated databases that
    `migrated_database` users create (the benchmarks' smoke runs). Cloning
    it costs a fraction of a second; migrating an empty database costs 3 s
    on PostGIS and 7 s on SpatiaLite, whose schema changes rebuild tables.

    PostGIS: a database of the suite's cluster, for CREATE DATABASE ...
    TEMPLATE. SpatiaLite: a file, written with SQLite's backup API (one
    consistent file, whatever the journal mode)."""

    def __init__(self, directory: Path):
        from django.db import connection

        self.vendor = connection.vendor
        db = connection.settings_dict
        if self.vendor == "postgresql":
            self.name = f"{db['NAME']}_migrated"
            # CREATE DATABASE ... TEMPLATE needs the template to have no session.
            connection.close()
            with self.admin() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{db["NAME"]}"')
        else:
            import sqlite3

            self.path = directory / "migrated.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(self.path)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()

    @contextlib.contextmanager
    def admin(self):
        """A cursor on the cluster's `postgres` database, outside any transaction."""
        import psycopg2
        from django.db import connection

        db = connection.settings_dict
        admin = psycopg2.connect(
            dbname="postgres",
            user=db["USER"],
            password=db["PASSWORD"],
            host=db["HOST"],
            port=db["PORT"],
        )
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                yield cursor
        finally:
            admin.close()

    def drop(self) -> None:
        if self.vendor == "postgresql":
            with self.admin() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            self.path.unlink(missing_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _migrated_snapshot(django_db_setup, django_db_blocker, request, tmp_path_factory):
    """Taken at the start of the session, before any test, and only when a
    selected test uses `migrated_database`."""
    if not any("migrated_database" in item.fixturenames for item in request.session.items):
        yield None
        return
    with django_db_blocker.unblock():
        snapshot = MigratedSnapshot(tmp_path_factory.mktemp("migrated"))
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.drop()


@pytest.fixture(scope="session")
def migrated_database(_migrated_snapshot) -> MigratedSnapshot:
    return _migrated_snapshot


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache (Redis in the PostGIS pass): start each test clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _roomy_limits(settings):
    """Fixtures post more in a minute than a new account may in a day; the
    limits have their own tests (tests/moderation/test_limits.py), which
    put the real ones back with the `real_limits` fixture."""
    settings.ACTION_LIMITS = {
        action: ((10_000, seconds), (10_000, seconds))
        for action, ((_, seconds), _new) in settings.ACTION_LIMITS.items()
    }
    settings.NEW_ACCOUNT_MESSAGES_PER_MINUTE = 10_000


@pytest.fixture
def real_limits(settings):
    from config import settings as configured

    settings.ACTION_LIMITS = configured.ACTION_LIMITS
    settings.NEW_ACCOUNT_MESSAGES_PER_MINUTE = configured.NEW_ACCOUNT_MESSAGES_PER_MINUTE


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def resident(db):
    return UserFactory(display_name="Amina")


@pytest.fixture
def category(db):
    """Groceries. Transactional tests flush the tables, seeded categories included."""
    from neighbors.categories import categories_ensure
    from neighbors.models import HelpCategory

    categories_ensure(HelpCategory)
    return HelpCategory.objects.get(slug="groceries")


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        client.credentials(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def password():
    return PASSWORD


def database_url_for_child(name=None) -> str:
    """The DATABASE_URL of the test database (or of `name`, another database
    of the same PostgreSQL cluster, or another SpatiaLite file), for a child
    process."""
    from django.db import connection

    db = connection.settings_dict
    name = name or db["NAME"]
    if connection.vendor == "postgresql":
        return f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    return f"spatialite:///{name}"


# Emails sent by the live servers land here, one file per connection.
SERVER_MAIL_DIR = Path(tempfile.gettempdir()) / f"entraide-test-mail-{os.getpid()}"


def pytest_sessionfinish(session):
    shutil.rmtree(SERVER_MAIL_DIR, ignore_errors=True)


@functools.cache
def tile_stand_in():
    """One local tile server per test process: a page's load event never
    waits on the unreachable OpenStreetMap (the cause of timed-out page loads)."""
    from tests.stand_ins import TileStandIn

    return TileStandIn()


@functools.cache
def geocoder_stand_in():
    """One local Nominatim per test process, for the live servers' address search."""
    from tests.stand_ins import NominatimStandIn

    return NominatimStandIn().__enter__()


def server_base_env() -> dict:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "TASKS_IN_PROCESS": "0",
        "PYTHONUNBUFFERED": "1",
        "VENV": str(Path(sys.executable).parent.parent),
        "EMAIL_URL": f"filemail:///{SERVER_MAIL_DIR}",  # django-environ drops one slash
        "MAP_TILES_URL": tile_stand_in().url_template,
        "GEOCODER_DOMAIN": geocoder_stand_in().domain,
        "GEOCODER_SCHEME": "http",
        "GEOCODER_TIMEOUT": "2",
    }
    return env


@pytest.fixture
def server_mail():
    """The emails the live servers sent during this test, oldest first."""
    SERVER_MAIL_DIR.mkdir(exist_ok=True)
    for old in SERVER_MAIL_DIR.iterdir():
        old.unlink()

    def read() -> list[email.message.Message]:
        messages = []
        for path in sorted(SERVER_MAIL_DIR.iterdir(), key=lambda p: p.stat().st_mtime_ns):
            for raw in path.read_bytes().split(b"-" * 79 + b"\n"):
                if raw.strip():
                    messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return messages

    return read


class ServerProcess:
    """A real daphne (scripts/serve) on the test database, restartable on the same port."""

    def __init__(self, log_dir: Path, port: int | None = None, **env):
        self.port = port or free_port()
        self.log = log_dir / f"daphne-{self.port}.log"
        self.env = {
            **server_base_env(),
            "DATABASE_URL": database_url_for_child(),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            **env,
        }
        self.process = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "ServerProcess":
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                [ROOT / "scripts" / "serve"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    pytest.fail(f"the ASGI server did not start:\n{self.log.read_text()}")
                time.sleep(0.1)

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        self.process.kill() if kill else self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, tmp_path_factory):
    """A real daphne process serving the app on the test database.

    Tests that use it must also use `transactional_db`, so that what they
    write is committed and visible to the server process."""
    server = ServerProcess(tmp_path_factory.mktemp("asgi")).start()
    yield server.address
    server.stop()


@pytest.fixture
def server_factory(django_db_setup, tmp_path):
    """Starts extra servers (restartable) for a test; stops them afterwards."""
    servers = []

    def make(**env) -> ServerProcess:
        server = ServerProcess(tmp_path, **env).start()
        servers.append(server)
        return server

    make.base_env = server_base_env()
    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def geocoder(settings):
    """geopy's Nominatim client pointed at the local stand-in."""
    from tests.stand_ins import NominatimStandIn

    with NominatimStandIn() as stand_in:
        settings.GEOCODER = {
            **settings.GEOCODER,
            "DOMAIN": stand_in.domain,
            "SCHEME": "http",
            "TIMEOUT": 0.5,
        }
        yield stand_in


# Debian's Chromium: its headless shell (what Playwright itself runs
# headless; half the processor time of the full browser's headless mode on the
# same pages) where scripts/system-packages.sh could install it.
CHROMIUM = next(
    (p for p in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if Path(p).exists()),
    "/usr/bin/chromium-headless-shell",
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def _chromium():
    """One Playwright driver and one Chromium for the whole pass, started by
    the first browser test: a start costs 0.85 s of processor time against
    0.15 s for a fresh context, and some fifteen tests a pass use one.

    Playwright's sync API runs its event loop in this thread and marks it
    as the thread's running loop after every call. While it is marked,
    asgiref's async_to_sync (the channel layer, in the services) and
    pytest-asyncio refuse to run here, so the loop is marked only during
    the tests that use the browser (`browser` below) and unmarked between
    them; the loop itself only runs inside Playwright's calls."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    loop = playwright._loop
    asyncio._set_running_loop(None)
    yield chromium, loop
    asyncio._set_running_loop(loop)
    chromium.close()
    playwright.stop()


@pytest.fixture
def browser(_chromium, asgi_server, monkeypatch):
    """Debian's Chromium through Playwright (no `playwright install`). Each
    test opens its own contexts (cookies, storage, service workers), which
    are closed at its end, with their pages and their sockets."""
    chromium, loop = _chromium
    # The ORM calls the test makes between Playwright's steps are plain
    # synchronous ones, in the thread where Playwright's loop is marked running.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    asyncio._set_running_loop(loop)
    try:
        yield chromium
        for context in chromium.contexts:
            context.close()
    finally:
        asyncio._set_running_loop(None)


# axe-core, the copy bundled with axe-playwright-python: all the rules it
# enables by default, no tag filter, less those that cannot fail a check (only
# serious and critical violations do): a violation's impact is the highest of
# its failing checks', so a rule whose checks (and own impact) are all minor
# or moderate never reports a serious one (25 of the 96, such as `region` and
# `heading-order`; a fifth of axe's time). A rule whose impacts axe does not
# state is run. Only the violations come back; `AXE_RUN` with `false` leaves
# out their selectors and HTML, which take time to make for the one node axe
# reports of every rule that passes.
AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_RUN = """async (report) => (await axe.run(document, {
  rules: window.__axeCannotBlock,
  resultTypes: ["violations"],
  ...(report ? {} : {selectors: false, noHtml: true}),
})).violations"""
BLOCKING = {"serious", "critical"}
CANNOT_BLOCK_JS = """
;window.__axeCannotBlock = (() => {
  const rank = {minor: 0, moderate: 1, serious: 2, critical: 3};
  const rules = {};
  for (const rule of axe._audit.rules.filter((rule) => rule.enabled)) {
    const impacts = [rule.impact, ...[...rule.all, ...rule.any, ...rule.none].map(
      (check) => (axe._audit.data.checks[check.id] || {}).impact)];
    if (impacts.some((impact) => impact !== undefined && !(impact in rank))) continue;
    const known = impacts.filter((impact) => impact !== undefined).map((i) => rank[i]);
    if (known.length && Math.max(...known) < rank.serious) rules[rule.id] = {enabled: false};
  }
  return rules;
})();
"""


def assert_accessible(page):
    """axe-core: no serious or critical violation on the page as it is now."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS + CANNOT_BLOCK_JS)
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in page.evaluate(AXE_RUN, True)
        if v["impact"] in BLOCKING
    ]
    assert not serious, serious


def browser_login(
    browser, base_url: str, user, *, locale: str = "en-GB", timeout_ms: int = 10_000, **context
):
    """A new browser context signed in as `user` through the login form;
    `context` adds options of the context (a phone's viewport, say)."""
    from playwright.sync_api import expect

    page = browser.new_context(locale=locale, base_url=base_url, **context).new_page()
    page.set_default_timeout(timeout_ms)
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    return page
