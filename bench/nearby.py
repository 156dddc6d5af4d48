"""Help board at city scale: "nearby" and the map against hand-written SQL.

Loads N open help requests (default 1,000,000) spread over Ile-de-France
(about 70% in Paris, with hotspots; bench/_population.py) with COPY, and
measures p50/p95/p99 of

  (a) requests_board.selectors.help_requests_nearby(viewer=..., page=1) in
      process, and the database time of its SQL: each statement timed as it
      runs inside the call, and, for the first --detail-iterations viewers,
      the statement replayed on a raw cursor and the server's own planning +
      execution time (EXPLAIN ANALYZE);
  (b) GET /api/v1/requests/nearby through a real daphne (scripts/serve),
      token auth, from a separate client process (bench/_http_client.py),
      next to a floor (GET /api/v1/categories) and, in a fresh process
      without a server (bench/_floor.py), the same floor through Django's
      test Client and through the ASGI application;
  (c) GET /api/v1/map at zoom 16, 15, 14 (viewport-sized boxes around the
      viewers' homes) and zoom 12 (the whole of Paris), checking that no
      response has more than MAP_MAX_FEATURES features;
  (d) hand-written SQL giving the same answers on the same data: nearby as
      the radius + nearest-first statement (ST_DWithin, ORDER BY <->, LIMIT)
      and as KNN first with the radius applied to the page; the map's box
      (&&, LIMIT 501) and cell queries,

and prints each figure, the ratios ORM/SQL and the goals of
docs/performance.md. A benchmark, not a test; --json FILE keeps everything,
EXPLAIN ANALYZE plans included.

    .venv/bin/python bench/nearby.py --rows 100000      # quick
    .venv/bin/python bench/nearby.py                    # 1,000,000 posts
    .venv/bin/python bench/nearby.py --spatialite --rows 100000

Without --database-url it starts its own PostgreSQL cluster (as
scripts/test.sh does; port 55499, fsync off, shared_buffers=1GB) and stops it
at the end. Run it as root or as a user who can run PostgreSQL.
"""

import argparse
import hashlib
import io
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _population import MAX_DISTANCES, TITLES, URGENCIES, Spread
from _processes import ROOT, Daphne, ThrowawayPostgres
from _stats import fmt, ratio, summary, table

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PARIS_BOX = (2.22, 48.81, 2.47, 48.91)
# A 1024 x 768 pixel viewport at a zoom, in degrees (256-pixel tiles; the
# latitude span shrinks by cos(lat) at Paris).
VIEWPORT_TILES = (4.0, 3.0)
COS_PARIS = math.cos(math.radians(48.86))
LOAD_CHUNK = 100_000
# --quick: a smoke run (tests/bench/test_bench_smoke.py), every part once, small.
QUICK = {
    "rows": 3000,
    "users": 100,
    "viewers": 20,
    "db_iterations": 20,
    "detail_iterations": 5,
    "http_iterations": 10,
}


def source_digest(path):
    """A short hash of a source file, or of every Python file of a package."""
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


# The code measured: their hashes go in the results (the app changes over time).
SOURCES = (
    "requests_board/selectors",
    "requests_board/visibility.py",
    "requests_board/map_cells.py",
    "requests_board/serializers.py",
    "geo/queries.py",
    "geo/distance.py",
    "config/settings.py",
)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def viewport_box(lng: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    tile = 360.0 / 2**zoom
    half_w = VIEWPORT_TILES[0] * tile / 2
    half_h = VIEWPORT_TILES[1] * tile * COS_PARIS / 2
    return (
        round(lng - half_w, 6),
        round(lat - half_h, 6),
        round(lng + half_w, 6),
        round(lat + half_h, 6),
    )


# --- Setup ------------------------------------------------------------------


def configure_environment(database_url: str) -> None:
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
        TASKS_IN_PROCESS="0",
    )


def migrate() -> None:
    """In this process (Django is set up): a no-op on an up-to-date database."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")


# --- Loading ------------------------------------------------------------------


def create_people(spread: Spread, rng: random.Random, users: int, viewers: int):
    """Bench users with homes (the first `viewers` are the viewers, with skills
    and a token), a volunteer offer for every third one."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.gis.geos import Point
    from rest_framework.authtoken.models import Token

    from geo.privacy import public_point
    from neighbors.models import HelpCategory, User
    from requests_board.models import VolunteerOffer

    category_ids = list(HelpCategory.objects.values_list("pk", flat=True))
    unusable = make_password(None)
    people = User.objects.bulk_create(
        [
            User(
                email=f"bench{i}@bench.invalid",
                display_name=f"Bench {i}",
                password=unusable,
                home=Point(*spread.point(), srid=4326),
                walk_radius_m=1000,
            )
            for i in range(users)
        ]
    )
    for person in people:
        person.home_public = public_point(person.home, identity=f"home:{person.pk}")
    User.objects.bulk_update(people, ["home_public"], batch_size=500)
    skills = User.skills.through
    skills.objects.bulk_create(
        [
            skills(user_id=person.pk, helpcategory_id=category)
            for person in people[:viewers]
            for category in rng.sample(category_ids, rng.randint(0, 2))
        ]
    )
    offers = VolunteerOffer.objects.bulk_create(
        [
            VolunteerOffer(
                volunteer=person,
                radius_m=1000,
                location=person.home,
                public_location=person.home_public,
            )
            for person in people[::3]
        ]
    )
    offer_categories = VolunteerOffer.categories.through
    offer_categories.objects.bulk_create(
        [
            offer_categories(volunteeroffer_id=offer.pk, helpcategory_id=category)
            for offer in offers
            for category in rng.sample(category_ids, rng.randint(1, 3))
        ]
    )
    Token.objects.bulk_create([Token(key=Token.generate_key(), user=p) for p in people[:viewers]])
    return people, offers


# What the bench generates per help request, in the order of request_rows'
# tuples; every other column comes from the model (bench/_columns.py).
REQUEST_FIELDS = [
    "id",
    "author_id",
    "category_id",
    "title",
    "urgency",
    "location",
    "public_location",
    "map_point",  # counted on the map where it is public (requests_board.visibility)
    "needed_by",
    "max_distance_m",
    "created_at",
    "expires_at",
]
REQUEST_FIXED = {"status": "open", "description": ""}
CELL_FIELDS = ["level", "x", "y", "kind", "count", "sum_lat", "sum_lng"]


def request_load():
    from _columns import TableLoad

    from requests_board.models import HelpRequest

    return TableLoad(HelpRequest, REQUEST_FIELDS, REQUEST_FIXED)


