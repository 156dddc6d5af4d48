from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from requests_board.models import HelpRequest, VolunteerOffer


@admin.register(HelpRequest)
class HelpRequestAdmin(LeafletGeoAdmin):
    list_display = ["title", "author", "category", "urgency", "status", "created_at"]
    list_filter = ["status", "urgency", "category"]
    readonly_fields = ["public_location"]


@admin.register(VolunteerOffer)
class VolunteerOfferAdmin(LeafletGeoAdmin):
    list_display = ["volunteer", "radius_m", "is_active", "created_at"]
    readonly_fields = ["public_location"]
