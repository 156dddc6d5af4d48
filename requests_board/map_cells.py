"""Counts of open posts per web-mercator grid cell, for low-zoom maps.

A cell at level L is one tile of the standard z/x/y scheme at zoom L.
requests_board.visibility adds or removes a post's public point from its
cell at every level when it goes on or off the map, so a city-wide map reads a few hundred counters
instead of clustering a million points on the fly (STACK-FACTS.md).
"""

import math

from django.db import connection

from requests_board.models import MapCell

LEVELS = (8, 10, 12, 14, 16)


def cell_of(lng: float, lat: float, level: int) -> tuple[int, int]:
    n = 2**level
    lat = max(min(lat, 85.0511), -85.0511)
    x = int((lng + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def cells_in_bbox(bbox, level: int) -> tuple[int, int, int, int]:
    """(min_x, min_y, max_x, max_y) of the cells covering the box at `level`."""
    min_lng, min_lat, max_lng, max_lat = bbox
    x0, y1 = cell_of(min_lng, min_lat, level)
    x1, y0 = cell_of(max_lng, max_lat, level)
    return x0, y0, x1, y1


def cell_count(bbox, level: int) -> int:
    x0, y0, x1, y1 = cells_in_bbox(bbox, level)
    return (x1 - x0 + 1) * (y1 - y0 + 1)


def map_cells_adjust(*, kind: str, point, delta: int) -> None:
    """Adds (delta=1) or removes (delta=-1) one post at every level, atomically
    on both backends (INSERT ... ON CONFLICT is the same in both dialects)."""
    lng, lat = point.x, point.y
    table = MapCell._meta.db_table
    rows = []
    params = []
    for level in LEVELS:
        x, y = cell_of(lng, lat, level)
        rows.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += [level, x, y, kind, delta, lat * delta, lng * delta]
    sql = (
        f"INSERT INTO {table} (level, x, y, kind, count, sum_lat, sum_lng) VALUES "  # noqa: S608
        + ", ".join(rows)
        + " ON CONFLICT (level, kind, x, y) DO UPDATE SET "
        f"count = {table}.count + excluded.count, "
        f"sum_lat = {table}.sum_lat + excluded.sum_lat, "
        f"sum_lng = {table}.sum_lng + excluded.sum_lng"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def map_cells_in_bbox(*, bbox, level: int, kinds=("request", "offer")):
    x0, y0, x1, y1 = cells_in_bbox(bbox, level)
    return MapCell.objects.filter(
        level=level, kind__in=kinds, x__gte=x0, x__lte=x1, y__gte=y0, y__lte=y1, count__gt=0
    )
