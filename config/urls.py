from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health, metrics, pwa, views
from neighbors import views as neighbors_views

urlpatterns = [
    path("", include("requests_board.urls")),
    path("", include("neighbors.urls")),
    path("", include("relays.urls")),
    path("", include("chat.urls")),
    path("", include("sms.urls")),
    path("", include("moderation.urls")),
    path("", include("data_rights.urls")),
    path("accounts/", include("allauth.urls")),
    # The installable app (DESIGN.md, "Reach"): at the root, so that the
    # service worker's scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    # Django's language switch, remembered for the person's emails.
    path("i18n/setlang/", neighbors_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: anything else under /api/ is the API's JSON 404, even in development mode.
    re_path(r"^api/", views.api_not_found),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.forbidden"
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
