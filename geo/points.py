"""Points as the API speaks them: {"lat", "lng"} in WGS 84 (SRID 4326)."""

import math

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SRID = 4326
METRES_PER_DEGREE_LAT = 111_320.0


def degrees_for(metres: float, *, at_lat: float) -> tuple[float, float]:
    """(degrees of latitude, degrees of longitude) spanning `metres` at a latitude."""
    dlat = metres / METRES_PER_DEGREE_LAT
    return dlat, dlat / max(math.cos(math.radians(at_lat)), 0.01)


def bbox_around(point: Point, metres: float) -> tuple[float, float, float, float]:
    """(min_lng, min_lat, max_lng, max_lat) of the square `metres` around a point."""
    dlat, dlng = degrees_for(metres, at_lat=point.y)
    return point.x - dlng, point.y - dlat, point.x + dlng, point.y + dlat


def point_from_lat_lng(lat, lng) -> Point:
    """A validated point; raises ValidationError (with a field dict) on bad input."""
    errors = {}
    values = {}
    for name, value, limit in (("lat", lat, 90), ("lng", lng, 180)):
        if isinstance(value, bool) or value is None or value == "":
            errors[name] = _("A number is required.")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[name] = _("A number is required.")
            continue
        if not math.isfinite(number):
            errors[name] = _("A finite number is required.")
        elif not -limit <= number <= limit:
            errors[name] = _("Must be between %(min)s and %(max)s.") % {
                "min": -limit,
                "max": limit,
            }
        else:
            values[name] = number
    if errors:
        raise ValidationError(errors)
    return Point(values["lng"], values["lat"], srid=SRID)


def lat_lng(point: Point | None) -> dict | None:
    """The {"lat", "lng"} form of a point, rounded to about 10 cm."""
    if point is None:
        return None
    return {"lat": round(point.y, 6), "lng": round(point.x, 6)}
