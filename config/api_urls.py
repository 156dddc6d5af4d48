"""/api/v1/: the public contract of DESIGN.md, gathered from the apps."""

from django.urls import include, path

urlpatterns = [
    path("", include("neighbors.api_urls")),
    path("", include("relays.api_urls")),
    path("", include("push.api_urls")),
    path("", include("sms.verification_api_urls")),
    path("", include("requests_board.api_urls")),
    path("", include("chat.api_urls")),
    path("", include("moderation.api_urls")),
    path("", include("data_rights.api_urls")),
]
