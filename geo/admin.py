from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from geo.models import Zone


@admin.register(Zone)
class ZoneAdmin(LeafletGeoAdmin):
    """Zones are drawn on the map (Leaflet widget)."""

    list_display = ["name"]
    search_fields = ["name"]