def cell_load():
    from _columns import TableLoad

    from requests_board.models import MapCell

    return TableLoad(MapCell, CELL_FIELDS)


def request_rows(n: int, first_id: int, spread: Spread, rng: random.Random, author_ids, now):
    """n open requests, as tuples in REQUEST_FIELDS order (points as (lng, lat))."""
    from django.contrib.gis.geos import Point

    from geo.privacy import public_point
    from neighbors.models import HelpCategory

    categories = list(HelpCategory.objects.values_list("pk", "slug"))
    urgency_names = [u for u, _w in URGENCIES]
    urgency_weights = [w for _u, w in URGENCIES]
    for rid in range(first_id, first_id + n):
        lng, lat = spread.point()
        public = public_point(Point(lng, lat, srid=4326), identity=f"request:{rid}")
        category, slug = rng.choice(categories)
        created = now - timedelta(seconds=rng.uniform(60, 14 * 86400))
        yield (
            rid,
            rng.choice(author_ids),
            category,
            rng.choice(TITLES.get(slug, TITLES["other"])),
            rng.choices(urgency_names, urgency_weights)[0],
            (lng, lat),
            (public.x, public.y),
            (public.x, public.y),
            (now + timedelta(days=rng.randint(0, 6))).date() if rng.random() < 0.1 else None,
            rng.choice(MAX_DISTANCES) if rng.random() < 0.1 else None,
            created,
            created + timedelta(days=14, hours=2),  # always in the future
        )


class CellCounter:
    """MapCell rows computed with the app's own cell formula (map_cells.cell_of)."""

    def __init__(self):
        from requests_board.map_cells import LEVELS, cell_of

        self.levels = LEVELS
        self.cell_of = cell_of
        self.cells: dict[tuple, list] = {}

    def add(self, kind: str, lng: float, lat: float) -> None:
        for level in self.levels:
            x, y = self.cell_of(lng, lat, level)
            cell = self.cells.get((level, x, y, kind))
            if cell is None:
                self.cells[(level, x, y, kind)] = [1, lat, lng]
            else:
                cell[0] += 1
                cell[1] += lat
                cell[2] += lng

    def rows(self):
        for (level, x, y, kind), (count, sum_lat, sum_lng) in self.cells.items():
            yield level, x, y, kind, count, sum_lat, sum_lng


def load_postgis(rows, cells: CellCounter, report: dict) -> int:
    from django.db import connection

    table = "requests_board_helprequest"
    with connection.cursor() as cursor:
        # Secondary indexes are dropped for the COPY and rebuilt after it (much
        # faster than maintaining three GiST indexes row by row).
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        try:
            # Skips the per-row foreign key triggers (ids are generated valid).
            cursor.execute("SET session_replication_role = replica")
        except Exception as exc:  # noqa: BLE001 (not a superuser: keep the triggers)
            print(f"  (foreign key triggers kept: {exc})")
        requests = request_load()
        copy_sql = requests.copy_sql()
        encode = requests.copy_encoder()
        report["columns"] = requests.describe()
        copy_s = 0.0
        count = 0
        started = time.perf_counter()
        buffer = io.StringIO()
        for row in rows:
            buffer.write(encode(row))
            cells.add("request", *row[6])
            count += 1
            if count % LOAD_CHUNK == 0:
                buffer.seek(0)
                t = time.perf_counter()
                cursor.cursor.copy_expert(copy_sql, buffer)
                copy_s += time.perf_counter() - t
                buffer = io.StringIO()
                print(f"  {count:,} rows ({time.perf_counter() - started:.0f} s)", flush=True)
        if buffer.tell():
            buffer.seek(0)
            t = time.perf_counter()
            cursor.cursor.copy_expert(copy_sql, buffer)
            copy_s += time.perf_counter() - t
        report["generate_and_copy_s"] = time.perf_counter() - started
        report["copy_s"] = copy_s
        cursor.execute("RESET session_replication_role")

        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            t = time.perf_counter()
            cursor.execute(definition)
            print(f"  index {name}: {time.perf_counter() - t:.1f} s", flush=True)
        report["indexes_s"] = time.perf_counter() - started
        report["indexes"] = [name for name, _d in indexes]
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )

        started = time.perf_counter()
        buffer = io.StringIO()
        map_cells = cell_load()
        encode = map_cells.copy_encoder()
        for row in cells.rows():
            buffer.write(encode(row))
        buffer.seek(0)
        cursor.cursor.copy_expert(map_cells.copy_sql(), buffer)
        report["map_cells"] = len(cells.cells)
        report["map_cells_s"] = time.perf_counter() - started

        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        report["vacuum_analyze_s"] = time.perf_counter() - started
    return count


def load_spatialite(rows, cells: CellCounter, report: dict) -> int:
    from django.db import connection, transaction

    from geo.spatialite import spatial_indexes_ensure

    requests, map_cells = request_load(), cell_load()
    report["columns"] = requests.describe()
    count = 0

    def values():
        nonlocal count
        params = requests.insert_encoder(connection)
        for row in rows:
            cells.add("request", *row[6])
            count += 1
            if count % LOAD_CHUNK == 0:
                print(f"  {count:,} rows", flush=True)
            yield params(row)

    started = time.perf_counter()
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection.cursor()
        raw.executemany(requests.insert_sql(), values())
        raw.executemany(
            map_cells.insert_sql(), map(map_cells.insert_encoder(connection), cells.rows())
        )
    report["generate_and_insert_s"] = time.perf_counter() - started
    report["map_cells"] = len(cells.cells)

    # The R*Tree behind SpatialIndex must be enabled and hold every row.
    restored = spatial_indexes_ensure()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT spatial_index_enabled FROM geometry_columns "
            "WHERE f_table_name = 'requests_board_helprequest' "
            "AND f_geometry_column = 'public_location'"
        )
        enabled = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM idx_requests_board_helprequest_public_location")
        indexed = cursor.fetchone()[0]
        if not enabled or indexed != count:
            cursor.execute(
                "SELECT CreateSpatialIndex('requests_board_helprequest', 'public_location')"
            )
            cursor.execute("SELECT count(*) FROM idx_requests_board_helprequest_public_location")
            indexed = cursor.fetchone()[0]
        report["spatial_index"] = {"enabled": enabled, "rows": indexed, "restored": restored}
        if indexed != count:
            raise SystemExit(f"SpatialIndex holds {indexed} rows, the table {count}")
        started = time.perf_counter()
        cursor.execute("ANALYZE")
        report["analyze_s"] = time.perf_counter() - started
    return count


