from django.contrib import admin

from relays.models import Relay


@admin.register(Relay)
class RelayAdmin(admin.ModelAdmin):
    """Relays per zone. The neighbours they keep are not shown here: their
    places and numbers are for their relay alone."""

    list_display = ["user", "created_at"]
    filter_horizontal = ["zones"]
    raw_id_fields = ["user", "named_by"]
    search_fields = ["user__email", "user__display_name"]
