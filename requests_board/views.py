from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from geo.points import lat_lng
from requests_board import selectors


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
        "home_set": user.is_authenticated and user.home_public is not None,
        "labels": {"request": _("Request"), "offer": _("Offer")},
    }


def home(request):
    items = selectors.map_items()
    return render(
        request,
        "requests_board/home.html",
        {
            "items": items,
            "requests": [i for i in items if i["kind"] == "request"],
            "offers": [i for i in items if i["kind"] == "offer"],
            "map_config": map_config(request),
        },
    )
