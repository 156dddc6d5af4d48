"""The one place that turns a located object into its public representation.

API responses, map GeoJSON, HTML (text, data attributes, inline JSON) and
websocket frames all get an object's position from `public_place`, which only
ever reads the stored public point. Exact points leave the server through
`owner_place` alone, and only to whoever selectors say may see them.
"""

from geo.points import lat_lng


def public_place(obj) -> dict:
    """{"public_location": {"lat", "lng"}} for an object with a `public_location`
    (requests, offers) or a `home_public` (users)."""
    point = getattr(obj, "public_location", None)
    if point is None:
        point = getattr(obj, "home_public", None)
    return {"public_location": lat_lng(point)}
