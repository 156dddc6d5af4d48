"""Public points: what everyone but the owner sees instead of an exact point.

DESIGN.md, "Location privacy": the exact point is snapped to a grid cell of
PUBLIC_GRID_M metres, then placed at an offset inside the cell derived from a
keyed hash of the object's identity. The result is the same on every call and
for every position inside the cell, so neither averaging nor small moves of
the exact point reveal more than the cell.
"""

import hashlib
import hmac
import math

from django.conf import settings
from django.contrib.gis.geos import Point

from geo.points import METRES_PER_DEGREE_LAT, SRID, degrees_for


def _offset(identity: str) -> tuple[float, float]:
    """Two fractions in [0.1, 0.9), stable for an identity, unknowable without the key."""
    digest = hmac.new(settings.LOCATION_KEY.encode(), identity.encode(), hashlib.sha256).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    v = int.from_bytes(digest[8:16], "big") / 2**64
    # Keep away from the cell's edges so a public point never sits on a border.
    return 0.1 + 0.8 * u, 0.1 + 0.8 * v


def grid_cell(exact: Point, grid_m: float | None = None) -> tuple[int, int, float, float]:
    """(row, col, cell height, cell width in degrees) of the cell holding `exact`."""
    grid_m = grid_m or settings.PUBLIC_GRID_M
    dlat = grid_m / METRES_PER_DEGREE_LAT
    row = math.floor(exact.y / dlat)
    _dlat, dlng = degrees_for(grid_m, at_lat=(row + 0.5) * dlat)
    return row, math.floor(exact.x / dlng), dlat, dlng


def public_point(exact: Point, *, identity: str, grid_m: float | None = None) -> Point:
    """The public point of `exact` for the object named `identity` (e.g. "home:42")."""
    row, col, dlat, dlng = grid_cell(exact, grid_m)
    fy, fx = _offset(identity)
    return Point((col + fx) * dlng, (row + fy) * dlat, srid=SRID)
