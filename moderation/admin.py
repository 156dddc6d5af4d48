from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from moderation.models import ModerationAction, Moderator, Report


@admin.register(Moderator)
class ModeratorAdmin(admin.ModelAdmin):
    list_display = ["user", "everywhere"]
    filter_horizontal = ["zones"]
    autocomplete_fields = ["user"]
    search_fields = ["user__email", "user__display_name"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "target_type",
        "target_id",
        "reason",
        "zone_names",
        "status",
        "outcome",
    ]
    list_filter = ["status", "reason", "target_type", "zones"]
    readonly_fields = [f.name for f in Report._meta.fields] + ["zones"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("zones")

    @admin.display(description=_("zones"))
    def zone_names(self, report):
        return ", ".join(zone.name for zone in report.zones.all())

    def has_add_permission(self, request):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log, read-only: append-only in the model too."""

    list_display = ["created_at", "moderator_name", "action", "target_type", "target_id", "zone"]
    list_filter = ["action", "zone"]
    readonly_fields = [f.name for f in ModerationAction._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
