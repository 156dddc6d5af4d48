"""Spatial filters that use the spatial index on both backends.

STACK-FACTS.md: on PostGIS, `dwithin` on a geography column and KNN ordering
(`<->`, Django's GeometryDistance) use the GiST index; `Distance` ordering and
`distance_lte` do not. On SpatiaLite, Django's lookups never use the R*Tree
and `dwithin` misreads metres, so a bounding-box prefilter through the
`SpatialIndex` virtual table comes first, then an exact distance check.
The difference between the two stays in this module.
"""

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from geo.distance import metres_between
from geo.points import bbox_around


def _is_postgis() -> bool:
    return connection.vendor == "postgresql"


def _spatialite_index_filter(qs: QuerySet, field: str, bbox) -> QuerySet:
    model = qs.model
    column = model._meta.get_field(field).column
    sql = (
        "SELECT ROWID FROM SpatialIndex WHERE f_table_name = %s AND f_geometry_column = %s "
        "AND search_frame = BuildMbr(%s, %s, %s, %s, 4326)"
    )
    return qs.filter(pk__in=RawSQL(sql, [model._meta.db_table, column, *bbox]))  # noqa: S611 (bound parameters)


def within(qs: QuerySet, field: str, point: Point, radius_m: float) -> QuerySet:
    """Rows whose `field` lies within `radius_m` metres of `point`, index-assisted."""
    if _is_postgis():
        return qs.filter(**{f"{field}__dwithin": (point, D(m=radius_m))})
    # A little slack on the box: the exact check follows.
    qs = _spatialite_index_filter(qs, field, bbox_around(point, radius_m * 1.01))
    return qs.filter(**{f"{field}__distance_lte": (point, D(m=radius_m))})


def nearest_first(qs: QuerySet, field: str, point: Point) -> QuerySet:
    """Ordered nearest first: KNN on the GiST index on PostGIS (a single
    ORDER BY key, or the planner cannot walk the index in order); on
    SpatiaLite (a village, not a city) a distance sort."""
    if _is_postgis():
        return qs.order_by(GeometryDistance(field, point))
    return qs.annotate(_distance=Distance(field, point)).order_by("_distance", "pk")


def nearest_within(
    qs: QuerySet, field: str, point: Point, radius_m: float, *, offset: int, limit: int
) -> tuple[list, bool]:
    """One page of the rows within `radius_m` of `point`, nearest first, and
    whether more follow.

    On PostGIS the radius is not in the SQL: `ST_DWithin` there makes the
    planner fetch every row in the circle (thousands in a dense city) and
    sort them, instead of walking the KNN index and stopping after one page
    (bench/nearby.py: p95 243 ms against 1.6 ms at 100,000 posts). Nearest
    first, nothing beyond the radius can come before something inside it, so
    filtering the page afterwards gives the same answer."""
    if _is_postgis():
        rows = list(nearest_first(qs, field, point)[offset : offset + limit + 1])
        inside = [row for row in rows if metres_between(point, getattr(row, field)) <= radius_m]
        return inside[:limit], len(inside) > limit
    rows = list(
        nearest_first(within(qs, field, point, radius_m), field, point)[offset : offset + limit + 1]
    )
    return rows[:limit], len(rows) > limit


def in_bbox(qs: QuerySet, field: str, bbox: tuple[float, float, float, float]) -> QuerySet:
    """Rows whose `field` is inside the lng/lat box (min_lng, min_lat, max_lng, max_lat).

    Geography `&&` admits points slightly outside a lat/lng box (edges are
    great circles), so the exact box is applied on top of the index filter."""
    min_lng, min_lat, max_lng, max_lat = bbox
    column = qs.model._meta.get_field(field).column
    table = qs.model._meta.db_table
    if _is_postgis():
        qs = qs.extra(  # noqa: S610 (parameters are bound)
            where=[f'"{table}"."{column}" && ST_MakeEnvelope(%s, %s, %s, %s, 4326)::geography'],
            params=[min_lng, min_lat, max_lng, max_lat],
        )
        exact = (
            f'ST_X("{table}"."{column}"::geometry) BETWEEN %s AND %s '
            f'AND ST_Y("{table}"."{column}"::geometry) BETWEEN %s AND %s'
        )
    else:
        qs = _spatialite_index_filter(qs, field, bbox)
        exact = f'ST_X("{table}"."{column}") BETWEEN %s AND %s AND ST_Y("{table}"."{column}") BETWEEN %s AND %s'
    return qs.extra(where=[exact], params=[min_lng, max_lng, min_lat, max_lat])  # noqa: S610