def load(args, report: dict):
    from django.db import connection

    from neighbors.models import User
    from requests_board.models import HelpRequest

    if HelpRequest.objects.exists():
        if not args.reuse:
            raise SystemExit(
                "The database already holds help requests: pass --reuse to measure them as they are."
            )
        viewers = list(
            User.objects.filter(email__endswith="@bench.invalid", auth_token__isnull=False)
            .select_related("auth_token")
            .order_by("pk")
        )
        report["rows"] = HelpRequest.objects.count()
        report["reused"] = True
        print(f"reusing {report['rows']:,} rows and {len(viewers)} viewers")
        return viewers

    # Before anything is written: stops the run if a column cannot be filled.
    request_load()
    cell_load()
    rng = random.Random(args.seed)
    spread = Spread(args.seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    people, offers = create_people(spread, rng, args.users, args.viewers)
    report["users"] = len(people)
    report["offers"] = len(offers)
    report["people_s"] = time.perf_counter() - started
    print(f"{len(people)} users, {len(offers)} offers: {report['people_s']:.1f} s")

    cells = CellCounter()
    for offer in offers:
        cells.add("offer", offer.public_location.x, offer.public_location.y)
    rows = request_rows(args.rows, 1, spread, rng, [p.pk for p in people], now)
    print(f"loading {args.rows:,} open requests ({connection.vendor})", flush=True)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        count = load_postgis(rows, cells, report)
    else:
        count = load_spatialite(rows, cells, report)
    report["rows"] = count
    report["load_s"] = time.perf_counter() - started
    print(f"loaded {count:,} rows in {report['load_s']:.1f} s: {json.dumps(report)}")
    return list(
        User.objects.filter(pk__in=[p.pk for p in people[: args.viewers]])
        .select_related("auth_token")
        .order_by("pk")
    )


# --- Hand-written SQL ---------------------------------------------------------

# The brief's form: within the radius, nearest first, 51 rows (a page and one
# more, as the selector asks); the display columns are joined to those 51.
PG_NEARBY = """
SELECT n.*, u.display_name, c.slug, c.name_en, c.name_fr, c.icon
FROM (
    SELECT r.id, r.title, r.description, r.urgency, r.status, r.needed_by, r.max_distance_m,
           r.created_at, r.expires_at, r.author_id, r.category_id,
           ST_X(r.public_location::geometry) AS lng, ST_Y(r.public_location::geometry) AS lat,
           r.public_location <-> %(home)s::geography AS d
    FROM requests_board_helprequest r
    WHERE r.status = 'open' AND r.expires_at > now() AND r.author_id <> %(viewer)s
      AND NOT r.hidden AND NOT (r.author_id IN ({RESTRICTED}) AND r.author_id IS NOT NULL)
      AND ST_DWithin(r.public_location, %(home)s::geography, %(radius)s)
      AND (r.max_distance_m IS NULL
           OR ST_DWithin(r.location, %(home_public)s::geography, r.max_distance_m))
    ORDER BY r.public_location <-> %(home)s::geography, r.id
    LIMIT 51
) n
JOIN requests_board_helpcategory c ON c.id = n.category_id
JOIN neighbors_user u ON u.id = n.author_id
ORDER BY n.d, n.id
"""

# The same answer without ST_DWithin in the WHERE clause: the 51 nearest by
# KNN alone, then the radius applied to those (nearest-first means nothing
# beyond the radius can come before something inside it). No second sort key:
# PostgreSQL only walks a GiST index in distance order when the ORDER BY is
# that one distance.
PG_NEARBY_KNN = """
SELECT n.*, u.display_name, c.slug, c.name_en, c.name_fr, c.icon
FROM (
    SELECT r.id, r.title, r.description, r.urgency, r.status, r.needed_by, r.max_distance_m,
           r.created_at, r.expires_at, r.author_id, r.category_id, r.public_location,
           ST_X(r.public_location::geometry) AS lng, ST_Y(r.public_location::geometry) AS lat,
           r.public_location <-> %(home)s::geography AS d
    FROM requests_board_helprequest r
    WHERE r.status = 'open' AND r.expires_at > now() AND r.author_id <> %(viewer)s
      AND NOT r.hidden AND NOT (r.author_id IN ({RESTRICTED}) AND r.author_id IS NOT NULL)
      AND (r.max_distance_m IS NULL
           OR ST_DWithin(r.location, %(home_public)s::geography, r.max_distance_m))
    ORDER BY r.public_location <-> %(home)s::geography
    LIMIT 51
) n
JOIN requests_board_helpcategory c ON c.id = n.category_id
JOIN neighbors_user u ON u.id = n.author_id
WHERE ST_DWithin(n.public_location, %(home)s::geography, %(radius)s)
ORDER BY n.d, n.id
"""

PG_COUNT_WITHIN = """
SELECT count(*) FROM requests_board_helprequest
WHERE status = 'open' AND ST_DWithin(public_location, %(home)s::geography, %(radius)s)
"""

SL_NEARBY = """
SELECT r.id, r.title, r.description, r.urgency, r.status, r.needed_by, r.max_distance_m,
       r.created_at, r.expires_at, r.author_id, u.display_name,
       c.slug, c.name_en, c.name_fr, c.icon,
       X(r.public_location), Y(r.public_location),
       Distance(r.public_location, MakePoint(%(lng)s, %(lat)s, 4326), 0) AS d
FROM requests_board_helprequest r
JOIN requests_board_helpcategory c ON c.id = r.category_id
JOIN neighbors_user u ON u.id = r.author_id
WHERE r.id IN (
    SELECT ROWID FROM SpatialIndex
    WHERE f_table_name = 'requests_board_helprequest' AND f_geometry_column = 'public_location'
      AND search_frame = BuildMbr(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))
  AND r.status = 'open' AND r.expires_at > %(now)s AND r.author_id <> %(viewer)s
  AND NOT r.hidden AND NOT (r.author_id IN ({RESTRICTED_SL}) AND r.author_id IS NOT NULL)
  AND PtDistWithin(r.public_location, MakePoint(%(lng)s, %(lat)s, 4326), %(radius)s, 0)
  AND (r.max_distance_m IS NULL
       OR PtDistWithin(r.location, MakePoint(%(plng)s, %(plat)s, 4326), r.max_distance_m, 0))
ORDER BY d, r.id
LIMIT 51
"""

SL_COUNT_WITHIN = """
SELECT count(*) FROM requests_board_helprequest r
WHERE r.id IN (
    SELECT ROWID FROM SpatialIndex
    WHERE f_table_name = 'requests_board_helprequest' AND f_geometry_column = 'public_location'
      AND search_frame = BuildMbr(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))
  AND r.status = 'open'
  AND PtDistWithin(r.public_location, MakePoint(%(lng)s, %(lat)s, 4326), %(radius)s, 0)
"""

PG_MAP_REQUESTS = """
SELECT r.id, r.title, r.urgency,
       ST_X(r.public_location::geometry), ST_Y(r.public_location::geometry), c.slug, c.icon
FROM requests_board_helprequest r
JOIN requests_board_helpcategory c ON c.id = r.category_id
WHERE r.status = 'open' AND r.expires_at > now()
  AND NOT r.hidden AND NOT (r.author_id IN ({RESTRICTED}) AND r.author_id IS NOT NULL)
  AND r.public_location && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326)::geography
  AND ST_X(r.public_location::geometry) BETWEEN %(x0)s AND %(x1)s
  AND ST_Y(r.public_location::geometry) BETWEEN %(y0)s AND %(y1)s
LIMIT %(limit)s
"""

PG_MAP_OFFERS = """
SELECT o.id, ST_X(o.public_location::geometry), ST_Y(o.public_location::geometry), u.display_name
FROM requests_board_volunteeroffer o
JOIN neighbors_user u ON u.id = o.volunteer_id
WHERE o.is_active AND NOT o.hidden AND o.volunteer_id NOT IN ({RESTRICTED})
  AND o.public_location && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326)::geography
  AND ST_X(o.public_location::geometry) BETWEEN %(x0)s AND %(x1)s
  AND ST_Y(o.public_location::geometry) BETWEEN %(y0)s AND %(y1)s
LIMIT %(limit)s
"""

MAP_CELLS = """
SELECT kind, count, sum_lat, sum_lng FROM requests_board_mapcell
WHERE level = %(level)s AND kind IN ('request', 'offer')
  AND x BETWEEN %(cx0)s AND %(cx1)s AND y BETWEEN %(cy0)s AND %(cy1)s AND count > 0
LIMIT %(cap)s
"""


# The visibility rules (requests_board.visibility.requests_public, offers_public):
# not hidden by moderation, and not by an author under a sanction.
RESTRICTED = (
    "SELECT s.id FROM neighbors_user s WHERE s.banned_at IS NOT NULL OR s.suspended_until > now()"
)
RESTRICTED_SL = (
    "SELECT s.id FROM neighbors_user s WHERE s.banned_at IS NOT NULL OR s.suspended_until > %(now)s"
)
PG_NEARBY, PG_NEARBY_KNN, PG_MAP_REQUESTS, PG_MAP_OFFERS = (
    sql.replace("{RESTRICTED}", RESTRICTED)
    for sql in (PG_NEARBY, PG_NEARBY_KNN, PG_MAP_REQUESTS, PG_MAP_OFFERS)
)
SL_NEARBY = SL_NEARBY.replace("{RESTRICTED_SL}", RESTRICTED_SL)


def ewkt(point) -> str:
    return f"SRID=4326;POINT({point.x!r} {point.y!r})"


def nearby_params(viewer, vendor: str, now) -> dict:
    home, home_public, radius = viewer.home, viewer.home_public, viewer.walk_radius_m
    if vendor == "postgresql":
        return {
            "viewer": viewer.pk,
            "home": ewkt(home),
            "home_public": ewkt(home_public),
            "radius": radius,
        }
    from django.db import connection

    from geo.privacy import METRES_PER_DEGREE_LAT

    dlat = radius / METRES_PER_DEGREE_LAT * 1.01
    dlng = radius / (METRES_PER_DEGREE_LAT * math.cos(math.radians(home.y))) * 1.01
    return {
        "viewer": viewer.pk,
        "lng": home.x,
        "lat": home.y,
        "plng": home_public.x,
        "plat": home_public.y,
        "radius": radius,
        "x0": home.x - dlng,
        "y0": home.y - dlat,
        "x1": home.x + dlng,
        "y1": home.y + dlat,
        "now": connection.ops.adapt_datetimefield_value(now),
    }


def map_level(bbox, zoom: int) -> int:
    """The level map_features picks (selectors.py), computed the same way; the
    run counts answers whose feature count differs from the ORM's."""
    from django.conf import settings

    from requests_board.map_cells import LEVELS, cell_count

    cap = settings.MAP_MAX_FEATURES
    level = LEVELS[0]
    for candidate in LEVELS:
        if candidate <= zoom + 1 and 2 * cell_count(bbox, candidate) <= cap:
            level = candidate
    return level


def map_sql(cursor, bbox, zoom: int) -> tuple[int, bool]:
    """What map_features answers, in hand-written SQL: (features, clustered)."""
    from django.conf import settings

    from requests_board.map_cells import cells_in_bbox

    cap = settings.MAP_MAX_FEATURES
    box = {"x0": bbox[0], "y0": bbox[1], "x1": bbox[2], "y1": bbox[3]}
    if zoom >= settings.MAP_POINTS_MIN_ZOOM:
        cursor.execute(PG_MAP_REQUESTS, {**box, "limit": cap + 1})
        requests = cursor.fetchall()
        offers = []
        if len(requests) <= cap:
            cursor.execute(PG_MAP_OFFERS, {**box, "limit": cap + 1 - len(requests)})
            offers = cursor.fetchall()
        if len(requests) + len(offers) <= cap:
            return len(requests) + len(offers), False
    level = map_level(bbox, zoom)
    cx0, cy0, cx1, cy1 = cells_in_bbox(bbox, level)
    cursor.execute(
        MAP_CELLS, {"level": level, "cx0": cx0, "cy0": cy0, "cx1": cx1, "cy1": cy1, "cap": cap}
    )
    return len(cursor.fetchall()), True


# --- Measuring ----------------------------------------------------------------


class Capture:
    """connection.execute_wrapper: every statement with its wall time."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - started))

    def nearby_query(self):
        for sql, params, seconds in self.queries:
            if "requests_board_helprequest" in sql and "LIMIT" in sql:
                return sql, params, seconds
        raise RuntimeError("the nearby statement was not captured")


def timed_fetch(cursor, sql, params) -> tuple[float, list]:
    started = time.perf_counter()
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    return ms(time.perf_counter() - started), rows


def explain_times(cursor, sql, params) -> float:
    """Planning + execution time as the server reports it (no per-node timing)."""
    cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, params)
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Planning Time"] + plan[0]["Execution Time"]


def explain_text(cursor, sql, params) -> str:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    return "\n".join(row[0] for row in cursor.fetchall())


def sqlite_plan(cursor, sql, params) -> str:
    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(str(row[-1]) for row in cursor.fetchall())


def density(viewers, vendor: str, now) -> dict:
    from django.db import connection

    cursor = connection.create_cursor()
    counts = []
    for viewer in viewers:
        params = nearby_params(viewer, vendor, now)
        cursor.execute(PG_COUNT_WITHIN if vendor == "postgresql" else SL_COUNT_WITHIN, params)
        counts.append(cursor.fetchone()[0])
    counts.sort()
    return {
        "mean": sum(counts) / len(counts),
        "p50": counts[len(counts) // 2],
        "p95": counts[int(len(counts) * 0.95)],
        "max": counts[-1],
        "under_51": sum(1 for c in counts if c < 51),
        "viewers": len(counts),
    }


def suggested_page(viewer, page: int = 1):
    """An ORM reference written in the bench (not app code): KNN alone in SQL
    (ORDER BY <-> without a second key, no ST_DWithin in WHERE), the radius
    applied to the page's rows, the selector's joins. Nearest-first means no
    row beyond the radius can come before one inside it, so the answer is the
    same. Returns (rows, has_next)."""
    from django.contrib.gis.db.models.functions import GeometryDistance
    from django.db.models import F, Q
    from django.utils import timezone

    from geo.distance import metres_between
    from neighbors.models import User
    from requests_board.models import HelpRequest

    qs = (
        HelpRequest.objects.filter(status="open", expires_at__gt=timezone.now(), hidden=False)
        .exclude(author__in=User.objects.restricted())
        .exclude(author=viewer)
        .select_related("category", "author")
        .filter(
            Q(max_distance_m__isnull=True)
            | Q(location__distance_lte=(viewer.home_public, F("max_distance_m")))
        )
        .order_by(GeometryDistance("public_location", viewer.home))
    )
    offset = (page - 1) * 50
    rows = [
        r
        for r in qs[offset : offset + 51]
        if metres_between(viewer.home, r.public_location) <= viewer.walk_radius_m
    ]
    return rows[:50], len(rows) > 50


def measure_nearby_db(viewers, iterations: int, detail: int, results: dict) -> None:
    """Every iteration: the selector (with the time of each statement it runs),
    the hand-written SQL, the suggested queryset. The first `detail` iterations
    also replay the selector's statement, list its queryset alone, and ask the
    server for its own timing (EXPLAIN ANALYZE): at a million rows the
    selector's statement can take seconds, and these repeat it."""
    from django.db import connection, reset_queries
    from django.utils import timezone

    from requests_board.selectors import help_requests_nearby

    vendor = connection.vendor
    postgis = vendor == "postgresql"
    hand_sql = PG_NEARBY if postgis else SL_NEARBY
    connection.ensure_connection()
    cursor = connection.create_cursor()  # a raw cursor: no debug wrapper
    now = timezone.now()

    def hand(viewer, sql=hand_sql):
        return timed_fetch(cursor, sql, nearby_params(viewer, vendor, now))

    def timed(function):
        started = time.perf_counter()
        value = function()
        return ms(time.perf_counter() - started), value

    print("nearby (database): warming up", flush=True)
    for index, viewer in enumerate(viewers):
        if index < 20:
            help_requests_nearby(viewer=viewer, page=1)
        hand(viewer)
        if postgis:
            hand(viewer, PG_NEARBY_KNN)
            suggested_page(viewer)
    series = {
        name: []
        for name in (
            "selector",
            "selector_sql_wrapped",
            "selector_all_queries",
            "selector_python",
            "selector_sql_replay",
            "hand_sql",
            "hand_sql_knn",
            "queryset_suggested",
        )
    }
    statements, suggested_statements = {}, {}
    mismatch_details = []
    mismatches = {"selector": 0}
    if postgis:
        mismatches.update(hand_sql_knn=0, queryset_suggested=0)
    print(f"nearby (database): {iterations} iterations", flush=True)
    for i in range(iterations):
        viewer = viewers[i % len(viewers)]
        capture = Capture()
        with connection.execute_wrapper(capture):
            elapsed, page = timed(lambda v=viewer: help_requests_nearby(viewer=v, page=1))
        reset_queries()
        series["selector"].append(elapsed)
        selector_queries = len(capture.queries)
        sql, params, seconds = capture.nearby_query()
        statements[viewer.pk] = (sql, params)
        all_queries = ms(sum(q[2] for q in capture.queries))
        series["selector_sql_wrapped"].append(ms(seconds))
        series["selector_all_queries"].append(all_queries)
        series["selector_python"].append(elapsed - all_queries)
        if i < detail:
            series["selector_sql_replay"].append(timed_fetch(cursor, sql, params)[0])
        elapsed, rows = hand(viewer)
        series["hand_sql"].append(elapsed)
        expected_ids = {r[0] for r in rows[:50]}
        expected_next = len(rows) > 50
        got_ids = {m.item.pk for m in page.results}
        if got_ids != expected_ids or page.has_next != expected_next:
            mismatches["selector"] += 1
            if len(mismatch_details) < 20:
                mismatch_details.append(
                    {
                        "viewer": viewer.pk,
                        "only_selector": sorted(got_ids - expected_ids),
                        "only_hand_sql": sorted(expected_ids - got_ids),
                        "has_next": [page.has_next, expected_next],
                    }
                )
        if not postgis:
            continue
        elapsed, rows = hand(viewer, PG_NEARBY_KNN)
        series["hand_sql_knn"].append(elapsed)
        if {r[0] for r in rows[:50]} != expected_ids or (len(rows) > 50) != expected_next:
            mismatches["hand_sql_knn"] += 1
        capture = Capture()
        with connection.execute_wrapper(capture):
            elapsed, (rows, has_next) = timed(lambda v=viewer: suggested_page(v))
        reset_queries()
        suggested_statements[viewer.pk] = capture.queries[0][:2]
        series["queryset_suggested"].append(elapsed)
        if {r.pk for r in rows} != expected_ids or has_next != expected_next:
            mismatches["queryset_suggested"] += 1

    server = {"selector_sql": [], "hand_sql": [], "hand_sql_knn": [], "queryset_suggested": []}
    if postgis:
        for viewer in viewers[: min(detail, iterations)]:
            server["selector_sql"].append(explain_times(cursor, *statements[viewer.pk]))
            params = nearby_params(viewer, vendor, now)
            server["hand_sql"].append(explain_times(cursor, hand_sql, params))
            server["hand_sql_knn"].append(explain_times(cursor, PG_NEARBY_KNN, params))
            server["queryset_suggested"].append(
                explain_times(cursor, *suggested_statements[viewer.pk])
            )
    results["nearby_db"] = {
        **{name: summary(values) for name, values in series.items() if values},
        **{f"{name}_server": summary(values) for name, values in server.items() if values},
        "mismatches": mismatches,
        "mismatch_details": mismatch_details,
        "queries_per_call": selector_queries,
    }

    # Plans for the slowest viewer and a median one.
    replay = series["selector_sql_wrapped"]
    order = sorted(range(len(replay)), key=replay.__getitem__)
    plans = {}
    for label, index in {"slowest": order[-1], "median": order[len(order) // 2]}.items():
        viewer = viewers[index % len(viewers)]
        sql, params = statements[viewer.pk]
        hand_params = nearby_params(viewer, vendor, now)
        if postgis:
            plans[label] = {
                "viewer": viewer.pk,
                "orm_sql": cursor.mogrify(sql, params).decode(),
                "orm_plan": explain_text(cursor, sql, params),
                "hand_plan": explain_text(cursor, hand_sql, hand_params),
                "hand_knn_plan": explain_text(cursor, PG_NEARBY_KNN, hand_params),
                "suggested_plan": explain_text(cursor, *suggested_statements[viewer.pk]),
            }
        else:
            plans[label] = {
                "viewer": viewer.pk,
                "orm_sql": sql,
                "orm_plan": sqlite_plan(cursor, sql, params),
                "hand_plan": sqlite_plan(cursor, hand_sql, hand_params),
            }
    results["nearby_plans"] = plans
    cursor.close()


def map_cases(viewers) -> list[tuple[str, int, list]]:
    cases = []
    for zoom in (16, 15, 14):
        boxes = [viewport_box(v.home.x, v.home.y, zoom) for v in viewers]
        cases.append((f"z{zoom}", zoom, boxes))
    cases.append(("z12", 12, [PARIS_BOX]))
    return cases


def measure_map_db(viewers, iterations: int, results: dict) -> None:
    from django.conf import settings
    from django.db import connection, reset_queries

    from requests_board.selectors import map_features

    cap = settings.MAP_MAX_FEATURES
    connection.ensure_connection()
    cursor = connection.create_cursor()
    results["map_db"] = {}
    for label, zoom, boxes in map_cases(viewers):
        for box in boxes[:50]:
            map_features(bbox=box, zoom=zoom)
            map_sql(cursor, box, zoom)
        orm, orm_sql, hand, features, clustered, over_cap, mismatches = [], [], [], [], 0, 0, 0
        for i in range(iterations):
            box = boxes[i % len(boxes)]
            capture = Capture()
            with connection.execute_wrapper(capture):
                started = time.perf_counter()
                answer = map_features(bbox=box, zoom=zoom)
                orm.append(ms(time.perf_counter() - started))
            reset_queries()
            orm_sql.append(ms(sum(q[2] for q in capture.queries)))
            started = time.perf_counter()
            n_hand, _clustered = map_sql(cursor, box, zoom)
            hand.append(ms(time.perf_counter() - started))
            n = len(answer["features"])
            features.append(n)
            clustered += bool(answer.get("clustered"))
            over_cap += n > cap
            mismatches += n != n_hand
        # The plan of the ORM's request query on one box, if it ran one.
        plan = None
        if zoom >= settings.MAP_POINTS_MIN_ZOOM:
            capture = Capture()
            with connection.execute_wrapper(capture):
                map_features(bbox=boxes[0], zoom=zoom)
            reset_queries()
            sql, params, _s = capture.queries[0]
            plan = explain_text(cursor, sql, params)
            hand_plan = explain_text(
                cursor,
                PG_MAP_REQUESTS,
                {
                    "x0": boxes[0][0],
                    "y0": boxes[0][1],
                    "x1": boxes[0][2],
                    "y1": boxes[0][3],
                    "limit": cap + 1,
                },
            )
            plan = {"orm_sql": cursor.mogrify(sql, params).decode(), "orm": plan, "hand": hand_plan}
        results["map_db"][label] = {
            "zoom": zoom,
            "orm": summary(orm),
            "orm_sql_time": summary(orm_sql),
            "hand_sql": summary(hand),
            "features_mean": sum(features) / len(features),
            "features_max": max(features),
            "clustered": clustered,
            "over_cap": over_cap,
            "mismatches": mismatches,
            "plan": plan,
        }
        print(f"map {label}: done", flush=True)
    cursor.close()


def measure_inprocess_floor(viewer, iterations: int) -> dict:
    """bench/_floor.py in a fresh process: /api/v1/categories through the test
    Client and through the ASGI application, without a server."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_floor.py"))]
        + [viewer.auth_token.key, str(iterations)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if result.returncode:
        raise SystemExit(f"bench/_floor.py failed:\n{result.stderr}")
    return json.loads(result.stdout)


def http_series(port: int, requests: list, warmup: list) -> list:
    """Runs bench/_http_client.py (a separate, small process) over the requests:
    [[ms, status, items]...]."""
    spec = {"port": port, "warmup": warmup, "requests": requests}
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_http_client.py"))],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"bench/_http_client.py failed:\n{result.stderr}")
    return json.loads(result.stdout)


def measure_http(database_url: str, viewers, iterations: int, conn_max_age: int) -> dict:
    from django.conf import settings

    cap = settings.MAP_MAX_FEATURES
    results = {}
    extra = {"DATABASE_CONN_MAX_AGE": str(conn_max_age)}
    auth = [
        {"Authorization": f"Token {v.auth_token.key}", "Accept-Language": "en"} for v in viewers
    ]

    def series(port: int, paths: list[str], warmup: int) -> list:
        requests = [[paths[i % len(paths)], auth[i % len(auth)]] for i in range(iterations)]
        warmup = min(warmup, iterations)
        warm = [[paths[-1 - i % len(paths)], auth[-1 - i % len(auth)]] for i in range(warmup)]
        return http_series(port, requests, warm)

    with Daphne(database_url, extra) as server:
        # The floor: a trivial endpoint (the token, then one small query).
        answers = series(server.port, ["/api/v1/categories"], 20)
        results["floor"] = {
            "http": summary([a[0] for a in answers]),
            "errors": sum(a[1] != 200 for a in answers),
        }
        answers = series(server.port, ["/api/v1/requests/nearby"], 10)
        counts = [a[2] for a in answers if a[1] == 200]
        results["nearby"] = {
            "http": summary([a[0] for a in answers]),
            "errors": sum(a[1] != 200 for a in answers),
            "results_mean": sum(counts) / max(len(counts), 1),
        }
        for label, zoom, boxes in map_cases(viewers):
            paths = [f"/api/v1/map?bbox={','.join(map(str, b))}&zoom={zoom}" for b in boxes]
            answers = series(server.port, paths, 20)
            features = [a[2] for a in answers if a[1] == 200]
            results[f"map_{label}"] = {
                "http": summary([a[0] for a in answers]),
                "errors": sum(a[1] != 200 for a in answers),
                "features_max": max(features) if features else None,
                "over_cap": sum(1 for n in features if n > cap),
            }
    return results


# --- Report -------------------------------------------------------------------


NEARBY_ROWS = [
    ("selector", "nearby: selector, whole call (ORM)"),
    ("selector_python", "nearby: selector, Python part (call - queries)"),
    ("selector_all_queries", "nearby: selector, all its queries"),
    ("selector_sql_wrapped", "nearby: selector's SQL, in the call"),
    ("selector_sql_replay", "nearby: selector's SQL, replayed"),
    ("selector_sql_server", "nearby: selector's SQL, server time"),
    ("hand_sql", "nearby: hand-written SQL (radius + nearest)"),
    ("hand_sql_server", "nearby: hand-written SQL, server time"),
    ("hand_sql_knn", "nearby: hand-written SQL, KNN then radius"),
    ("hand_sql_knn_server", "nearby: hand SQL KNN then radius, server"),
    ("queryset_suggested", "nearby: KNN-first queryset, bench-side ORM"),
    ("queryset_suggested_server", "nearby: KNN-first queryset, server time"),
]


def print_report(results: dict) -> None:
    db = results["nearby_db"]
    backend = results["backend"]
    http = results.get("http", {})
    rows = [(label, db[key]) for key, label in NEARBY_ROWS if key in db]
    floor = results.get("floor_in_process")
    if floor:
        rows.append(("floor: categories, test Client, in process", floor["test_client"]))
        rows.append(("floor: categories, ASGI app, in process", floor["asgi_in_process"]))
    for variant, h in http.items():
        rows.append((f"HTTP floor: GET /api/v1/categories ({variant})", h["floor"]["http"]))
    for variant, h in http.items():
        rows.append((f"nearby: HTTP ({variant})", h["nearby"]["http"]))
    for label, m in results.get("map_db", {}).items():
        rows.append((f"map {label}: map_features (ORM)", m["orm"]))
        rows.append((f"map {label}: its SQL statements", m["orm_sql_time"]))
        rows.append((f"map {label}: hand-written SQL", m["hand_sql"]))
        for variant, h in http.items():
            rows.append((f"map {label}: HTTP ({variant})", h[f"map_{label}"]["http"]))
    load = results["load"]
    print()
    print(table(rows, f"{backend}, {load['rows']:,} open requests"))
    print()
    print("ratios (p50 / p95):")

    def show(label, a, b):
        print(f"  {label:<52} {fmt(ratio(a, b, 'p50')):>6} / {fmt(ratio(a, b, 'p95')):>6}")

    show("nearby selector (whole call) / hand SQL", db["selector"], db["hand_sql"])
    show(
        "nearby selector's SQL (in the call) / hand SQL", db["selector_sql_wrapped"], db["hand_sql"]
    )
    if "selector_sql_server" in db:
        show(
            "nearby selector's SQL / hand SQL (server time)",
            db["selector_sql_server"],
            db["hand_sql_server"],
        )
    if "hand_sql_knn" in db:
        show("nearby selector (whole call) / hand SQL KNN", db["selector"], db["hand_sql_knn"])
        show("nearby selector's SQL / hand SQL KNN", db["selector_sql_wrapped"], db["hand_sql_knn"])
        show(
            "nearby KNN-first queryset / hand SQL KNN", db["queryset_suggested"], db["hand_sql_knn"]
        )
    for variant, h in http.items():
        show(f"nearby HTTP ({variant}) / hand SQL", h["nearby"]["http"], db["hand_sql"])
    for label, m in results.get("map_db", {}).items():
        show(f"map {label} map_features / hand SQL", m["orm"], m["hand_sql"])
        for variant, h in http.items():
            show(
                f"map {label} HTTP ({variant}) / hand SQL", h[f"map_{label}"]["http"], m["hand_sql"]
            )
    print()
    print(
        f"answers differing from the hand-written SQL (of {db['selector']['n']}): "
        + ", ".join(f"{k} {v}" for k, v in db["mismatches"].items())
    )
    print(f"queries per selector call: {db['queries_per_call']}")
    if floor:
        per = floor["per_asgi_request"]
        print(
            f"per ASGI request (in process): {per['sync_to_async']:.0f} sync_to_async hops, "
            f"{per['new_connections']:.1f} new database connections ({per['connect_ms']:.1f} ms), "
            f"{per['statements']:.0f} statements ({per['statements_ms']:.1f} ms)"
        )
    dens = results.get("density")
    if dens:
        print(
            "open requests within a viewer's 1 km: "
            f"mean {dens['mean']:.0f}, p50 {dens['p50']}, p95 {dens['p95']}, max {dens['max']}; "
            f"viewers with fewer than 51: {dens['under_51']} of {dens['viewers']}"
        )
    for variant, h in http.items():
        errors = sum(v.get("errors", 0) for v in h.values())
        print(
            f"HTTP ({variant}): nearby results per page {h['nearby']['results_mean']:.1f}, "
            f"non-200 answers {errors}"
        )
    for label, m in results.get("map_db", {}).items():
        http_caps = [
            (h[f"map_{label}"]["features_max"], h[f"map_{label}"]["over_cap"])
            for h in http.values()
        ]
        print(
            f"map {label}: features mean {m['features_mean']:.0f}, max {m['features_max']}"
            + "".join(f" (HTTP max {c[0]})" for c in http_caps)
            + f"; clustered {m['clustered']}/{m['orm']['n']}; over the cap {m['over_cap']}"
            + "".join(f" (HTTP {c[1]})" for c in http_caps)
            + f"; feature counts differing from hand SQL {m['mismatches']}"
        )
    print(
        "load: "
        + ", ".join(
            f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in load.items()
            if k not in ("indexes", "spatial_index")
        )
    )
    if "spatial_index" in load:
        print(f"SpatiaLite spatial index: {load['spatial_index']}")
    print(f"app sources: {results.get('sources')}")

    goals = []
    if backend == "postgis":
        p95 = db["selector_sql_wrapped"]["p95"]
        goals.append(("nearby DB p95 < 10 ms (selector's SQL)", p95, p95 < 10))
        p95 = db["selector"]["p95"]
        goals.append(("nearby DB p95 < 10 ms (whole selector call)", p95, p95 < 10))
        for variant, h in http.items():
            p95 = h["nearby"]["http"]["p95"]
            goals.append((f"nearby HTTP p95 < 30 ms ({variant})", p95, p95 < 30))
        # Against the faster of the two hand-written forms.
        best = min((db[k] for k in ("hand_sql", "hand_sql_knn") if k in db), key=lambda s: s["p95"])
        r = ratio(db["selector_sql_wrapped"], best, "p95")
        goals.append(("nearby selector's SQL within 1.5x of best hand SQL (p95)", r, r <= 1.5))
        r = ratio(db["selector"], best, "p95")
        goals.append(("nearby whole selector within 1.5x of best hand SQL (p95)", r, r <= 1.5))
        for label, m in results.get("map_db", {}).items():
            p95 = m["orm"]["p95"]
            ok = p95 < 50 and m["over_cap"] == 0
            goals.append((f"map {label} p95 < 50 ms, <= 500 features (map_features)", p95, ok))
            for variant, h in http.items():
                p95 = h[f"map_{label}"]["http"]["p95"]
                ok = p95 < 50 and h[f"map_{label}"]["over_cap"] == 0
                goals.append(
                    (f"map {label} HTTP p95 < 50 ms, <= 500 features ({variant})", p95, ok)
                )
        print()
        print(f"goals (set for 1,000,000 posts; this run has {load['rows']:,}):")
        for label, value, ok in goals:
            print(f"  {'met   ' if ok else 'MISSED'} {label:<62} {fmt(value)}")
    results["goals"] = [{"goal": g, "value": v, "met": ok} for g, v, ok in goals]
    if backend != "postgis":
        print(
            "\nnot measured on SpatiaLite: the map, HTTP and the goals "
            "(their hand-written SQL and the server runs are PostGIS only)"
        )

    for label, plan in results.get("nearby_plans", {}).items():
        for key, title in (
            ("orm_plan", "selector's SQL"),
            ("hand_plan", "hand-written SQL"),
            ("hand_knn_plan", "hand-written SQL, KNN then radius"),
            ("suggested_plan", "suggested queryset"),
        ):
            if key in plan:
                print(f"\n--- nearby, {label} viewer (user {plan['viewer']}): {title}")
                print(plan[key])
    for label, m in results.get("map_db", {}).items():
        if m.get("plan"):
            print(f"\n--- map {label}: the ORM's request query")
            print(m["plan"]["orm"])
            print(f"\n--- map {label}: hand-written request query")
            print(m["plan"]["hand"])


# --- Main -----------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="open requests to load")
    parser.add_argument("--spatialite", action="store_true", help="a SpatiaLite file under /tmp")
    parser.add_argument("--database-url", help="use this (empty) database instead of a cluster")
    parser.add_argument("--reuse", action="store_true", help="measure an already loaded database")
    parser.add_argument("--keep", action="store_true", help="leave the cluster / file in place")
    parser.add_argument("--pg-port", type=int, default=55499)
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra server setting for the cluster, e.g. shared_preload_libraries=postgis-3",
    )
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--db-iterations", type=int, default=300)
    parser.add_argument(
        "--detail-iterations",
        type=int,
        default=60,
        help="iterations that also replay the selector's SQL and EXPLAIN ANALYZE it",
    )
    parser.add_argument("--http-iterations", type=int, default=200)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--conn-max-age",
        default="0",
        help="DATABASE_CONN_MAX_AGE values, one daphne run each (comma separated, e.g. 0,60)",
    )
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: "
        + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in QUICK.items())
        + " (options given explicitly still win)",
    )
    args = parser.parse_args()
    if args.quick:
        parser.set_defaults(**QUICK)
        args = parser.parse_args()
    return args


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cluster = None
    sqlite_dir = None
    results = {"args": vars(args), "load": {}}
    try:
        if args.spatialite:
            if args.database_url:
                url = args.database_url
            else:
                sqlite_dir = Path(tempfile.mkdtemp(prefix="entraide-bench-sl."))
                url = f"spatialite:///{sqlite_dir / 'bench.sqlite3'}"
            results["backend"] = "spatialite"
        elif args.database_url:
            url = args.database_url
            results["backend"] = "postgis"
        else:
            cluster = ThrowawayPostgres(args.pg_port, settings=args.pg_setting)
            started = time.perf_counter()
            url = cluster.start()
            print(f"PostgreSQL on port {args.pg_port}: {time.perf_counter() - started:.1f} s")
            results["backend"] = "postgis"
        configure_environment(url)

        import django

        django.setup()
        migrate()
        from django.db import connection
        from django.utils import timezone

        viewers = load(args, results["load"])
        results["sources"] = {name: source_digest(ROOT / name) for name in SOURCES}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT version(), postgis_full_version()")
                results["versions"] = cursor.fetchone()
                settings = {}
                for name in ("shared_buffers", "jit", "max_parallel_workers_per_gather"):
                    cursor.execute(f"SHOW {name}")
                    settings[name] = cursor.fetchone()[0]
                cursor.execute("SHOW shared_preload_libraries")
                settings["shared_preload_libraries"] = cursor.fetchone()[0]
                results["pg_settings"] = settings
                print(f"PostgreSQL settings seen by the app's connection: {settings}")
        results["density"] = density(viewers, connection.vendor, timezone.now())
        measure_nearby_db(viewers, args.db_iterations, args.detail_iterations, results)
        if connection.vendor == "postgresql":
            measure_map_db(viewers, args.db_iterations, results)
            if not args.no_http:
                results["http"] = {}
                connection.close()
                results["floor_in_process"] = measure_inprocess_floor(
                    viewers[0], args.http_iterations
                )
                connection.close()
                for age in [int(a) for a in args.conn_max_age.split(",") if a]:
                    variant = f"CONN_MAX_AGE={age}"
                    print(f"HTTP through daphne, {variant}", flush=True)
                    results["http"][variant] = measure_http(url, viewers, args.http_iterations, age)
        print_report(results)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
            print(f"\nresults written to {args.json}")
    finally:
        if cluster is not None:
            if args.keep:
                print(f"cluster left running: {cluster.url} (data in {cluster.work})")
            else:
                try:
                    from django.db import connections

                    connections.close_all()
                except Exception:  # noqa: BLE001, S110 (Django may not be set up)
                    pass
                cluster.stop()
        if sqlite_dir is not None:
            if args.keep:
                print(f"SpatiaLite file left in place: {sqlite_dir / 'bench.sqlite3'}")
            else:
                shutil.rmtree(sqlite_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
