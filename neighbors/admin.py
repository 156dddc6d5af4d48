from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin

from neighbors.forms import AdminLoginForm
from neighbors.models import HelpCategory, User
from neighbors.services import user_home_move_by_staff

# Staff accounts hold everyone's exact homes: the admin's login is rate
# limited like the site's own.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(LeafletGeoAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["home_public", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "display_name",
                    "home",
                    "home_public",
                    "walk_radius_m",
                    "skills",
                    "languages",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]},
        ),
    ]
    filter_horizontal = ["skills", "groups", "user_permissions"]

    def save_model(self, request, obj, form, change):
        if not (change and "home" in form.changed_data):
            return super().save_model(request, obj, form, change)
        new_home, obj.home = obj.home, form.initial.get("home")
        user_home_move_by_staff(
            user=obj,
            home=new_home,
            save=lambda: super(UserAdmin, self).save_model(request, obj, form, change),
        )


@admin.register(HelpCategory)
class HelpCategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_fr", "icon", "position"]
