"""The map's settings for the pages' scripts."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from geo.points import lat_lng


def map_config(request) -> dict:
    """What the map scripts need, passed as inline JSON (json_script)."""
    user = request.user
    center = None
    if user.is_authenticated and user.home_public is not None:
        # Even on the owner's pages the map opens on the public point; the
        # exact home is only drawn by the profile page's own marker.
        center = lat_lng(user.home_public)
    if center is None:
        lat, lng = settings.MAP_DEFAULT_CENTER
        center = {"lat": lat, "lng": lng}
    return {
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "center": center,
        "zoom": settings.MAP_DEFAULT_ZOOM,
        "api": reverse("api-map"),
        "detail": reverse("board:request", args=[0]).replace("/0/", "/{id}/"),
        "labels": {
            "request": _("Request"),
            "offer": _("Offer"),
            "cluster": _("%(count)s here: zoom in to see them"),
            "open": _("See the request"),
        },
    }
