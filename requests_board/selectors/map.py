"""The map (points, or counts per cell at low zoom) and its list twin."""

from django.conf import settings

from geo.public import public_place
from geo.queries import in_bbox
from requests_board.map_cells import LEVELS, cell_count, map_cells_in_bbox
from requests_board.selectors.matching import PAGE_SIZE
from requests_board.visibility import offers_public, requests_public
from safety.selectors import blocked_user_ids


def _point_feature(kind: str, obj, properties: dict) -> dict:
    location = public_place(obj)["public_location"]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [location["lng"], location["lat"]]},
        "properties": {"kind": kind, "id": obj.pk, **properties},
    }


def _points_in_box(*, bbox, viewer, cap: int) -> list[dict] | None:
    """The public points in the box as features, or None if more than `cap`."""
    # Points of people the viewer is separated from by a block are left out;
    # cluster counts say nothing about anyone.
    hidden = blocked_user_ids(viewer) or [0]
    # No ORDER BY: the model's default (-created_at) would make the database
    # fetch and sort every point in the box before the LIMIT.
    requests_in_box = (
        in_bbox(requests_public(), "public_location", bbox).exclude(author_id__in=hidden).order_by()
    )
    offers_in_box = (
        in_bbox(offers_public(), "public_location", bbox)
        .exclude(volunteer_id__in=hidden)
        .order_by()
    )
    # The requests are counted first (at most cap + 1 ids, nothing built): in
    # a dense city a box at these zooms holds thousands, and building cap + 1
    # rows and their points only to find that they do not fit was most of the
    # map's time (bench/city_load.py). Offers are far fewer.
    if requests_in_box.values("pk")[: cap + 1].count() > cap:
        return None
    requests = list(
        requests_in_box.select_related("category").only(
            "id", "title", "urgency", "public_location", "category__slug", "category__icon"
        )[: cap + 1]
    )
    offers = list(
        offers_in_box.select_related("volunteer").only(
            "id", "public_location", "volunteer__display_name"
        )[: cap + 1 - len(requests)]
    )
    if len(requests) + len(offers) > cap:
        return None
    features = [
        _point_feature(
            "request",
            r,
            {
                "title": r.title,
                "category": r.category.slug,
                "icon": r.category.icon,
                "urgency": r.urgency,
            },
        )
        for r in requests
    ]
    features += [
        _point_feature("offer", o, {"title": o.volunteer.display_name, "icon": "🙋"})
        for o in offers
    ]
    return features


def map_features(*, bbox, zoom: int, viewer=None) -> dict:
    """A GeoJSON FeatureCollection of public points in the box, or of cluster
    counts where points would be too many; never more than MAP_MAX_FEATURES."""
    cap = settings.MAP_MAX_FEATURES
    if zoom >= settings.MAP_POINTS_MIN_ZOOM:
        features = _points_in_box(bbox=bbox, viewer=viewer, cap=cap)
        if features is not None:
            return {"type": "FeatureCollection", "features": features, "clustered": False}
    level = LEVELS[0]
    for candidate in LEVELS:
        if candidate <= zoom + 1 and 2 * cell_count(bbox, candidate) <= cap:
            level = candidate
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(c.sum_lng / c.count, 6), round(c.sum_lat / c.count, 6)],
            },
            "properties": {"cluster": True, "kind": c.kind, "count": c.count},
        }
        for c in map_cells_in_bbox(bbox=bbox, level=level)[:cap]
    ]
    return {"type": "FeatureCollection", "features": features, "clustered": True}


def help_requests_in_area(
    *, bbox, category: str | None = None, urgency: str | None = None, viewer=None
):
    """Open requests in a box, newest first: the list twin of the map for
    visitors without a home."""
    qs = (
        in_bbox(requests_public(), "public_location", bbox)
        .exclude(author_id__in=blocked_user_ids(viewer) or [0])
        .select_related("category", "author")
    )
    if category:
        qs = qs.filter(category__slug=category)
    if urgency:
        qs = qs.filter(urgency=urgency)
    return qs.order_by("-created_at")[:PAGE_SIZE]


def offers_in_area(*, bbox, viewer=None):
    qs = in_bbox(offers_public(), "public_location", bbox).exclude(
        volunteer_id__in=blocked_user_ids(viewer) or [0]
    )
    return (
        qs.select_related("volunteer")
        .prefetch_related("categories")
        .order_by("-created_at")[:PAGE_SIZE]
    )
